"""Read paths of the event pages: lists, the month calendar, one event, its registrants.
Collections are loaded with `selectinload` (no query per event)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.errors import NotFound
from forum.events.clock import rome_to_utc, utc_to_rome
from forum.extensions import db
from forum.models import (
    Event,
    EventMaterial,
    EventSession,
    EventStatus,
    Practice,
    Registration,
    RegistrationStatus,
    Theme,
    event_practices,
    event_themes,
)
from forum.models.base import utcnow

PERIODS = ("mese", "trimestre")
LIST_LIMIT = 200


@dataclass(frozen=True)
class EventFilters:
    """What the list shows; every value comes from (and goes back to) the query string."""

    theme: str | None = None
    kind: str | None = None
    mode: str | None = None
    region: str | None = None
    period: str | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set)."""
        pairs = {"tema": self.theme, "tipo": self.kind, "modalita": self.mode,
                 "regione": self.region, "periodo": self.period}
        return {k: v for k, v in pairs.items() if v}


def _loaded(stmt: Select) -> Select:  # type: ignore[type-arg]
    return stmt.options(selectinload(Event.sessions), selectinload(Event.themes))


def _visible(viewer: Any) -> Any:
    """Public events and those of the groups the viewer reads."""
    return or_(Event.group_id.is_(None),
               Event.group_id.in_(permissions.readable_group_ids(viewer)))


def visible_to(viewer: Any) -> Any:
    """The events the viewer may see, as a WHERE clause (theme pages use it too)."""
    return _visible(viewer)


def _rome_month_start(moment: datetime) -> datetime:
    local = utc_to_rome(moment)
    return datetime(local.year, local.month, 1)


def _add_months(first: datetime, months: int) -> datetime:
    month = first.month - 1 + months
    return first.replace(year=first.year + month // 12, month=month % 12 + 1)


def _filtered(stmt: Select, filters: EventFilters, now: datetime) -> Select:  # type: ignore[type-arg]
    if filters.theme:
        stmt = stmt.where(exists().where(
            event_themes.c.event_id == Event.id, event_themes.c.theme_id == Theme.id,
            Theme.slug == filters.theme))
    if filters.kind:
        stmt = stmt.where(Event.kind == filters.kind)
    if filters.region:
        stmt = stmt.where(Event.region_code == filters.region)
    if filters.mode:
        online, present = Event.online_url != "", or_(Event.place_name != "",
                                                       Event.address != "")
        stmt = stmt.where({"online": online & ~present, "in-presenza": ~online & present,
                           "ibrida": online & present}[filters.mode])
    if filters.period:
        months = 1 if filters.period == "mese" else 3
        end = rome_to_utc(_add_months(_rome_month_start(now), months))
        stmt = stmt.where(Event.starts_at < end)
    return stmt


def upcoming_events(viewer: Any, filters: EventFilters) -> list[Event]:
    """Published events not over yet, soonest first."""
    now = utcnow()
    stmt = select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now,
                               _visible(viewer))
    stmt = _filtered(stmt, filters, now).order_by(Event.starts_at, Event.id).limit(LIST_LIMIT)
    return list(db.session.scalars(_loaded(stmt)))


def past_events(viewer: Any, page: int, per_page: int) -> Any:
    """Concluded events, the most recent first (a page of them)."""
    stmt = select(Event).where(_past(), _visible(viewer)).order_by(
        Event.ends_at.desc(), Event.id.desc())
    return db.paginate(_loaded(stmt), page=page, per_page=per_page, error_out=False)


def _past() -> Any:
    return or_(Event.status == EventStatus.ENDED,
               (Event.status == EventStatus.PUBLISHED) & (Event.ends_at <= utcnow()))


def event_sort_key(event: Event, past: bool) -> tuple[datetime, int]:
    """The keyset value of an event in the upcoming (by start) or past (by end) list."""
    return (event.ends_at if past else event.starts_at), event.id


def events_after(viewer: Any, filters: EventFilters, *, past: bool,
                 after: tuple[Any, ...] | None, limit: int) -> list[Event]:
    """Up to `limit` events of the upcoming list (soonest first) or of the archive (most
    recently ended first) after the one whose key is `after`: the API's keyset pages,
    with the list's filters and visibility."""
    now = utcnow()
    if past:
        stmt = select(Event).where(_past(), _visible(viewer)).order_by(
            Event.ends_at.desc(), Event.id.desc())
        if after is not None:
            stmt = stmt.where(or_(Event.ends_at < after[0],
                                  (Event.ends_at == after[0]) & (Event.id < after[1])))
    else:
        stmt = select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now,
                                   _visible(viewer)).order_by(Event.starts_at, Event.id)
        if after is not None:
            stmt = stmt.where(or_(Event.starts_at > after[0],
                                  (Event.starts_at == after[0]) & (Event.id > after[1])))
    stmt = _filtered(stmt, filters, now).limit(limit)
    return list(db.session.scalars(_loaded(stmt)))


