"""Public profiles and editing one's own."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.errors import DomainError
from forum.models import FollowTarget
from forum.notifications.follows import level_of
from forum.practices import queries as practice_queries
from forum.users import queries, services
from forum.users.forms import ProfileForm
from forum.views import form_error

bp = Blueprint("users", __name__)


@bp.route("/utenti/<username>")
def profile(username: str):
    """A member's profile: who they are, their questions and answers."""
    data = queries.profile(username, current_user)
    practices = [p for p in practice_queries.my_practices(data.user.id)
                 if permissions.can_view_practice(current_user, p)]
    return render_template("users/profile.html", profile=data, practices=practices,
                           follow_level=level_of(current_user, FollowTarget.MEMBER, data.user.id))


@bp.route("/profilo/modifica", methods=["GET", "POST"])
@login_required
def edit():
    """Edit the signed-in user's profile."""
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                organisation=form.organisation.data,
                organisation_type=form.organisation_type.data,
                region_code=form.region_code.data,
                bio=form.bio.data or "",
            )
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Profilo aggiornato."), "success")
            return redirect(url_for("users.profile", username=current_user.username), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("users/edit.html", form=form), status
