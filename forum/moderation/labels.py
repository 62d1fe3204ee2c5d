"""Human names for audit actions and targets, translated when shown."""

from __future__ import annotations

from flask_babel import gettext as _

from forum.taxonomy import N_

CLOSE_REASONS: dict[str, str] = {
    "off_topic": N_("Fuori tema"),
    "unclear": N_("Poco chiara"),
    "duplicate": N_("Duplicato di un'altra domanda"),
    "resolved_elsewhere": N_("Risolta altrove"),
}

ACTION_LABELS: dict[str, str] = {
    "hide_post": N_("Contenuto nascosto"),
    "auto_hide": N_("Nascosto dalle segnalazioni"),
    "restore_post": N_("Contenuto ripristinato"),
    "dismiss_flags": N_("Segnalazioni archiviate"),
    "warn_user": N_("Avviso all'autore"),
    "close_question": N_("Domanda chiusa"),
    "reopen_question": N_("Domanda riaperta"),
    "lock_question": N_("Discussione bloccata"),
    "unlock_question": N_("Discussione sbloccata"),
    "edit_post": N_("Modifica di un contenuto altrui"),
    "accept_answer": N_("Soluzione validata"),
    "withdraw_acceptance": N_("Soluzione ritirata"),
    "rollback": N_("Ripristino di una revisione"),
    "redact_post": N_("Dati personali oscurati"),
    "approve_suggestion": N_("Modifica proposta approvata"),
    "reject_suggestion": N_("Modifica proposta respinta"),
    "approve_user": N_("Iscrizione approvata"),
    "reject_user": N_("Iscrizione respinta"),
    "change_role": N_("Ruolo cambiato"),
    "toggle_organiser": N_("Ruolo di organizzatore cambiato"),
    "suspend_user": N_("Account sospeso"),
    "reactivate_user": N_("Account riattivato"),
    "create_theme": N_("Tema creato"),
    "update_theme": N_("Tema modificato"),
    "archive_theme": N_("Tema archiviato"),
    "unarchive_theme": N_("Tema ripristinato"),
    "update_settings": N_("Impostazioni modificate"),
    "update_open_data_settings": N_("Impostazioni dei dati aperti modificate"),
    "update_privacy_notice": N_("Informativa privacy modificata"),
    "create_organisation": N_("Ente aggiunto"),
    "archive_organisation": N_("Ente archiviato"),
    "read_reported_message": N_("Lettura di un messaggio privato segnalato"),
    "close_message_report": N_("Segnalazione di un messaggio privato chiusa"),
    "answer_accessibility_report": N_("Risposta a una segnalazione di accessibilità"),
    "close_accessibility_report": N_("Segnalazione di accessibilità chiusa senza risposta"),
    "update_accessibility_statement": N_("Dichiarazione di accessibilità modificata"),
    "record_accessibility_check": N_("Verifica automatica di accessibilità registrata"),
}

TARGET_LABELS: dict[str, str] = {
    "question": N_("Domanda"),
    "answer": N_("Risposta"),
    "comment": N_("Commento"),
    "user": N_("Utente"),
    "theme": N_("Tema"),
    "practice": N_("Buona pratica"),
    "settings": N_("Impostazioni"),
    "organisation": N_("Ente"),
    "suggestion": N_("Modifica proposta"),
    "message": N_("Messaggio privato"),
    "accessibility": N_("Segnalazione di accessibilità"),
}


def action_label(action: str) -> str:
    """The action's name in the reader's language (the code itself when unknown)."""
    label = ACTION_LABELS.get(action)
    return _(label) if label else action


def target_label(target_type: str) -> str:
    """The target kind's name in the reader's language."""
    label = TARGET_LABELS.get(target_type)
    return _(label) if label else target_type


def close_reason_label(reason: str | None) -> str:
    """Why a question was closed, in the reader's language."""
    label = CLOSE_REASONS.get(reason or "")
    return _(label) if label else ""
