"""A member's privacy requests: export their data, delete their account after a grace
period, cancel that deletion. One public call = one commit."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Table, select, update
from werkzeug.security import check_password_hash

from forum import permissions
from forum.auth.services import authenticate_dummy
from forum.database import upsert_insert, write_intent
from forum.errors import Gone, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.i18n import long_date
from forum.mail import send_mail
from forum.models import PrivacyRequest, RequestKind, RequestStatus, User
from forum.models.base import utcnow
from forum.models.privacy import OPEN_WHERE
from forum.notifications.mailing import site_url
from forum.notifications.services import notify
from forum.privacy.export import export_storage, queue_export

# Accounts without a password (signed in through an identity provider) confirm a deletion
# by typing this word instead.
CONFIRMATION_WORD = "ELIMINA"


def has_usable_password(user: User) -> bool:
    """Whether the account signs in with a password (OIDC-only accounts do not)."""
    value = user.password_hash or ""
    return bool(value) and not value.startswith("!")


def _open_request(user_id: int, kind: RequestKind) -> PrivacyRequest | None:
    return db.session.execute(select(PrivacyRequest).where(
        PrivacyRequest.user_id == user_id, PrivacyRequest.kind == kind,
        PrivacyRequest.status.in_((RequestStatus.PENDING, RequestStatus.READY)))
    ).scalar_one_or_none()


def _insert_open(user_id: int, kind: RequestKind, **values: Any) -> int | None:
    """INSERT the request unless one is open (the partial unique index decides, so 24
    identical requests at once make one row); returns the new id or None."""
    insert: Any = upsert_insert(db.session())
    table: Table = PrivacyRequest.__table__  # type: ignore[assignment]
    now = utcnow()
    stmt = insert(table).values(user_id=user_id, kind=kind, status=RequestStatus.PENDING,
                                requested_at=now, size_bytes=0, note="", **values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "kind"],
                                       index_where=OPEN_WHERE)
    new_id = db.session.execute(stmt.returning(table.c.id)).scalar_one_or_none()
    return int(new_id) if new_id is not None else None


def _require(user: Any) -> None:
    if not permissions.can_request_privacy(user):
        raise NotAllowed(_("Accedi per gestire i tuoi dati."))


def request_export(user: User) -> tuple[PrivacyRequest, bool]:
    """Ask for the archive of one's data; while one is being built or can be downloaded,
    the same request comes back (no second job). Returns it and whether it is new."""
    _require(user)
    with write_intent():
        new_id = _insert_open(user.id, RequestKind.EXPORT)
        if new_id is not None:
            queue_export(new_id)
        db.session.commit()
    request = _open_request(user.id, RequestKind.EXPORT)
    if request is None:  # built, downloaded and expired in between: extremely unlikely
        raise NotFound(_("Richiesta non trovata: riprova."))
    return request, new_id is not None


def download_name(user: Any, request_id: int) -> tuple[PrivacyRequest, str]:
    """The stored name of one's own ready archive (`export.export_storage`); 404 for anyone
    else, 410 once expired or gone."""
    request = db.session.get(PrivacyRequest, request_id)
    if request is None or not getattr(user, "is_authenticated", False) \
            or request.user_id != user.id or request.kind != RequestKind.EXPORT:
        raise NotFound(_("Archivio non trovato."))
    expired = request.expires_at is not None and request.expires_at <= utcnow()
    if request.status == RequestStatus.EXPIRED or expired:
        raise Gone(_("Il link per scaricare l'archivio è scaduto: chiedi una nuova "
                     "esportazione."))
    if not permissions.can_download_export(user, request) or not request.file_path:
        raise NotFound(_("L'archivio non è ancora pronto."))
    try:
        kept = export_storage().exists(request.file_path)
    except ValueError:  # a name from before archives went through the storage
        kept = False
    if not kept:
        raise Gone(_("L'archivio non è più disponibile: chiedi una nuova esportazione."))
    return request, request.file_path


def _confirm_identity(user: User, password: str, confirmation: str) -> None:
    if has_usable_password(user):
        if not check_password_hash(user.password_hash, password or ""):
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                "password": [_("La password non è corretta.")]})
        return
    authenticate_dummy(password)
    if not hmac.compare_digest((confirmation or "").strip().upper(), CONFIRMATION_WORD):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "confirmation": [_("Scrivi %(word)s per confermare.", word=CONFIRMATION_WORD)]})


def _deletion_mail(user: User, due: datetime) -> tuple[str, str]:
    """The e-mail that confirms the request at once (someone else may have used the
    account): subject and body in the member's language."""
    with force_locale(user.language or "it"):
        return _("Officina: richiesta di eliminazione dell'account"), _(
            "Ciao %(name)s,\n\nabbiamo ricevuto la richiesta di eliminare il tuo account. "
            "Sarà cancellato il %(until)s. Fino ad allora puoi annullarla da questa pagina, "
            "dopo aver effettuato l'accesso:\n\n%(link)s\n\nSe non l'hai chiesto tu, "
            "annulla la richiesta e cambia la password.\n",
            name=user.display_name, until=long_date(due), link=site_url("/profilo/dati"))


def request_deletion(user: User, *, password: str = "", confirmation: str = ""
                     ) -> PrivacyRequest:
    """Ask for the account's erasure after the grace period (password, or the typed word
    for accounts without one); asking again returns the pending request."""
    _require(user)
    _confirm_identity(user, password, confirmation)
    grace = int(current_app.config["PRIVACY_DELETION_GRACE_DAYS"])
    due = utcnow() + timedelta(days=grace)
    with write_intent():
        new_id = _insert_open(user.id, RequestKind.DELETION, due_at=due)
        if new_id is not None:
            db.session.execute(update(User).where(User.id == user.id)
                               .values(deletion_due_at=due))
            notify(user.id, "privacy_deletion_requested", link="/profilo/dati",
                   until=long_date(due))
            if user.email_bounced_at is None:
                send_mail(user.email, *_deletion_mail(user, due))
        db.session.commit()
    request = _open_request(user.id, RequestKind.DELETION)
    if request is None:
        raise NotFound(_("Richiesta non trovata: riprova."))
    db.session.refresh(user)
    return request


def cancel_deletion(user: User) -> bool:
    """Withdraw one's pending deletion; True when one was withdrawn (twice is harmless)."""
    _require(user)
    with write_intent():
        request = db.session.execute(select(PrivacyRequest).where(
            PrivacyRequest.user_id == user.id, PrivacyRequest.kind == RequestKind.DELETION,
            PrivacyRequest.status == RequestStatus.PENDING).with_for_update()
        ).scalar_one_or_none()
        if request is not None:
            request.status, request.completed_at = RequestStatus.CANCELLED, utcnow()
        user.deletion_due_at = None
        db.session.commit()
    return request is not None
