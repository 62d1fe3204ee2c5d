"""Files attached to questions and answers (delibere, regolamenti, moduli).

The file itself goes through the shared mechanism (`forum.attachments`); a row says which
post it belongs to. Removing a file from a post only marks the row (`removed_at`): the
revision recorded by that edit still lists it, so the older version keeps its download.
A moderator's redaction also marks the files only its hidden versions list (`redacted_at`):
those are downloadable by admins only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class PostAttachment(Model):
    """One file of a question or of an answer (exactly one of the two)."""

    __tablename__ = "post_attachments"
    __table_args__ = (
        CheckConstraint("(question_id IS NULL) <> (answer_id IS NULL)",
                        name="post_attachment_one_post"),
        Index("ix_post_attachments_question", "question_id"),
        Index("ix_post_attachments_answer", "answer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), default=None)
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), default=None)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when an edit took the file off the post; older revisions still list it.
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when a redaction hid every version that lists the file: admins only download it.
    redacted_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_removed(self) -> bool:
        """Whether the current version of the post no longer lists it."""
        return self.removed_at is not None

    @property
    def is_redacted(self) -> bool:
        """Whether only versions hidden by a redaction list it (admins only see it)."""
        return self.redacted_at is not None

    def as_snapshot(self) -> dict[str, object]:
        """How a revision remembers it: enough to list and link it without a query."""
        return {"id": self.id, "filename": self.filename, "size": self.size_bytes}
