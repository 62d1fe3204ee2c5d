"""Which events each calendar feed lists, and the personal feed's secret token.

Public feeds (all events, a theme's) list what an anonymous visitor may see; the
personal feed lists the owner's active registrations and the published events of the
themes they watch, as far as the owner may see them.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import write_intent
from forum.errors import NotFound
from forum.extensions import db, login_manager
from forum.models import (
    ACTIVE_REGISTRATIONS,
    Event,
    EventStatus,
    Follow,
    FollowTarget,
    Level,
    Registration,
    Theme,
    User,
    event_themes,
)
from forum.models.base import utcnow

RECENT_DAYS = 60  # ended events stay in feeds this long
FEED_LIMIT = 500
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_LISTED = (EventStatus.PUBLISHED, EventStatus.ENDED)


def _events(*conditions: object) -> list[Event]:
    since = utcnow() - timedelta(days=RECENT_DAYS)
    stmt = (select(Event).where(Event.ends_at >= since, *conditions)  # type: ignore[arg-type]
            .options(selectinload(Event.sessions))
            .order_by(Event.starts_at, Event.id).limit(FEED_LIMIT))
    return list(db.session.scalars(stmt))


def _public(events: list[Event]) -> list[Event]:
    anonymous = login_manager.anonymous_user()
    return [e for e in events if permissions.can_view_event(anonymous, e)]


def public_events() -> list[Event]:
    """Published upcoming events and those ended in the last weeks, as anyone sees them."""
    return _public(_events(Event.status.in_(_LISTED)))


def theme_events(slug: str) -> tuple[Theme, list[Event]]:
    """A theme and its public events; NotFound for an unknown theme."""
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if theme is None:
        raise NotFound(_("Tema non trovato."))
    in_theme = select(event_themes.c.event_id).where(event_themes.c.theme_id == theme.id)
    return theme, _public(_events(Event.status.in_(_LISTED), Event.id.in_(in_theme)))


def event_for_feed(slug: str, viewer: object) -> Event:
    """One event's calendar: as its page, drafts and events the viewer may not see are
    a 404."""
    event = db.session.scalar(select(Event).where(Event.slug == slug)
                              .options(selectinload(Event.sessions)))
    if event is None or event.status == EventStatus.DRAFT or not permissions.can_view_event(
            viewer, event):
        raise NotFound(_("Incontro non trovato."))
    return event


def owner_of_token(token: str) -> User:
    """The member whose personal feed this token opens; a malformed, reset or unknown
    token is a 404 that says so."""
    user = None
    if _TOKEN.match(token or ""):
        user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None:
        raise NotFound(_("Calendario non trovato: il link non è valido o è stato "
                         "rigenerato. Copia quello nuovo dalla pagina «Il mio calendario» "
                         "del tuo profilo."))
    return user


def personal_events(user: User) -> list[Event]:
    """The owner's active registrations (cancelled events included, so calendars drop
    them) and the published events of the themes they watch."""
    registered = select(Registration.event_id).where(
        Registration.user_id == user.id, Registration.status.in_(ACTIVE_REGISTRATIONS))
    watched = select(event_themes.c.event_id).where(event_themes.c.theme_id.in_(
        select(Follow.target_id).where(
            Follow.user_id == user.id, Follow.target_type == FollowTarget.THEME,
            Follow.level == Level.WATCHING)))
    events = _events(or_(
        Event.id.in_(registered) & (Event.status != EventStatus.DRAFT),
        Event.id.in_(watched) & Event.status.in_(_LISTED)))
    return [e for e in events if permissions.can_view_event(user, e)]


def reset_calendar_token(user: User) -> str:
    """A new secret for the member's personal feed; the old address stops working."""
    token = secrets.token_urlsafe(32)
    with write_intent():
        db.session.execute(update(User).where(User.id == user.id)
                           .values(calendar_token=token))
        db.session.commit()
    return token
