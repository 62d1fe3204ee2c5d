"""After the event (`/incontri/<slug>/...`): materials, the attendance certificate, the
feedback; and the public verification of a certificate (`/attestati/<code>`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.certificates import feedback, materials, queries, services
from forum.certificates.forms import FeedbackForm, MaterialForm
from forum.certificates.pdf import pdf_response
from forum.errors import DomainError
from forum.events.mailing import event_link
from forum.limits import write_limit
from forum.models import Event
from forum.views import form_error

bp = Blueprint("certificates", __name__)

EVENT = "/incontri/<slug>"
# Ids beyond a 32-bit integer match no route (a 404), never an overflow (a 500).
MATERIAL = f"{EVENT}/materiali/<int(max=2147483647):material_id>"


def _after_page(event: Event, status: int, **forms: object):  # type: ignore[no-untyped-def]
    """The after-the-event part on its own page, re-showing a refused form."""
    return render_template("certificates/after.html",
                           **queries.after_context(current_user, event, **forms)), status


def _back(event: Event, anchor: str):  # type: ignore[no-untyped-def]
    return redirect(f"{event_link(event)}#{anchor}", code=303)


@bp.route(f"{EVENT}/materiali", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def add_material(slug: str):
    """A link (a recording) or a file (slides, documents) for the event's participants."""
    event = queries.event_by_slug(current_user, slug)
    form = MaterialForm()
    if not form.validate_on_submit():
        flash(_("Controlla i campi del materiale."), "danger")
        return _after_page(event, 422, material_form=form)
    try:
        materials.add_material(current_user, event.id, form.label.data or "",
                               url=form.url.data or "", upload=form.file.data)
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        return _after_page(event, form_error(form, error), material_form=form)
    flash(_("Materiale aggiunto."), "success")
    return _back(event, "materiali")


@bp.route(f"{MATERIAL}/elimina", methods=["POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def delete_material(slug: str, material_id: int):
    """Remove a material (and its file)."""
    event = queries.event_by_slug(current_user, slug)
    materials.delete_material(current_user, event.id, material_id)
    flash(_("Materiale eliminato."), "info")
    return _back(event, "materiali")


@bp.route(MATERIAL)
def download_material(slug: str, material_id: int):
    """A material's file, for whoever sees the event (a link material is opened where
    it points, from the event's page)."""
    event = queries.event_by_slug(current_user, slug)
    return materials.send_material(event, material_id)


@bp.route(f"{EVENT}/attestato", methods=["GET", "POST"])
@login_required
def certificate(slug: str):
    """The member's attendance certificate as a PDF: issued by the first POST (from the
    event page), downloaded again by GET."""
    event = queries.event_by_slug(current_user, slug)
    issued = (services.issue_certificate(current_user, event.id) if request.method == "POST"
              else services.issued_certificate(current_user, event.id))
    return pdf_response(issued)


@bp.route("/attestati/<path:code>")
def verify(code: str):
    """Public: what a certificate says, for whoever holds its code."""
    issued = services.certificate_by_code(code)
    return render_template("certificates/verify.html", certificate=issued,
                           details=issued.details)


@bp.route(f"{EVENT}/valutazione", methods=["POST"])
@login_required
@write_limit("POST_LIMIT", "posting")
def give_feedback(slug: str):
    """Rate the event from 1 to 5, with a comment; a second rating replaces the first."""
    event = queries.event_by_slug(current_user, slug)
    form = FeedbackForm()
    if not form.validate_on_submit():
        flash(_("Scegli un voto da 1 a 5."), "danger")
        return _after_page(event, 422, feedback_form=form)
    try:
        feedback.give_feedback(current_user, event.id, form.rating.data,
                               form.comment.data or "")
    except DomainError as error:
        if error.status_code in (403, 404):
            raise
        return _after_page(event, form_error(form, error), feedback_form=form)
    flash(_("Grazie per la tua valutazione."), "success")
    return _back(event, "valutazione")


@bp.route(f"{EVENT}/valutazioni")
@login_required
def results(slug: str):
    """The ratings and comments, for the event's organisers."""
    event = queries.event_by_slug(current_user, slug)
    return render_template("certificates/results.html",
                           results=feedback.feedback_results(current_user, event.id))
