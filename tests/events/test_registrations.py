"""Registration rules: capacity, waiting list and promotion, approval, deadline,
cancellation, and exactness under concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.errors import Conflict
from forum.events.registrations import (
    Answers,
    cancel_registration,
    decide_registration,
    register,
)
from forum.extensions import db
from forum.models import Event, Notification, Registration, User
from forum.models.base import utcnow
from tests.events.helpers import published_event
from tests.factories import make_user


def statuses(event: Event) -> dict[str, int]:
    return dict(db.session.execute(select(Registration.status, func.count()).where(
        Registration.event_id == event.id).group_by(Registration.status)).all())


def test_seats_then_waiting_list_then_promotion_in_order(app):
    organiser = make_user("moderator")
    event = published_event(organiser, capacity=2)
    first, second, third, fourth = (make_user() for _ in range(4))
    for member in (first, second, third, fourth):
        register(member, event.id, Answers(job_title="Assistente sociale"))
    assert statuses(event) == {"confirmed": 2, "waiting": 2}
    cancel_registration(first, event.id)
    promoted = db.session.scalar(select(Registration).where(Registration.user_id == third.id))
    assert promoted.status == "confirmed" and promoted.promoted_at is not None
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == third.id, Notification.kind == "event_promoted"))
    db.session.refresh(event)
    assert (event.confirmed_count, event.waiting_count) == (2, 1)


def test_registering_twice_keeps_one_registration(app):
    event = published_event(make_user("moderator"))
    member = make_user()
    assert register(member, event.id, Answers()).id == register(member, event.id, Answers()).id
    assert statuses(event) == {"confirmed": 1}


def test_full_event_without_waiting_list_refuses_clearly(app):
    event = published_event(make_user("moderator"), capacity=1, waiting_list=False)
    register(make_user(), event.id, Answers())
    with pytest.raises(Conflict, match="posti sono esauriti"):
        register(make_user(), event.id, Answers())


def test_registration_after_the_deadline_is_refused(app):
    event = published_event(make_user("moderator"))
    event.registration_deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(Conflict, match="Le iscrizioni si sono chiuse"):
        register(make_user(), event.id, Answers())


def test_approval_step_confirms_while_seats_last(app):
    organiser = make_user("moderator")
    event = published_event(organiser, capacity=1, requires_approval=True)
    anna, bruno = make_user(), make_user()
    first, second = register(anna, event.id, Answers()), register(bruno, event.id, Answers())
    assert statuses(event) == {"pending": 2}
    assert decide_registration(organiser, event.id, first.id, approve=True).status == "confirmed"
    assert decide_registration(organiser, event.id, second.id, approve=True).status == "waiting"


def test_cancellation_after_the_start_is_refused(app):
    event = published_event(make_user("moderator"))
    member = make_user()
    register(member, event.id, Answers())
    event.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(Conflict, match="già iniziato"):
        cancel_registration(member, event.id)


def test_50_members_at_once_for_20_seats_make_20_confirmed_and_30_waiting(app, monkeypatch):
    # The tests' inline job runner sends each mail at commit on a second connection of the
    # committing thread: 50 threads would wait on each other for the pool (production's
    # runners only queue). The e-mails are composed, not queued.
    monkeypatch.setattr("forum.events.mailing.send_mail", lambda *args, **kwargs: 0)
    event = published_event(make_user("moderator"), capacity=20)
    event_id = event.id
    members = [make_user() for _ in range(50)]
    for member in members:  # loaded here, then used detached by the threads
        assert member.is_authenticated and member.organisation and member.status
    db.session.expunge_all()
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def go(member: User) -> None:
        try:
            barrier.wait(20)
            with app.app_context():
                register(member, event_id, Answers())
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=go, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    db.session.rollback()  # end this test's read transaction: see what the threads wrote
    fresh = db.session.get(Event, event_id)
    assert statuses(fresh) == {"confirmed": 20, "waiting": 30}
    assert (fresh.confirmed_count, fresh.waiting_count) == (20, 30)
    positions = list(db.session.scalars(select(Registration.position).where(
        Registration.event_id == event_id)))
    assert len(set(positions)) == 50
