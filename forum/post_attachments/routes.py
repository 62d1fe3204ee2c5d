"""Downloads of the files attached to questions and answers."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_babel import gettext as _
from flask_login import current_user

from forum import attachments
from forum.post_attachments import queries

bp = Blueprint("post_attachments", __name__)


@bp.route("/allegati/<int:attachment_id>")
def download(attachment_id: int) -> Response:
    """A file of a post, as a download with the type recognised at upload, for whoever
    may see the post."""
    attachment = queries.for_download(attachment_id, current_user)
    return attachments.send_stored(attachment.stored_name, attachment.mime,
                                   attachment.filename, missing=_("Allegato non trovato."))
