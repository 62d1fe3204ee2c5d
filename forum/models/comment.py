"""Comments on questions and answers, threaded through `parent_id`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User


class Comment(Model):
    """A comment; `question_id` is always set so a whole thread loads in one query."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), index=True, default=None
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), default=None
    )
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Hidden (soft-deleted) by a moderator or by trusted flags; reversible, reason shown.
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")

    @property
    def is_hidden(self) -> bool:
        """Hidden posts are visible only to their author and moderators."""
        return self.hidden_at is not None
