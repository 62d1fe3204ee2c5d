"""Profiles: seeing a member, editing one's own, the profile photo."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.admin.queries import active_organisation_names
from forum.errors import DomainError, NotFound
from forum.models import ProfileField
from forum.practices import queries as practice_queries
from forum.questions.queries import all_themes
from forum.render_cache.pages import render_shared
from forum.render_cache.versions import PRACTICES, QUESTIONS
from forum.users import avatars, queries, services
from forum.users.forms import AvatarForm, ProfileForm
from forum.views import form_error

bp = Blueprint("users", __name__)


@bp.route("/utenti/<username>")
def profile(username: str):
    """A member's profile: who they are, what they know, what they did per theme."""
    def context() -> dict:
        data = queries.profile(username, current_user)
        practices = [p for p in practice_queries.my_practices(data.user.id)
                     if permissions.can_view_practice(current_user, p)]
        return {"profile": data, "practices": practices}

    return render_shared(
        "users/profile.html", page=f"user:{username}", scopes=(QUESTIONS, PRACTICES),
        participants=lambda: queries.user_ids_named(username), context=context)


@bp.route("/utenti/<username>/foto/<int:version>.jpg")
def avatar(username: str, version: int):
    """The member's photo; the version in the address lets browsers keep it for a year."""
    user = queries.visible_user(username, current_user)
    image = avatars.avatar_image(user.id)
    if image is None or version != user.avatar_version:
        raise NotFound(_("Foto non trovata."))
    response = Response(image.image, mimetype=image.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _form_for_edit() -> ProfileForm:
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    form.expertise.choices = [(t.id, _(t.name)) for t in all_themes()]
    if request.method == "GET":
        form.expertise.data = [t.id for t in queries.expertise_of(current_user.id)]
        form.languages.data = [c for c in current_user.languages.split(",") if c]
    return form


def _change_from(form: ProfileForm) -> services.ProfileChange:
    return services.ProfileChange(
        display_name=form.display_name.data or "",
        organisation=form.organisation.data or "",
        organisation_type=form.organisation_type.data or "",
        region_code=form.region_code.data or "",
        bio=form.bio.data or "",
        level_of_government=form.level_of_government.data or "",
        province_code=form.province_code.data or "",
        job_title=form.job_title.data or "",
        competences=form.competences.data or "",
        languages=list(form.languages.data or []),
        expertise=list(form.expertise.data or []),
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
        open_to_contact=bool(form.open_to_contact.data),
        visibility={f.value: getattr(form, f"vis_{f.value}").data for f in ProfileField},
    )


@bp.route("/profilo/modifica", methods=["GET", "POST"])
@login_required
def edit():
    """Edit the signed-in member's profile and who sees each field."""
    form = _form_for_edit()
    status = 200
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, _change_from(form))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Profilo aggiornato."), "success")
            return redirect(url_for("users.profile", username=current_user.username), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("users/edit.html", form=form, avatar_form=AvatarForm(),
                           organisations=active_organisation_names()), status


@bp.route("/profilo/foto", methods=["POST"])
@login_required
def upload_avatar():
    """Replace the profile photo; a refused file leaves the old one in place."""
    form = AvatarForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        avatars.set_avatar(current_user, request.files.get("photo"))
    except DomainError as error:
        status = form_error(form, error)
        return render_template("users/edit.html", form=_form_for_edit(), avatar_form=form,
                               organisations=active_organisation_names()), status
    flash(_("Foto aggiornata."), "success")
    return redirect(url_for("users.edit"), code=303)


@bp.route("/profilo/foto/rimuovi", methods=["POST"])
@login_required
def remove_avatar():
    """Back to the initials."""
    form = AvatarForm()
    if not form.validate_on_submit():
        abort(400)
    avatars.remove_avatar(current_user)
    flash(_("Foto rimossa."), "success")
    return redirect(url_for("users.edit"), code=303)
