"""Accessibility feedback: what anyone reports through the statement's feedback mechanism.

The law (L. 4/2004, AgID guidelines) gives the administration 30 days to answer; the
deadline is fixed when the report arrives, so a later change of the setting does not move
the promise already made in the acknowledgement e-mail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import enum_values, utcnow


class AccessibilityReportStatus(StrEnum):
    """Open until a moderator answers it (the answer is e-mailed) or closes it unanswered
    (spam, a duplicate already answered)."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


# Allowed transitions: both end the report, so a report is answered at most once.
ACCESSIBILITY_WORKFLOW: dict[tuple[str, str], str] = {
    (AccessibilityReportStatus.OPEN, AccessibilityReportStatus.ANSWERED): "moderator",
    (AccessibilityReportStatus.OPEN, AccessibilityReportStatus.CLOSED): "moderator",
}

PAGE_URL_MAX = 500
DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 5_000
NAME_MAX = 120
EMAIL_MAX = 254
ANSWER_MAX = 10_000


class AccessibilityReport(Model):
    """One report of an accessibility problem, from a member or an anonymous visitor."""

    __tablename__ = "accessibility_reports"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(AccessibilityReportStatus)})",
                        name="accessibility_report_status_valid"),
        Index("ix_accessibility_reports_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_url: Mapped[str] = mapped_column(String(PAGE_URL_MAX), default="")
    description: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    # The reply goes out in this language (the one the reporter used the site in).
    language: Mapped[str] = mapped_column(String(5), default="it")
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True)
    status: Mapped[str] = mapped_column(String(10), default=AccessibilityReportStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    answer: Mapped[str] = mapped_column(Text, default="")
    closing_note: Mapped[str] = mapped_column(Text, default="")
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)

    @property
    def is_open(self) -> bool:
        """Still waiting for the administration's answer."""
        return self.status == AccessibilityReportStatus.OPEN
