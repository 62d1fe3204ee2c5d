"""Attendance certificates (attestati di partecipazione): issued once to a member marked
present at an ended event, with what they say frozen at issue, and a code anyone can
check at `/attestati/<code>`."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum import permissions
from forum.database import write_intent
from forum.errors import NotAllowed, NotFound
from forum.events.access import load_event, organiser_ids
from forum.events.clock import utc_to_rome
from forum.events.registrations import registration_of
from forum.extensions import db
from forum.models import Certificate, Event, EventSession, Registration, User
from forum.models.base import utcnow

# No 0/O, 1/I/L: a code read aloud or copied from paper is not mistaken.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
_CODE = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    """A random certificate code (about 59 bits)."""
    return "".join(secrets.choice(ALPHABET) for _n in range(CODE_LENGTH))


def normalised_code(raw: str) -> str | None:
    """A typed code as stored (upper case, spaces and dashes dropped); None if it cannot
    be one."""
    if len(raw) > 64:
        return None
    code = re.sub(r"[\s-]", "", raw).upper()
    return code if _CODE.match(code) else None


def verify_url(code: str) -> str:
    """The public address that confirms a certificate (also outside a request)."""
    return f"{current_app.config['SITE_URL'].rstrip('/')}/attestati/{code}"


def format_hours(hours: float) -> str:
    """Hours the Italian way: 2, 1,5, 7,25."""
    text = f"{round(hours, 2):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _details(member: User, event: Event, registration: Registration) -> dict[str, Any]:
    rows = list(db.session.scalars(select(EventSession).where(
        EventSession.event_id == event.id).order_by(EventSession.starts_at)))
    sessions = []
    for session in rows:
        start, end = utc_to_rome(session.starts_at), utc_to_rome(session.ends_at)
        sessions.append(f"{start:%d/%m/%Y} {start:%H:%M}-{end:%H:%M}")
    return {
        "name": member.display_name,
        "organisation": registration.organisation or member.organisation,
        "event": event.title,
        "event_slug": event.slug,
        "sessions": sessions,
        "hours": format_hours(sum(s.hours for s in rows)),
        "organiser": event.organiser,
        "issued_on": f"{utc_to_rome(utcnow()):%d/%m/%Y}",
    }


def _existing(user_id: int, event_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.event_id == event_id))


def issued_certificate(actor: User, event_id: int) -> Certificate:
    """The actor's certificate for the event, if already issued (reading only: a GET
    never issues); NotFound otherwise."""
    event = load_event(event_id)
    if not permissions.can_view_event(actor, event, organiser_ids(event)):
        raise NotFound(_("Incontro non trovato."))
    certificate = _existing(getattr(actor, "id", 0), event.id)
    if certificate is None:
        raise NotFound(_("Attestato non ancora emesso: chiedilo dalla pagina dell'incontro."))
    return certificate


def issue_certificate(actor: User, event_id: int) -> Certificate:
    """The actor's certificate for the event: issued on the first request (details
    frozen then), the same one afterwards. Only whoever was marked present at an ended
    event gets one (403 otherwise). Two requests at once meet on the unique
    (member, event) pair: the second reads the first's certificate."""
    event = load_event(event_id)
    if not permissions.can_view_event(actor, event, organiser_ids(event)):
        raise NotFound(_("Incontro non trovato."))
    registration = registration_of(actor, event)
    if not permissions.can_get_certificate(actor, event, registration):
        raise NotAllowed(_("L'attestato è per chi risulta presente all'incontro, dopo la sua "
                           "conclusione: se hai partecipato ma non risulti presente, scrivi "
                           "agli organizzatori."))
    assert registration is not None
    return issue_once(actor, {"event_id": event.id},
                      lambda: _details(actor, event, registration))


def issue_once(actor: User, subject: dict[str, int],
               details: Callable[[], dict[str, Any]]) -> Certificate:
    """The actor's certificate for `subject` (`{"event_id": ...}` or `{"path_id": ...}`),
    issued once: two requests at once meet on the unique (member, subject) pair and the
    second reads the first's certificate (a code already taken is drawn again)."""
    def existing() -> Certificate | None:
        return db.session.scalar(select(Certificate).filter_by(user_id=actor.id, **subject))

    certificate = existing()
    if certificate is not None:
        return certificate
    for _attempt in range(3):
        try:
            with write_intent():
                certificate = existing()
                if certificate is not None:
                    return certificate
                certificate = Certificate(code=new_code(), user_id=actor.id,
                                          details=details(), **subject)
                db.session.add(certificate)
                db.session.commit()
            return certificate
        except IntegrityError:
            db.session.rollback()  # a concurrent issue, or (rarely) a code already taken
    certificate = existing()
    if certificate is None:
        raise RuntimeError("certificate not issued after three attempts")
    return certificate


def certificate_by_code(raw: str) -> Certificate:
    """The certificate with this code; any other string, well formed or not, is the
    same 404."""
    code = normalised_code(raw)
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code)) \
        if code else None
    if certificate is None:
        raise NotFound(_("Attestato non trovato: controlla il codice."))
    return certificate
