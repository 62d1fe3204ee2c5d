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
from flask_login import current_user, login_required

from forum import permissions
from forum.announcements import queries as announcement_queries
from forum.limits import write_limit
from forum.markup import render_markdown
from forum.questions import queries
from forum.users.services import remember_language
from forum.users.standing import require_member
from forum.views import safe_next

bp = Blueprint("main", __name__)

PREVIEW_MAX = 30_000


@bp.route("/")
def home():
    """Recent activity and the themes with their counts."""
    return render_template(
        "main/home.html",
        questions=queries.recent_questions(current_user, 10),
        themes=queries.themes_with_counts(),
        priorities=announcement_queries.pinned(),
    )


@bp.route("/lingua", methods=["POST"])
def set_language():
    """Switch the interface language (Italian or English), then go back."""
    lang = request.form.get("lingua", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        remember_language(current_user, lang)
    return redirect(safe_next(request.form.get("next"), url_for("main.home")), code=303)


@bp.route("/anteprima", methods=["POST"])
@login_required
@write_limit("PREVIEW_LIMIT", "preview")
def preview():
    """Render Markdown exactly as it will be published (sanitised), for the live preview.

    Only members who may write get it (a pending account has nothing to publish yet); a
    text too complex to render answers 422 with the reason, like publishing would."""
    require_member(current_user, _("Accedi per vedere l'anteprima."))
    text = request.form.get("testo", "")
    if len(text) > PREVIEW_MAX:
        return jsonify(error=_("Testo troppo lungo per l'anteprima.")), 413
    return jsonify(html=render_markdown(text))


@bp.route("/aiuto/privilegi")
def privileges():
    """What reputation unlocks, the writing limits and how moderation works."""
    thresholds = {name: permissions.privilege_threshold(name) for name in permissions.PRIVILEGES}
    limits = {key: _describe_limit(current_app.config[key])
              for key in ("POST_LIMIT", "COMMENT_LIMIT", "VOTE_LIMIT", "FLAG_LIMIT")}
    return render_template("main/privileges.html", thresholds=thresholds, limits=limits,
                           hide_threshold=current_app.config["FLAG_HIDE_THRESHOLD"])


def _describe_limit(value: str) -> str:
    """'20 per hour;5 per minute' as '20 all'ora, 5 al minuto' in the reader's language."""
    from limits import parse_many

    units = {"second": _("%(n)d al secondo"), "minute": _("%(n)d al minuto"),
             "hour": _("%(n)d all'ora"), "day": _("%(n)d al giorno"),
             "month": _("%(n)d al mese"), "year": _("%(n)d all'anno")}
    parts = []
    for item in parse_many(value):
        template = units.get(item.GRANULARITY.name, "%(n)d")
        text = template % {"n": item.amount}
        if item.multiples > 1:
            text += f" (x{item.multiples})"
        parts.append(text)
    return ", ".join(parts)
