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
    "post_redacted": N_(
        "La moderazione ha tolto dati personali da un tuo contenuto. Motivo: %(reason)s"),
    "new_question": N_("%(actor)s ha fatto una nuova domanda: «%(title)s»"),
    "private_message": N_("%(actor)s ti ha scritto un messaggio privato: «%(title)s»"),
    "new_answer": N_("%(actor)s ha risposto a «%(title)s»"),
    "new_comment": N_("%(actor)s ha commentato in «%(title)s»"),
    "comment_reply": N_("%(actor)s ha risposto al tuo commento in «%(title)s»"),
    "mention": N_("%(actor)s ti ha menzionato in «%(title)s»"),
    "answer_accepted": N_("La tua risposta a «%(title)s» è stata accettata come soluzione."),
    "answer_unaccepted": N_("La tua risposta a «%(title)s» non è più la soluzione accettata."),
    "practice_published": N_("La buona pratica «%(title)s» è stata pubblicata."),
    "practice_cited": N_("%(actor)s ha citato la buona pratica «%(title)s» in una risposta."),
    "practice_replicated": N_(
        "%(actor)s ha segnalato che la buona pratica «%(title)s» ha funzionato anche nel suo "
        "ente."),
    "solution_changed": N_(
        "La moderazione ha cambiato la soluzione della tua domanda «%(title)s»."),
    "routing_offer": N_(
        "Una domanda senza risposta sul tema %(theme)s: puoi aiutare? «%(title)s»"),
    "guideline_comment": N_(
        "%(actor)s ha commentato la sezione «%(section)s» della linea guida «%(title)s» in "
        "consultazione."),
    "guideline_comment_answered": N_(
        "I curatori hanno risposto al tuo commento sulla sezione «%(section)s» della linea "
        "guida «%(title)s»."),
    "group_request": N_("%(actor)s chiede di partecipare al tavolo «%(group)s»."),
    "group_request_approved": N_("Ora fai parte del tavolo «%(group)s»."),
    "group_request_refused": N_(
        "La tua richiesta di partecipare al tavolo «%(group)s» non è stata accolta."),
    "group_removed": N_("Non fai più parte del tavolo «%(group)s»."),
    "group_invited": N_("%(actor)s ti invita a partecipare al tavolo «%(group)s»."),
    "group_publication_requested": N_(
        "%(actor)s propone di pubblicare nello spazio pubblico la tua domanda «%(title)s» "
        "del tavolo «%(group)s»: serve il tuo consenso."),
    "group_thread_published": N_(
        "La discussione «%(title)s» del tavolo «%(group)s» è stata pubblicata nello spazio "
        "pubblico."),
    "event_confirmed": N_("Iscrizione confermata all'incontro «%(title)s»."),
    "event_waiting": N_("Sei in lista d'attesa per l'incontro «%(title)s»: ti avviseremo se "
                        "si libera un posto."),
    "event_pending": N_("La tua iscrizione all'incontro «%(title)s» attende l'approvazione "
                        "degli organizzatori."),
    "event_refused": N_("La tua iscrizione all'incontro «%(title)s» non è stata accolta."),
    "event_promoted": N_("Si è liberato un posto: la tua iscrizione all'incontro «%(title)s» "
                         "è confermata."),
    "event_updated": N_("L'incontro «%(title)s» è cambiato: controlla date, sede e "
                        "collegamento."),
    "event_cancelled": N_("L'incontro «%(title)s» è stato annullato. %(reason)s"),
    "event_reminder": N_("Promemoria: l'incontro «%(title)s» inizia il %(when)s."),
    "event_message": N_("Messaggio degli organizzatori dell'incontro «%(title)s»: "
                        "%(subject)s"),
    "event_feedback": N_("L'incontro «%(title)s» è concluso: com'è andato? Lascia una "
                         "valutazione da 1 a 5."),
    "guideline_review_due": N_(
        "La linea guida «%(title)s» andava rivista entro il %(date)s: controlla che sia "
        "ancora aggiornata."),
    "priority_valid": N_("Nuova priorità di policy su un tema che segui: «%(title)s»"),
    "accept_reminder": N_(
        "Hai ricevuto risposte a «%(title)s»: se una ha risolto, accettala."),
    "privacy_export_ready": N_(
        "L'archivio con i tuoi dati è pronto: puoi scaricarlo fino al %(until)s."),
    "privacy_deletion_requested": N_(
        "Hai chiesto di eliminare il tuo account: sarà cancellato il %(until)s se non "
        "annulli la richiesta."),
}

# The levels as members read them (forum/models/follow.py says what each one notifies).
LEVEL_LABELS: dict[str, str] = {
    "watching": N_("In osservazione: ogni novità"),
    "tracking": N_("Seguito: nuove risposte e ciò che mi riguarda"),
    "normal": N_("Normale: solo ciò che mi riguarda"),
    "muted": N_("Silenziato: nessuna notifica"),
}

FOLLOW_TARGET_LABELS: dict[str, str] = {
    "theme": N_("Tema"),
    "tag": N_("Etichetta"),
    "question": N_("Discussione"),
    "practice": N_("Buona pratica"),
    "organisation": N_("Ente"),
    "member": N_("Collega"),
    "group": N_("Tavolo di lavoro"),
}

# Several unread notifications of one kind about one thread show as one line.
GROUPED: dict[str, str] = {
    "new_answer": N_("%(count)s nuove risposte a «%(title)s»"),
    "new_comment": N_("%(count)s nuovi commenti in «%(title)s»"),
    "mention": N_("%(count)s menzioni in «%(title)s»"),
    "comment_reply": N_("%(count)s risposte ai tuoi commenti in «%(title)s»"),
    "private_message": N_("%(count)s nuovi messaggi privati in «%(title)s»"),
}


def render_message(kind: str, params: dict[str, Any], count: int = 1) -> str:
    """The notification text in the current language (a group's when `count` > 1);
    unknown kinds show nothing harmful."""
    template = GROUPED.get(kind) if count > 1 else None
    template = template or MESSAGES.get(kind)
    params = {**(params or {}), "count": count}
    if template is None:
        return ""
    safe = {k: str(v) for k, v in (params or {}).items()}
    if safe.get("theme"):  # theme names are stored in Italian and translated when read
        safe["theme"] = _(safe["theme"])
    try:
        return _(template, **safe)
    except (KeyError, ValueError):
        return _(template.split("%(")[0].strip())
