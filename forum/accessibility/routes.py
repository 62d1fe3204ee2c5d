"""The accessibility statement (/accessibilita), its feedback mechanism, the moderators'
tab for the reports and the admin's statement settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from forum import permissions
from forum.accessibility import queries, services, settings
from forum.accessibility.forms import AnswerForm, CloseForm, FeedbackForm, StatementForm
from forum.errors import DomainError
from forum.extensions import limiter
from forum.i18n import long_date, select_locale
from forum.limits import config_limit
from forum.views import form_error, page_arg

bp = Blueprint("accessibility", __name__)
REPORT = "/moderazione/accessibilita/<int(max=2147483647):report_id>"


def _feedback_form() -> FeedbackForm:
    """A new form; `?pagina=` (the footer's "report a problem on this page") fills the page."""
    form = FeedbackForm(formdata=None)
    form.page_url.data = (request.args.get("pagina") or "")[:500]
    return form


def _render_statement(form: FeedbackForm, status: int = 200,
                      template: str = "accessibility/statement.html"):  # type: ignore[no-untyped-def]
    return render_template(template, statement=settings.get_statement(), form=form), status


@bp.route("/accessibilita")
def statement():
    """The accessibility statement (AgID's model) with the feedback form."""
    return _render_statement(_feedback_form())


@bp.route("/accessibilita/segnalazione", methods=["GET", "POST"])
@limiter.limit(config_limit("ACCESSIBILITY_FEEDBACK_LIMIT"), key_func=get_remote_address,
               methods=["POST"])
def feedback():
    """The feedback form on a page of its own; anyone may send a report (no sign-in)."""
    if request.method == "GET":
        return _render_statement(_feedback_form(), template="accessibility/feedback.html")
    form = FeedbackForm()
    if form.website.data:  # the honeypot: only robots fill a field nobody sees
        current_app.logger.info("Segnalazione di accessibilità scartata (campo trappola)")
        flash(_("Grazie: la segnalazione è stata inviata."), "success")
        return redirect(url_for("accessibility.statement"), code=303)
    if not form.validate_on_submit():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_statement(form, 422, "accessibility/feedback.html")
    try:
        report = services.submit_report(
            current_user, page_url=form.page_url.data or "", description=form.description.data,
            name=form.name.data or "", email=form.email.data or "", language=select_locale())
    except DomainError as error:
        return _render_statement(form, form_error(form, error), "accessibility/feedback.html")
    flash(_("Grazie: abbiamo ricevuto la segnalazione n. %(id)d. Ti risponderemo entro il "
            "%(date)s all'indirizzo %(email)s.", id=report.id, date=long_date(report.due_at),
            email=report.email), "success")
    return redirect(url_for("accessibility.statement"), code=303)


# -- moderators -------------------------------------------------------------------------------

def _require_handler() -> None:
    if not permissions.can_handle_accessibility_reports(current_user):
        abort(403, description=_("Questa pagina è riservata alla moderazione."))


@bp.route("/moderazione/accessibilita")
@login_required
def queue():
    """Open reports by deadline, overdue first (or the handled ones, ?stato=chiuse)."""
    _require_handler()
    closed = request.args.get("stato") == "chiuse"
    page = page_arg()
    lines, total = queries.report_queue(closed=closed, page=page)
    if page > 1 and not lines:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    return render_template("accessibility/queue.html", lines=lines, total=total, page=page,
                           per_page=20, closed=closed)


def _render_report(report_id: int, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    try:
        line = queries.report_line(report_id)
    except DomainError:
        abort(404, description=_("Segnalazione non trovata."))
    return render_template(
        "accessibility/report.html", line=line,
        answer_form=forms.get("answer_form") or AnswerForm(formdata=None),
        close_form=forms.get("close_form") or CloseForm(formdata=None),
        enforcement_url=current_app.config["ACCESSIBILITY_ENFORCEMENT_URL"]), status


@bp.route(REPORT)
@login_required
def report(report_id: int):
    """One report, with the forms to answer it or close it."""
    _require_handler()
    return _render_report(report_id)


@bp.route(f"{REPORT}/risposta", methods=["POST"])
@login_required
def answer(report_id: int):
    """Answer the report: the reporter gets the answer by e-mail, the report is closed."""
    _require_handler()
    form = AnswerForm()
    if not form.validate():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_report(report_id, 422, answer_form=form)
    try:
        services.answer_report(current_user, report_id, answer=form.answer.data)
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _render_report(report_id, form_error(form, error), answer_form=form)
    flash(_("Risposta inviata: la segnalazione è chiusa."), "success")
    return redirect(url_for("accessibility.queue"), code=303)


@bp.route(f"{REPORT}/chiudi", methods=["POST"])
@login_required
def close(report_id: int):
    """Close the report without an answer (spam, duplicate), noted in the audit log."""
    _require_handler()
    form = CloseForm()
    if not form.validate():
        flash(_("Controlla i campi evidenziati."), "danger")
        return _render_report(report_id, 422, close_form=form)
    try:
        services.close_report(current_user, report_id, note=form.note.data or "")
    except DomainError as error:
        if error.status_code == 404:
            raise
        return _render_report(report_id, form_error(form, error), close_form=form)
    flash(_("Segnalazione chiusa senza risposta."), "success")
    return redirect(url_for("accessibility.queue"), code=303)


# -- administration ---------------------------------------------------------------------------

@bp.route("/amministrazione/accessibilita", methods=["GET", "POST"])
@login_required
def statement_settings():
    """The values of the accessibility statement, edited by the admin."""
    if not permissions.is_admin(current_user):
        abort(403, description=_("Questa sezione è riservata all'amministrazione del sito."))
    form = StatementForm()
    status = 200
    if request.method == "GET":
        current = settings.get_statement()
        for name in settings.FIELDS:
            value = getattr(current, name)
            getattr(form, name).data = value.isoformat() if hasattr(value, "isoformat") \
                else (value or "")
    elif form.validate_on_submit():
        try:
            settings.save_statement(current_user, {name: getattr(form, name).data
                                                   for name in settings.FIELDS})
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Dichiarazione di accessibilità aggiornata."), "success")
            return redirect(url_for("accessibility.statement_settings"), code=303)
    else:
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("accessibility/settings.html", form=form), status
