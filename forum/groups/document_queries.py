"""Read paths of a group's document library: the library by folder, a document with its
history, a version to download. The caller has checked that the viewer reads the group's
documents (`permissions.can_read_group_documents`); every read is scoped to the group, so
an id from another group is simply not found."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from forum.errors import NotFound
from forum.extensions import db
from forum.models import Group, GroupDocument, GroupDocumentVersion


@dataclass(frozen=True)
class LibraryEntry:
    """A document with its latest version (and that version's uploader loaded)."""

    document: GroupDocument
    latest: GroupDocumentVersion


@dataclass(frozen=True)
class Library:
    """What the library page shows: every folder with its count (for the filter), and
    the documents shown, grouped by folder ("" = no folder, listed last)."""

    folders: list[tuple[str, int]]
    sections: list[tuple[str, list[LibraryEntry]]]
    folder: str | None = None

    @property
    def total(self) -> int:
        """Documents in the whole library, whatever the filter."""
        return sum(count for _folder, count in self.folders)


def _folder_order(folder: str) -> tuple[bool, str]:
    return folder == "", folder.casefold()


def folder_names(group: Group) -> list[str]:
    """The group's folders in use, for the forms' suggestions."""
    names = db.session.scalars(select(GroupDocument.folder).distinct().where(
        GroupDocument.group_id == group.id, GroupDocument.folder != ""))
    return sorted(names, key=str.casefold)


def library(group: Group, folder: str | None = None) -> Library:
    """The library, or one folder of it, in two statements whatever its size: the folder
    counts, and each document joined to its latest version and uploader."""
    counts = db.session.execute(
        select(GroupDocument.folder, func.count()).where(GroupDocument.group_id == group.id)
        .group_by(GroupDocument.folder)).all()
    folders = sorted(((name, count) for name, count in counts),
                     key=lambda row: _folder_order(row[0]))
    newer = aliased(GroupDocumentVersion)
    last_number = (select(func.max(newer.number)).where(newer.document_id == GroupDocument.id)
                   .correlate(GroupDocument).scalar_subquery())
    stmt = (select(GroupDocument, GroupDocumentVersion)
            .join(GroupDocumentVersion, (GroupDocumentVersion.document_id == GroupDocument.id)
                  & (GroupDocumentVersion.number == last_number))
            .where(GroupDocument.group_id == group.id)
            .options(joinedload(GroupDocumentVersion.uploaded_by))
            .order_by(func.lower(GroupDocument.title), GroupDocument.id))
    if folder is not None:
        stmt = stmt.where(GroupDocument.folder == folder)
    grouped: dict[str, list[LibraryEntry]] = {}
    for document, latest in db.session.execute(stmt):
        grouped.setdefault(document.folder, []).append(LibraryEntry(document, latest))
    sections = sorted(grouped.items(), key=lambda item: _folder_order(item[0]))
    return Library(folders=folders, sections=sections, folder=folder)


@dataclass(frozen=True)
class DocumentPage:
    """A document with every version, newest first, each with its uploader."""

    document: GroupDocument
    versions: list[GroupDocumentVersion]
    folders: list[str]

    @property
    def latest(self) -> GroupDocumentVersion:
        """The version the library links to."""
        return self.versions[0]

    @property
    def first(self) -> GroupDocumentVersion:
        """Version 1: who brought the document, and when."""
        return self.versions[-1]


def document_page(group: Group, document_id: int) -> DocumentPage:
    """A document of the group with its history; another group's id is not found."""
    document = db.session.scalar(
        select(GroupDocument).where(GroupDocument.id == document_id,
                                    GroupDocument.group_id == group.id)
        .options(selectinload(GroupDocument.versions)
                 .joinedload(GroupDocumentVersion.uploaded_by)))
    if document is None or not document.versions:
        raise NotFound(_("Documento non trovato."))
    return DocumentPage(document, list(document.versions), folder_names(group))


def version_for_download(group: Group, document_id: int, number: int) -> GroupDocumentVersion:
    """One version of one of the group's documents (for its file)."""
    version = db.session.scalar(
        select(GroupDocumentVersion).join(GroupDocumentVersion.document)
        .where(GroupDocumentVersion.document_id == document_id,
               GroupDocumentVersion.number == number, GroupDocument.group_id == group.id))
    if version is None:
        raise NotFound(_("Versione non trovata."))
    return version
