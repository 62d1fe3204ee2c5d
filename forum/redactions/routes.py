"""Moderators redact personal data from a published post."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.errors import DomainError
from forum.limits import write_limit
from forum.moderation.posts import MODELS
from forum.post_attachments.services import parse_ids
from forum.privacy.guard import scan
from forum.redactions import services as redaction
from forum.redactions.forms import RedactionForm
from forum.views import form_error

bp = Blueprint("redactions", __name__)

_OMISSIS_RE = re.compile(r"^(title|body):([0-9]{1,4})$")


@bp.route("/moderazione/oscura/<post_type>/<int:post_id>", methods=["GET", "POST"])
@login_required
@write_limit("EDIT_LIMIT", "editing")
def redact(post_type: str, post_id: int):
    """The redaction page: the text with the guard's findings marked, a one-click
    [omissis] for each (a round trip, no JavaScript needed), the post's files to take
    off, a reason, and publish."""
    if post_type not in MODELS:
        abort(404)
    ref = redaction.load_for_redaction(current_user, post_type, post_id)
    form = RedactionForm()
    if request.method == "GET":
        form.body.data = ref.post.body
        form.title.data = getattr(ref.post, "title", "")
    status = 200
    omissis = _OMISSIS_RE.match(request.form.get("omissis", ""))
    if request.method == "POST" and omissis:
        field = getattr(form, omissis.group(1))
        field.data = redaction.replace_finding(field.data or "", int(omissis.group(2)))
    elif form.validate_on_submit():
        try:
            redaction.redact_post(current_user, post_type, post_id, body=form.body.data,
                                  title=form.title.data or "", reason=form.reason.data,
                                  remove_files=parse_ids(request.form.getlist(
                                      "rimuovi_allegato")))
        except DomainError as error:
            status = form_error(form, error)
        else:
            flash(_("Dati personali oscurati: le versioni precedenti sono visibili solo agli "
                    "amministratori."), "success")
            return redirect(ref.url, code=303)
    elif request.method == "POST":
        status = 422
    findings = {"title": scan(form.title.data or "") if post_type == "question" else [],
                "body": scan(form.body.data or "")}
    return render_template("redactions/redact.html", ref=ref, form=form, findings=findings,
                           post_type=post_type, files=redaction.files_of(ref)), status
