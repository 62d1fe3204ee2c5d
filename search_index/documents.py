"""What goes into a search index: ``SearchDocument``, and the one spelling of document ids.

Every engine indexes the same typed document, so the app builds documents once and never
knows which engine stores them. A document id is ``"<kind>:<number>"`` ("question:12",
"practice:3"); ``doc_id`` and ``parse_doc_id`` are the only code that builds or reads
that string, here and in the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["SearchDocument", "doc_id", "parse_doc_id"]

_SEP = ":"


def doc_id(kind: str, number: int) -> str:
    """The id of document ``number`` of ``kind``: ``doc_id("question", 12) == "question:12"``.

    Raises ``ValueError`` for an empty kind, a kind containing ":", or a number that is
    not a non-negative integer.
    """
    if not kind or _SEP in kind or kind != kind.strip():
        raise ValueError(f"invalid document kind {kind!r}")
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError(f"invalid document number {number!r}")
    return f"{kind}{_SEP}{number}"


def parse_doc_id(value: str) -> tuple[str, int]:
    """``(kind, number)`` of a document id; ``ValueError`` when it is not one."""
    kind, sep, number = str(value).partition(_SEP)
    if not sep or not number.isascii() or not number.isdigit():
        raise ValueError(f"invalid document id {value!r}")
    doc_id(kind, int(number))  # same rules as building one
    return kind, int(number)


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One searchable document (a discussion or a practice), as every engine indexes it.

    Text fields are plain text. ``theme`` is the main theme, ``themes`` every theme (the
    main one is added when missing); ``region`` "" means national scope. Invisible
    documents are indexed but never returned. ``group`` is the working group a document
    belongs to (None: public): searches return it only when asked with that group among
    their ``groups``. ``stamp`` is an opaque version string the app compares with the
    database to find stale entries.
    """

    kind: str  # "question" | "practice"
    id: int
    title: str
    body: str = ""
    accepted: str = ""  # the accepted answer's text, searched with a small bonus
    tags: tuple[str, ...] = ()
    theme: str = ""
    themes: tuple[str, ...] = ()
    region: str = ""
    solved: bool = False
    votes: int = 0
    created: datetime | None = None
    updated: datetime | None = None
    visible: bool = True
    level: str | None = None  # practices: level of government
    evidence: str | None = None  # practices: evidence level
    group: int | None = None  # working group (None: public)
    stamp: str = ""

    def __post_init__(self) -> None:
        doc_id(self.kind, self.id)  # refuse a document that has no valid id
        group = self.group
        if group is not None and (isinstance(group, bool) or not isinstance(group, int)
                                  or group <= 0):
            raise ValueError(f"invalid group {group!r}")

    @property
    def doc_id(self) -> str:
        """This document's id, e.g. "question:12"."""
        return doc_id(self.kind, self.id)
