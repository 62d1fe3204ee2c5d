"""Demo events (domain.md 5.5): a concluded webinar with slides and a recording, a hybrid
seminar, an in-presence workshop and a three-session online course, placed around "now"
and created through the services, by slug (a second run adds nothing)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select

from forum.events.clock import utc_to_rome
from forum.events.registrations import Answers, register
from forum.events.services import EventFields, SessionFields, create_event, move_event
from forum.extensions import db
from forum.models import Event, EventMaterial, EventSession, Registration, Theme, User
from forum.models.base import utcnow

# Members registered to the upcoming hybrid seminar, and present at the past webinar.
DEMO_REGISTRANTS = ("giulia.ferraris", "marco.esposito", "francesca.sanna")


def demo_events() -> list[dict[str, Any]]:
    """The demo events shipped inside the package."""
    source = resources.files("forum.seed").joinpath("demo_events.json")
    data: list[dict[str, Any]] = json.loads(source.read_text("utf-8"))
    return data


def _fields(item: dict[str, Any], themes: dict[str, int]) -> EventFields:
    today = utc_to_rome(utcnow()).date()
    first = today + timedelta(days=item["relative_start_days"])
    start, end = time.fromisoformat(item["start_time"]), time.fromisoformat(item["end_time"])
    sessions = tuple(SessionFields(first + timedelta(days=n * item["session_every_days"]),
                                   start, end) for n in range(item["sessions"]))
    deadline = (first - timedelta(days=item["deadline_days_before"])
                if item["deadline_days_before"] is not None else None)
    return EventFields(
        title=item["title"], kind=item["kind"], summary=item["summary"],
        description=item["description"], sessions=sessions, organiser=item["organiser"],
        theme_ids=tuple(themes[s] for s in item["themes"] if s in themes),
        online_url=item["online_url"] or "", place_name=item["place_name"] or "",
        address=item["address"] or "", municipality=item["municipality"] or "",
        region=item["region_code"] or "", contact_email=item["contact_email"] or "",
        registration_required=item["registration_required"],
        registration_url=item["registration_url"] or "", registration_deadline=deadline,
        capacity=item["capacity"], practice_slugs=tuple(item["related_practice_slugs"]))


def seed_events(users: dict[str, User]) -> int:
    """The demo events not there yet; returns how many were added."""
    existing = set(db.session.scalars(select(Event.title)))
    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    added = 0
    for item in demo_events():
        creator = users.get(item["created_by"])
        if item["title"] in existing or creator is None:
            continue
        if not (creator.is_moderator or creator.is_organiser):
            creator.is_organiser = True  # the demo's organiser of a municipal workshop
            db.session.commit()
        past = item["relative_start_days"] < 0
        fields = _fields(item, themes)
        if past:  # registrations happened before it started: open them, then move it back
            fields = _shifted(fields, item)
        event = create_event(creator, fields)
        move_event(creator, event.id, "pubblicato")
        for username in DEMO_REGISTRANTS:
            if username in users:
                register(users[username], event.id, Answers(job_title="Referente servizi"))
        if past:
            _move_to_past(event, _fields(item, themes), item)
        added += 1
    return added


def _shifted(fields: EventFields, item: dict[str, Any]) -> EventFields:
    """The same event a month ahead, so members can register before it is moved back."""
    from dataclasses import replace

    later = tuple(replace(s, day=s.day + timedelta(days=60 - item["relative_start_days"]))
                  for s in fields.sessions if s.day is not None)
    return replace(fields, sessions=later, registration_deadline=None)


def _move_to_past(event: Event, fields: EventFields, item: dict[str, Any]) -> None:
    """Back to its real (past) dates, the registrants marked present, its materials."""
    from forum.events.clock import rome_to_utc

    db.session.refresh(event)
    session = fields.sessions[0]
    assert session.day is not None and session.start is not None and session.end is not None
    starts = rome_to_utc(datetime.combine(session.day, session.start))
    ends = rome_to_utc(datetime.combine(session.day, session.end))
    for stored in db.session.scalars(select(EventSession).where(
            EventSession.event_id == event.id)):
        stored.starts_at, stored.ends_at = starts, ends
    event.starts_at, event.ends_at = starts, ends
    if fields.registration_deadline is not None:
        event.registration_deadline = rome_to_utc(
            datetime.combine(fields.registration_deadline, time(23, 59)))
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id)):
        registration.attended_at = ends
    for material in item["materials"]:
        db.session.add(EventMaterial(event_id=event.id, label=material["label"],
                                     url=material["url"], uploaded_by_id=event.created_by_id))
    db.session.commit()


DEMO_PATH = {
    "title": "Aprire un Centro per le famiglie: il percorso",
    "summary": "Dal corso in tre incontri a una prima scheda sul proprio territorio, con una "
               "buona pratica da studiare e una lettura di riferimento.",
    "description": "Un percorso per chi deve aprire o riorganizzare un **Centro per le "
                   "famiglie**. Si completa seguendo il corso, studiando la pratica indicata, "
                   "leggendo il documento e raccontando il proprio territorio in una domanda "
                   "sul tema.",
    "created_by": "elena.marchetti",
}


def seed_path(users: dict[str, User]) -> int:
    """The demo training path (by title), built on the demo course and a practice."""
    from forum.models import Practice, TrainingPath
    from forum.paths.services import ModuleFields, PathFields, enrol, publish_path, save_path

    creator = users.get(str(DEMO_PATH["created_by"]))
    course = db.session.scalar(select(Event).where(Event.kind == "formazione"))
    practice = db.session.scalar(select(Practice).where(
        Practice.slug == "indicatori-comuni-centri-per-le-famiglie"))
    if creator is None or course is None or practice is None or db.session.scalar(
            select(TrainingPath.id).where(TrainingPath.title == DEMO_PATH["title"])):
        return 0
    path = save_path(creator, PathFields(
        title=DEMO_PATH["title"], summary=DEMO_PATH["summary"],
        description=DEMO_PATH["description"], modules=(
            ModuleFields("event", "Segui il corso in tre incontri", course.slug),
            ModuleFields("practice", "Studia gli indicatori comuni dei centri", practice.slug,
                         "Confronta gli indicatori con quelli che usate oggi."),
            ModuleFields("reading", "Leggi le linee di indirizzo sui centri per le famiglie",
                         "https://www.example.org/officina-demo/linee-indirizzo-centri"),
            ModuleFields("task", "Racconta il tuo territorio", "centri-famiglia-consultori",
                         "Fai una domanda o rispondi sul tema: bisogni, servizi, partner."),
        )))
    publish_path(creator, path.id, published=True)
    for username in ("giulia.ferraris", "chiara.lombardo"):
        if username in users:
            enrol(users[username], path.id)
    return 1
