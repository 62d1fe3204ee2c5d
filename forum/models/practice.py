"""Best practices (buone pratiche): structured records linked to the Q&A."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User


class PracticeStatus(StrEnum):
    """Where a practice stands in the editorial workflow (the values are stored)."""

    DRAFT = "bozza"
    IN_REVIEW = "in-revisione"
    PUBLISHED = "pubblicata"
    ARCHIVED = "archiviata"


# Who may move a record from one status to another (domain.md 3.8): read by the services
# and by the practice page, which offers only the moves its reader may make.
PRACTICE_WORKFLOW: dict[tuple[str, str], str] = {
    (PracticeStatus.DRAFT, PracticeStatus.IN_REVIEW): "author",
    (PracticeStatus.IN_REVIEW, PracticeStatus.PUBLISHED): "moderator",
    (PracticeStatus.IN_REVIEW, PracticeStatus.DRAFT): "moderator",
    (PracticeStatus.PUBLISHED, PracticeStatus.ARCHIVED): "moderator",
    (PracticeStatus.ARCHIVED, PracticeStatus.PUBLISHED): "admin",
}


class Practice(Model):
    """One practice; multi-valued lists live in `practice_facets` so they can be counted."""

    __tablename__ = "practices"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s.value}'" for s in PracticeStatus) + ")",
            name="status_valid",
        ),
        CheckConstraint("end_year IS NULL OR end_year >= start_year", name="years_ordered"),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget_positive"),
        # With the id, PostgreSQL counts published practices and their facets from the index.
        Index("ix_practices_status_published", "status", "published_at", "id"),
        # The facet cache's version reads these maxima from the end of each index.
        Index("ix_practices_updated", "updated_at"),
        Index("ix_practices_created", "created_at"),
        Index("ix_practices_published", "published_at"),
        Index("ix_practices_creator_created", "created_by_id", "created_at"),  # profiles
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True, default=None)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    description: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text, default="")
    lead_organisation: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[str] = mapped_column(String(40))
    level_of_government: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(2), index=True, default=None)
    autonomous_province: Mapped[str | None] = mapped_column(String(10), default=None)
    municipality: Mapped[str | None] = mapped_column(String(120), default=None)
    population_band: Mapped[str | None] = mapped_column(String(20), default=None)
    main_theme: Mapped[str] = mapped_column(String(60))
    start_year: Mapped[int]
    end_year: Mapped[int | None] = mapped_column(default=None)
    stage: Mapped[str] = mapped_column(String(20))
    budget_eur: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    budget_notes: Mapped[str | None] = mapped_column(String(300), default=None)
    partners: Mapped[list] = mapped_column(JSON, default=list)
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    evaluation: Mapped[str] = mapped_column(Text, default="")
    evaluation_html: Mapped[str] = mapped_column(Text, default="")
    evidence_effectiveness: Mapped[str | None] = mapped_column(String(2), default=None)
    evidence_transferability: Mapped[str | None] = mapped_column(String(2), default=None)
    evidence_enduring_impact: Mapped[str | None] = mapped_column(String(2), default=None)
    evidence_level: Mapped[str] = mapped_column(String(20), default="non-valutata", index=True)
    evidence_assessed_by: Mapped[str | None] = mapped_column(String(30), default=None)
    transferability_notes: Mapped[str] = mapped_column(Text, default="")
    transferability_notes_html: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    challenges_html: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[list] = mapped_column(JSON, default=list)
    links: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=PracticeStatus.DRAFT.value)
    review_note: Mapped[str | None] = mapped_column(Text, default=None)
    source_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    curated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)

    facets: Mapped[list[PracticeFacet]] = relationship(
        lazy="raise_on_sql", cascade="all, delete-orphan", order_by="PracticeFacet.position"
    )
    created_by: Mapped[User | None] = relationship(
        foreign_keys=[created_by_id], lazy="raise_on_sql"
    )
    curated_by: Mapped[User | None] = relationship(
        foreign_keys=[curated_by_id], lazy="raise_on_sql"
    )

    def values(self, facet: str) -> list[str]:
        """The slugs of one multi-valued field, in their saved order."""
        return [f.value for f in self.facets if f.facet == facet]

    @property
    def is_public(self) -> bool:
        """Only published practices are visible to everyone."""
        return self.status == PracticeStatus.PUBLISHED


class PracticeFacet(Model):
    """One value of a multi-valued field (theme, target group, age group, funding, keyword)."""

    __tablename__ = "practice_facets"
    __table_args__ = (
        UniqueConstraint("practice_id", "facet", "value", name="uq_practice_facets_value"),
        Index("ix_practice_facets_facet_value", "facet", "value", "practice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    facet: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


class PracticeAttachment(Model):
    """A file stored under the instance folder, served with a safe type and disposition."""

    __tablename__ = "practice_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticeReplication(Model):
    """"Ha funzionato anche da noi": one per administration and practice."""

    __tablename__ = "practice_replications"
    __table_args__ = (
        UniqueConstraint("practice_id", "organisation_key", name="uq_practice_replications_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_key: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(2), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class PracticeCitation(Model):
    """An answer citing a practice; the practice page lists the threads that cite it."""

    __tablename__ = "practice_citations"
    __table_args__ = (
        UniqueConstraint("answer_id", "practice_id", name="uq_practice_citations_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticeLink(Model):
    """A practice a moderator pinned to a discussion: shown first among related ones."""

    __tablename__ = "practice_links"
    __table_args__ = (
        UniqueConstraint("question_id", "practice_id", name="uq_practice_links_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    pinned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
