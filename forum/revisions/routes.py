"""Revision history of questions, answers and practices, and rolling back to a version."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.models import RevisionKind
from forum.revisions import queries, services

bp = Blueprint("revisions", __name__)


def _render(  # type: ignore[no-untyped-def]
    history: queries.History, back_url: str, rollback_endpoint: str, **ids: object
):
    return render_template(
        "revisions/history.html",
        history=history,
        back_url=back_url,
        rollback_endpoint=rollback_endpoint,
        rollback_ids=ids,
        can_roll_back=permissions.can_roll_back(current_user, history.kind, history.post,
                                                history.question),
    )


def _reason() -> str:
    return request.form.get("motivo", "")


@bp.route("/domande/<int:question_id>/revisioni")
def question_history(question_id: int):
    """Every version of a question, newest first, with a word-level diff."""
    history = queries.history(RevisionKind.QUESTION, question_id, current_user)
    return _render(history, url_for("questions.detail", question_id=question_id),
                   "revisions.roll_back_question", question_id=question_id)


@bp.route("/risposte/<int:answer_id>/revisioni")
def answer_history(answer_id: int):
    """Every version of an answer, newest first, with a word-level diff."""
    history = queries.history(RevisionKind.ANSWER, answer_id, current_user)
    back = url_for("questions.detail", question_id=history.post.question_id)
    return _render(history, f"{back}#risposta-{answer_id}",
                   "revisions.roll_back_answer", answer_id=answer_id)


@bp.route("/buone-pratiche/<slug>/revisioni")
def practice_history(slug: str):
    """Every version of a practice, newest first, with a diff of each changed field."""
    history = queries.history(RevisionKind.PRACTICE, slug, current_user)
    return _render(history, url_for("practices.detail", slug=slug),
                   "revisions.roll_back_practice", slug=slug)


@bp.route("/domande/<int:question_id>/revisioni/<int:revision_id>/ripristina",
          methods=["POST"])
@login_required
def roll_back_question(question_id: int, revision_id: int):
    """Restore a question to an earlier version (a new version, the history stays)."""
    services.roll_back(current_user, RevisionKind.QUESTION, question_id, revision_id,
                       reason=_reason())
    flash(_("Versione ripristinata."), "success")
    return redirect(url_for("questions.detail", question_id=question_id), code=303)


@bp.route("/risposte/<int:answer_id>/revisioni/<int:revision_id>/ripristina", methods=["POST"])
@login_required
def roll_back_answer(answer_id: int, revision_id: int):
    """Restore an answer to an earlier version (a new version, the history stays)."""
    answer = services.roll_back(current_user, RevisionKind.ANSWER, answer_id, revision_id,
                                reason=_reason())
    flash(_("Versione ripristinata."), "success")
    url = url_for("questions.detail", question_id=answer.question_id)
    return redirect(f"{url}#risposta-{answer_id}", code=303)


@bp.route("/buone-pratiche/<slug>/revisioni/<int:revision_id>/ripristina", methods=["POST"])
@login_required
def roll_back_practice(slug: str, revision_id: int):
    """Restore a practice to an earlier version; its workflow status does not change."""
    services.roll_back(current_user, RevisionKind.PRACTICE, slug, revision_id,
                       reason=_reason())
    flash(_("Versione ripristinata."), "success")
    return redirect(url_for("practices.detail", slug=slug), code=303)
