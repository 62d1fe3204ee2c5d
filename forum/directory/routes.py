"""The directory of members (`/rete`) and organisation pages (`/enti`)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from forum import permissions
from forum.directory import queries
from forum.models import FollowTarget
from forum.notifications.follows import level_of

bp = Blueprint("directory", __name__)


@bp.route("/rete")
@login_required
def index():
    """Chi fa cosa: members by name, organisation, competences, with facets and counts."""
    if not permissions.can_use_directory(current_user):
        abort(403)
    filters = queries.DirectoryFilters.from_args(request.args)
    page = request.args.get("page", 1, type=int) or 1
    data = queries.directory(filters, max(1, min(page, 10_000)))
    return render_template("directory/index.html", data=data, filters=filters,
                           sorts=queries.SORTS)


@bp.route("/enti")
def organisations():
    """The organisations on the managed list, with their members."""
    return render_template("directory/organisations.html",
                           organisations=queries.organisations(),
                           counts=queries.organisation_counts())


@bp.route("/enti/<slug>")
def organisation(slug: str):
    """An organisation's page: members, practices, questions, replications."""
    data = queries.organisation_page(slug, current_user)
    return render_template(
        "directory/organisation.html", data=data,
        follow_level=level_of(current_user, FollowTarget.ORGANISATION, data.organisation.id))
