"""Password change, and reset by e-mail with single-use tokens."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from forum.auth.password_rules import check_password_strength
from forum.auth.services import authenticate_dummy, hash_password
from forum.database import write_intent
from forum.errors import InvalidInput
from forum.extensions import db
from forum.mail import send_mail
from forum.models import User
from forum.models.identity import has_placeholder_email
from forum.text import clean_line

RESET_SALT = "officina-password-reset"


def _set_password(user: User, new: str) -> User:
    """Store the new hash and bump the session version: every other session ends."""
    password_hash = hash_password(new)  # the slow part, before the write lock
    with write_intent():
        user.password_hash = password_hash
        user.session_version += 1
        db.session.commit()
    return user


def change_password(user: User, *, current: str, new: str) -> User:
    """Set a new password after checking the current one; ends every other session."""
    if not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput(_("Controlla i campi evidenziati."),
                           field_errors={"current": [_("La password attuale non è corretta.")]})
    if problems := check_password_strength(new, hints=(user.username, user.email)):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"new": problems})
    return _set_password(user, new)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used token stops working (single use)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def reset_token(user: User) -> str:
    """A signed, expiring token bound to the user's current password."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address is registered; the caller answers the same anyway."""
    address = clean_line(email).lower()
    user = db.session.execute(
        select(User).where(func.lower(User.email) == address)
    ).scalar_one_or_none()
    if user is None or has_placeholder_email(user):  # a stand-in address is no mailbox
        authenticate_dummy()  # similar cost to the path that signs a token and writes mail
        return
    link = url_for("auth.reset_password", token=reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    subject = _("Officina: reimposta la password")
    body = _(
        "Ciao %(name)s,\n\nper scegliere una nuova password apri questo link entro "
        "%(minutes)d minuti:\n\n%(link)s\n\nSe non hai chiesto tu di reimpostare la "
        "password, ignora questo messaggio: la password attuale resta valida.\n",
        name=user.display_name, minutes=minutes, link=link,
    )
    to, key = user.email, f"password-reset:{user.id}"  # one mail while one is waiting
    with write_intent():  # the mail job is saved with this commit, then sent off the request
        send_mail(to, subject, body, key=key)
        db.session.commit()


def user_for_token(token: str) -> User | None:
    """The user a valid, unexpired, unused token belongs to; None otherwise."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not hmac.compare_digest(str(data.get("f")), _fingerprint(user)):
        return None
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = user_for_token(token)
    if user is None:
        raise InvalidInput(_("Il link non è valido o è scaduto: chiedine uno nuovo."))
    if problems := check_password_strength(new, hints=(user.username, user.email)):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"new": problems})
    return _set_password(user, new)
