"""Organisers write to every active registrant: a notification ("event_message") and an
e-mail each, in one transaction."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.database import write_intent
from forum.errors import InvalidInput
from forum.events.access import load_event, require_organiser
from forum.events.mailing import event_link
from forum.extensions import db
from forum.mail import send_mail
from forum.models import ACTIVE_REGISTRATIONS, Registration, User
from forum.notifications.mailing import may_receive_mail
from forum.notifications.services import notify
from forum.text import clean_line, clean_text

SUBJECT_MAX, BODY_MAX = 150, 5_000


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
