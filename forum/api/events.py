"""Events over the API: upcoming ones (with the filters of /incontri) and the archive as
cursor pages, one event, and the caller's registration (the same service as the page:
capacity, waiting list, approval and deadlines apply)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum import permissions
from forum.api.blueprints import api_blueprint
from forum.api.common import (
    ItemRefSchema,
    event_ref,
    practice_ref,
    require_signed_in,
    theme_ref,
)
from forum.api.pagination import PageArgs, keyset_page
from forum.api.questions import SECURITY, WRITE_SECURITY
from forum.api.schemas import ThemeRefSchema, UtcDateTime, page_schema
from forum.errors import NotFound
from forum.events import queries, registrations
from forum.events.queries import PERIODS, EventFilters
from forum.limits import write_limit
from forum.models import EventKind, EventMode, RegistrationStatus
from forum.taxonomy import REGIONS

blp = api_blueprint("events-api", __name__,
                    "Incontri e formazione: prossimi e conclusi, un incontro, la "
                    "propria iscrizione (posti, lista d'attesa e scadenze come sul "
                    "sito).")

WHEN = ("prossimi", "conclusi")


class EventListArgs(PageArgs):
    """The filters of /incontri (same names and values); `quando` picks the upcoming list
    (soonest first) or the archive (most recently ended first)."""

    quando = fields.String(load_default="prossimi", validate=validate.OneOf(WHEN))
    tema = fields.String(load_default=None, validate=validate.Length(max=60),
                         metadata={"description": "slug del tema"})
    tipo = fields.String(load_default=None, validate=validate.OneOf([k.value for k in EventKind]))
    modalita = fields.String(load_default=None,
                             validate=validate.OneOf([m.value for m in EventMode]))
    regione = fields.String(load_default=None, validate=validate.OneOf(sorted(REGIONS)))
    periodo = fields.String(load_default=None, validate=validate.OneOf(PERIODS))


class SessionSchema(Schema):
    """One dated meeting of the event."""

    title = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)


class GroupRefSchema(Schema):
    """The working group that holds the event."""

    slug = fields.String(required=True)
    name = fields.String(required=True)


class EventSummarySchema(Schema):
    """An event as in the lists; `status` reads «concluso» once it is over."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    kind = fields.String(required=True)
    mode = fields.String(required=True)
    status = fields.String(required=True)
    summary = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    organiser = fields.String(required=True)
    municipality = fields.String(required=True)
    region_code = fields.String(required=True)
    themes = fields.List(fields.Nested(ThemeRefSchema), required=True)
    sessions = fields.List(fields.Nested(SessionSchema), required=True)
    group = fields.Nested(GroupRefSchema, allow_none=True, required=True)
    registration_required = fields.Boolean(required=True)
    capacity = fields.Integer(allow_none=True, required=True)
    seats_left = fields.Integer(allow_none=True, required=True)


class MyRegistrationSchema(Schema):
    """The caller's registration: confirmed, waiting (with their place in the list),
    pending approval, cancelled or refused."""

    event = fields.Nested(ItemRefSchema, required=True)
    status = fields.String(required=True,
                           validate=validate.OneOf([s.value for s in RegistrationStatus]))
    waiting_position = fields.Integer(allow_none=True, required=True)
    organisation = fields.String(required=True)
    job_title = fields.String(required=True)
    accessibility_needs = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class EventSchema(EventSummarySchema):
    """An event as its page shows it to the caller; the online link only for its
    organisers and whoever holds a confirmed seat."""

    description_html = fields.String(required=True)
    place_name = fields.String(required=True)
    address = fields.String(required=True)
    online_url = fields.String(allow_none=True, required=True)
    contact_email = fields.String(required=True)
    registration_url = fields.String(required=True)
    registration_deadline = UtcDateTime(allow_none=True, required=True)
    waiting_list = fields.Boolean(required=True)
    requires_approval = fields.Boolean(required=True)
    waiting_count = fields.Integer(required=True)
    cancel_reason = fields.String(required=True)
    can_register = fields.Boolean(required=True)
    practices = fields.List(fields.Nested(ItemRefSchema), required=True)
    my_registration = fields.Nested(MyRegistrationSchema, allow_none=True, required=True)


class RegistrationInSchema(Schema):
    """The questions asked at registration (all optional)."""

    organisation = fields.String(load_default="", validate=validate.Length(max=200))
    job_title = fields.String(load_default="", validate=validate.Length(max=120))
    accessibility_needs = fields.String(load_default="", validate=validate.Length(max=1_000))


EventPageSchema = page_schema(EventSummarySchema, "EventPage")


