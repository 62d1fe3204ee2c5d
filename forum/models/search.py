"""The search outbox: index work written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class SearchOutbox(Model):
    """A document to re-index; rows survive a crash and are applied by `flask search sync`."""

    __tablename__ = "search_outbox"
    __table_args__ = (Index("ix_search_outbox_doc", "doc_type", "doc_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20))
    doc_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
