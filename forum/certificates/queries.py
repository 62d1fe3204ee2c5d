"""Reads for the after-the-event part of an event's page: one call for the partial
`templates/events/_after.html` (`after_context`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect, select

from forum import attachments, permissions
from forum.errors import NotFound
from forum.events.access import load_event, organiser_ids
from forum.events.registrations import registration_of
from forum.extensions import db
from forum.models import (
    Certificate,
    Event,
    EventFeedback,
    EventMaterial,
    Registration,
    event_organisers,
)

SLUG_MAX = 220


def event_by_slug(viewer: Any, slug: str) -> Event:
    """The event at `/incontri/<slug>` if the viewer may see it; one 404 otherwise (a
    draft's existence, and its materials, are nobody else's business)."""
    event_id = db.session.scalar(select(Event.id).where(Event.slug == slug[:SLUG_MAX])) \
        if len(slug) <= SLUG_MAX else None
    if event_id is None:
        raise NotFound(_("Incontro non trovato."))
    event = load_event(event_id)
    if not permissions.can_view_event(viewer, event, organiser_ids(event)):
        raise NotFound(_("Incontro non trovato."))
    return event


def materials_of(event: Event) -> list[EventMaterial]:
    """An event's materials, oldest first."""
    return list(db.session.scalars(select(EventMaterial).where(
        EventMaterial.event_id == event.id).order_by(EventMaterial.id)))


@dataclass
class After:
    """What the viewer may do after (or around) the event, decided by the predicates."""

    organiser: bool = False
    registration: Registration | None = None
    certificate: bool = False  # may download the attendance certificate
    certificate_code: str = ""  # once issued
    feedback: bool = False  # may rate the event
    my_feedback: EventFeedback | None = None
    forms: dict[str, Any] = field(default_factory=dict)


def _organiser_ids(event: Event) -> set[int]:
    """Co-organisers, whether or not the caller loaded them with the event."""
    if "organisers" not in inspect(event).unloaded:
        return organiser_ids(event)
    return set(db.session.scalars(select(event_organisers.c.user_id).where(
        event_organisers.c.event_id == event.id)))


def after_state(viewer: Any, event: Event) -> After:
    """The viewer's side of the after-the-event part (no writes)."""
    state = After(organiser=permissions.is_event_organiser(viewer, event,
                                                           _organiser_ids(event)))
    registration = registration_of(viewer, event)
    state.registration = registration
    state.certificate = permissions.can_get_certificate(viewer, event, registration)
    state.feedback = permissions.can_give_feedback(viewer, event, registration)
    if registration is not None:
        state.certificate_code = db.session.scalar(select(Certificate.code).where(
            Certificate.user_id == registration.user_id,
            Certificate.event_id == event.id)) or ""
        state.my_feedback = db.session.scalar(select(EventFeedback).where(
            EventFeedback.user_id == registration.user_id,
            EventFeedback.event_id == event.id))
    return state


def after_context(viewer: Any, event: Event, **forms: Any) -> dict[str, Any]:
    """Everything `events/_after.html` needs, to pass into the event page's render:
    `render_template(..., **after_context(current_user, event))`. `forms` (material_form,
    feedback_form) re-show a refused submission; fresh forms otherwise."""
    from forum.certificates.forms import FeedbackForm, MaterialForm

    state = after_state(viewer, event)
    material_form = forms.get("material_form") or MaterialForm(formdata=None)
    feedback_form = forms.get("feedback_form")
    if feedback_form is None:
        mine = state.my_feedback
        feedback_form = FeedbackForm(formdata=None, data={
            "rating": str(mine.rating) if mine else None, "comment": mine.comment if mine else ""})
    state.forms = {"material": material_form, "feedback": feedback_form}
    return {"event": event, "materials": materials_of(event), "after": state,
            "attachment_accept": attachments.ACCEPT}
