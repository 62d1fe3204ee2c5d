"""Notification texts by kind, translated when read (so each reader sees their language)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from forum.taxonomy import N_

MESSAGES: dict[str, str] = {
    "account_approved": N_("Il tuo account è stato approvato: ora puoi scrivere su Officina."),
    "account_rejected": N_("La tua richiesta di iscrizione non è stata approvata. %(reason)s"),
    "account_suspended": N_("Il tuo account è sospeso fino al %(until)s. Motivo: %(reason)s"),
    "account_reactivated": N_("La sospensione del tuo account è terminata."),
    "role_changed": N_("Il tuo ruolo ora è: %(role)s."),
    "post_hidden": N_("Un tuo contenuto è stato nascosto dalla moderazione. Motivo: %(reason)s"),
    "post_hidden_by_flags": N_(
        "Un tuo contenuto è stato nascosto in attesa di verifica dopo diverse segnalazioni."
    ),
    "post_restored": N_("Un tuo contenuto nascosto è di nuovo visibile."),
    "warning": N_("Avviso dalla moderazione: %(reason)s"),
    "question_closed": N_("La tua domanda è stata chiusa. Motivo: %(reason)s"),
    "question_reopened": N_("La tua domanda è stata riaperta."),
    "suggestion_approved": N_("La modifica che hai proposto è stata approvata."),
    "suggestion_rejected": N_("La modifica che hai proposto non è stata accettata."),
    "post_rolled_back": N_("Un tuo contenuto è stato riportato a una versione precedente."),
}


def render_message(kind: str, params: dict[str, Any]) -> str:
    """The notification text in the current language; unknown kinds show nothing harmful."""
    template = MESSAGES.get(kind)
    if template is None:
        return ""
    safe = {k: str(v) for k, v in (params or {}).items()}
    try:
        return _(template, **safe)
    except (KeyError, ValueError):
        return _(template.split("%(")[0].strip())
