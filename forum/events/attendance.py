"""Organisers' messages to registrants, and attendance (by the organisers, or by the
member with the event's check-in code). One public call = one commit; attendance changes
hold the event's row lock and are idempotent."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotFound
from forum.events.mailing import event_link
from forum.events.services import load_event, organiser_ids, require_organiser
from forum.extensions import db
from forum.mail import send_mail
from forum.models import ACTIVE_REGISTRATIONS, Registration, RegistrationStatus, User
from forum.models.base import utcnow
from forum.notifications.mailing import may_receive_mail
from forum.notifications.services import notify
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

SUBJECT_MAX, BODY_MAX = 150, 5_000
# Members may check in from a little before the first session starts.
CHECKIN_EARLY = timedelta(minutes=30)


def message_registrants(actor: User, event_id: int, subject: str, body: str) -> int:
    """Tell every active registrant (notification and e-mail); returns how many."""
    subject, body = clean_line(subject)[:SUBJECT_MAX], clean_text(body)
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Scrivi l'oggetto del messaggio.")]
    if not body or len(body) > BODY_MAX:
        errors["body"] = [_("Il messaggio deve avere da 1 a %(n)d caratteri.", n=BODY_MAX)]
    with write_intent():
        event = load_event(event_id)
        require_organiser(actor, event)
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
        registrations = list(db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATIONS)).options(
            selectinload(Registration.user))))
        for registration in registrations:
            notify(registration.user_id, "event_message", link=event_link(event),
                   title=event.title, subject=subject)
            if may_receive_mail(registration.user):
                send_mail(registration.user.email,
                          _("[%(title)s] %(subject)s", title=event.title[:80],
                            subject=subject),
                          body + "\n\n-- \n" + _("Messaggio degli organizzatori "
                                                 "dell'incontro «%(title)s».",
                                                 title=event.title))
        db.session.commit()
    return len(registrations)


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
