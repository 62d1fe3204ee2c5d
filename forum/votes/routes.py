"""Voting, with JavaScript (JSON) and without (form post and redirect)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.errors import DomainError
from forum.limits import write_limit
from forum.negotiation import wants_json
from forum.questions.routes import render_question
from forum.votes import services

bp = Blueprint("votes", __name__)

VALUES = {"su": 1, "giu": -1, "annulla": 0}


@bp.route("/voti/<any(question, answer):kind>/<int:post_id>", methods=["POST"])
@write_limit("VOTE_LIMIT", "voting")
def cast(kind: str, post_id: int):
    """Set the signed-in user's vote on a post to up, down or none."""
    value = VALUES.get(request.form.get("voto", ""))
    question_id = request.form.get("question_id", type=int)
    if not current_user.is_authenticated:
        if wants_json():
            return jsonify(error=_("Accedi per votare.")), 401
        return redirect(url_for("auth.login", next=_back(question_id)))
    try:
        if value is None:
            abort(400, description=_("Voto non valido."))
        result = services.cast_vote(current_user, kind, post_id, value)
    except DomainError as error:
        if wants_json():
            raise  # the error handler answers scripts in JSON
        if question_id is None or error.status_code == 404:
            raise  # the error handler maps it
        flash(error.message, "danger")
        return render_question(question_id, status=error.status_code)
    if wants_json():
        return jsonify(score=result.score, value=result.value)
    flash(_("Voto registrato.") if value else _("Voto annullato."), "success")
    anchor = f"#risposta-{post_id}" if kind == "answer" else "#domanda"
    return redirect(_back(question_id) + anchor, code=303)


def _back(question_id: int | None) -> str:
    if question_id:
        return url_for("questions.detail", question_id=question_id)
    return url_for("questions.index")
