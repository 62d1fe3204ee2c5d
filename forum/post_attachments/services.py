"""Files of questions and answers, on the shared file mechanism (`forum.attachments`).

The ask, answer and edit services call these inside their own transaction: files are
judged before the write lock (`check_uploads`), stored under random names while it is
held (`forum.attachments.stored_all`, which removes them again if the post is not
committed), and listed by rows added to the same commit (`attach`, `change_listed`).
Removing a file only marks its row: the revision recorded by that edit still lists it.
A moderator's redaction (`redact_files`) also marks the files that only the versions it
hides list: those are for admins only (`queries.for_download`); their bytes stay stored
so that an admin can check the redaction or undo it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from forum import attachments
from forum.attachments import CheckedFile
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import PostAttachment
from forum.models.base import utcnow

FIELD = "files"


@dataclass(frozen=True)
class PostRef:
    """The post files belong to: a question or an answer (exactly one id set)."""

    question_id: int | None = None
    answer_id: int | None = None


def chosen(uploads: Sequence[FileStorage | None]) -> list[FileStorage]:
    """The file inputs actually filled (a browser sends an empty part for an empty input)."""
    return [upload for upload in uploads if upload is not None and upload.filename]


def choose_again() -> str:
    """Said whenever a form with files comes back: browsers never refill a file input."""
    return _("Il testo è stato conservato, ma i file vanno scelti di nuovo.")


def _too_many(limit: int) -> InvalidInput:
    return InvalidInput(
        _("Puoi allegare al massimo %(n)d file a un messaggio.", n=limit),
        field_errors={FIELD: [_("Troppi file: al massimo %(n)d per messaggio.", n=limit),
                              choose_again()]})  # the banner may be the form's: say it here


def check_uploads(uploads: Sequence[FileStorage | None]) -> list[CheckedFile]:
    """Judge every chosen file by its content (before any lock: a PDF is parsed here);
    the first refusal says which file and why, and that the text was kept."""
    files = chosen(uploads)
    limit = current_app.config["POST_ATTACHMENTS_MAX"]
    if len(files) > limit:
        raise _too_many(limit)
    checked = []
    for upload in files:
        try:
            checked.append(attachments.check_upload(upload, field=FIELD))
        except InvalidInput as refusal:
            raise InvalidInput(refusal.message, field_errors={
                FIELD: [refusal.message, choose_again()]}) from None
    return checked


def files_of(post: PostRef) -> list[PostAttachment]:
    """Every file the post ever had, removed ones too, oldest first."""
    where = (PostAttachment.question_id == post.question_id if post.question_id is not None
             else PostAttachment.answer_id == post.answer_id)
    return list(db.session.scalars(select(PostAttachment).where(where)
                                   .order_by(PostAttachment.id)))


def attach(post: PostRef, uploader_id: int, checked: Sequence[CheckedFile],
           stored_names: Sequence[str]) -> list[PostAttachment]:
    """Rows for files just stored, in the caller's transaction (its commit lists them)."""
    rows = [PostAttachment(question_id=post.question_id, answer_id=post.answer_id,
                           filename=one.filename, stored_name=name, mime=one.mime,
                           size_bytes=one.size, uploaded_by_id=uploader_id)
            for one, name in zip(checked, stored_names, strict=True)]
    db.session.add_all(rows)
    return rows


def change_listed(post: PostRef, uploader_id: int, checked: Sequence[CheckedFile],
                  stored_names: Sequence[str], *, remove: Collection[int] = (),
                  listed: Collection[int] | None = None) -> None:
    """An edit's change to the files: take off `remove` (ids of this post; others are
    ignored), or, for a rollback, list exactly `listed`; then add the new files, refused
    past the per-post limit. Rows stay (the older revisions link them)."""
    now = utcnow()
    current = 0
    for row in files_of(post):
        if listed is not None:
            row.removed_at = None if row.id in listed else (row.removed_at or now)
            if row.id in listed:  # an admin restored a redacted version: public again
                row.redacted_at = None
        elif row.id in remove and row.removed_at is None:
            row.removed_at = now
        current += row.removed_at is None
    limit = current_app.config["POST_ATTACHMENTS_MAX"]
    if current + len(checked) > limit:
        raise _too_many(limit)
    attach(post, uploader_id, checked, stored_names)


def redact_files(rows: Sequence[PostAttachment], remove: Collection[int]
                 ) -> list[PostAttachment]:
    """A redaction's change to a post's files (`rows`: `files_of` the post): take off
    `remove`, then mark every file the post no longer lists, since only the versions the
    redaction hides list it; returns the files it marked."""
    now = utcnow()
    marked = []
    for row in rows:
        if row.id in remove and row.removed_at is None:
            row.removed_at = now
        if row.removed_at is not None and row.redacted_at is None:
            row.redacted_at = now
            marked.append(row)
    return marked


def parse_ids(raw: Sequence[str]) -> set[int]:
    """Attachment ids ticked in a form; anything that is not a plain id is ignored."""
    return {int(value) for value in raw if value.isascii() and value.isdigit()
            and len(value) <= 11}
