"""Registrations: capacity, waiting list, approval, cancellation and promotion.

Every change takes the event's row lock first (PostgreSQL `FOR UPDATE`; on SQLite the
write lock taken at BEGIN), then reads the counters it changes: 50 members registering
at once for 20 seats end with exactly 20 confirmed and 30 waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotFound
from forum.events.access import load_event, organiser_ids, require_organiser
from forum.extensions import db
from forum.i18n import long_datetime
from forum.models import (
    ACTIVE_REGISTRATIONS,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    User,
)
from forum.models.base import utcnow
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

NEEDS_MAX = 1_000


@dataclass(frozen=True)
class Answers:
    """The questions asked at registration."""

    organisation: str = ""
    job_title: str = ""
    accessibility_needs: str = ""


def _answers(answers: Answers) -> Answers:
    needs = clean_text(answers.accessibility_needs)
    if len(needs) > NEEDS_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "accessibility_needs": [_("Al massimo %(n)d caratteri.", n=NEEDS_MAX)]})
    return Answers(clean_line(answers.organisation)[:200], clean_line(answers.job_title)[:120],
                   needs)


def _refusal(event: Event) -> str | None:
    """Why the event takes no registration now, in words (None: it does)."""
    now = utcnow()
    if event.status == EventStatus.CANCELLED:
        return _("L'incontro è stato annullato.")
    if event.status != EventStatus.PUBLISHED or event.starts_at <= now:
        return _("Le iscrizioni a questo incontro sono chiuse.")
    if not event.registration_required:
        return _("Per questo incontro non serve iscriversi.")
    if event.registration_url:
        return _("Le iscrizioni a questo incontro si fanno sul sito dell'organizzatore.")
    if event.registration_deadline is not None and now > event.registration_deadline:
        return _("Le iscrizioni si sono chiuse il %(when)s.",
                 when=long_datetime(event.registration_deadline))
    return None


def _mine(event_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event_id, Registration.user_id == user_id))


def _next_position(event_id: int) -> int:
    return int(db.session.scalar(select(func.coalesce(func.max(Registration.position), 0))
                                 .where(Registration.event_id == event_id)) or 0) + 1


def _seat_status(event: Event) -> RegistrationStatus | None:
    """Confirmed while seats are left, then waiting (if the event keeps a list)."""
    if event.capacity is None or event.confirmed_count < event.capacity:
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITING if event.waiting_list else None


def _count(event: Event, status: str, delta: int) -> None:
    if status == RegistrationStatus.CONFIRMED:
        event.confirmed_count += delta
    elif status == RegistrationStatus.WAITING:
        event.waiting_count += delta


def register(actor: User, event_id: int, answers: Answers) -> Registration:
    """Register: confirmed, waiting or awaiting approval. Registering again while
    registered changes nothing (a double click makes one registration)."""
    require_member(actor, _("Accedi per iscriverti."))
    answers = _answers(answers)
    from forum.events.mailing import send_registration

    with write_intent():
        event = load_event(event_id, for_update=True)
        if not permissions.can_view_event(actor, event, organiser_ids(event)):
            raise NotFound(_("Incontro non trovato."))
        existing = _mine(event.id, actor.id)
        if existing is not None and existing.status in ACTIVE_REGISTRATIONS:
            return existing
        refusal = _refusal(event)
        if refusal:
            raise Conflict(refusal)
        status = (RegistrationStatus.PENDING if event.requires_approval
                  else _seat_status(event))
        if status is None:
            raise Conflict(_("I posti sono esauriti e l'incontro non ha una lista d'attesa."))
        registration = existing or Registration(event_id=event.id, user_id=actor.id)
        registration.status = status
        registration.position = _next_position(event.id)
        registration.organisation = answers.organisation or actor.organisation
        registration.job_title = answers.job_title
        registration.accessibility_needs = answers.accessibility_needs
        registration.updated_at = utcnow()
        registration.promoted_at = registration.attended_at = None
        registration.reminded_day_at = registration.reminded_hour_at = None
        db.session.add(registration)
        _count(event, status, +1)
        db.session.flush()
        send_registration(event, registration, actor)
        db.session.commit()
    return registration


def cancel_registration(actor: User, event_id: int) -> Registration:
    """The member gives up their place, up to the start; the first on the waiting list
    takes it (and is told)."""
    require_member(actor, _("Accedi per gestire la tua iscrizione."))
    with write_intent():
        event = load_event(event_id, for_update=True)
        registration = _mine(event.id, actor.id)
        if registration is None or registration.status not in ACTIVE_REGISTRATIONS:
            raise Conflict(_("Non risulti iscritto/a a questo incontro."))
        if event.starts_at <= utcnow():
            raise Conflict(_("L'incontro è già iniziato: l'iscrizione non si può più "
                             "annullare."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        _count(event, registration.status, -1)
        registration.status = RegistrationStatus.CANCELLED
        registration.updated_at = utcnow()
        from forum.events.mailing import send_withdrawal

        send_withdrawal(event, registration, actor, was_confirmed=was_confirmed)
        fill_free_seats(event)
        db.session.commit()
    return registration


def fill_free_seats(event: Event) -> list[Registration]:
    """Promote from the waiting list, first come first served, while seats are free
    (inside the caller's transaction, which holds the event's lock)."""
    from forum.events.mailing import send_promotion

    promoted = []
    while event.capacity is None or event.confirmed_count < event.capacity:
        waiting = db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITING,
        ).order_by(Registration.position, Registration.id).limit(1)).first()
        if waiting is None:
            break
        _count(event, RegistrationStatus.WAITING, -1)
        waiting.status = RegistrationStatus.CONFIRMED
        waiting.promoted_at = waiting.updated_at = utcnow()
        _count(event, RegistrationStatus.CONFIRMED, +1)
        promoted.append(waiting)
    db.session.flush()
    for registration in promoted:
        send_promotion(event, registration)
    return promoted


def decide_registration(actor: User, event_id: int, registration_id: int, *,
                        approve: bool) -> Registration:
    """An organiser approves a registration awaiting approval (confirmed while seats are
    left, then waiting) or refuses it."""
    from forum.events.mailing import send_decision

    with write_intent():
        event = load_event(event_id, for_update=True)
        require_organiser(actor, event)
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFound(_("Iscrizione non trovata."))
        if registration.status != RegistrationStatus.PENDING:
            raise Conflict(_("Questa iscrizione è già stata esaminata."))
        if approve:
            status = _seat_status(event)
            if status is None:
                raise Conflict(_("I posti sono esauriti e non c'è lista d'attesa."))
        else:
            status = RegistrationStatus.REFUSED
        registration.status = status
        registration.updated_at = utcnow()
        _count(event, status, +1)
        db.session.flush()
        send_decision(event, registration)
        db.session.commit()
    return registration


def registration_of(viewer: object, event: Event) -> Registration | None:
    """The viewer's registration to the event, whatever its status (None if signed out)."""
    user_id = getattr(viewer, "id", None)
    if not getattr(viewer, "is_authenticated", False) or user_id is None:
        return None
    return _mine(event.id, user_id)
