"""Legal references of a guideline: a label and, when known, a Normattiva URN.

The form takes one reference a line, `label | urn`; the URN is checked against the NIR
form Normattiva resolves (`urn:nir:<authority>:<act type>:<yyyy-mm-dd>;<number>`, with
an optional article `~art<N>` and an optional `!vig=` date), and the link is derived from
it, never typed: a reference cannot point anywhere but normattiva.it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _

from forum.text import clean_line

NORMATTIVA = "https://www.normattiva.it/uri-res/N2Ls?"
_NAME = r"[a-z0-9]+(?:[.\-][a-z0-9]+)*"
URN = re.compile(
    rf"urn:nir:(?P<authority>{_NAME}(?:;{_NAME})*):(?P<act>{_NAME}):"
    r"(?P<date>\d{4}-\d{2}-\d{2});(?P<number>[a-z0-9]+(?:[.\-][a-z0-9]+)*)"
    r"(?:~art\d+(?:[a-z]+)?(?:-com\d+(?:-let[a-z])?)?)?"
    r"(?:!vig=(?:\d{4}-\d{2}-\d{2})?)?",
    re.IGNORECASE,
)
MAX_REFERENCES = 30
LABEL_MAX = 300
URN_MAX = 200


def normattiva_url(urn: str) -> str:
    """The Normattiva address that resolves a URN."""
    return NORMATTIVA + urn


def valid_urn(urn: str) -> bool:
    """Whether `urn` has the NIR form and a real date."""
    match = URN.fullmatch(urn)
    if match is None:
        return False
    try:
        date.fromisoformat(match.group("date"))
    except ValueError:
        return False
    return True


def parse_references(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The references written one a line as `label | urn` (URN optional), and the errors
    in Italian (one per bad line, with its number)."""
    references: list[dict[str, Any]] = []
    errors: list[str] = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_REFERENCES:
        return [], [_("Al massimo %(n)d riferimenti normativi.", n=MAX_REFERENCES)]
    for number, line in enumerate(lines, start=1):
        label, _sep, urn = (part.strip() for part in line.partition("|"))
        label, urn = clean_line(label), clean_line(urn).replace(" ", "")
        if not label:
            errors.append(_("Riga %(n)d: scrivi la descrizione dell'atto prima della barra.",
                            n=number))
            continue
        if len(label) > LABEL_MAX or len(urn) > URN_MAX:
            errors.append(_("Riga %(n)d: riferimento troppo lungo.", n=number))
            continue
        if urn and not valid_urn(urn):
            errors.append(_(
                "Riga %(n)d: l'URN «%(urn)s» non ha la forma di Normattiva, per esempio "
                "urn:nir:stato:legge:2000-11-08;328 (eventualmente con ~art3).",
                n=number, urn=urn[:80]))
            continue
        references.append({"label": label, "urn": urn or None,
                           "url": normattiva_url(urn) if urn else None})
    return references, errors


def references_text(references: list[dict[str, Any]]) -> str:
    """The references back as form text, one `label | urn` a line."""
    return "\n".join(f"{ref.get('label', '')} | {ref['urn']}" if ref.get("urn")
                     else str(ref.get("label", "")) for ref in references or [])


def references_plain(references: list[dict[str, Any]]) -> str:
    """The references as plain lines, for the diff between versions."""
    return "\n".join(f"{ref.get('label', '')} ({ref['urn']})" if ref.get("urn")
                     else str(ref.get("label", "")) for ref in references or [])
