"""A published guideline version as a PDF, drawn with fpdf2 like the certificates (the
same core-font text reduction, `forum.certificates.pdf.latin1`): title, version and date,
summary, sections with their headings, and the legal references with their links."""

from __future__ import annotations

import re

from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF

from forum.certificates.pdf import latin1
from forum.guidelines.sections import split_sections
from forum.models import Guideline, GuidelineVersion

_INLINE = re.compile(r"(\*\*|__|`|~~)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


def plain(markdown: str) -> str:
    """Markdown read as plain text: links as `text (address)`, emphasis marks dropped,
    list markers kept (they carry the numbering of the steps)."""
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _INLINE.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def guideline_pdf(guideline: Guideline, version: GuidelineVersion) -> bytes:
    """An A4 portrait document of one published version."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(latin1(version.title))
    pdf.set_creator("Officina")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.w - 40

    def block(text: str, size: float, style: str = "", gap: float = 2,
              height: float | None = None) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(20)
        pdf.multi_cell(width, height or size * 0.5, latin1(text))
        pdf.ln(gap)

    block(version.title, 18, "B", 3, 8)
    block(_("Versione %(n)d · aggiornata il %(date)s", n=version.version,
            date=format_date(version.changed_at, "long")), 10, "", 1)
    block(_("Da rivedere entro il %(date)s", date=format_date(guideline.review_by, "long")),
          10, "", 4)
    block(version.summary, 12, "I", 5, 6)
    preamble, sections = split_sections(version.body)
    if preamble:
        block(plain(preamble), 11, "", 3, 5.5)
    for section in sections:
        block(section.title, 14 if section.level == 2 else 12, "B", 2, 7)
        if section.source:
            block(plain(section.source), 11, "", 3, 5.5)
    if version.legal_references:
        block(_("Riferimenti normativi"), 14, "B", 2, 7)
        for ref in version.legal_references:
            label = str(ref.get("label", ""))
            block(f"- {label}" + (f" ({ref['url']})" if ref.get("url") else ""), 10, "", 1, 5)
    if version.change_note:
        pdf.ln(3)
        block(_("Nota di modifica: %(note)s", note=version.change_note), 9, "I", 1, 4.5)
    return bytes(pdf.output())


def pdf_response(guideline: Guideline, version: GuidelineVersion) -> Response:
    """The PDF as a download named after the guideline and its version."""
    response = Response(guideline_pdf(guideline, version), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{guideline.slug}-v{version.version}.pdf"')
    return response
