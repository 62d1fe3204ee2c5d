"""Retention: personal data kept only to run the service is deleted once it has served
(GDPR art. 5(1)(e), storage limitation). Each step is one conditional statement, so
several nodes running the sweep at once do the work once. The moderation audit log is
kept: it is the record of decisions taken about members and content."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult

from forum.database import write_intent
from forum.extensions import db
from forum.models import DigestSent, Event, Job, JobStatus, Notification, Registration
from forum.models.base import utcnow


def _days(name: str) -> timedelta:
    return timedelta(days=float(current_app.config[name]))


def _run(statement: object) -> int:
    with write_intent():
        result = db.session.execute(statement)  # type: ignore[call-overload]
        db.session.commit()
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def _old_outbox_files(cutoff: datetime) -> int:
    """E-mails written to instance/outbox (no SMTP server configured) hold addresses and
    bodies: removed once older than the retention."""
    folder = Path(current_app.instance_path) / "outbox"
    if not folder.is_dir():
        return 0
    limit = cutoff.timestamp()
    count = 0
    for path in folder.glob("*.eml"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                count += 1
        except FileNotFoundError:  # another node removed it first
            continue
    return count


def prune_personal_data(now: datetime | None = None) -> dict[str, int]:
    """Delete what outlived its purpose; returns how many rows or files per kind."""
    now = now or utcnow()
    notes = now - _days("NOTIFICATION_RETENTION_DAYS")
    jobs = now - _days("JOB_PAYLOAD_RETENTION_DAYS")
    ended = select(Event.id).where(Event.ends_at < now - _days("EVENT_NEEDS_RETENTION_DAYS"))
    return {
        "notifications": _run(delete(Notification).where(Notification.created_at < notes)),
        "digests": _run(delete(DigestSent).where(DigestSent.sent_at < notes)),
        "jobs": _run(delete(Job).where(Job.status.in_((JobStatus.DONE, JobStatus.FAILED)),
                                       Job.finished_at < jobs)),
        "accessibility_needs": _run(update(Registration).where(
            Registration.event_id.in_(ended), Registration.accessibility_needs != "")
            .values(accessibility_needs="")),
        "outbox_files": _old_outbox_files(now - _days("MAIL_OUTBOX_RETENTION_DAYS")),
    }
