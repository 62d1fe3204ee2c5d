"""Helpers shared by the views: safe redirects, strict paging, error rendering."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import abort, flash, g, request, session
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from forum.errors import DomainError, PersonalDataSuspected

CONFIRM_FIELD = "conferma_dati"  # the "Ho controllato" checkbox of the privacy guard


def safe_next(target: str | None, fallback: str) -> str:
    """A local path to go to after sign-in; anything pointing elsewhere becomes `fallback`."""
    if not target:
        return fallback
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def page_arg() -> int:
    """`?page=` as a positive integer; anything else is a 400 with a clear message."""
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) < 1:
        abort(400, description=_("Numero di pagina non valido: usa un intero positivo."))
    return int(raw)


def attach_errors(form: FlaskForm, error: DomainError) -> None:
    """Show a service's field errors next to the matching inputs of the form."""
    for name, messages in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*list(field.errors or []), *messages]


def fresh_session() -> None:
    """Drop everything in the session (a new id at sign-in) but the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def optional_int(raw: str | None) -> int | None:
    """A hidden form id: None when empty, 0 (never a real id) when malformed."""
    if raw is None or raw == "":
        return None
    return int(raw) if re.fullmatch(r"[0-9]{1,11}", raw) else 0


def form_error(form: FlaskForm, error: DomainError) -> int:
    """Show a refused action on its form (messages by field, a banner); return the status.

    Suspected personal data is shown by the form's own privacy box (highlighted passages
    and the confirmation box, see `_macros/privacy.html`), not by a banner."""
    if isinstance(error, PersonalDataSuspected):
        g.privacy_check = (type(form).__name__, error)
        return error.status_code
    attach_errors(form, error)
    flash(error.message, "danger")
    return error.status_code


def personal_data_confirmed() -> bool:
    """Whether the writer ticked "Ho controllato: non sono dati personali"."""
    return request.form.get(CONFIRM_FIELD) == "1"
