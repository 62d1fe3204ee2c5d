"""Response headers: a nonce-based Content-Security-Policy and the usual hardening."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, request, session
from flask_babel import gettext as _
from flask_login import current_user

from forum.database import WRITE_METHODS


def csp_nonce() -> str:
    """The per-response nonce that templates put on their <script> tags."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _set_headers(response: Response) -> Response:
    nonce = csp_nonce()
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html" and "charset" not in response.content_type:
        response.content_type = "text/html; charset=utf-8"
    # a member's session says so without loading the account (a page served from their copy)
    if request.endpoint != "static" and ("_user_id" in session or current_user.is_authenticated):
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_security(app: Flask) -> None:
    """Install the headers hook and expose the nonce to templates."""
    app.before_request(_check_origin)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def _same_origin(value: str) -> bool:
    """True when an Origin/Referer value names this site (scheme-agnostic behind proxies)."""
    parts = urlsplit(value)
    return bool(parts.netloc) and parts.netloc == request.host


def _check_origin() -> None:
    """Refuse state-changing requests sent by another site (defence in depth beside CSRF)."""
    if request.method not in WRITE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        if not _same_origin(origin):
            abort(403, description=_("Richiesta rifiutata: proviene da un altro sito."))
        return
    referer = request.headers.get("Referer")
    if origin == "null" or (referer and not _same_origin(referer)):
        abort(403, description=_("Richiesta rifiutata: proviene da un altro sito."))
