"""Creating, editing, publishing and cancelling events. One public call = one commit.

Times arrive as Europe/Rome wall-clock values and are stored in UTC (forum.events.clock).
An event's `starts_at`/`ends_at` are its first start and last end, kept here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.events.access import load_event, require_organiser
from forum.events.clock import rome_to_utc
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    EVENT_WORKFLOW,
    Event,
    EventKind,
    EventSession,
    EventStatus,
    Practice,
    PracticeStatus,
    Theme,
    User,
)
from forum.models.base import utcnow
from forum.taxonomy import REGIONS
from forum.text import clean_line, clean_text, slugify
from forum.users.standing import require_member

TITLE_MIN, TITLE_MAX = 5, 200
SUMMARY_MIN, SUMMARY_MAX = 10, 600
DESCRIPTION_MAX = 20_000
MAX_SESSIONS = 20
MAX_THEMES = 3
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class SessionFields:
    """One session as typed: a Rome date and start/end times, an optional title."""

    day: date | None
    start: time | None
    end: time | None
    title: str = ""


@dataclass(frozen=True)
class EventFields:
    """Everything an organiser sets on an event (checked by `_checked`)."""

    title: str
    kind: str
    summary: str
    sessions: tuple[SessionFields, ...]
    organiser: str
    theme_ids: tuple[int, ...] = ()
    description: str = ""
    online_url: str = ""
    place_name: str = ""
    address: str = ""
    municipality: str = ""
    region: str = ""
    contact_email: str = ""
    registration_required: bool = True
    registration_url: str = ""
    registration_deadline: date | None = None
    capacity: int | None = None
    waiting_list: bool = True
    requires_approval: bool = False
    practice_slugs: tuple[str, ...] = ()
    co_organisers: tuple[str, ...] = ()
    group_id: int | None = None


def _sessions(fields: EventFields, errors: dict[str, list[str]]) -> list[tuple[datetime,
                                                                             datetime, str]]:
    sessions = []
    for n, session in enumerate(fields.sessions, start=1):
        if session.day is None and session.start is None and session.end is None:
            continue
        if session.day is None or session.start is None or session.end is None:
            errors.setdefault("sessions", []).append(
                _("Incontro %(n)d: indica data, ora di inizio e ora di fine.", n=n))
            continue
        starts = rome_to_utc(datetime.combine(session.day, session.start))
        ends = rome_to_utc(datetime.combine(session.day, session.end))
        if ends <= starts:
            errors.setdefault("sessions", []).append(
                _("Incontro %(n)d: la fine deve venire dopo l'inizio.", n=n))
            continue
        sessions.append((starts, ends, clean_line(session.title)[:200]))
    if not sessions and "sessions" not in errors:
        errors["sessions"] = [_("Indica almeno un incontro con data e orari.")]
    if len(sessions) > MAX_SESSIONS:
        errors["sessions"] = [_("Al massimo %(n)d incontri.", n=MAX_SESSIONS)]
    return sorted(sessions)


def _url(value: str, name: str, errors: dict[str, list[str]]) -> str:
    value = clean_line(value)[:500]
    if value and not _URL.match(value):
        errors[name] = [_("Scrivi un indirizzo web completo (https://…).")]
    return value


def _checked(fields: EventFields) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The cleaned values and the errors by field; nothing here reads the database."""
    errors: dict[str, list[str]] = {}
    title, summary = clean_line(fields.title), clean_line(fields.summary)
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = [_("Il titolo deve avere da %(min)d a %(max)d caratteri.",
                             min=TITLE_MIN, max=TITLE_MAX)]
    if not SUMMARY_MIN <= len(summary) <= SUMMARY_MAX:
        errors["summary"] = [_("La sintesi deve avere da %(min)d a %(max)d caratteri.",
                               min=SUMMARY_MIN, max=SUMMARY_MAX)]
    if fields.kind not in set(EventKind):
        errors["kind"] = [_("Scegli la tipologia dall'elenco.")]
    description = clean_text(fields.description)
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Il programma può avere al massimo %(n)d caratteri.",
                                   n=DESCRIPTION_MAX)]
    organiser = clean_line(fields.organiser)[:200]
    if not organiser:
        errors["organiser"] = [_("Indica chi organizza l'incontro.")]
    sessions = _sessions(fields, errors)
    online_url = _url(fields.online_url, "online_url", errors)
    registration_url = _url(fields.registration_url, "registration_url", errors)
    place = {k: clean_line(getattr(fields, k))[:200 if k != "municipality" else 120]
             for k in ("place_name", "address", "municipality")}
    if not online_url and not (place["place_name"] or place["address"]):
        errors["online_url"] = [_("Indica il link per il collegamento, la sede, o entrambi.")]
    if fields.region and fields.region not in REGIONS:
        errors["region"] = [_("Scegli una regione dall'elenco.")]
    themes = tuple(dict.fromkeys(fields.theme_ids))
    if not 1 <= len(themes) <= MAX_THEMES:
        errors["themes"] = [_("Scegli da 1 a %(n)d temi.", n=MAX_THEMES)]
    contact = clean_line(fields.contact_email)
    if contact:
        try:
            contact = validate_email(contact, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["contact_email"] = [_("Indirizzo e-mail non valido.")]
    if fields.capacity is not None and not 0 < fields.capacity <= 100_000:
        errors["capacity"] = [_("I posti disponibili devono essere almeno 1 (lascia vuoto "
                                "per nessun limite).")]
    deadline = None
    if fields.registration_deadline is not None:
        deadline = rome_to_utc(datetime.combine(fields.registration_deadline, time(23, 59)))
        if sessions and deadline > sessions[0][0] + timedelta(days=1):
            errors["registration_deadline"] = [
                _("Le iscrizioni devono chiudere entro il giorno dell'inizio.")]
        elif sessions and deadline > sessions[0][0]:
            deadline = sessions[0][0]
    values: dict[str, object] = dict(
        title=title, summary=summary, kind=fields.kind, description=description,
        organiser=organiser, sessions=sessions, online_url=online_url,
        registration_url=registration_url, region_code=fields.region, contact_email=contact,
        theme_ids=themes, registration_deadline=deadline, capacity=fields.capacity,
        registration_required=fields.registration_required,
        waiting_list=fields.waiting_list, requires_approval=fields.requires_approval,
        **place)
    return values, errors


def _themes(ids: tuple[int, ...], errors: dict[str, list[str]]) -> list[Theme]:
    if any(not 0 < i < 2**31 for i in ids):
        errors["themes"] = [_("Scegli i temi dall'elenco.")]
        return []
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(ids)))) if ids else []
    if len(themes) != len(ids):
        errors["themes"] = [_("Scegli i temi dall'elenco.")]
    return themes


