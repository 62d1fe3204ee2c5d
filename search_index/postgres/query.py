"""From a user's query string to ``tsquery`` texts, one per required concept.

The query language is the Whoosh backend's (``whoosh/query.py``, which parses it here
too), that is ``websearch_to_tsquery``'s plus synonyms: words are all required,
``"..."`` is a phrase, ``-word`` excludes, operators and punctuation are ignored, and a
run of words equal to a synonym term (``synonyms.json``) also matches the other terms of
its group(s), as phrases. PostgreSQL analyses every piece of text itself
(``plainto_tsquery``/``phraseto_tsquery`` with ``forum_it``), so a query word always
becomes the lexeme the indexed text has; the pieces' ``tsquery`` texts are cached per
process (the analysis of a given text never changes).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from ..whoosh.query import Concept, ParsedQuery, parse_query
from .analysis import prepare
from .ddl import CONFIG
from .synonyms import default_surfaces, thesaurus

__all__ = ["PgConcept", "PgQuery", "build_query", "either", "resolve"]

_QUOTES = re.compile(r"[\"“”«»„‟]")
_EXCLUSION = re.compile(r"(?<![\w\-])-(\w[^\s\"]*)")
CACHE_SIZE = 50_000

Piece = tuple[str, str]  # ("plain" | "phrase", words)


@dataclass
class PgConcept:
    """One required concept: the pieces any of which matches it, and its ``tsquery``."""

    concept: Concept
    pieces: list[Piece]
    tsquery: str = ""


@dataclass
class PgQuery:
    """The analysed query: concepts (all required) and excluded words."""

    parsed: ParsedQuery
    concepts: list[PgConcept] = field(default_factory=list)
    excluded: list[Piece] = field(default_factory=list)
    excluded_tsquery: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return self.parsed.blank

    def full(self, concepts: list[PgConcept] | None = None, *, any_of: bool = False) -> str:
        """One ``tsquery`` text: every concept (or any, with ``any_of``), no excluded word."""
        parts = [c.tsquery for c in (self.concepts if concepts is None else concepts)]
        joined = either(parts) if any_of else " & ".join(f"( {p} )" for p in parts)
        return " & ".join([joined, *(f"!( {e} )" for e in self.excluded_tsquery)])

    def highlight(self) -> str:
        """Every concept's ``tsquery`` as alternatives: what a snippet marks."""
        return either([c.tsquery for c in self.concepts])


def either(parts: list[str]) -> str:
    return " | ".join(f"( {p} )" for p in parts)


def _unquoted(text_: str) -> str:
    """``text_`` without its quoted phrases (an unclosed quote counts as no quote)."""
    marks = [m.start() for m in _QUOTES.finditer(text_)]
    if len(marks) % 2:
        marks = marks[:-1]
    out, pos = [], 0
    for start, end in zip(marks[::2], marks[1::2], strict=True):
        out.append(text_[pos:start])
        pos = end + 1
    out.append(text_[pos:])
    return " ".join(out)


def build_query(q: object) -> PgQuery:
    """The concepts of ``q`` as pieces of text to analyse (no database access)."""
    parsed = parse_query(q, thesaurus())
    surfaces = default_surfaces()
    out = PgQuery(parsed)
    for concept in parsed.concepts:
        typed = parsed.text[concept.start:concept.end]
        if concept.quoted:
            pieces: list[Piece] = [("phrase", typed)]
        else:
            pieces = [("plain", typed)]
        for alt in concept.alternatives[1:]:
            words = surfaces.words(alt)
            if words is None and len(alt) == 1 and "-" in typed:
                words = typed.replace("-", "")  # a hyphenated word's joined form
            if words is not None and ("phrase", words) not in pieces:
                pieces.append(("phrase", words))
        out.concepts.append(PgConcept(concept, pieces))
    for m in _EXCLUSION.finditer(_unquoted(parsed.text)):
        out.excluded.append(("plain", m.group(1)))
    return out


class _TsqueryCache:
    """piece -> its ``tsquery`` text ("" for stop words only), least recently used out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Piece, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, piece: Piece) -> str | None:
        with self._lock:
            found = self._items.get(piece)
            if found is not None:
                self._items.move_to_end(piece)
            return found

    def put(self, piece: Piece, value: str) -> None:
        with self._lock:
            self._items[piece] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)


_CACHE = _TsqueryCache(CACHE_SIZE)


def analyse(conn: Connection, pieces: list[Piece]) -> dict[Piece, str]:
    """The ``tsquery`` text of each piece, from the cache or in one statement."""
    out = {p: found for p in pieces if (found := _CACHE.get(p)) is not None}
    missing = [p for p in dict.fromkeys(pieces) if p not in out]
    if missing:
        columns = ", ".join(
            f"CAST({'phraseto' if kind == 'phrase' else 'plainto'}_tsquery('{CONFIG}', :p{i})"
            " AS text)" for i, (kind, _w) in enumerate(missing))
        row = conn.execute(text(f"SELECT {columns}"),
                           {f"p{i}": prepare(words) for i, (_k, words) in enumerate(missing)}
                           ).one()
        for piece, value in zip(missing, row, strict=True):
            out[piece] = value or ""
            _CACHE.put(piece, out[piece])
    return out


def resolve(conn: Connection, query: PgQuery) -> PgQuery:
    """Fill in the ``tsquery`` texts; concepts PostgreSQL finds no lexeme in are dropped."""
    pieces = [p for c in query.concepts for p in c.pieces] + query.excluded
    if not pieces:
        return query
    found = analyse(conn, pieces)
    kept = []
    for concept in query.concepts:
        parts = _unsubsumed([found[p] for p in concept.pieces if found[p]])
        if parts:
            concept.tsquery = parts[0] if len(parts) == 1 else either(parts)
            kept.append(concept)
    query.concepts = kept
    query.excluded_tsquery = [found[p] for p in query.excluded if found[p]]
    return query


_LEXEME = re.compile(r"'((?:[^']|'')*)'")
_CONJUNCTION = re.compile(r"^'(?:[^']|'')*'(?: & '(?:[^']|'')*')*$")


def _unsubsumed(parts: list[str]) -> list[str]:
    """The alternatives of a concept without those another one implies: "caregiver" OR
    the phrase "caregiver familiare" is "caregiver". Every match is the same, and a
    phrase costs a check of each candidate row's positions (300 ms for a common word's
    synonym phrases at a million documents). An alternative is implied when a plain one
    (its words all required, ``plainto_tsquery``'s ``&``) has only words it holds too
    (a phrase, ``phraseto_tsquery``'s ``<->``, requires all of its words)."""
    plain = [set(_LEXEME.findall(p)) for p in parts if _CONJUNCTION.match(p)]
    return [p for p in parts
            if not any(words < set(_LEXEME.findall(p)) or
                       (words == set(_LEXEME.findall(p)) and not _CONJUNCTION.match(p))
                       for words in plain)]
