"""Uploaded files, written once for every content that takes them (practice attachments,
group documents, files of questions and answers): accepted types, size limit, content
check, storage, download.

A file is judged by what it is (`forum.filecheck`), never by its name; it is stored
through `forum.storage` (the instance folder, never `static/`, or a bucket every server
shares) with a random name nobody chooses, and served only as a download with the type
recognised at upload, so a browser never renders it as a page of this site.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Response, current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from forum.errors import InvalidInput, NotFound
from forum.filecheck import Refused, check_file
from forum.storage import LocalStorage, Storage, check_name, get_storage
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
# For the `accept` attribute of file inputs: the browser's picker offers the same list.
ACCEPT = ",".join(f".{extension}" for extension in TYPES)
FILENAME_MAX = 200  # the filename columns' length
_SEPARATORS = re.compile(r"[\\/]")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its shown name, recognised kind and bytes."""

    filename: str
    extension: str  # the kind recognised: jpg for .jpeg too
    mime: str
    data: bytes

    @property
    def size(self) -> int:
        """Its size in bytes."""
        return len(self.data)


def refusal_message(reason: str, filename: str) -> str:
    """Why the content check refused a file, said to its uploader."""
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


def clean_filename(raw: str) -> str:
    """The name shown and offered on download: its last path segment (either slash),
    controls dropped, cut to the column's length without losing the extension."""
    name = clean_line(_SEPARATORS.split(raw)[-1])
    if len(name) <= FILENAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 10:
        return f"{stem[:FILENAME_MAX - len(extension) - 1].rstrip()}.{extension}"
    return name[:FILENAME_MAX]


def check_upload(upload: FileStorage | None, *, field: str = "file") -> CheckedFile:
    """Read an upload (at most the limit plus one byte) and judge it; `InvalidInput` with
    the reason on `field` otherwise. Call it before taking the write lock: a PDF is parsed
    here, and nobody should queue behind that."""
    if upload is None or not upload.filename:
        raise InvalidInput(_("Scegli un file da allegare."),
                           field_errors={field: [_("Nessun file scelto.")]})
    filename = clean_filename(upload.filename) or "allegato"
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in TYPES:
        raise InvalidInput(_("Tipo di file non ammesso: PDF, ODT, DOCX, XLSX, CSV, PNG o JPEG."),
                           field_errors={field: [_("Estensione non ammessa.")]})
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_("Il file supera il limite di %(mb)d MB.", mb=limit // 2**20),
                           field_errors={field: [_("File troppo grande.")]})
    if not data:
        raise InvalidInput(_("Il file è vuoto."), field_errors={field: [_("File vuoto.")]})
    kind = "jpg" if extension == "jpeg" else extension
    try:
        check_file(kind, data)
    except Refused as refusal:
        raise InvalidInput(refusal_message(refusal.reason, filename),
                           field_errors={field: [_("File non accettato.")]}) from None
    return CheckedFile(filename=filename, extension=kind, mime=TYPES[kind], data=data)


@contextmanager
def stored(checked: CheckedFile) -> Iterator[str]:
    """Write the file under a random name and give the name; if the block raises (the row
    pointing to it was not committed), the file is removed again."""
    name = f"{uuid.uuid4().hex}.{checked.extension}"
    storage = get_storage()
    storage.put(name, checked.data)
    try:
        yield name
    except BaseException:
        storage.delete(name)
        raise


@contextmanager
def stored_all(checked: Iterable[CheckedFile]) -> Iterator[list[str]]:
    """`stored` for several files at once: all of them are removed again if the block
    raises."""
    with ExitStack() as stack:
        yield [stack.enter_context(stored(one)) for one in checked]


def remove_stored(stored_names: Iterable[str]) -> None:
    """Delete stored files whose rows are gone; a file that will not go is logged, not
    raised: the rows are already committed and the user's action has happened."""
    storage = get_storage()
    for name in stored_names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - any backend's failure: logged, the action stands
            logging.getLogger(__name__).warning("file non rimosso: %s", name, exc_info=True)


def download_name(filename: str) -> str:
    """A filename safe to offer in Content-Disposition (werkzeug quotes it and adds the
    UTF-8 form for non-ASCII names)."""
    return clean_line(_SEPARATORS.sub("_", filename)).replace('"', "'") or "documento"


def send_stored(stored_name: str, mime: str, filename: str, *, missing: str,
                storage: Storage | None = None) -> Response:
    """A stored file as a download (never shown inline) with the type recognised at upload;
    `NotFound(missing)` when the file is not there. A local file is sent by path (length,
    ranges, ETag); a bucket's object is streamed through. `storage`: another than the
    attachments' (the privacy archives')."""
    try:
        storage = storage or get_storage()
        source = (storage.path(stored_name) if isinstance(storage, LocalStorage)
                  else storage.open(check_name(stored_name)))
        if isinstance(source, Path) and not source.is_file():
            raise FileNotFoundError(stored_name)
    except (FileNotFoundError, ValueError):
        raise NotFound(missing) from None
    return send_file(source, mimetype=mime, as_attachment=True,
                     download_name=download_name(filename), max_age=0)