def _people(usernames: tuple[str, ...], errors: dict[str, list[str]]) -> list[User]:
    names = [n.strip().lstrip("@").lower() for n in usernames if n.strip()][:10]
    if not names:
        return []
    found = list(db.session.scalars(select(User).where(func.lower(User.username).in_(names))))
    missing = sorted(set(names) - {u.username.lower() for u in found})
    if missing:
        errors["co_organisers"] = [_("Nomi utente sconosciuti: %(names)s.",
                                     names=", ".join(m[:32] for m in missing[:5]))]
    return found


def _practices(slugs: tuple[str, ...], errors: dict[str, list[str]]) -> list[Practice]:
    wanted = [s.strip().rstrip("/").rsplit("/", 1)[-1] for s in slugs if s.strip()][:10]
    if not wanted:
        return []
    found = list(db.session.scalars(select(Practice).where(
        Practice.slug.in_(wanted), Practice.status == PracticeStatus.PUBLISHED)))
    if len(found) != len(set(wanted)):
        errors["practice_slugs"] = [_("Indica buone pratiche pubblicate (indirizzo o slug).")]
    return found


def _unique_slug(title: str, event_id: int | None = None) -> str:
    base = slugify(title, 200) or "incontro"
    taken = set(db.session.scalars(select(Event.slug).where(
        Event.slug.like(f"{base}%"), Event.id != (event_id or 0))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(event: Event, values: dict[str, object], themes: list[Theme],
           organisers: list[User], practices: list[Practice]) -> bool:
    """Set the fields; returns whether anything an attendee's calendar shows changed."""
    sessions = values.pop("sessions")
    assert isinstance(sessions, list)
    before = (event.starts_at, event.ends_at, event.online_url, event.place_name,
              event.address, event.title, [(s.starts_at, s.ends_at) for s in event.sessions]
              if event.id else [])
    values.pop("theme_ids")
    for name, value in values.items():
        setattr(event, name, value)
    event.description_html = render_markdown(event.description) if event.description else ""
    event.sessions = [EventSession(starts_at=s, ends_at=e, title=t) for s, e, t in sessions]
    event.starts_at, event.ends_at = sessions[0][0], max(e for _s, e, _t in sessions)
    event.themes = themes
    event.organisers = organisers
    from forum.models import event_practices

    if event.id:
        db.session.execute(event_practices.delete().where(
            event_practices.c.event_id == event.id))
    db.session.flush()
    if practices:
        db.session.execute(event_practices.insert(), [
            {"event_id": event.id, "practice_id": p.id} for p in practices])
    after = (event.starts_at, event.ends_at, event.online_url, event.place_name,
             event.address, event.title, [(s, e) for s, e, _t in sessions])
    event.updated_at = utcnow()
    return before != after


def _lookups(fields: EventFields, errors: dict[str, list[str]],
             values: dict[str, object]) -> tuple[list[Theme], list[User], list[Practice]]:
    theme_ids = values["theme_ids"]
    assert isinstance(theme_ids, tuple)
    return (_themes(theme_ids, errors), _people(fields.co_organisers, errors),
            _practices(fields.practice_slugs, errors))


def create_event(actor: User, fields: EventFields) -> Event:
    """A draft event; its creator organises it (with any co-organisers named)."""
    require_member(actor, _("Accedi per creare un incontro."))
    if not permissions.can_organise(actor):
        raise NotAllowed(_("Solo organizzatori, moderatori e amministratori creano incontri."))
    values, errors = _checked(fields)
    with write_intent():
        themes, organisers, practices = _lookups(fields, errors, values)
        group = _group(actor, fields.group_id, errors)
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        event = Event(slug=_unique_slug(str(values["title"])), created_by_id=actor.id,
                      status=EventStatus.DRAFT, checkin_code=secrets.token_hex(3).upper(),
                      group_id=group)
        db.session.add(event)
        _apply(event, values, themes, organisers, practices)
        db.session.commit()
    return event


def _group(actor: User, group_id: int | None, errors: dict[str, list[str]]) -> int | None:
    """An event of a group the organiser may post in (None: a public event)."""
    if group_id is None:
        return None
    from forum.models import Group

    group = db.session.get(Group, group_id)
    if group is None or not permissions.can_post_in_group(actor, group):
        errors["group"] = [_("Puoi creare incontri solo nei tavoli di cui fai parte.")]
        return None
    return group.id


def update_event(actor: User, event_id: int, fields: EventFields) -> Event:
    """Change an event; a change of time, place or link raises its iCal SEQUENCE and
    sends registrants the updated invitation."""
    values, errors = _checked(fields)
    with write_intent():
        event = load_event(event_id, for_update=True)
        require_organiser(actor, event)
        if event.status in (EventStatus.CANCELLED,):
            raise Conflict(_("L'incontro è annullato: non si modifica più."))
        themes, organisers, practices = _lookups(fields, errors, values)
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        if values["capacity"] is not None and int(str(values["capacity"])) < \
                event.confirmed_count:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                "capacity": [_("Ci sono già %(n)d iscritti confermati: i posti non possono "
                               "essere meno.", n=event.confirmed_count)]})
        if str(values["title"]) != event.title:
            event.slug = _unique_slug(str(values["title"]), event.id)
        changed = _apply(event, values, themes, organisers, practices)
        if changed:
            event.sequence += 1
            if event.status == EventStatus.PUBLISHED:
                from forum.events.mailing import send_update

                send_update(event)
        from forum.events.registrations import fill_free_seats

        fill_free_seats(event)
        db.session.commit()
    return event


