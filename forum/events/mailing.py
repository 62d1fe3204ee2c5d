"""What registrants are told, in the caller's transaction: a notification for each change
of their place (the e-mails with the calendar invitation are composed in
`forum.events.invitations`)."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import ACTIVE_REGISTRATIONS, Event, Registration, RegistrationStatus, User
from forum.notifications.services import notify

_KINDS = {
    RegistrationStatus.CONFIRMED: "event_confirmed",
    RegistrationStatus.WAITING: "event_waiting",
    RegistrationStatus.PENDING: "event_pending",
    RegistrationStatus.REFUSED: "event_refused",
}


def event_link(event: Event) -> str:
    """The event's address, also outside a request."""
    return f"/incontri/{event.slug}"


def send_registration(event: Event, registration: Registration, member: User) -> None:
    """Confirmed, waiting, or awaiting approval: the member hears which."""
    notify(member.id, _KINDS[RegistrationStatus(registration.status)],
           link=event_link(event), title=event.title)


def send_promotion(event: Event, registration: Registration) -> None:
    """A seat freed up and the first on the waiting list has it."""
    notify(registration.user_id, "event_promoted", link=event_link(event), title=event.title)


def send_decision(event: Event, registration: Registration) -> None:
    """An organiser approved (confirmed or waiting) or refused a registration."""
    notify(registration.user_id, _KINDS[RegistrationStatus(registration.status)],
           link=event_link(event), title=event.title)


def _active(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE_REGISTRATIONS))))


def send_update(event: Event) -> None:
    """Time, place or link changed: every registrant is told."""
    for registration in _active(event):
        notify(registration.user_id, "event_updated", link=event_link(event),
               title=event.title)


def send_cancellation(event: Event) -> None:
    """The event is cancelled: every registrant is told why."""
    for registration in _active(event):
        notify(registration.user_id, "event_cancelled", link=event_link(event),
               title=event.title, reason=event.cancel_reason)
