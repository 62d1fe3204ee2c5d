"""Attachments: type checked by content (not by name), stored under the instance folder."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from forum import permissions
from forum.database import write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Practice, PracticeAttachment, User
from forum.practices.filecheck import Refused, check_file
from forum.text import clean_line

# Extension -> MIME type we serve it with, once the content has been recognised.
TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def _refusal_message(reason: str, filename: str) -> str:
    if reason == "html":
        return _("Il file «%(name)s» contiene codice di una pagina web (HTML): non è accettato.",
                 name=filename)
    if reason == "script":
        return _("Il PDF «%(name)s» contiene script o azioni automatiche: salvalo senza "
                 "(per esempio con «Stampa in PDF») e riprova.", name=filename)
    if reason == "bomb":
        return _("Il file «%(name)s» si espande oltre i limiti consentiti: non è accettato.",
                 name=filename)
    return _("Il contenuto del file non corrisponde al nome «%(name)s».", name=filename)


def storage_dir() -> Path:
    """Where attachment files live (never under static/)."""
    path = Path(current_app.instance_path) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(actor: User, practice_id: int, upload: FileStorage | None,
                   title: str) -> PracticeAttachment:
    """Store an uploaded file if its content matches its name and it is within the limit."""
    practice = db.session.get(Practice, practice_id)
    if practice is None:
        raise NotFound(_("Buona pratica non trovata."))
    if not permissions.can_edit_practice(actor, practice):
        raise NotAllowed(_("Non puoi aggiungere allegati a questa buona pratica."))
    if upload is None or not upload.filename:
        raise InvalidInput(_("Scegli un file da allegare."),
                           field_errors={"file": [_("Nessun file scelto.")]})
    filename = clean_line(Path(upload.filename).name)[:200] or "allegato"
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in TYPES:
        raise InvalidInput(_("Tipo di file non ammesso: PDF, ODT, DOCX, XLSX, CSV, PNG o JPEG."),
                           field_errors={"file": [_("Estensione non ammessa.")]})
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_("Il file supera il limite di %(mb)d MB.", mb=limit // 2**20),
                           field_errors={"file": [_("File troppo grande.")]})
    if not data:
        raise InvalidInput(_("Il file è vuoto."), field_errors={"file": [_("File vuoto.")]})
    expected = "jpg" if extension == "jpeg" else extension
    try:
        check_file(expected, data)
    except Refused as refusal:
        raise InvalidInput(_refusal_message(refusal.reason, filename),
                           field_errors={"file": [_("File non accettato.")]}) from None
    title = clean_line(title)[:200] or filename
    stored = f"{uuid.uuid4().hex}.{expected}"
    (storage_dir() / stored).write_bytes(data)
    with write_intent():
        attachment = PracticeAttachment(
            practice_id=practice.id, title=title, filename=filename, stored_name=stored,
            mime=TYPES[expected], size_bytes=len(data), uploaded_by_id=actor.id,
        )
        db.session.add(attachment)
        db.session.commit()
    return attachment


def attachment_file(attachment: PracticeAttachment) -> Path:
    """The stored file of an attachment."""
    return storage_dir() / attachment.stored_name
