"""Normalising user text before it is validated and stored.

Control characters (NUL above all: PostgreSQL refuses it in text columns) and lone
surrogates are dropped, newlines unified, outer blanks trimmed. Everything else,
however odd, is kept exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BLANKS = re.compile(r"\s+")
# What XML 1.0 refuses (lxml raises on it): C0 controls but tab and newlines, lone
# surrogates and the non-characters U+FFFE/U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str | None) -> str:
    """Multi-line text (bodies, comments, bios): controls removed, trimmed."""
    if not value:
        return ""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(value: str | None) -> str:
    """Single-line text (titles, names): like clean_text, with blank runs made one space."""
    return _BLANKS.sub(" ", clean_text(value))


def xml_text(value: object) -> str:
    """Text an XML document (Atom feed, RDF) can carry: rows written before clean_text, by
    imports or by the admin may still hold characters lxml refuses, and one such
    character must not take a whole feed down."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII, lower-case, hyphenated slug (accents folded); empty if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def escape_like(text: str) -> str:
    """Text for a LIKE pattern with `escape="\\"`: % and _ match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
