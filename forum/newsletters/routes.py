"""The newsletter "Officina informa" (`/newsletter`): the public archive, an issue's page,
and the board's draft, preview and send."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.announcements.queries import today
from forum.errors import DomainError, InvalidInput
from forum.limits import write_limit
from forum.models import NewsletterIssue, NewsletterStatus
from forum.newsletters import compose, queries, services
from forum.newsletters.forms import IssueForm, SendForm
from forum.newsletters.sending import compose_mail, opted_in_count
from forum.views import form_error

bp = Blueprint("newsletters", __name__)
MONTH = re.compile(r"(\d{4})-(\d{2})")


@bp.app_template_global()
def month_name(year: int, month: int) -> str:
    """'Marzo 2027' in the reader's language."""
    return format_date(date(year, month, 1), "LLLL y").capitalize()


@bp.app_context_processor
def _statuses() -> dict[str, object]:
    return {"newsletter_status": NewsletterStatus}


def _require_board() -> None:
    if not permissions.can_send_newsletter(current_user):
        abort(403, description=_("Solo la redazione prepara e invia la newsletter."))


def _content(issue: NewsletterIssue) -> dict[str, Any]:
    """The sections: frozen once sent, the month's data as of now while a draft."""
    if issue.status != NewsletterStatus.DRAFT:
        return issue.content
    return compose.compose_content(issue.year, issue.month)


@bp.route("/newsletter")
def index():
    """The issues sent so far; drafts for the board; how to subscribe."""
    board = permissions.can_send_newsletter(current_user)
    return render_template("newsletters/index.html", issues=queries.sent_issues(),
                           drafts=queries.drafts() if board else [])


@bp.route("/newsletter/<int:year>/<int:month>")
def issue(year: int, month: int):
    """One issue (a draft: the board only)."""
    found = queries.issue_for_month(current_user, year, month)
    _text, html = compose.render_content(found.intro_html, _content(found), str(get_locale()))
    return render_template("newsletters/issue.html", issue=found, body_html=html)


def _parse_month(raw: str) -> tuple[int | None, int | None]:
    found = MONTH.fullmatch(raw.strip())
    return (int(found[1]), int(found[2])) if found else (None, None)


@bp.route("/newsletter/nuova", methods=["GET", "POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create():
    """A draft issue for a month (the current one by default)."""
    _require_board()
    form = IssueForm()
    if request.method == "GET":
        form.month.data = today().strftime("%Y-%m")
        form.title.data = _("Officina informa")
    status = 200
    if form.validate_on_submit():
        year, month = _parse_month(form.month.data or "")
        try:
            issue = services.create_issue(current_user, services.IssueFields(
                title=form.title.data or "", intro=form.intro.data or "", year=year,
                month=month))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Bozza salvata: controlla l'anteprima prima di inviarla."), "success")
            return redirect(url_for("newsletters.preview", year=issue.year,
                                    month=issue.month), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("newsletters/form.html", form=form, issue=None), status


@bp.route("/newsletter/<int:year>/<int:month>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(year: int, month: int):
    """Change a draft's title and introduction."""
    _require_board()
    found = queries.issue_for_month(current_user, year, month)
    form = IssueForm(data={"title": found.title, "intro": found.intro}
                     if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_issue(current_user, found.id, services.IssueFields(
                title=form.title.data or "", intro=form.intro.data or ""))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Bozza aggiornata."), "success")
            return redirect(url_for("newsletters.preview", year=year, month=month), code=303)
    elif request.method == "POST":
        flash(_("Controlla i campi evidenziati."), "danger")
        status = 422
    return render_template("newsletters/form.html", form=form, issue=found), status


def _preview(found: NewsletterIssue, form: SendForm, status: int = 200):  # type: ignore[no-untyped-def]
    """The member's own copy: the body in their mail language, inside the mail."""
    language = current_user.language or "it"
    text, html = compose.render_content(found.intro_html, _content(found), language)
    mail = compose_mail(found, current_user, {language: (text, html)})
    return render_template("newsletters/preview.html", issue=found, body_html=html,
                           mail_text=mail.text, subject=mail.subject, send_form=form,
                           recipients=opted_in_count()), status


@bp.route("/newsletter/<int:year>/<int:month>/anteprima")
@login_required
def preview(year: int, month: int):
    """The issue as it will be mailed (HTML and plain text), with the send button."""
    _require_board()
    return _preview(queries.issue_for_month(current_user, year, month), SendForm(formdata=None))


@bp.route("/newsletter/<int:year>/<int:month>/invia", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def send(year: int, month: int):
    """Send the issue (once: a second click changes nothing)."""
    _require_board()
    found = queries.issue_for_month(current_user, year, month)
    form = SendForm()
    if not form.validate_on_submit() or not form.confirm.data:
        message = _("Spunta la conferma per inviare il numero.")
        form.confirm.errors = [message]
        flash(message, "danger")
        return _preview(found, form, 422)
    try:
        started = services.start_sending(current_user, found.id)
    except InvalidInput as error:
        flash(error.message, "danger")
        return _preview(found, form, error.status_code)
    flash(_("Invio avviato: ogni iscritto riceverà il numero una volta.") if started
          else _("Questo numero è già stato inviato o è in invio."),
          "success" if started else "info")
    return redirect(url_for("newsletters.issue", year=year, month=month), code=303)
