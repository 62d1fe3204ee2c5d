"""Answers, their revisions, and the acceptance records of solutions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.question import Question
from forum.models.user import User


class Answer(Model):
    """An answer to a question; `score` is kept equal to the sum of its votes."""

    __tablename__ = "answers"
    __table_args__ = (
        # A profile's latest answers: one member's, newest first, a page at a time.
        Index("ix_answers_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Hidden (soft-deleted) by a moderator or by trusted flags; reversible, reason shown.
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")
    question: Mapped[Question] = relationship(foreign_keys=[question_id], lazy="raise_on_sql")

    @property
    def is_hidden(self) -> bool:
        """Hidden posts are visible only to their author and moderators."""
        return self.hidden_at is not None


class Acceptance(Model):
    """Who accepted which answer, when, and in what capacity; withdrawn rows stay for audit.

    At most one current (not withdrawn) acceptance per question, enforced by a
    partial unique index on both SQLite and PostgreSQL.
    """

    __tablename__ = "acceptances"
    __table_args__ = (
        Index(
            "uq_acceptances_current",
            "question_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    accepted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    as_moderator: Mapped[bool] = mapped_column(default=False)
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    accepted_by: Mapped[User] = relationship(foreign_keys=[accepted_by_id], lazy="raise_on_sql")
