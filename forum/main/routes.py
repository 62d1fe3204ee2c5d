"""Home page, language switch, Markdown preview."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from forum.markup import render_markdown
from forum.questions import queries
from forum.views import safe_next

bp = Blueprint("main", __name__)

PREVIEW_MAX = 30_000


@bp.route("/")
def home():
    """Recent activity and the themes with their counts."""
    return render_template(
        "main/home.html",
        questions=queries.recent_questions(10),
        themes=queries.themes_with_counts(),
    )


@bp.route("/lingua", methods=["POST"])
def set_language():
    """Switch the interface language (Italian or English), then go back."""
    lang = request.form.get("lingua", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("main.home")), code=303)


@bp.route("/anteprima", methods=["POST"])
@login_required
def preview():
    """Render Markdown exactly as it will be published (sanitised), for the live preview."""
    text = request.form.get("testo", "")
    if len(text) > PREVIEW_MAX:
        return jsonify(error=_("Testo troppo lungo per l'anteprima.")), 413
    return jsonify(html=render_markdown(text))
