"""In-app notifications: what happened, to whom, by whom, about which thread or record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class Notification(Model):
    """A message for one member; `kind` + `params` are rendered in the reader's language.

    `subject_type`/`subject_id` name what it is about (a question, a practice): unread
    notifications of one kind about one subject show as one line ("3 nuove risposte"),
    and the subject is checked again when the list is read, so hidden content never leaks.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    subject_type: Mapped[str] = mapped_column(String(16), default="", server_default="")
    subject_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
