"""Attendance: marked by the organisers (a toggle), or by the member with the event's check-in
code (entering it twice changes nothing). One public call = one commit, under the event's
row lock."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotFound
from forum.events.access import load_event, organiser_ids, require_organiser
from forum.extensions import db
from forum.models import Registration, RegistrationStatus, User
from forum.models.base import utcnow
from forum.text import clean_line
from forum.users.standing import require_member

# Members may check in from a little before the first session starts.
CHECKIN_EARLY = timedelta(minutes=30)


def toggle_attendance(actor: User, event_id: int, registration_id: int) -> Registration:
    """An organiser marks a confirmed registrant present, or not present any more."""
    with write_intent():
        event = load_event(event_id, for_update=True)
        require_organiser(actor, event)
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFound(_("Iscrizione non trovata."))
        if registration.status != RegistrationStatus.CONFIRMED:
            raise Conflict(_("Si segna la presenza solo di chi ha un posto confermato."))
        registration.attended_at = None if registration.attended_at else utcnow()
        registration.updated_at = utcnow()
        db.session.commit()
    return registration


def check_in(actor: User, event_id: int, code: str) -> Registration:
    """A confirmed member enters the event's code during or after the event to be
    marked present (entering it again changes nothing)."""
    require_member(actor, _("Accedi per registrare la tua presenza."))
    with write_intent():
        event = load_event(event_id, for_update=True)
        if not permissions.can_view_event(actor, event, organiser_ids(event)):
            raise NotFound(_("Incontro non trovato."))
        registration = db.session.scalar(select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == actor.id))
        if registration is None or registration.status != RegistrationStatus.CONFIRMED:
            raise Conflict(_("La presenza si registra solo con un posto confermato."))
        if utcnow() < event.starts_at - CHECKIN_EARLY:
            raise Conflict(_("La presenza si registra durante o dopo l'incontro."))
        if clean_line(code).upper() != event.checkin_code.upper() or not event.checkin_code:
            raise InvalidInput(_("Codice di presenza non corretto."), field_errors={
                "code": [_("Il codice non è corretto: controlla quello mostrato dagli "
                           "organizzatori.")]})
        if registration.attended_at is None:
            registration.attended_at = registration.updated_at = utcnow()
        db.session.commit()
    return registration
