"""Who calls the API: a personal access token (`Authorization: Bearer`) or the session.

A token request skips CSRF (no cookie is involved, so no cross-site forgery is possible)
and may write only with the `write` scope; a request carrying the session cookie keeps
the CSRF check of the pages, so a hostile site cannot post through a member's browser.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum import permissions
from forum.errors import NotAllowed, Unauthenticated
from forum.extensions import csrf
from forum.limits import member_key
from forum.models import ApiToken
from forum.permissions.platform import SAFE_METHODS
from forum.tokens import services as tokens


def bearer_value() -> str | None:
    """The token sent in `Authorization`, or None when the header is absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated(_("Intestazione Authorization non valida: usa «Bearer <token>»."))
    return value.strip()


def current_token() -> ApiToken | None:
    """The token of this request, once `authenticate_request` has checked it."""
    return g.get("api_token")


def authenticate_request() -> None:
    """Before every API view: the token's member becomes `current_user` for this request
    only (no session is written), or the session's CSRF rules apply to writes."""
    raw = bearer_value()
    if raw is None:
        if request.method not in SAFE_METHODS:
            if not current_user.is_authenticated:
                raise Unauthenticated(_("Serve un token di accesso (Authorization: Bearer) "
                                        "o una sessione attiva."))
            if current_app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()
        return
    token = tokens.authenticate(raw)
    if not permissions.token_allows(token, request.method):
        raise NotAllowed(_("Questo token è di sola lettura: crea un token con ambito "
                           "«scrittura» per questa operazione."))
    g._login_user = token.user  # Flask-Login's per-request user: nothing stored in a cookie
    g.api_token = token
    tokens.touch(token)


def rate_key() -> str:
    """Limits count per token (a script), else per member or address like the pages.
    `authenticate_request` runs before the limiter, so the token is known here."""
    token = current_token()
    if token is not None:
        return f"token:{token.id}"
    if request.headers.get("Authorization"):
        return f"address:{get_remote_address()}"
    return member_key()
