"""Policy theme pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from forum.models import FollowTarget
from forum.notifications.follows import level_of
from forum.practices import queries as practice_queries
from forum.questions import queries
from forum.questions.routes import _filters_from_args
from forum.views import page_arg

bp = Blueprint("themes", __name__)


@bp.route("/temi")
def index():
    """All themes with their question counts."""
    return render_template("themes/index.html", themes=queries.themes_with_counts())


@bp.route("/temi/<slug>")
def detail(slug: str):
    """One theme and its questions, with the same filters as the question list."""
    theme = queries.theme_by_slug(slug)
    base = _filters_from_args()
    filters = queries.ListFilters(theme=slug, tag=base.tag, state=base.state, sort=base.sort)
    page = page_arg()
    pagination = queries.list_questions(filters, page, current_app.config["QUESTIONS_PER_PAGE"],
                                        current_user)
    if page > 1 and page > pagination.pages:
        abort(404, description=_("Questa pagina non esiste: l'elenco ha meno pagine."))
    practices, practice_total = practice_queries.theme_practices(slug)
    return render_template(
        "themes/detail.html", theme=theme, pagination=pagination, filters=filters,
        practices=practices, practice_total=practice_total,
        follow_level=level_of(current_user, FollowTarget.THEME, theme.id),
    )
