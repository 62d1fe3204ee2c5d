"""Revisions: what a question, answer or practice looked like before each edit.

One table for every content type, keyed by (content_type, content_id), with the
previous state as a JSON snapshot: a new revisable type (guidelines) adds a kind and
its adapter in `forum/revisions/kinds.py`, not a table and a fourth copy of the logic.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User


class RevisionKind(StrEnum):
    """The content types that keep a history (the values are stored)."""

    QUESTION = "question"
    ANSWER = "answer"
    PRACTICE = "practice"
    COMMENT = "comment"  # comments keep no history page: only the redacted originals


class Revision(Model):
    """The state of one piece of content before an edit, and who made that edit when."""

    __tablename__ = "revisions"
    __table_args__ = (
        Index("ix_revisions_content", "content_type", "content_id", "id"),
        CheckConstraint("content_type IN ('question', 'answer', 'practice', 'comment')",
                        name="revision_content_type_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    content_id: Mapped[int]
    editor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator redacted personal data from the content: this state (and every
    # earlier one) is then shown to admins only, in history, diffs and rollbacks.
    redacted_at: Mapped[datetime | None] = mapped_column(default=None)

    editor: Mapped[User | None] = relationship(lazy="raise_on_sql")
