"""Reminders a day and an hour before, to confirmed registrants only, each sent once even
when the sweep runs twice, or twice at the same time."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from forum.calendars.reminders import send_reminders
from forum.events.registrations import Answers, register
from forum.extensions import db
from forum.models import Event, Notification, Registration
from forum.models.base import utcnow
from tests.calendars.helpers import invitations, mails_to
from tests.events.helpers import published_event
from tests.factories import make_user


def _event_with(capacity: int | None = None):  # type: ignore[no-untyped-def]
    event = published_event(make_user("moderator"), capacity=capacity)
    confirmed, waiting = make_user(), make_user()
    register(confirmed, event.id, Answers())
    if capacity:
        register(waiting, event.id, Answers())
    return event, confirmed, waiting


def reminders_to(address: str) -> list[str]:
    return [m["Subject"] for m in mails_to(address) if "Promemoria" in m["Subject"]]


def test_day_then_hour_reminder_each_once(app):
    event, confirmed, waiting = _event_with(capacity=1)
    start = event.starts_at
    assert send_reminders(start - timedelta(days=2)).day == 0
    report = send_reminders(start - timedelta(hours=20))
    assert (report.day, report.hour) == (1, 0)
    assert send_reminders(start - timedelta(hours=19)).day == 0  # a second run: nothing
    assert len(reminders_to(confirmed.email)) == 1
    assert reminders_to(waiting.email) == []
    report = send_reminders(start - timedelta(minutes=50))
    assert (report.day, report.hour) == (0, 1)
    assert send_reminders(start - timedelta(minutes=40)).hour == 0
    subjects = reminders_to(confirmed.email)
    assert len(subjects) == 2
    mail = [m for m in mails_to(confirmed.email) if "Promemoria" in m["Subject"]][-1]
    assert invitations(mail) == []
    assert db.session.scalar(select(Notification.params).where(
        Notification.user_id == confirmed.id, Notification.kind == "event_reminder"))["title"] \
        == event.title
    stamps = db.session.execute(select(Registration.reminded_day_at,
                                       Registration.reminded_hour_at).where(
        Registration.user_id == confirmed.id)).one()
    assert all(stamps)


def test_late_registration_gets_only_the_hour_reminder(app):
    event, confirmed, _waiting = _event_with()
    report = send_reminders(event.starts_at - timedelta(minutes=30))
    assert (report.day, report.hour) == (0, 1)
    assert send_reminders(event.starts_at - timedelta(minutes=20)).day == 0
    assert len(reminders_to(confirmed.email)) == 1


def test_no_reminder_for_cancelled_or_started_events(app):
    event, confirmed, _waiting = _event_with()
    assert send_reminders(event.starts_at + timedelta(minutes=1)).hour == 0
    db.session.get(Event, event.id).status = "annullato"
    db.session.commit()
    assert send_reminders(event.starts_at - timedelta(hours=2)).day == 0
    assert reminders_to(confirmed.email) == []


def test_two_runs_at_once_send_each_reminder_once(app):
    event = published_event(make_user("moderator"))
    members = [make_user() for _ in range(5)]
    for member in members:
        register(member, event.id, Answers())
    now = event.starts_at - timedelta(hours=3)
    emails = [member.email for member in members]
    db.session.expunge_all()
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def go() -> None:
        try:
            with app.app_context():
                barrier.wait(10)
                reports.append(send_reminders(now))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r.day for r in reports) == 5
    for email in emails:
        assert len(reminders_to(email)) == 1


def test_remind_command_is_safe_to_rerun(app, runner):
    event, confirmed, _waiting = _event_with()
    db.session.get(Event, event.id).starts_at = utcnow() + timedelta(hours=5)
    db.session.commit()
    first = runner.invoke(args=["events", "remind"])
    assert first.exit_code == 0 and "Promemoria inviati: 1" in first.output
    second = runner.invoke(args=["events", "remind"])
    assert "Promemoria inviati: 0" in second.output
    assert len(reminders_to(confirmed.email)) == 1
