"""The privacy notice (informativa, GDPR arts. 13-14): the controller's own words, saved by
the admin as SiteSetting rows so a change needs no restart. Until a field is saved the
Italian defaults below are shown (translated for English readers). Long fields are
Markdown, rendered and sanitised by forum/markup.py when saved."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import permissions
from forum.database import write_intent
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.markup import render_many
from forum.models import User
from forum.moderation.audit import record_action
from forum.site_settings import read_settings, store_settings
from forum.text import clean_line, clean_text

PREFIX = "privacy_"
# Plain one-line fields and their limits.
LINES: dict[str, int] = {"controller_name": 200, "controller_address": 300,
                         "controller_pec": 254, "dpo_name": 200, "dpo_email": 254}
# Markdown fields.
TEXTS = ("purposes", "legal_basis", "data_categories", "recipients")
MAX_TEXT = 10_000
DEFAULTS = {
    "controller_name": _l("Ente titolare della piattaforma Officina (esempio)"),
    "controller_address": _l("Via dell'Esempio 1, 00100 Roma"),
    "controller_pec": "protocollo@pec.ente-esempio.it",
    "dpo_name": _l("Responsabile della protezione dei dati dell'ente"),
    "dpo_email": "rpd@ente-esempio.it",
    "purposes": _l(
        "- gestire l'account e il profilo di chi lavora nelle amministrazioni pubbliche;\n"
        "- permettere domande, risposte, buone pratiche, messaggi e tavoli di lavoro tra "
        "enti;\n- organizzare incontri e rilasciare attestati di partecipazione;\n"
        "- inviare le notifiche e, a chi lo sceglie, la newsletter;\n"
        "- garantire la sicurezza del servizio e la moderazione dei contenuti."),
    "legal_basis": _l(
        "Esecuzione di un compito di interesse pubblico o connesso all'esercizio di "
        "pubblici poteri (art. 6, par. 1, lett. e) del Regolamento UE 2016/679 e art. "
        "2-ter del Codice in materia di protezione dei dati personali, d.lgs. 196/2003); "
        "per la newsletter, il consenso (art. 6, par. 1, lett. a), revocabile in ogni "
        "momento."),
    "data_categories": _l(
        "Dati di contatto e di account (nome, nome utente, e-mail, ente, ruolo), dati del "
        "profilo che scegli di inserire, contenuti che pubblichi, iscrizioni agli incontri "
        "ed eventuali esigenze di accessibilità, dati tecnici di accesso (indirizzo IP nei "
        "log). Non inserire dati personali di famiglie o minori."),
    "recipients": _l(
        "Il personale autorizzato del titolare e i fornitori che gestiscono l'infrastruttura "
        "per suo conto, nominati responsabili del trattamento (art. 28). I dati non sono "
        "trasferiti fuori dall'Unione europea. I contenuti pubblici sono visibili a tutti."),
}


@dataclass(frozen=True)
class Retention:
    """How long each kind of data is kept, from the configuration."""

    export_days: int
    grace_days: int
    notification_days: int
    job_days: int
    access_log_days: int
    needs_days: int


@dataclass(frozen=True)
class Notice:
    """The notice as shown: plain fields, and the HTML of the Markdown ones."""

    values: dict[str, str]
    html: dict[str, str]
    retention: Retention


def retention() -> Retention:
    """The configured retention values."""
    config = current_app.config
    return Retention(int(config["PRIVACY_EXPORT_DAYS"]),
                     int(config["PRIVACY_DELETION_GRACE_DAYS"]),
                     int(config["NOTIFICATION_RETENTION_DAYS"]),
                     int(config["JOB_PAYLOAD_RETENTION_DAYS"]),
                     int(config["ACCESS_LOG_RETENTION_DAYS"]),
                     int(config["EVENT_NEEDS_RETENTION_DAYS"]))


def _saved() -> dict[str, str]:
    names = [*LINES, *TEXTS, *(f"{name}_html" for name in TEXTS)]
    return {key[len(PREFIX):]: value
            for key, value in read_settings(PREFIX + name for name in names).items()}


def notice_values() -> dict[str, str]:
    """Every field's text: what the admin saved, or the default."""
    saved = _saved()
    return {name: saved.get(name, str(DEFAULTS[name])) for name in (*LINES, *TEXTS)}


def get_notice() -> Notice:
    """The notice with its Markdown fields as sanitised HTML (saved ones were rendered when
    saved; defaults come from the renderer's cache)."""
    saved = _saved()
    values = {name: saved.get(name, str(DEFAULTS[name])) for name in (*LINES, *TEXTS)}
    html = {name: saved[f"{name}_html"] for name in TEXTS
            if name in saved and f"{name}_html" in saved}
    missing = [name for name in TEXTS if name not in html]
    for name, rendered in zip(missing, render_many([values[n] for n in missing]),
                              strict=True):
        html[name] = rendered
    return Notice(values, html, retention())


def save_notice(actor: User, fields: dict[str, str]) -> None:
    """Save the notice's fields (admins only); Markdown is rendered before the write."""
    if not permissions.can_edit_privacy_notice(actor):
        raise NotAllowed(_("Solo gli amministratori modificano l'informativa."))
    values = {name: clean_line(fields.get(name) or "") for name in LINES}
    values |= {name: clean_text(fields.get(name) or "").strip() for name in TEXTS}
    errors = {name: [_("Al massimo %(n)d caratteri.", n=limit)]
              for name, limit in LINES.items() if len(values[name]) > limit}
    errors |= {name: [_("Al massimo %(n)d caratteri.", n=MAX_TEXT)]
               for name in TEXTS if len(values[name]) > MAX_TEXT}
    errors |= {name: [_("Campo obbligatorio.")]
               for name in ("controller_name", "dpo_email") if not values[name]}
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    rendered = render_many([values[n] for n in TEXTS], fields=list(TEXTS))
    values |= {f"{name}_html": html for name, html in zip(TEXTS, rendered, strict=True)}
    with write_intent():
        store_settings({PREFIX + name: value for name, value in values.items()})
        record_action(actor, "update_privacy_notice", "settings", None)
        db.session.commit()
