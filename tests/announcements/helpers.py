"""Priorities for tests, through the services."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from forum.announcements.queries import today
from forum.announcements.services import AnnouncementFields, create_announcement
from forum.extensions import db
from forum.models import Announcement, Theme, User

THEME = "servizi-educativi-0-6"


def theme_id(slug: str = THEME) -> int:
    return db.session.scalars(select(Theme.id).where(Theme.slug == slug)).one()


def fields(**overrides) -> AnnouncementFields:  # type: ignore[no-untyped-def]
    """A priority valid from today, open-ended, on the early-years theme."""
    values = dict(title="Priorità 2027: posti nido nelle aree interne",
                  body="Nel 2027 la redazione segue in particolare i **posti nido** nei "
                       "comuni delle aree interne.",
                  theme_ids=(theme_id(),), valid_from=today(), valid_until=None)
    values.update(overrides)
    return AnnouncementFields(**values)  # type: ignore[arg-type]


def make_priority(board: User, **overrides) -> Announcement:  # type: ignore[no-untyped-def]
    return create_announcement(board, fields(**overrides))


def days(n: int) -> date:
    return today() + timedelta(days=n)
