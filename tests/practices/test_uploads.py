"""Attachments are judged by what they are: real office containers within a size bound,
parsed PDFs without scripts, no HTML hidden behind another type's leading bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import func, select

from forum.extensions import db
from forum.filecheck import Refused, check_file
from forum.models import PracticeAttachment
from tests.factories import make_practice, make_user

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def pdf(*, javascript: str | None = None, launch: bool = False, direct: bool = False) -> bytes:
    """A real one-page PDF, optionally with an open action that runs a script."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = None
    if javascript:
        action = {NameObject("/S"): NameObject("/JavaScript"),
                  NameObject("/JS"): TextStringObject(javascript)}
    if launch:
        action = {NameObject("/S"): NameObject("/Launch"),
                  NameObject("/F"): TextStringObject("calc.exe")}
    if action:  # as its own object, or written inline in the catalogue
        value = DictionaryObject(action)
        writer._root_object[NameObject("/OpenAction")] = (
            value if direct else writer._add_object(value))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def office(kind: str, *, extra: dict[str, bytes] | None = None,
           drop: str | None = None) -> bytes:
    parts = {
        "docx": {"[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
                 "_rels/.rels": b"<?xml version='1.0'?><Relationships/>",
                 "word/document.xml": b"<?xml version='1.0'?><w:document/>"},
        "xlsx": {"[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
                 "_rels/.rels": b"<?xml version='1.0'?><Relationships/>",
                 "xl/workbook.xml": b"<?xml version='1.0'?><workbook/>"},
        "odt": {"mimetype": b"application/vnd.oasis.opendocument.text",
                "META-INF/manifest.xml": b"<?xml version='1.0'?><manifest/>",
                "content.xml": b"<?xml version='1.0'?><office:document-content/>"},
    }[kind]
    parts = {**parts, **(extra or {})}
    if drop:
        parts.pop(drop)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def bomb() -> bytes:
    """A 'docx' whose zip inflates to 300 MB of zeros (a few hundred KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in ("[Content_Types].xml", "_rels/.rels"):
            archive.writestr(name, b"<?xml version='1.0'?><x/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(zeros)
    return out.getvalue()


GOOD = [("pdf", pdf()), ("png", PNG), ("jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 dati"),
        ("csv", b"comune;quota\nTorino;120\n"), ("docx", office("docx")),
        ("xlsx", office("xlsx")), ("odt", office("odt"))]
BAD = [
    ("html renamed csv", "csv", HTML, "html"),
    ("csv with a script", "csv", b"comune;nota\nTorino;<script>alert(1)</script>\n", "html"),
    ("png then html", "png", PNG + HTML, "html"),
    ("pdf then html", "pdf", pdf() + HTML, "html"),
    ("pdf with javascript", "pdf", pdf(javascript="app.alert('x');"), "script"),
    ("pdf that launches a program", "pdf", pdf(launch=True), "script"),
    ("pdf with an inline script action", "pdf", pdf(javascript="x", direct=True), "script"),
    ("pdf header only", "pdf", b"%PDF-1.7 in realta nulla", "mismatch"),
    ("docx without its document", "docx", office("docx", drop="word/document.xml"), "mismatch"),
    ("xlsx that is a docx", "xlsx", office("docx"), "mismatch"),
    ("odt with a wrong mimetype", "odt",
     office("odt", extra={"mimetype": b"application/zip"}), "mismatch"),
    ("docx carrying a page", "docx", office("docx", extra={"word/x.html": b"ciao"}), "html"),
    ("docx with html inside a part", "docx",
     office("docx", extra={"word/media/n.xml": b"<html><script>x</script>"}), "html"),
    ("docx zip bomb", "docx", bomb(), "bomb"),
    ("zip that is no office file", "docx", b"PK\x03\x04" + b"\0" * 60, "mismatch"),
]


@pytest.mark.parametrize(("kind", "data"), GOOD, ids=[k for k, _ in GOOD])
def test_real_files_of_each_kind_are_accepted(kind, data):
    check_file(kind, data)


@pytest.mark.parametrize(("name", "kind", "data", "reason"), BAD, ids=[b[0] for b in BAD])
def test_disguised_files_are_refused_with_the_reason(name, kind, data, reason):
    with pytest.raises(Refused) as refused:
        check_file(kind, data)
    assert refused.value.reason == reason


def test_refused_uploads_answer_422_with_an_italian_reason(client, login, app):
    author = make_user()
    practice = make_practice(author, status="bozza")
    login(author)
    cases = {"polyglotta.png": (PNG + HTML, "pagina web"),
             "script.pdf": (pdf(javascript="app.alert(1)"), "script"),
             "bomba.docx": (bomb(), "oltre i limiti")}
    for name, (data, words) in cases.items():
        response = client.post(f"/buone-pratiche/{practice.slug}/allegati",
                               data={"title": "Doc", "file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 422, name
        assert words in response.get_data(as_text=True), name
    assert db.session.scalar(select(func.count()).select_from(PracticeAttachment)) == 0
