"""What registrants are told, in the caller's transaction: a notification for each change
of their place, and an e-mail in the member's language; confirmed members get the calendar
invitation (forum.calendars.ics) attached, with the online link, and its updates and
cancellation. The mail jobs are queued in the same transaction (forum.mail.send_mail)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.i18n import long_datetime
from forum.mail import send_mail
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


def _subject(kind: str, event: Event) -> str:
    """The subject of an event e-mail (in the locale forced by the caller)."""
    subjects = {
        "confirmed": _("Iscrizione confermata: %(title)s", title=event.title),
        "waiting": _("In lista d'attesa: %(title)s", title=event.title),
        "pending": _("Iscrizione in attesa di approvazione: %(title)s", title=event.title),
        "refused": _("Iscrizione non accolta: %(title)s", title=event.title),
        "promoted": _("Si è liberato un posto: %(title)s", title=event.title),
        "updated": _("Incontro aggiornato: %(title)s", title=event.title),
        "cancelled": _("Incontro annullato: %(title)s", title=event.title),
        "withdrawn": _("Iscrizione annullata: %(title)s", title=event.title),
        "reminder": _("Promemoria: %(title)s", title=event.title),
    }
    return "Officina: " + subjects[kind]


def _intro(kind: str, event: Event) -> str:
    """The first sentence of an event e-mail (in the locale forced by the caller)."""
    title = event.title
    intros = {
        "confirmed": _("la tua iscrizione all'incontro «%(title)s» è confermata.",
                       title=title),
        "waiting": _("i posti per l'incontro «%(title)s» sono esauriti: sei in lista "
                     "d'attesa. Se si libera un posto ti scriviamo con l'invito per il "
                     "calendario.", title=title),
        "pending": _("abbiamo ricevuto la tua iscrizione all'incontro «%(title)s»: gli "
                     "organizzatori la esamineranno e ti scriveremo l'esito.", title=title),
        "refused": _("la tua iscrizione all'incontro «%(title)s» non è stata accolta dagli "
                     "organizzatori.", title=title),
        "promoted": _("si è liberato un posto: la tua iscrizione all'incontro «%(title)s» "
                      "è ora confermata.", title=title),
        "updated": _("l'incontro «%(title)s» è cambiato: ecco date, sede e collegamento "
                     "aggiornati.", title=title),
        "cancelled": _("l'incontro «%(title)s» è stato annullato.", title=title),
        "withdrawn": _("come hai chiesto, la tua iscrizione all'incontro «%(title)s» è "
                       "annullata.", title=title),
        "reminder": _("ti ricordiamo che l'incontro «%(title)s» inizia il %(when)s.",
                      title=title, when=long_datetime(event.starts_at)),
    }
    return intros[kind]


def send_event_mail(kind: str, event: Event, registration: Registration, member: User, *,
                    invitation: bool, key: str | None = None) -> None:
    """One e-mail about the event to one member, in their language; with `invitation`,
    the iCalendar invitation (REQUEST, or CANCEL once cancelled) is attached. Nothing for
    members who may not receive mail. The event's sessions must be loaded."""
    from forum.calendars.ics import invitation as build_invitation
    from forum.calendars.ics import invitation_mime, page_url
    from forum.notifications.mailing import may_receive_mail, render_mail

    if not may_receive_mail(member):
        return
    attachments = None
    with force_locale(member.language):
        subject = _subject(kind, event)
        intro = _intro(kind, event)
        sessions = [(long_datetime(s.starts_at), long_datetime(s.ends_at)[-5:], s.title)
                    for s in event.sessions]
        if invitation:
            method, calendar = build_invitation(event, member, registration,
                                                withdrawn=kind == "withdrawn")
            attachments = [("invito.ics", invitation_mime(method), calendar.decode())]
    confirmed = registration.status == RegistrationStatus.CONFIRMED and kind != "withdrawn"
    text, html = render_mail(
        "event", member.language, user=member, event=event, kind=kind, intro=intro,
        sessions=sessions,
        link=page_url(event), online_url=event.online_url if confirmed else "",
        invitation=invitation, lang=member.language)
    send_mail(member.email, subject[:200], text, html=html, attachments=attachments, key=key)


def send_registration(event: Event, registration: Registration, member: User) -> None:
    """Confirmed, waiting, or awaiting approval: the member hears which; a confirmed
    member gets the invitation."""
    status = RegistrationStatus(registration.status)
    notify(member.id, _KINDS[status], link=event_link(event), title=event.title)
    send_event_mail(status.value, event, registration, member,
                    invitation=status == RegistrationStatus.CONFIRMED)


def _member(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def send_withdrawal(event: Event, registration: Registration, member: User, *,
                    was_confirmed: bool) -> None:
    """The member gave up their place: the e-mail says so and, if they had the invitation,
    carries its CANCEL so their calendar drops the event."""
    send_event_mail("withdrawn", event, registration, member, invitation=was_confirmed)


def send_promotion(event: Event, registration: Registration) -> None:
    """A seat freed up and the first on the waiting list has it (with the invitation)."""
    notify(registration.user_id, "event_promoted", link=event_link(event), title=event.title)
    member = _member(registration.user_id)
    if member is not None:
        send_event_mail("promoted", event, registration, member, invitation=True)


def send_decision(event: Event, registration: Registration) -> None:
    """An organiser approved (confirmed or waiting) or refused a registration."""
    status = RegistrationStatus(registration.status)
    notify(registration.user_id, _KINDS[status], link=event_link(event), title=event.title)
    member = _member(registration.user_id)
    if member is not None:
        send_event_mail(status.value, event, registration, member,
                        invitation=status == RegistrationStatus.CONFIRMED)


def _active(event: Event) -> list[tuple[Registration, User]]:
    return [(r, u) for r, u in db.session.execute(
        select(Registration, User).join(User, User.id == Registration.user_id).where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_REGISTRATIONS)).order_by(Registration.id))]


def send_update(event: Event) -> None:
    """Time, place or link changed: every registrant is told; confirmed ones get the
    updated invitation (same UIDs, raised SEQUENCE)."""
    for registration, member in _active(event):
        notify(registration.user_id, "event_updated", link=event_link(event),
               title=event.title)
        send_event_mail("updated", event, registration, member,
                        invitation=registration.status == RegistrationStatus.CONFIRMED)


def send_cancellation(event: Event) -> None:
    """The event is cancelled: every registrant is told why, with the calendar CANCEL."""
    for registration, member in _active(event):
        notify(registration.user_id, "event_cancelled", link=event_link(event),
               title=event.title, reason=event.cancel_reason)
        send_event_mail("cancelled", event, registration, member, invitation=True)
