"""The community-health dashboard: `/cruscotto` (charts and tables) and `/cruscotto.csv`
(the same figures, same filters). Moderators and the editorial board only."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.dashboard import queries, report
from forum.dashboard.filters import parse_filters
from forum.models.base import utcnow
from forum.taxonomy import REGIONS

bp = Blueprint("dashboard", __name__)


def _board() -> tuple[queries.Dashboard, list[tuple[str, str]]]:
    """The figures for the query string's filters, for a reader allowed to see them."""
    if not permissions.can_view_dashboard(current_user):
        abort(403, description=_("Il cruscotto è riservato a moderazione e redazione."))
    themes = [(slug, _(name)) for slug, name in queries.theme_choices()]
    filters = parse_filters(request.args, {slug for slug, _name in themes}, utcnow().date())
    return queries.dashboard(filters, themes), themes


@bp.route("/cruscotto")
@login_required
def index():
    """The figures of the period, by month, theme and region, as charts and tables."""
    board, themes = _board()
    return render_template("dashboard/index.html", board=board, themes=themes,
                           regions=REGIONS, panels=report.panels(board),
                           measures=report.measures())


@bp.route("/cruscotto.csv")
@login_required
def export():
    """The dashboard's figures as CSV (formula-like cells neutralised)."""
    board, _themes = _board()
    name = f"cruscotto-{board.filters.start:%Y-%m}-{board.filters.end:%Y-%m}.csv"
    return Response("\ufeff" + report.to_csv(board), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
