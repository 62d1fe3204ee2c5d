"""What an uploaded file really is, judged by its content, never by its name.

Leading bytes alone are not enough: a file can start as a PNG or a PDF and carry an
HTML page further on (a polyglot), a "docx" can be a zip bomb, a PDF can run
JavaScript. So each kind is checked as what it claims to be: office files as real zip
containers with their expected parts and a bound on what they inflate to, PDFs parsed
(pypdf) and refused when they hold scripts or actions, and every file scanned for the
markup a browser would render as a page.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

INFLATED_MAX = 64 * 1024 * 1024  # what an office file may decompress to, in all
MEMBERS_MAX = 5_000
# Tags a browser would render or run; six-plus bytes that random binary data does not
# produce by chance (`<a ` alone would, in about one compressed megabyte in twenty).
HTML_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frame|frameset|svg|object|embed|"
    rb"img|meta|form|style|link|base|a\s+href|math|xml-stylesheet)[\s/>]", re.IGNORECASE)
OFFICE_PARTS = {
    "docx": ("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"),
    "odt": ("mimetype", "META-INF/manifest.xml", "content.xml"),
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PDF_ACTIONS = {"/JavaScript", "/JS", "/Launch", "/SubmitForm", "/ImportData", "/RichMedia",
               "/GoToE"}
# Scripts, their name tree, automatic triggers and XFA forms (which carry scripts); a plain
# /OpenAction that opens a page is common and fine: only what it points to is judged.
PDF_ACTION_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA"}


class Refused(Exception):
    """The content is not an acceptable file of the kind it claims; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def leading_kind(data: bytes) -> str | None:
    """The kind the first bytes announce: pdf, png, jpg, zip, text or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text"
    return None


def check_file(expected: str, data: bytes) -> None:
    """Raise `Refused` unless `data` is a clean file of kind `expected`.

    `expected` is one of pdf, png, jpg, csv, docx, xlsx, odt.
    """
    kind = leading_kind(data)
    wanted = {"csv": "text", "docx": "zip", "xlsx": "zip", "odt": "zip"}.get(expected, expected)
    if kind != wanted:
        raise Refused("mismatch")
    if HTML_MARKUP.search(data):
        raise Refused("html")
    if expected in OFFICE_PARTS:
        _check_office(expected, data)
    elif expected == "pdf":
        _check_pdf(data)


def _check_office(expected: str, data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise Refused("mismatch") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MEMBERS_MAX:
            raise Refused("bomb")
        names = {info.filename for info in infos}
        if any(part not in names for part in OFFICE_PARTS[expected]):
            raise Refused("mismatch")
        if expected == "odt" and archive.read("mimetype").strip() != ODT_MIMETYPE:
            raise Refused("mismatch")
        inflated = 0
        for info in infos:
            if info.file_size > INFLATED_MAX:
                raise Refused("bomb")
            try:
                for chunk in _inflate(archive, info):  # sizes in headers can lie: count
                    inflated += len(chunk)
                    if inflated > INFLATED_MAX:
                        raise Refused("bomb")
                    if info.filename.endswith((".html", ".htm", ".svg")) or HTML_MARKUP.search(
                            chunk):
                        raise Refused("html")
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
                    EOFError, RuntimeError):
                raise Refused("mismatch") from None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as member:
        while chunk := member.read(1024 * 1024):
            yield chunk


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        objects = list(_pdf_objects(reader))
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, IndexError, AssertionError):
        raise Refused("mismatch") from None
    for obj in objects:
        if _pdf_acts(obj):
            raise Refused("script")


def _pdf_objects(reader: Any) -> Iterator[Any]:
    """Every indirect object of the file (object streams included) and the trailer."""
    from pypdf.generic import IndirectObject

    yield reader.trailer
    numbers: set[tuple[int, int]] = set()
    for generation, table in reader.xref.items():
        numbers |= {(number, generation) for number in table}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    for number, generation in sorted(numbers):
        yield IndirectObject(number, generation, reader).get_object()


def _pdf_acts(obj: Any, depth: int = 0) -> bool:
    """True when a dictionary, or one nested in it directly, runs something: a script, a
    launch, an automatic action. Indirect references are visited on their own."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if depth > 32:
        return True  # nesting no real document needs
    if isinstance(obj, ArrayObject):
        return any(_pdf_acts(item, depth + 1) for item in obj)
    if not isinstance(obj, DictionaryObject):
        return False
    if set(obj.keys()) & PDF_ACTION_KEYS:
        return True
    action = obj.get("/S")
    if action is not None and str(action) in PDF_ACTIONS:
        return True
    return any(_pdf_acts(value, depth + 1) for value in obj.values())
