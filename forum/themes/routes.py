"""Policy theme pages: each a map of what the community knows about the theme."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from forum.models import FollowTarget
from forum.notifications.follows import level_of
from forum.questions import queries
from forum.themes.queries import theme_map

bp = Blueprint("themes", __name__)


@bp.route("/temi")
def index():
    """All themes with their question counts."""
    return render_template("themes/index.html", themes=queries.themes_with_counts())


@bp.route("/temi/<slug>")
def detail(slug: str):
    """One theme: priorities, guidelines, practices, solved and unanswered questions,
    upcoming events and members with expertise, each a short list with "see all"."""
    theme = queries.theme_by_slug(slug)
    return render_template(
        "themes/detail.html", theme=theme, sections=theme_map(theme, current_user),
        follow_level=level_of(current_user, FollowTarget.THEME, theme.id),
    )
