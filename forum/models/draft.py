"""Unsent texts of the ask and answer forms, kept for signed-in members across devices."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow

# The predicates of the two partial unique indexes, also the targets of the upsert.
ASK_WHERE = text("kind = 'ask'")
ANSWER_WHERE = text("kind = 'answer'")


class DraftKind(StrEnum):
    """Which form a draft belongs to (the values are stored and appear in URLs)."""

    ASK = "ask"
    ANSWER = "answer"


class Draft(Model):
    """One member's unsent question, or unsent answer to one question: at most one each
    (two partial unique indexes, since a NULL question id is never equal in SQL)."""

    __tablename__ = "drafts"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'ask' AND question_id IS NULL) OR "
            "(kind = 'answer' AND question_id IS NOT NULL)", name="draft_kind_target"),
        Index("uq_drafts_ask", "user_id", unique=True,
              sqlite_where=ASK_WHERE, postgresql_where=ASK_WHERE),
        Index("uq_drafts_answer", "user_id", "question_id", unique=True,
              sqlite_where=ANSWER_WHERE, postgresql_where=ANSWER_WHERE),
        Index("ix_drafts_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), default=None)
    title: Mapped[str] = mapped_column(String(150), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
