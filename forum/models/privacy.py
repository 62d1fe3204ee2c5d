"""Privacy requests (GDPR arts. 15, 17, 20): a member's export of their data, or the
erasure of their account after a grace period."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import enum_values, utcnow
from forum.models.user import User


class RequestKind(StrEnum):
    """What the member asked for."""

    EXPORT = "export"
    DELETION = "deletion"


class RequestStatus(StrEnum):
    """Where a request stands. An export is pending while its ZIP is built, ready while the
    link works, expired once the file is gone; a deletion is pending during the grace
    period, then completed (erased) or cancelled by the member."""

    PENDING = "pending"
    READY = "ready"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


# A request still "open": asking again returns it instead of starting another one.
OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.READY)
# One open request per member and kind, even with 24 identical requests at once: a partial
# unique index that `INSERT ... ON CONFLICT DO NOTHING` uses on SQLite and PostgreSQL alike.
OPEN_WHERE = text("status IN ('pending', 'ready')")


class PrivacyRequest(Model):
    """One export or deletion request and its life; kept after erasure as the record that
    the member's request was honoured (it holds no personal data besides the user id)."""

    __tablename__ = "privacy_requests"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(RequestKind)})", name="kind_valid"),
        CheckConstraint(f"status IN ({enum_values(RequestStatus)})", name="status_valid"),
        Index("uq_privacy_requests_open", "user_id", "kind", unique=True,
              sqlite_where=OPEN_WHERE, postgresql_where=OPEN_WHERE),
        Index("ix_privacy_requests_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.PENDING)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Deletion: end of the grace period; export: nothing.
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    ready_at: Mapped[datetime | None] = mapped_column(default=None)
    # Export: the link stops working and the file is deleted after this moment.
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    # The archive's random file name inside PRIVACY_EXPORT_DIR; never shown to anyone.
    file_path: Mapped[str | None] = mapped_column(String(200), default=None)
    size_bytes: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(lazy="raise_on_sql")

    @property
    def is_open(self) -> bool:
        """Pending or ready: asking again gives this request back."""
        return self.status in OPEN_STATUSES

    @property
    def is_ready(self) -> bool:
        """An export whose archive can be downloaded."""
        return self.status == RequestStatus.READY

    def overdue(self, now: datetime | None = None) -> bool:
        """A deletion whose grace period ended and that the scheduled purge has not run."""
        return (self.kind == RequestKind.DELETION and self.status == RequestStatus.PENDING
                and self.due_at is not None and self.due_at <= (now or utcnow()))
