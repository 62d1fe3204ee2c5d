"""The accessibility statement's values: configuration defaults, then the admin's SiteSetting
rows (a change needs no restart: the statement must be updated every year by 23 September).

The non-accessible content is Markdown, rendered once when saved (forum/markup.py) and kept
beside its source; the configured default is rendered on read (and cached by markup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import permissions
from forum.database import commit_or_conflict, write_intent
from forum.errors import InvalidInput, NotAllowed
from forum.markup import render_markdown
from forum.models import User
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.site_settings import read_settings, store_settings
from forum.text import clean_line, clean_text

PREFIX = "accessibility_"
# Setting name -> configuration default (ACCESSIBILITY_<NAME>).
FIELDS = ("administration", "site_name", "compliance", "non_accessible", "statement_date",
          "last_check", "agid_form_url", "contact_email")
COMPLIANCE = {
    "conforme": _l("Conforme"),
    "parzialmente_conforme": _l("Parzialmente conforme"),
    "non_conforme": _l("Non conforme"),
}
COMPLIANCE_TEXT = {
    "conforme": _l("Il sito è pienamente conforme ai requisiti della legge 4/2004 "
                   "(norma UNI CEI EN 301549, WCAG 2.1 livello AA)."),
    "parzialmente_conforme": _l(
        "Il sito è parzialmente conforme ai requisiti della legge 4/2004 (norma UNI CEI EN "
        "301549, WCAG 2.1 livello AA) per i contenuti non accessibili elencati sotto."),
    "non_conforme": _l("Il sito non è conforme ai requisiti della legge 4/2004 (norma UNI CEI "
                       "EN 301549, WCAG 2.1 livello AA)."),
}
NAME_MAX = 200
NON_ACCESSIBLE_MAX = 20_000
URL_MAX = 500
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Statement:
    """What the statement page shows; empty strings and None where nothing is set."""

    administration: str
    site_name: str
    compliance: str
    non_accessible: str
    non_accessible_html: str
    statement_date: date | None
    last_check: date | None
    agid_form_url: str
    contact_email: str
    enforcement_url: str
    answer_days: int

    @property
    def compliance_label(self) -> str:
        """"Parzialmente conforme", in the reader's language."""
        return str(COMPLIANCE[self.compliance])

    @property
    def compliance_text(self) -> str:
        """The sentence of AgID's model for this status."""
        return str(COMPLIANCE_TEXT[self.compliance])


def parse_day(raw: str | None) -> date | None:
    """A YYYY-MM-DD date, None when empty or malformed (never an exception)."""
    raw = (raw or "").strip()
    if not DATE_RE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _saved() -> dict[str, str]:
    rows = read_settings(PREFIX + name for name in (*FIELDS, "non_accessible_html"))
    return {key.removeprefix(PREFIX): value for key, value in rows.items()}


def get_statement() -> Statement:
    """The statement as saved by the admin, each missing value from the configuration."""
    config = current_app.config
    saved = _saved()

    def value(name: str) -> str:
        if name in saved:
            return saved[name]
        return str(config.get(f"ACCESSIBILITY_{name.upper()}") or "")

    compliance = value("compliance")
    if compliance not in COMPLIANCE:
        compliance = "non_conforme"  # an unknown value must never claim compliance
    non_accessible = value("non_accessible")
    if "non_accessible" in saved and "non_accessible_html" in saved:
        html = saved["non_accessible_html"]
    else:
        html = render_markdown(non_accessible) if non_accessible.strip() else ""
    return Statement(
        administration=value("administration"), site_name=value("site_name") or "Officina",
        compliance=compliance, non_accessible=non_accessible, non_accessible_html=html,
        statement_date=parse_day(value("statement_date")),
        last_check=parse_day(value("last_check")),
        agid_form_url=value("agid_form_url"), contact_email=value("contact_email"),
        enforcement_url=str(config["ACCESSIBILITY_ENFORCEMENT_URL"]),
        answer_days=int(config["ACCESSIBILITY_ANSWER_DAYS"]),
    )


