"""Guidelines (linee guida): living, versioned documents the community writes together.

The `Guideline` row is the working copy its owners edit; every publication writes a
`GuidelineVersion` with the text as published and a change note, so the public page always
shows the last published version while the next one is drafted or under consultation.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model, db
from forum.models.base import enum_values, utcnow
from forum.models.theme import Theme
from forum.models.user import User


class GuidelineStatus(StrEnum):
    """Where a guideline stands (the values are stored)."""

    DRAFT = "bozza"
    CONSULTATION = "in-consultazione"
    PUBLISHED = "pubblicata"
    OUTDATED = "da-aggiornare"
    ARCHIVED = "archiviata"


# The moves an owner may make; publishing (to PUBLISHED) always writes a new version.
GUIDELINE_WORKFLOW: frozenset[tuple[str, str]] = frozenset({
    (GuidelineStatus.DRAFT, GuidelineStatus.CONSULTATION),
    (GuidelineStatus.DRAFT, GuidelineStatus.PUBLISHED),
    (GuidelineStatus.CONSULTATION, GuidelineStatus.PUBLISHED),
    (GuidelineStatus.CONSULTATION, GuidelineStatus.DRAFT),
    (GuidelineStatus.PUBLISHED, GuidelineStatus.OUTDATED),
    (GuidelineStatus.PUBLISHED, GuidelineStatus.CONSULTATION),
    (GuidelineStatus.PUBLISHED, GuidelineStatus.PUBLISHED),
    (GuidelineStatus.PUBLISHED, GuidelineStatus.ARCHIVED),
    (GuidelineStatus.OUTDATED, GuidelineStatus.CONSULTATION),
    (GuidelineStatus.OUTDATED, GuidelineStatus.PUBLISHED),
    (GuidelineStatus.OUTDATED, GuidelineStatus.ARCHIVED),
    (GuidelineStatus.ARCHIVED, GuidelineStatus.DRAFT),
})


class CommentOutcome(StrEnum):
    """What the owners made of a consultation comment (the values are stored)."""

    PENDING = "in-esame"
    ACCEPTED = "recepito"
    REJECTED = "non-recepito"


guideline_themes = Table(
    "guideline_themes",
    db.metadata,
    Column("guideline_id", ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

guideline_owners = Table(
    "guideline_owners",
    db.metadata,
    Column("guideline_id", ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

# The discussions a guideline was drawn from (`source_question_ids` in domain.md 4.2).
guideline_sources = Table(
    "guideline_sources",
    db.metadata,
    Column("guideline_id", ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
)

guideline_practices = Table(
    "guideline_practices",
    db.metadata,
    Column("guideline_id", ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
)

guideline_events = Table(
    "guideline_events",
    db.metadata,
    Column("guideline_id", ForeignKey("guidelines.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
)


class Guideline(Model):
    """The working copy of a guideline; `version` is the last published one (0: never)."""

    __tablename__ = "guidelines"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(GuidelineStatus)})",
                        name="guideline_status_valid"),
        CheckConstraint("version >= 0", name="guideline_version_positive"),
        Index("ix_guidelines_status_review", "status", "review_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # [{"label": ..., "urn": "urn:nir:..." | None, "url": ... | None}]
    legal_references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_by: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=GuidelineStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=0)
    # While in consultation: when comments close (UTC).
    consultation_ends_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the owners were reminded that `review_by` passed; cleared on a new review date.
    review_reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)

    themes: Mapped[list[Theme]] = relationship(
        secondary=guideline_themes, lazy="raise_on_sql", order_by=Theme.position)
    owners: Mapped[list[User]] = relationship(secondary=guideline_owners, lazy="raise_on_sql")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id],
                                                   lazy="raise_on_sql")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id],
                                                    lazy="raise_on_sql")

    @property
    def is_public(self) -> bool:
        """Readable by everyone once a version was published (archived ones stay readable)."""
        return self.version > 0


class GuidelineVersion(Model):
    """A guideline as published: one row per publication, never changed afterwards."""

    __tablename__ = "guideline_versions"
    __table_args__ = (
        UniqueConstraint("guideline_id", "version", name="uq_guideline_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    legal_references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    change_note: Mapped[str] = mapped_column(String(1000), default="")
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship(lazy="raise_on_sql")


class GuidelineComment(Model):
    """A member's comment on one section during a consultation, and the owners' answer.

    `version` is the version the consultation prepares (the guideline's version + 1), so a
    published version can list the comments that changed it.
    """

    __tablename__ = "guideline_comments"
    __table_args__ = (
        CheckConstraint(f"outcome IN ({enum_values(CommentOutcome)})",
                        name="guideline_comment_outcome_valid"),
        Index("ix_guideline_comments_target", "guideline_id", "version", "section_anchor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    version: Mapped[int]
    section_anchor: Mapped[str] = mapped_column(String(120))
    section_title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20), default=CommentOutcome.PENDING)
    # The owners' reply (Markdown) and, for an outcome, its reason.
    reply: Mapped[str] = mapped_column(Text, default="")
    reply_html: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    responded_at: Mapped[datetime | None] = mapped_column(default=None)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id],
                                                     lazy="raise_on_sql")


class GuidelineCitation(Model):
    """An answer citing a guideline (optionally one section, by its anchor)."""

    __tablename__ = "guideline_citations"
    __table_args__ = (
        UniqueConstraint("answer_id", "guideline_id", "section_anchor",
                         name="uq_guideline_citations_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"),
                                           index=True)
    guideline_id: Mapped[int] = mapped_column(
        ForeignKey("guidelines.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             index=True)
    section_anchor: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
