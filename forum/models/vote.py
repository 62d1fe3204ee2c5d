"""Votes: one row per user and post, the database enforcing uniqueness."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class Vote(Model):
    """An up (+1) or down (-1) vote on exactly one question or answer."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("user_id", "question_id", name="uq_votes_user_question"),
        UniqueConstraint("user_id", "answer_id", name="uq_votes_user_answer"),
        CheckConstraint("value IN (-1, 1)", name="value_valid"),
        CheckConstraint(
            "(question_id IS NULL) <> (answer_id IS NULL)", name="one_target"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True, default=None
    )
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), index=True, default=None
    )
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
