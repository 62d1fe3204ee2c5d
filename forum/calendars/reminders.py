"""Reminders a day and an hour before an event, to its confirmed registrants, never twice.

`send_reminders` is what `flask events remind` runs (cron, on every node at once if need
be): each registration is claimed by a conditional UPDATE (`... WHERE reminded_x_at IS
NULL`) in the same transaction that queues its e-mail, so two runs at once send one
reminder; a run that fails leaves nothing stamped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from forum.database import write_intent
from forum.extensions import db
from forum.i18n import long_datetime
from forum.models import Event, EventStatus, Registration, RegistrationStatus, User

DAY, HOUR = timedelta(hours=24), timedelta(hours=1)


@dataclass
class ReminderReport:
    """What one run sent."""

    day: int = 0
    hour: int = 0


def _claim(registration_id: int, column: Any, now: datetime, *, both: bool) -> bool:
    """Stamp the reminder if nobody did; True when this run won it."""
    values: dict[Any, Any] = {column: now}
    if both:  # an hour before, the day reminder is no longer worth sending
        values[Registration.reminded_day_at] = now
    result = db.session.execute(
        update(Registration).where(Registration.id == registration_id, column.is_(None))
        .values(values).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)


def _due(now: datetime) -> list[tuple[Registration, Event, User]]:
    rows = db.session.execute(
        select(Registration, Event, User)
        .join(Event, Event.id == Registration.event_id)
        .join(User, User.id == Registration.user_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED,
               Event.status == EventStatus.PUBLISHED,
               Event.starts_at > now, Event.starts_at <= now + DAY,
               Registration.reminded_day_at.is_(None)
               | ((Event.starts_at <= now + HOUR) & Registration.reminded_hour_at.is_(None)))
        .options(selectinload(Event.sessions))
        .order_by(Event.starts_at, Registration.id))
    return list(rows)


def send_reminders(now: datetime) -> ReminderReport:
    """Remind confirmed registrants of published events starting within a day (once) and
    within an hour (once); `now` is naive UTC."""
    from forum.events.mailing import event_link, send_event_mail
    from forum.notifications.services import notify

    report = ReminderReport()
    with write_intent():
        for registration, event, member in _due(now):
            within_hour = event.starts_at <= now + HOUR
            column = Registration.reminded_hour_at if within_hour else \
                Registration.reminded_day_at
            if not _claim(registration.id, column, now, both=within_hour):
                continue
            with force_locale(member.language):
                when = long_datetime(event.starts_at)
            notify(member.id, "event_reminder", link=event_link(event), title=event.title,
                   when=when)
            which = "hour" if within_hour else "day"
            send_event_mail("reminder", event, registration, member, invitation=False,
                            key=f"event-reminder-{registration.id}-{which}")
            if within_hour:
                report.hour += 1
            else:
                report.day += 1
        db.session.commit()
    return report
