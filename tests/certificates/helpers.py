"""Ended events with registrations, for the after-the-event tests."""

from __future__ import annotations

from datetime import time, timedelta

from forum.events.services import SessionFields, create_event, move_event
from forum.extensions import db
from forum.models import Event, Registration, User
from forum.models.base import utcnow
from tests.events.helpers import fields


def ended_event(by: User, *, confirmed: tuple[User, ...] = (),
                present: tuple[User, ...] = (), **overrides) -> Event:  # type: ignore[no-untyped-def]
    """A published event by `by` whose two sessions (9:00-11:00 and 14:00-17:30 Rome time, two
    days ago and yesterday, by UTC dates) are over and the second ended less than two days
    ago, whatever the hour of the run: 5,5 hours. `confirmed` held a seat, `present` also were
    marked present (registrations written directly: the event is past)."""
    first, second = (utcnow() - timedelta(days=2)).date(), (utcnow() - timedelta(days=1)).date()
    sessions = (SessionFields(first, time(9), time(11)),
                SessionFields(second, time(14), time(17, 30)))
    draft = create_event(by, fields(**{"sessions": sessions, **overrides}))
    event = move_event(by, draft.id, "pubblicato")
    for n, member in enumerate((*confirmed, *present), start=1):
        db.session.add(Registration(
            event_id=event.id, user_id=member.id, status="confirmed", position=n,
            organisation=f"Ente di {member.display_name}",
            attended_at=utcnow() - timedelta(days=1) if member in present else None))
    event.confirmed_count = len(confirmed) + len(present)
    db.session.commit()
    return event
