"""Reads for the moderators' accessibility tab: the queue by deadline, one report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from forum.errors import NotFound
from forum.extensions import db
from forum.models import AccessibilityReport, AccessibilityReportStatus
from forum.models.base import utcnow


def _local_day(moment: datetime) -> date:
    zone = ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def days_left(due_at: datetime, now: datetime | None = None) -> int:
    """Whole days until the deadline, counted in the site's timezone as the dates shown
    are (0 on its last day, negative when overdue)."""
    return (_local_day(due_at) - _local_day(now or utcnow())).days


@dataclass(frozen=True)
class QueueLine:
    """A report with its days left, as the queue shows it."""

    report: AccessibilityReport
    days_left: int

    @property
    def overdue(self) -> bool:
        """Still open past its deadline."""
        return self.report.is_open and self.days_left < 0


def report_queue(*, closed: bool = False, page: int = 1,
                 per_page: int = 20) -> tuple[list[QueueLine], int]:
    """Open reports by deadline (overdue first), or handled ones newest first; one page and
    the total, in two statements whatever the page holds."""
    order: tuple[Any, ...]
    if closed:
        where = AccessibilityReport.status != AccessibilityReportStatus.OPEN
        order = (AccessibilityReport.handled_at.desc(), AccessibilityReport.id.desc())
    else:
        where = AccessibilityReport.status == AccessibilityReportStatus.OPEN
        order = (AccessibilityReport.due_at.asc(), AccessibilityReport.id.asc())
    total = db.session.scalar(select(func.count()).select_from(AccessibilityReport)
                              .where(where)) or 0
    reports = db.session.scalars(select(AccessibilityReport).where(where).order_by(*order)
                                 .limit(per_page).offset((page - 1) * per_page))
    now = utcnow()
    return [QueueLine(r, days_left(r.due_at, now)) for r in reports], total


def open_count() -> int:
    """Reports still waiting for an answer."""
    return db.session.scalar(select(func.count()).select_from(AccessibilityReport).where(
        AccessibilityReport.status == AccessibilityReportStatus.OPEN)) or 0


def report_line(report_id: int) -> QueueLine:
    """One report with its days left; NotFound when there is none."""
    report = db.session.get(AccessibilityReport, report_id)
    if report is None:
        raise NotFound("")
    return QueueLine(report, days_left(report.due_at))
