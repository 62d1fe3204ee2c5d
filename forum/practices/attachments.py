"""A practice's attachments, on the shared file mechanism (`forum.attachments`): checked
by content, stored under the instance folder, served as downloads."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from forum import attachments, permissions
from forum.database import write_intent
from forum.errors import NotAllowed, NotFound
from forum.extensions import db
from forum.models import Practice, PracticeAttachment, User
from forum.text import clean_line


def add_attachment(actor: User, practice_id: int, upload: FileStorage | None,
                   title: str) -> PracticeAttachment:
    """Store an uploaded file if its content matches its name and it is within the limit."""
    practice = db.session.get(Practice, practice_id)
    if practice is None:
        raise NotFound(_("Buona pratica non trovata."))
    if not permissions.can_edit_practice(actor, practice):
        raise NotAllowed(_("Non puoi aggiungere allegati a questa buona pratica."))
    checked = attachments.check_upload(upload)
    title = clean_line(title)[:200] or checked.filename
    with attachments.stored(checked) as stored_name, write_intent():
        attachment = PracticeAttachment(
            practice_id=practice.id, title=title, filename=checked.filename,
            stored_name=stored_name, mime=checked.mime, size_bytes=checked.size,
            uploaded_by_id=actor.id,
        )
        db.session.add(attachment)
        db.session.commit()
    return attachment


def send_attachment(attachment: PracticeAttachment) -> Response:
    """The attachment as a download with the type recognised at upload."""
    return attachments.send_stored(attachment.stored_name, attachment.mime,
                                   attachment.filename, missing=_("Allegato non trovato."))
