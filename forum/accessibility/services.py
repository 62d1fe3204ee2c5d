"""The feedback mechanism: anyone reports an accessibility problem, a moderator answers.

Each public call is one transaction: the report, its acknowledgement e-mail and (for
moderators) the audit row commit together, so nothing is mailed that was not recorded.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.i18n import long_date
from forum.mail import send_mail
from forum.models import AccessibilityReport, AccessibilityReportStatus, User
from forum.models.accessibility import (
    ACCESSIBILITY_WORKFLOW,
    ANSWER_MAX,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    EMAIL_MAX,
    NAME_MAX,
    PAGE_URL_MAX,
)
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.notifications.mailing import render_mail, site_url
from forum.text import clean_line, clean_text

NOTE_MAX = 1_000


def _signed_in(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _page_url(raw: str) -> str:
    """A page of this site: a path ("/domande/3") or a full http(s) address; else refused."""
    if not raw:
        return ""
    parts = urlsplit(raw)
    local = raw.startswith("/") and not raw.startswith("//") and not parts.netloc
    web = parts.scheme in ("http", "https") and bool(parts.netloc)
    if len(raw) > PAGE_URL_MAX or " " in raw or "\\" in raw or not (local or web):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"page_url": [_(
            "Indica l'indirizzo della pagina (per esempio /domande/12 oppure l'indirizzo "
            "completo copiato dal browser), al massimo %(n)d caratteri.", n=PAGE_URL_MAX)]})
    return raw


def _checked_report(actor: Any, page_url: str, description: str, name: str,
                    email: str) -> tuple[str, str, str, str]:
    errors: dict[str, list[str]] = {}
    page_url, name = clean_line(page_url), clean_line(name)
    description, email = clean_text(description), clean_line(email)
    try:
        page_url = _page_url(page_url)
    except InvalidInput as error:
        errors |= error.field_errors
    if len(description) < DESCRIPTION_MIN:
        errors["description"] = [_("Descrivi il problema in almeno %(n)d caratteri.",
                                   n=DESCRIPTION_MIN)]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("La descrizione può avere al massimo %(n)d caratteri.",
                                   n=DESCRIPTION_MAX)]
    if len(name) > NAME_MAX:
        errors["name"] = [_("Al massimo %(n)d caratteri.", n=NAME_MAX)]
    if not email and _signed_in(actor):
        email = actor.email  # a member is answered at the account's address
    if not email:
        errors["email"] = [_("Indica un indirizzo e-mail: serve per risponderti.")]
    else:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = [_("Scrivi un indirizzo e-mail valido, per esempio "
                                 "nome@comune.example.it.")]
        else:
            if len(email) > EMAIL_MAX:
                errors["email"] = [_("Al massimo %(n)d caratteri.", n=EMAIL_MAX)]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    if not name and _signed_in(actor):
        name = actor.display_name[:NAME_MAX]
    return page_url, description, name, email


def _mail(report: AccessibilityReport, template: str, subject: str, **context: Any) -> None:
    """Queue a message to the reporter, in the language they wrote in."""
    text, html = render_mail(template, report.language, report=report, lang=report.language,
                             statement=site_url("/accessibilita"), **context)
    send_mail(report.email, subject[:200], text, html=html)


def submit_report(actor: Any, *, page_url: str = "", description: str, name: str = "",
                  email: str = "", language: str = "it") -> AccessibilityReport:
    """Record a report from anyone (signed in or not) with its 30-day answer deadline, and
    queue the acknowledgement that states the deadline."""
    page_url, description, name, email = _checked_report(actor, page_url, description,
                                                         name, email)
    language = language if language in current_app.config["LANGUAGES"] else "it"
    now = utcnow()
    due = now + timedelta(days=int(current_app.config["ACCESSIBILITY_ANSWER_DAYS"]))
    with write_intent():
        report = AccessibilityReport(
            page_url=page_url, description=description, name=name, email=email,
            language=language, reporter_id=actor.id if _signed_in(actor) else None,
            status=AccessibilityReportStatus.OPEN, created_at=now, due_at=due)
        db.session.add(report)
        db.session.flush()
        with force_locale(language):
            subject = _("Officina: abbiamo ricevuto la tua segnalazione di accessibilità "
                        "n. %(id)d", id=report.id)
            deadline = long_date(due)
        _mail(report, "accessibility_received", subject, deadline=deadline)
        db.session.commit()
    return report


def _require_handler(actor: Any) -> None:
    if not permissions.can_handle_accessibility_reports(actor):
        raise NotAllowed(_("Le segnalazioni di accessibilità sono gestite dalla moderazione."))


def _finish(actor: User, report_id: int, status: AccessibilityReportStatus,
            **values: Any) -> AccessibilityReport:
    """Move an open report to `status` with one conditional UPDATE: of many moderators
    acting at once exactly one succeeds, the others get a Conflict."""
    if (AccessibilityReportStatus.OPEN, status) not in ACCESSIBILITY_WORKFLOW:
        raise Conflict(_("Questo passaggio di stato non è previsto."))
    changed = db.session.execute(
        update(AccessibilityReport)
        .where(AccessibilityReport.id == report_id,
               AccessibilityReport.status == AccessibilityReportStatus.OPEN)
        .values(status=status, handled_at=utcnow(), handled_by_id=actor.id, **values)
        .execution_options(synchronize_session=False))
    report = db.session.get(AccessibilityReport, report_id, populate_existing=True)
    if report is None:
        raise NotFound(_("Segnalazione non trovata."))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("La segnalazione è già stata chiusa da un altro moderatore."))
    return report


def answer_report(actor: User, report_id: int, *, answer: str) -> AccessibilityReport:
    """Answer a report: the answer is e-mailed to the reporter and the report is closed."""
    _require_handler(actor)
    answer = clean_text(answer)
    if not answer:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "answer": [_("Scrivi la risposta da inviare a chi ha segnalato.")]})
    if len(answer) > ANSWER_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "answer": [_("La risposta può avere al massimo %(n)d caratteri.", n=ANSWER_MAX)]})
    with write_intent():
        report = _finish(actor, report_id, AccessibilityReportStatus.ANSWERED, answer=answer)
        record_action(actor, "answer_accessibility_report", "accessibility", report.id,
                      overdue=utcnow() > report.due_at)
        with force_locale(report.language):
            subject = _("Officina: risposta alla tua segnalazione di accessibilità n. %(id)d",
                        id=report.id)
        _mail(report, "accessibility_answer", subject,
              enforcement=current_app.config["ACCESSIBILITY_ENFORCEMENT_URL"])
        db.session.commit()
    return report


def close_report(actor: User, report_id: int, *, note: str = "") -> AccessibilityReport:
    """Close a report without answering (spam, a duplicate already answered), with a note
    for the audit log."""
    _require_handler(actor)
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "note": [_("La nota può avere al massimo %(n)d caratteri.", n=NOTE_MAX)]})
    with write_intent():
        report = _finish(actor, report_id, AccessibilityReportStatus.CLOSED, closing_note=note)
        record_action(actor, "close_accessibility_report", "accessibility", report.id,
                      reason=note)
        db.session.commit()
    return report

