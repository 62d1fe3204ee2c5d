"""The consultation on a guideline (`/linee-guida/<slug>/consultazione`): the text by
section with its comments, a comment form under each section while open, and the
owners' answer under each comment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.consultations import queries, services
from forum.consultations.forms import CommentForm, ResponseForm
from forum.errors import DomainError
from forum.limits import write_limit
from forum.views import form_error, personal_data_confirmed

bp = Blueprint("consultations", __name__)

PAGE = "/linee-guida/<slug>/consultazione"
# Anchors are slugs (see forum/guidelines/sections.py); ids beyond 32 bits match no route.
SECTION = f"{PAGE}/sezioni/<string(maxlength=90):anchor>"
COMMENT = f"{PAGE}/commenti/<int(max=2147483647):comment_id>"


def comment_form(anchor: str) -> CommentForm:
    """The form under one section: its fields are prefixed, so ids stay unique."""
    return CommentForm(prefix=f"s-{anchor}")


def response_form(comment_id: int) -> ResponseForm:
    """The owners' form under one comment."""
    return ResponseForm(prefix=f"r-{comment_id}")


def _page(slug: str, status: int = 200, *, failed: tuple[str | int, Any] | None = None):  # type: ignore[no-untyped-def]
    page = queries.consultation_page(slug, current_user)
    comment_forms = {s.anchor: comment_form(s.anchor) for s in page.sections} if (
        page.is_open) else {}
    response_forms = {c.id: response_form(c.id)
                      for s in page.sections for c in s.comments} if page.can_respond else {}
    if page.can_respond:
        response_forms |= {c.id: response_form(c.id) for c in page.orphans}
    if failed is not None:
        key, form = failed
        if isinstance(key, str):
            comment_forms[key] = form
        else:
            response_forms[key] = form
    return render_template("consultations/show.html", page=page, comment_forms=comment_forms,
                           response_forms=response_forms,
                           failed_anchor=failed[0] if failed is not None else None), status


@bp.route(PAGE)
def show(slug: str):  # type: ignore[no-untyped-def]
    """The text under consultation, section by section, with the comments."""
    return _page(slug)


@bp.route(f"{SECTION}/commenti", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def comment(slug: str, anchor: str):  # type: ignore[no-untyped-def]
    """A comment on one section; refused once the consultation closed."""
    form = comment_form(anchor)
    if not form.validate_on_submit():
        flash(_("Scrivi il tuo commento."), "danger")
        return _page(slug, 422, failed=(anchor, form))
    try:
        created = services.comment_on_section(
            current_user, slug, anchor, form.body.data or "",
            confirmed_personal_data=personal_data_confirmed())
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        return _page(slug, form_error(form, error), failed=(anchor, form))
    flash(_("Grazie: il tuo commento è stato registrato."), "success")
    return redirect(f"/linee-guida/{slug}/consultazione#commento-{created.id}", code=303)


@bp.route(f"{COMMENT}/risposta", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def respond(slug: str, comment_id: int):  # type: ignore[no-untyped-def]
    """The owners' answer and outcome for one comment."""
    form = response_form(comment_id)
    if not form.validate_on_submit():
        flash(_("Scrivi una risposta o il motivo dell'esito."), "danger")
        return _page(slug, 422, failed=(comment_id, form))
    try:
        services.respond_to_comment(current_user, slug, comment_id, form.outcome.data or "",
                                    form.reply.data or "")
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        return _page(slug, form_error(form, error), failed=(comment_id, form))
    flash(_("Risposta registrata."), "success")
    return redirect(f"/linee-guida/{slug}/consultazione#commento-{comment_id}", code=303)