def _summary(event: Any) -> dict[str, Any]:
    group = event.group
    return {
        **event_ref(event), "kind": event.kind, "mode": str(event.mode),
        "status": str(event.shown_status), "summary": event.summary,
        "starts_at": event.starts_at, "ends_at": event.ends_at, "organiser": event.organiser,
        "municipality": event.municipality, "region_code": event.region_code,
        "themes": [theme_ref(t) for t in event.themes],
        "sessions": [{"title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at}
                     for s in event.sessions],
        "group": {"slug": group.slug, "name": group.name} if group is not None else None,
        "registration_required": event.registration_required, "capacity": event.capacity,
        "seats_left": event.seats_left}


def _registration(event: Any, mine: Any) -> dict[str, Any]:
    position = (queries.waiting_position(mine)
                if mine.status == RegistrationStatus.WAITING else None)
    return {"event": event_ref(event), "status": mine.status, "waiting_position": position,
            "organisation": mine.organisation, "job_title": mine.job_title,
            "accessibility_needs": mine.accessibility_needs, "created_at": mine.created_at,
            "updated_at": mine.updated_at}


@blp.route("/events")
@blp.arguments(EventListArgs, location="query")
@blp.response(200, EventPageSchema)
@blp.doc(security=SECURITY)
def list_events(args: dict[str, Any]) -> Any:
    """Incontri visibili a chi chiama: i prossimi (dal più vicino) con i filtri di
    /incontri, o i conclusi (dal più recente)."""
    filters = EventFilters(theme=args["tema"], kind=args["tipo"], mode=args["modalita"],
                           region=args["regione"], period=args["periodo"])
    past = args["quando"] == "conclusi"
    return keyset_page(
        args["cursor"], (datetime, int), args["limit"],
        lambda after, n: queries.events_after(current_user, filters, past=past, after=after,
                                              limit=n),
        lambda e: queries.event_sort_key(e, past), _summary)


@blp.route("/events/<slug>")
@blp.response(200, EventSchema)
@blp.doc(security=SECURITY)
def get_event(slug: str) -> Any:
    """Un incontro con sessioni, posti e, per chi chiama, la sua iscrizione."""
    event = queries.event_by_slug(current_user, slug)
    organiser = permissions.is_event_organiser(current_user, event,
                                               {u.id for u in event.organisers})
    mine = registrations.registration_of(current_user, event)
    confirmed = mine is not None and mine.status == RegistrationStatus.CONFIRMED
    return {
        **_summary(event), "description_html": event.description_html,
        "place_name": event.place_name, "address": event.address,
        "online_url": event.online_url if (organiser or confirmed) and event.online_url
        else None,
        "contact_email": event.contact_email, "registration_url": event.registration_url,
        "registration_deadline": event.registration_deadline,
        "waiting_list": event.waiting_list, "requires_approval": event.requires_approval,
        "waiting_count": event.waiting_count, "cancel_reason": event.cancel_reason,
        "can_register": permissions.can_register(current_user, event),
        "practices": [practice_ref(p) for p in queries.related_practices(event)],
        "my_registration": _registration(event, mine) if mine is not None else None,
    }


@blp.route("/events/<slug>/registration")
@blp.response(200, MyRegistrationSchema)
@blp.doc(security=WRITE_SECURITY)
def get_registration(slug: str) -> Any:
    """La tua iscrizione all'incontro (404 se non ti sei mai iscritto/a)."""
    require_signed_in()
    event = queries.event_by_slug(current_user, slug)
    mine = registrations.registration_of(current_user, event)
    if mine is None:
        raise NotFound(_("Non risulti iscritto/a a questo incontro."))
    return _registration(event, mine)


@blp.route("/events/<slug>/registration", methods=["PUT"])
@write_limit("EDIT_LIMIT", "editing")
@blp.arguments(RegistrationInSchema)
@blp.response(200, MyRegistrationSchema)
@blp.doc(security=WRITE_SECURITY)
def register(data: dict[str, Any], slug: str) -> Any:
    """Iscriviti: confermata, in lista d'attesa o in attesa di approvazione. Ripetere la
    richiesta mentre sei iscritto/a non cambia nulla."""
    event = queries.event_by_slug(current_user, slug)
    mine = registrations.register(current_user, event.id, registrations.Answers(
        data["organisation"], data["job_title"], data["accessibility_needs"]))
    return _registration(event, mine)


@blp.route("/events/<slug>/registration", methods=["DELETE"])
@write_limit("EDIT_LIMIT", "editing")
@blp.response(200, MyRegistrationSchema)
@blp.doc(security=WRITE_SECURITY)
def cancel(slug: str) -> Any:
    """Annulla la tua iscrizione (fino all'inizio); il primo in lista d'attesa prende il
    posto."""
    event = queries.event_by_slug(current_user, slug)
    return _registration(event, registrations.cancel_registration(current_user, event.id))