def move_event(actor: User, event_id: int, to: str, *, reason: str = "") -> Event:
    """Publish, back to draft, or cancel (registrants are told, with an iCal CANCEL)."""
    with write_intent():
        event = load_event(event_id, for_update=True)
        require_organiser(actor, event)
        if (event.status, to) not in EVENT_WORKFLOW:
            raise Conflict(_("Questo cambio di stato non è possibile."))
        if event.shown_status == EventStatus.ENDED:
            raise Conflict(_("L'incontro è già concluso."))
        reason = clean_text(reason)[:2_000]
        if to == EventStatus.CANCELLED and not reason:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                "reason": [_("Spiega agli iscritti perché l'incontro è annullato.")]})
        event.status = to
        event.updated_at = utcnow()
        if to == EventStatus.PUBLISHED and event.question_id is None:
            event.question_id = _discussion(event)
        if to == EventStatus.CANCELLED:
            event.cancel_reason = reason
            event.sequence += 1
            from forum.events.mailing import send_cancellation

            send_cancellation(event)
        db.session.commit()
    return event


def _discussion(event: Event) -> int | None:
    """The thread for questions before and after the event, opened on first publication
    in the event's first theme (inside the caller's transaction)."""
    from forum.models import FollowTarget, Level, Question
    from forum.notifications.follows import auto_follow

    if not event.themes or event.created_by_id is None:
        return None
    title = _("Domande sull'incontro: %(title)s", title=event.title)
    title = title if len(title) <= 150 else title[:149] + "…"
    body = _("Discussione per le domande prima e dopo l'incontro «%(title)s».\n\n%(summary)s",
             title=event.title, summary=event.summary)
    question = Question(title=title, body=body, body_html=render_markdown(body),
                        theme_id=event.themes[0].id, author_id=event.created_by_id,
                        group_id=event.group_id)
    db.session.add(question)
    db.session.flush()
    auto_follow(event.created_by_id, FollowTarget.QUESTION, question.id, Level.WATCHING)
    return question.id
