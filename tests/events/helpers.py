"""Events for tests, through the services."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from forum.events.services import EventFields, SessionFields, create_event, move_event
from forum.extensions import db
from forum.models import Event, Theme, User
from forum.models.base import utcnow


def fields(**overrides) -> EventFields:  # type: ignore[no-untyped-def]
    """A valid online webinar in ten days, 15:00-17:00 Rome time."""
    day = (utcnow() + timedelta(days=10)).date()
    theme = db.session.scalars(select(Theme.id).order_by(Theme.position)).first()
    values = dict(title="Tariffe dei nidi e ISEE: casi pratici", kind="webinar",
                  summary="Due ore di casi reali su ISEE e tariffe, con domande.",
                  sessions=(SessionFields(day, time(15), time(17)),),
                  organiser="Redazione Officina", theme_ids=(theme,),
                  online_url="https://meet.example.org/officina/tariffe")
    values.update(overrides)
    return EventFields(**values)  # type: ignore[arg-type]


def published_event(organiser: User, **overrides) -> Event:  # type: ignore[no-untyped-def]
    """A published event made by `organiser` (a moderator or an organiser)."""
    event = create_event(organiser, fields(**overrides))
    return move_event(organiser, event.id, "pubblicato")


def on(day: date, hour: int, minute: int = 0) -> SessionFields:
    """A one-hour session on `day` at `hour`:`minute` Rome time."""
    return SessionFields(day, time(hour, minute), time(hour + 1, minute))
