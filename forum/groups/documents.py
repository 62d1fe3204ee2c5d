"""A group's document library: documents in folders, each with numbered versions.

Files go through the shared mechanism (`forum.attachments`): checked by content before
any lock is taken, stored under a random name, removed again when the row is not
committed. Documents follow the group's discussions: whoever may not read the group gets
"Tavolo non trovato." for every document, existing or not, so nothing about them leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from forum import attachments, permissions
from forum.database import commit_or_conflict, write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Group, GroupDocument, GroupDocumentVersion, User
from forum.models.base import utcnow
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

TITLE_MAX = 200
FOLDER_MAX = 80
DESCRIPTION_MAX = 2_000
NOTE_MAX = 300


@dataclass(frozen=True)
class DocumentFields:
    """What describes a document: its title, folder (free text, may be empty) and
    description."""

    title: str
    folder: str = ""
    description: str = ""


def _checked(fields: DocumentFields) -> DocumentFields:
    title, folder = clean_line(fields.title), clean_line(fields.folder)
    description = clean_text(fields.description)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Scrivi il titolo del documento.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Il titolo può avere al massimo %(n)d caratteri.", n=TITLE_MAX)]
    if len(folder) > FOLDER_MAX:
        errors["folder"] = [_("Il nome della cartella può avere al massimo %(n)d caratteri.",
                              n=FOLDER_MAX)]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("La descrizione può avere al massimo %(n)d caratteri.",
                                   n=DESCRIPTION_MAX)]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    return DocumentFields(title, folder, description)


def _checked_note(note: str) -> str:
    note = clean_line(note)
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"note": [
            _("La nota può avere al massimo %(n)d caratteri.", n=NOTE_MAX)]})
    return note


def readable_group(actor: User, group_id: int) -> Group:
    """The group if the actor reads its documents; the same 404 as a missing group
    otherwise (a document's existence is nobody else's business)."""
    group = db.session.get(Group, group_id)
    if group is None or not permissions.can_read_group_documents(actor, group):
        raise NotFound(_("Tavolo non trovato."))
    return group


def _document(group: Group, document_id: int, *, for_update: bool = False) -> GroupDocument:
    """A document of this group (row-locked when asked); another group's is not found."""
    stmt = select(GroupDocument).where(GroupDocument.id == document_id,
                                       GroupDocument.group_id == group.id)
    if for_update:
        stmt = stmt.with_for_update()
    document = db.session.scalar(stmt)
    if document is None:
        raise NotFound(_("Documento non trovato."))
    return document


def _require_poster(actor: User, group: Group) -> None:
    if not permissions.can_post_in_group(actor, group):
        require_member(actor, _("Accedi per caricare documenti."))
        raise NotAllowed(_("Solo i membri del tavolo possono caricare documenti."))


def _require_manager(actor: User, group: Group, document: GroupDocument, message: str) -> None:
    if not permissions.can_manage_document(actor, group, document.created_by_id):
        require_member(actor, _("Accedi per gestire i documenti."))
        raise NotAllowed(message)


def upload_document(actor: User, group_id: int, fields: DocumentFields,
                    upload: FileStorage | None) -> GroupDocument:
    """A new document in the group's library, with its file as version 1."""
    _require_poster(actor, readable_group(actor, group_id))
    fields = _checked(fields)
    checked = attachments.check_upload(upload)
    with attachments.stored(checked) as stored_name, write_intent():
        group = readable_group(actor, group_id)  # membership may have changed meanwhile
        _require_poster(actor, group)
        now = utcnow()
        document = GroupDocument(group_id=group.id, title=fields.title, folder=fields.folder,
                                 description=fields.description, created_by_id=actor.id,
                                 created_at=now, updated_at=now, version_count=1)
        db.session.add(document)
        db.session.flush()
        db.session.add(GroupDocumentVersion(
            document_id=document.id, number=1, filename=checked.filename,
            stored_name=stored_name, mime=checked.mime, size_bytes=checked.size,
            uploaded_by_id=actor.id, created_at=now))
        db.session.commit()
    return document


def upload_version(actor: User, group_id: int, document_id: int,
                   upload: FileStorage | None, note: str = "") -> GroupDocumentVersion:
    """A new version of a document, numbered after the last one: any member who writes
    in the group revises a shared document (renaming, moving and deleting stay with its
    uploader and the facilitators). The document's row is locked while numbering, so two
    uploads at once get consecutive numbers; the unique (document, number) pair has the
    final word (409)."""
    group = readable_group(actor, group_id)
    _document(group, document_id)
    _require_poster(actor, group)
    note = _checked_note(note)
    checked = attachments.check_upload(upload)
    with attachments.stored(checked) as stored_name, write_intent():
        group = readable_group(actor, group_id)
        document = _document(group, document_id, for_update=True)
        _require_poster(actor, group)
        last = db.session.scalar(select(func.max(GroupDocumentVersion.number)).where(
            GroupDocumentVersion.document_id == document.id)) or 0
        now = utcnow()
        version = GroupDocumentVersion(
            document_id=document.id, number=last + 1, filename=checked.filename,
            stored_name=stored_name, mime=checked.mime, size_bytes=checked.size, note=note,
            uploaded_by_id=actor.id, created_at=now)
        db.session.add(version)
        document.version_count = last + 1
        document.updated_at = now
        commit_or_conflict(_("Un'altra versione è stata caricata nello stesso momento: "
                             "ricarica la pagina e riprova."))
    return version


def update_document(actor: User, group_id: int, document_id: int,
                    fields: DocumentFields) -> GroupDocument:
    """Rename a document, move it to another folder, change its description."""
    message = _("Solo chi ha caricato il documento o un facilitatore può modificarlo.")
    group = readable_group(actor, group_id)
    _require_manager(actor, group, _document(group, document_id), message)
    fields = _checked(fields)
    with write_intent():
        group = readable_group(actor, group_id)
        document = _document(group, document_id, for_update=True)
        _require_manager(actor, group, document, message)
        document.title, document.folder = fields.title, fields.folder
        document.description = fields.description
        document.updated_at = utcnow()
        db.session.commit()
    return document


def delete_document(actor: User, group_id: int, document_id: int) -> Group:
    """Delete a document, its versions and their files (its uploader or a facilitator).
    The files go once the rows are committed: a failed delete keeps them."""
    with write_intent():
        group = readable_group(actor, group_id)
        document = _document(group, document_id, for_update=True)
        _require_manager(actor, group, document,
                         _("Solo chi ha caricato il documento o un facilitatore può "
                           "eliminarlo."))
        stored_names = list(db.session.scalars(select(GroupDocumentVersion.stored_name).where(
            GroupDocumentVersion.document_id == document.id)))
        db.session.execute(delete(GroupDocumentVersion).where(
            GroupDocumentVersion.document_id == document.id))
        db.session.execute(delete(GroupDocument).where(GroupDocument.id == document.id))
        db.session.commit()
    attachments.remove_stored(stored_names)
    return group