def with_materials(events: list[Event]) -> dict[int, list[EventMaterial]]:
    """The materials of these events, by event id, oldest first (one query)."""
    ids = [e.id for e in events]
    found: dict[int, list[EventMaterial]] = {}
    if not ids:
        return found
    for material in db.session.scalars(select(EventMaterial).where(
            EventMaterial.event_id.in_(ids)).order_by(EventMaterial.created_at,
                                                       EventMaterial.id)):
        found.setdefault(material.event_id, []).append(material)
    return found


@dataclass
class Month:
    """A month of the calendar in Rome time: weeks of days (None outside the month)."""

    first: date
    weeks: list[list[date | None]]
    events_by_day: dict[date, list[tuple[Event, EventSession]]] = field(default_factory=dict)

    @property
    def previous(self) -> str:
        return (self.first - timedelta(days=1)).strftime("%Y-%m")

    @property
    def next(self) -> str:
        return (self.first + timedelta(days=32)).replace(day=1).strftime("%Y-%m")


def month_calendar(viewer: Any, year: int, month: int) -> Month:
    """The published (and ended) events with a session in the month, by Rome day."""
    first = datetime(year, month, 1)
    start, end = rome_to_utc(first), rome_to_utc(_add_months(first, 1))
    stmt = select(Event).where(
        Event.status.in_((EventStatus.PUBLISHED, EventStatus.ENDED, EventStatus.CANCELLED)),
        Event.starts_at < end, Event.ends_at > start, _visible(viewer)).order_by(
        Event.starts_at)
    weeks = [[d if d.month == month else None for d in week]
             for week in calendar.Calendar().monthdatescalendar(year, month)]
    result = Month(first.date(), weeks)
    for event in db.session.scalars(_loaded(stmt)):
        for session in event.sessions:
            day = utc_to_rome(session.starts_at).date()
            if day.month == month and day.year == year:
                result.events_by_day.setdefault(day, []).append((event, session))
    return result


def event_by_slug(viewer: Any, slug: str) -> Event:
    """One event with its sessions, themes and organisers; 404 for whoever may not see it."""
    event = db.session.scalars(select(Event).where(Event.slug == slug).options(
        selectinload(Event.sessions), selectinload(Event.themes),
        selectinload(Event.organisers))).first()
    if event is None or not permissions.can_view_event(
            viewer, event, {u.id for u in event.organisers}):
        raise NotFound(_("Incontro non trovato."))
    return event


def related_practices(event: Event) -> list[Practice]:
    """The practices linked to the event."""
    return list(db.session.scalars(select(Practice).join(
        event_practices, event_practices.c.practice_id == Practice.id).where(
        event_practices.c.event_id == event.id).order_by(Practice.title)))


@dataclass
class Registrants:
    """An event's registrations by status (waiting in list order)."""

    confirmed: list[Registration] = field(default_factory=list)
    waiting: list[Registration] = field(default_factory=list)
    pending: list[Registration] = field(default_factory=list)
    gone: list[Registration] = field(default_factory=list)

    @property
    def active(self) -> list[Registration]:
        return self.confirmed + self.waiting + self.pending

    @property
    def everyone(self) -> list[Registration]:
        return self.active + self.gone


def registrants(event: Event) -> Registrants:
    """Every registration with its member (one query)."""
    rows = db.session.scalars(select(Registration).where(
        Registration.event_id == event.id).options(selectinload(Registration.user)).order_by(
        Registration.position, Registration.id))
    result = Registrants()
    buckets = {RegistrationStatus.CONFIRMED: result.confirmed,
               RegistrationStatus.WAITING: result.waiting,
               RegistrationStatus.PENDING: result.pending}
    for row in rows:
        buckets.get(RegistrationStatus(row.status), result.gone).append(row)
    return result


def waiting_position(registration: Registration) -> int:
    """1 for the first on the waiting list."""
    return 1 + int(db.session.scalar(select(db.func.count(Registration.id)).where(
        Registration.event_id == registration.event_id,
        Registration.status == RegistrationStatus.WAITING,
        Registration.position < registration.position)) or 0)


def edit_values(event: Event) -> dict[str, object]:
    """The co-organisers and practices as typed in the form (one query for practices)."""
    return {"co_organisers": ", ".join(u.username for u in event.organisers),
            "practices": "\n".join(p.slug for p in related_practices(event))}
