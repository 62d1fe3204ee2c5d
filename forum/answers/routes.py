"""Posting and editing answers, accepting a solution."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.answers import services
from forum.errors import DomainError
from forum.limits import write_limit
from forum.models import PostType
from forum.moderation.suggestions import edit_or_suggest
from forum.negotiation import wants_json
from forum.permissions import EditMode
from forum.post_attachments import queries as attachment_queries
from forum.post_attachments.services import parse_ids
from forum.questions import queries
from forum.questions.forms import AnswerForm
from forum.questions.routes import render_question
from forum.views import form_error, personal_data_confirmed

bp = Blueprint("answers", __name__)


def _to_answer(question_id: int, answer_id: int | None = None) -> str:
    url = url_for("questions.detail", question_id=question_id)
    return f"{url}#risposta-{answer_id}" if answer_id else url


@bp.route("/domande/<int:question_id>/risposte", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def create(question_id: int):
    """Answer a question; errors re-render the page with the text kept."""
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Scrivi la risposta prima di pubblicarla."), "danger")
        return render_question(question_id, status=422, answer_form=form)
    try:
        answer = services.post_answer(current_user, question_id, body=form.body.data,
                                      practice=request.form.get("practice"),
                                      confirmed_personal_data=personal_data_confirmed(),
                                      uploads=request.files.getlist("files"))
    except DomainError as error:
        if error.status_code == 404:
            raise  # the error handler answers 404 with the message
        return render_question(question_id, status=form_error(form, error), answer_form=form)
    flash(_("Risposta pubblicata."), "success")
    return redirect(_to_answer(question_id, answer.id), code=303)


@bp.route("/risposte/<int:answer_id>/modifica", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def edit(answer_id: int):
    """Edit an answer (author or moderator)."""
    answer = queries.answer_for_edit(answer_id, current_user)
    mode = permissions.edit_mode(current_user, answer, answer.question)
    if mode is None:
        abort(403, description=_("Solo l'autore o la moderazione possono modificare la risposta."))
    form = AnswerForm()
    if request.method == "GET":
        form.body.data = answer.body
    status = 200
    if form.validate_on_submit():
        try:
            mode = edit_or_suggest(current_user, PostType.ANSWER, answer_id, body=form.body.data,
                                   summary=request.form.get("summary", ""),
                                   practice=request.form.get("practice"),
                                   confirmed_personal_data=personal_data_confirmed(),
                                   uploads=request.files.getlist("files"),
                                   remove_attachments=parse_ids(
                                       request.form.getlist("rimuovi_allegato")))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Proposta inviata alla moderazione: riceverai una notifica con l'esito.")
                  if mode == EditMode.SUGGEST else _("Risposta aggiornata."), "success")
            return redirect(_to_answer(answer.question_id, answer.id), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("answers/edit.html", form=form, answer=answer,
                           suggesting=mode == EditMode.SUGGEST,
                           current_files=attachment_queries.listed_on(answer_id=answer_id)
                           ), status


def _acceptance_result(question_id: int, answer_id: int | None, message: str, error=None):
    if error is not None and (wants_json() or error.status_code == 404):
        raise error  # the error handler answers: JSON for scripts, the 404 page for people
    if wants_json():
        return jsonify(message=message, accepted_answer_id=answer_id)
    if error is not None:
        flash(error.message, "danger")
        return render_question(question_id, status=error.status_code)
    flash(message, "success")
    return redirect(_to_answer(question_id, answer_id), code=303)


@bp.route("/risposte/<int:answer_id>/accetta", methods=["POST"])
@login_required
def accept(answer_id: int):
    """Mark the answer as the solution (asker or moderator)."""
    answer = queries.answer_for_edit(answer_id, current_user)
    try:
        services.accept_answer(current_user, answer_id, note=request.form.get("note", ""))
    except DomainError as error:
        return _acceptance_result(answer.question_id, None, "", error)
    message = _("Risposta accettata come soluzione.")
    return _acceptance_result(answer.question_id, answer_id, message)


@bp.route("/domande/<int:question_id>/accettazione/ritira", methods=["POST"])
@login_required
def withdraw(question_id: int):
    """Withdraw the solution mark."""
    try:
        services.withdraw_acceptance(current_user, question_id)
    except DomainError as error:
        return _acceptance_result(question_id, None, "", error)
    return _acceptance_result(question_id, None, _("Accettazione ritirata."))
