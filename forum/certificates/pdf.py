"""The attendance certificate as a PDF, drawn with fpdf2.

fpdf2 is pure Python: no system library, no font on the server. The text uses the PDF
core font Helvetica, whose encoding covers Latin-1, so every Italian letter (à è é ì ò ù
and their capitals) prints as typed; any other character is reduced to its base letter
(ł → l, ő → o), typographic quotes and dashes to their plain forms, and what is left to
"?" (`latin1`), never an error.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Response
from flask_babel import gettext as _
from flask_babel import ngettext
from fpdf import FPDF

from forum.models import Certificate

_PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
                        "–": "-", "—": "-", "‐": "-", "…": "...", "€": "EUR",
                        "\u00a0": " ", "\u202f": " ", "Ł": "L", "ł": "l", "Đ": "D",
                        "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe"})


def latin1(text: str) -> str:
    """`text` printable with a core PDF font: Latin-1 kept, the rest reduced or '?'."""
    out = []
    for char in str(text).translate(_PLAIN):
        if ord(char) < 32 or 127 <= ord(char) < 160:
            continue  # control characters print nothing
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


def certificate_pdf(details: dict[str, Any], code: str, verify_url: str) -> bytes:
    """An A4 landscape certificate: who attended what, when, for how many hours, who
    organised it, and the code with the address where anyone can check it."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(latin1(_("Attestato di partecipazione")))
    pdf.set_author(latin1(str(details.get("organiser", ""))))
    pdf.set_creator("Officina")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_margins(25, 20, 25)
    pdf.set_y(25)
    width = pdf.w - 50

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(25)
        pdf.multi_cell(width, size * 0.5, latin1(text), align="C")
        pdf.ln(gap)

    line(_("ATTESTATO DI PARTECIPAZIONE"), 24, "B", 8)
    line(_("Si attesta che"), 13)
    line(str(details.get("name", "")), 20, "B", 2)
    if details.get("organisation"):
        line(str(details["organisation"]), 13)
    if details.get("kind") == "path":
        line(_("ha completato il percorso formativo"), 13)
        line("«" + str(details.get("event", "")) + "»", 16, "B", 4)
        line(_("Moduli completati: %(modules)s", modules=", ".join(
            str(m) for m in details.get("modules") or [])), 12, gap=2)
    else:
        line(_("ha partecipato all'incontro"), 13)
        line("«" + str(details.get("event", "")) + "»", 16, "B", 4)
        sessions = details.get("sessions") or []
        line(_("Date: %(dates)s", dates="; ".join(str(s) for s in sessions)), 12, gap=2)
        hours = str(details.get("hours", ""))
        line(ngettext("Durata complessiva: %(hours)s ora", "Durata complessiva: %(hours)s ore",
                      1 if hours == "1" else 2, hours=hours), 12, gap=2)
    line(_("Organizzato da: %(organiser)s", organiser=details.get("organiser", "")), 12, gap=8)
    line(_("Codice dell'attestato: %(code)s", code=code), 11, "B", 1)
    line(_("Verifica: %(url)s", url=verify_url), 10, gap=1)
    if details.get("issued_on"):
        line(_("Rilasciato il %(date)s", date=details["issued_on"]), 10)
    return bytes(pdf.output())


def pdf_response(issued: Certificate) -> Response:
    """A certificate as a private PDF download named after its code."""
    from forum.certificates.services import verify_url

    body = certificate_pdf(issued.details, issued.code, verify_url(issued.code))
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="attestato-{issued.code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