def _https_url(raw: str) -> bool:
    parts = urlsplit(raw)
    return (parts.scheme == "https" and bool(parts.hostname) and " " not in raw
            and len(raw) <= URL_MAX)


def _checked(values: dict[str, str]) -> dict[str, str]:
    """Cleaned values, or InvalidInput with a message per field."""
    errors: dict[str, list[str]] = {}
    out = {name: clean_line(values.get(name, "")) for name in FIELDS if name != "non_accessible"}
    out["non_accessible"] = clean_text(values.get("non_accessible", ""))
    for name in ("administration", "site_name"):
        if not out[name]:
            errors[name] = [_("Questo campo è obbligatorio.")]
        elif len(out[name]) > NAME_MAX:
            errors[name] = [_("Al massimo %(n)d caratteri.", n=NAME_MAX)]
    if out["compliance"] not in COMPLIANCE:
        errors["compliance"] = [_("Scegli uno degli stati di conformità proposti.")]
    if len(out["non_accessible"]) > NON_ACCESSIBLE_MAX:
        errors["non_accessible"] = [_("Al massimo %(n)d caratteri.", n=NON_ACCESSIBLE_MAX)]
    elif out["compliance"] != "conforme" and not out["non_accessible"]:
        errors["non_accessible"] = [_(
            "Un sito non pienamente conforme deve elencare i contenuti non accessibili.")]
    for name in ("statement_date", "last_check"):
        day = parse_day(out[name])
        if out[name] and day is None:
            errors[name] = [_("Scrivi una data valida nel formato AAAA-MM-GG.")]
        elif day is not None and day > utcnow().date():
            errors[name] = [_("La data non può essere nel futuro.")]
    if out["agid_form_url"] and not _https_url(out["agid_form_url"]):
        errors["agid_form_url"] = [_(
            "Scrivi l'indirizzo completo (https://form.agid.gov.it/...) della dichiarazione "
            "pubblicata.")]
    if out["contact_email"]:
        try:
            out["contact_email"] = validate_email(
                out["contact_email"], check_deliverability=False).normalized
        except EmailNotValidError:
            errors["contact_email"] = [_("Scrivi un indirizzo e-mail valido.")]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    return out


def _store(values: dict[str, str]) -> None:
    """Insert or update the rows inside the caller's write transaction."""
    store_settings({PREFIX + name: value for name, value in values.items()})


def save_statement(actor: User, values: dict[str, Any]) -> Statement:
    """Save every value of the statement (admins only); the Markdown is rendered first,
    outside the write transaction."""
    if not permissions.is_admin(actor):
        raise NotAllowed(_("Solo gli amministratori modificano la dichiarazione di "
                           "accessibilità."))
    out = _checked({k: str(v or "") for k, v in values.items()})
    html = render_markdown(out["non_accessible"], field="non_accessible") \
        if out["non_accessible"] else ""
    with write_intent():
        _store({**out, "non_accessible_html": html})
        record_action(actor, "update_accessibility_statement", "settings", None,
                      compliance=out["compliance"], statement_date=out["statement_date"],
                      last_check=out["last_check"])
        commit_or_conflict(_("Un'altra modifica è stata salvata nello stesso momento: "
                             "riprova."))
    return get_statement()


def record_automated_check(day: date | None = None, actor: User | None = None) -> date:
    """Store the date of the last automated check (today by default), as CI or an operator
    does after the axe suite; a date in the future is refused."""
    day = day or utcnow().date()
    if day > utcnow().date():
        raise InvalidInput(_("La data non può essere nel futuro."))
    with write_intent():
        _store({"last_check": day.isoformat()})
        record_action(actor, "record_accessibility_check", "settings", None,
                      date=day.isoformat())
        commit_or_conflict(_("Un'altra registrazione è avvenuta nello stesso momento: "
                             "riprova."))
    return day
