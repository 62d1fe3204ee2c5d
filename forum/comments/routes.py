"""Posting comments and replies."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.comments import services
from forum.errors import DomainError, PersonalDataSuspected
from forum.limits import write_limit
from forum.questions.forms import CommentForm
from forum.questions.routes import render_question
from forum.views import form_error, optional_int, personal_data_confirmed

bp = Blueprint("comments", __name__)


@bp.route("/domande/<int:question_id>/commenti", methods=["POST"])
@login_required
@write_limit("COMMENT_LIMIT", "commenting")
def create(question_id: int):
    """Comment on the question, an answer, or reply to a comment."""
    form = CommentForm()
    if not form.validate_on_submit():
        flash(_("Il commento non può essere vuoto."), "danger")
        return render_question(question_id, status=422, comment_form=form)
    try:
        comment = services.post_comment(
            current_user,
            question_id,
            body=form.body.data,
            answer_id=optional_int(form.answer_id.data),
            parent_id=optional_int(form.parent_id.data),
            confirmed_personal_data=personal_data_confirmed(),
        )
    except DomainError as error:
        if error.status_code == 404:
            raise  # the error handler answers 404 with the message
        if isinstance(error, PersonalDataSuspected):
            status = form_error(form, error)  # the comment form shows the marked passages
        else:
            flash(error.message, "danger")
            status = error.status_code
        return render_question(question_id, status=status, comment_form=form)
    flash(_("Commento pubblicato."), "success")
    url = url_for("questions.detail", question_id=question_id)
    return redirect(f"{url}#commento-{comment.id}", code=303)
