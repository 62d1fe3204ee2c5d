"""Create, revoke and check personal access tokens.

A token reads `off_<prefix>_<secret>`: the prefix finds the row, the secret is compared by
its SHA-256 in constant time. The plain token exists only in the response that creates it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.database import write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound, Unauthenticated
from forum.extensions import db
from forum.models import ApiToken, TokenScope, User
from forum.models.base import utcnow
from forum.text import clean_line

TOKEN_RE = re.compile(r"off_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})")
LIFETIMES = (30, 90, 180, 365)
NAME_MAX = 80
MAX_ACTIVE = 20
# A token's last use is written at most this often: a busy script must not turn every
# read into a write on the same row.
TOUCH_EVERY = timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the plain token, shown once."""
    if not permissions.can_create_token(user):
        raise NotAllowed(_("Solo i membri approvati possono creare token di accesso."))
    name = clean_line(name)
    errors: dict[str, list[str]] = {}
    if not 1 <= len(name) <= NAME_MAX:
        errors["name"] = [_("Il nome deve avere da 1 a %(max)d caratteri.", max=NAME_MAX)]
    if scope not in set(TokenScope):
        errors["scope"] = [_("Scegli un ambito dall'elenco.")]
    if days not in LIFETIMES:
        errors["days"] = [_("Scegli una durata dall'elenco.")]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    with write_intent():
        return _create(user, name, scope, days)


def _create(user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    # the member's row lock serialises their creations, so the cap holds under a crowd
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    now = utcnow()
    active = db.session.execute(
        select(db.func.count()).select_from(ApiToken).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now)
    ).scalar_one()
    if active >= MAX_ACTIVE:
        raise InvalidInput(_(
            "Hai già %(count)d token attivi: revocane uno prima di crearne un altro.",
            count=MAX_ACTIVE))
    prefix = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
                     for _i in range(12))
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=prefix, secret_hash=_digest(secret),
                     scope=scope, created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.commit()
    return token, f"off_{prefix}_{secret}"


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the member's tokens; revoking twice is harmless."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not permissions.can_revoke_token(user, token):
        raise NotFound(_("Token non trovato."))
    with write_intent():
        db.session.execute(
            update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow()))
        db.session.commit()
    return db.session.get(ApiToken, token_id) or token


def revoke_all(user_id: int) -> None:
    """Revoke every token of an account (deletion, suspension); the caller commits."""
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()))


def tokens_of(user: User) -> list[ApiToken]:
    """The member's tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def authenticate(raw: str) -> ApiToken:
    """The usable token for an `Authorization: Bearer` value, with its user loaded;
    Unauthenticated (401) for anything else, with the reason."""
    match = TOKEN_RE.fullmatch(raw.strip())
    token = None
    if match:
        token = db.session.execute(
            select(ApiToken).where(ApiToken.prefix == match.group(1))
            .options(joinedload(ApiToken.user))
        ).scalar_one_or_none()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(match.group(2)
                                                                           if match else "")):
        raise Unauthenticated(_("Token di accesso non valido."))
    now = utcnow()
    if token.revoked_at is not None:
        raise Unauthenticated(_("Questo token è stato revocato."))
    if token.expires_at <= now:
        raise Unauthenticated(_("Questo token è scaduto: creane uno nuovo dal tuo profilo."))
    if token.user.is_suspended or token.user.is_pending:
        raise Unauthenticated(_("L'account di questo token non può usare l'API."))
    return token


def touch(token: ApiToken) -> None:
    """Record the token's use, at most once every few minutes (one conditional UPDATE)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    with write_intent():
        db.session.execute(
            update(ApiToken).where(
                ApiToken.id == token.id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY))
            .values(last_used_at=now))
        db.session.commit()
