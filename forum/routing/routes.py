""""Non è il mio campo" on an offered question, and the moderators' list of questions
without a solution."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.routing import queries, services
from forum.views import page_arg

bp = Blueprint("routing", __name__)


@bp.route("/domande/<int:question_id>/non-il-mio-campo", methods=["POST"])
@login_required
def decline(question_id: int):
    """Decline a question offered to the member; the prompt disappears (safe to repeat)."""
    services.decline_offer(current_user, question_id)
    flash(_("Grazie: non ti proporremo più questa domanda."), "success")
    return redirect(url_for("questions.detail", question_id=question_id), code=303)


@bp.route("/moderazione/senza-soluzione")
@login_required
def unsolved():
    """Questions without a solution for more than UNSOLVED_AFTER_DAYS days, oldest first."""
    if not permissions.can_moderate(current_user):
        abort(403, description=_("Questa pagina è riservata alla moderazione."))
    page = page_arg()
    days = int(current_app.config["UNSOLVED_AFTER_DAYS"])
    pagination = queries.unsolved_questions(current_user, days, page,
                                            int(current_app.config["QUESTIONS_PER_PAGE"]))
    if page > 1 and page > pagination.pages:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    return render_template("moderation/unsolved.html", pagination=pagination, days=days)
