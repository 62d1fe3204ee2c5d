"""Questions, their tags and the revisions kept on every edit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model, db
from forum.models.base import utcnow
from forum.models.group import Group
from forum.models.theme import Theme
from forum.models.user import User

question_tags = Table(
    "question_tags",
    db.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Model):
    """A free tag, stored lower-case."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)


class Question(Model):
    """A question under one theme; counters and solved state are denormalised."""

    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_theme_activity", "theme_id", "last_activity_at"),
        Index("ix_questions_activity", "last_activity_at"),
        Index("ix_questions_created", "created_at"),
        Index("ix_questions_score", "score"),
        # Holds every column the list and home counts read, so PostgreSQL counts from the
        # index alone; led by answer_count, it also finds the unanswered questions.
        Index("ix_questions_counts", "answer_count", "accepted_answer_id", "theme_id",
              "group_id", "hidden_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int] = mapped_column(default=0)
    answer_count: Mapped[int] = mapped_column(default=0)
    accepted_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", use_alter=True, ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Hidden (soft-deleted) by a moderator or by trusted flags; reversible, reason shown.
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Closed questions take no new answers; a duplicate points to its original.
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    close_reason: Mapped[str | None] = mapped_column(String(30), default=None)
    close_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None, index=True
    )
    # Locked threads take no edits, votes, comments or answers until unlocked.
    locked_at: Mapped[datetime | None] = mapped_column(default=None)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    lock_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set once: when the unanswered question was offered to experts, when the asker was
    # reminded to accept an answer.
    routed_at: Mapped[datetime | None] = mapped_column(default=None)
    accept_reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    # The working group a question was asked in (None: the public space); who reads it
    # follows from the group's kind and membership at query time.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), default=None, index=True)
    # A solved group thread published to the public space: the copy points back to its
    # source, the source to its copy; a facilitator's request waits for the asker's consent.
    published_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None)
    published_copy_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None)
    publication_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    publication_requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)

    theme: Mapped[Theme] = relationship(lazy="raise_on_sql")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")
    tags: Mapped[list[Tag]] = relationship(
        secondary=question_tags, lazy="raise_on_sql", order_by=Tag.name
    )
    # Joined with every question: each permission on a question needs its group's kind.
    group: Mapped[Group | None] = relationship(lazy="joined", innerjoin=False)

    @property
    def is_closed(self) -> bool:
        """Closed questions keep answers and solution but take no new answers."""
        return self.closed_at is not None

    @property
    def is_locked(self) -> bool:
        """Locked threads are read-only for everyone but moderators."""
        return self.locked_at is not None

    @property
    def is_hidden(self) -> bool:
        """Hidden posts are visible only to their author and moderators."""
        return self.hidden_at is not None

    @property
    def is_solved(self) -> bool:
        """Solved means an answer is currently accepted."""
        return self.accepted_answer_id is not None
