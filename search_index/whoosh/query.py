"""From a user's query string to concepts to match, without ever raising on odd input.

The query language is deliberately small and forgiving:

* words are analysed like the indexed text (stems, accents folded, stop words dropped);
* ``"..."`` (also “...” and «...») is an exact phrase; an unbalanced quote is ignored;
* ``-word`` excludes a word; ``AND``/``OR``/``NOT``, ``field:`` prefixes, ``* ? ~ ^ ( )``
  and other punctuation are ignored as syntax;
* a run of words equal to a synonym term expands to all the terms of its group(s), the
  other terms as phrases when multi-word; a hyphenated word matches its parts as a phrase
  or its joined form;
* at most ``MAX_TERMS`` terms of at most ``MAX_QUERY_CHARS`` characters are used.

Each resulting ``Concept`` is required; ``searching.py`` decides how to match and rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import analyze_spans, normalize_text
from .synonyms import Thesaurus

__all__ = ["Concept", "MAX_QUERY_CHARS", "MAX_TERMS", "ParsedQuery", "parse_query"]

MAX_QUERY_CHARS = 2000
MAX_TERMS = 60

Stems = tuple[str, ...]

_QUOTES = re.compile(r"[\"“”«»„‟]")
_FIELD_PREFIX = re.compile(r"\b[^\W\d_]{1,30}:(?=\S)")
_OPERATOR = re.compile(r"(?<!\S)(?:AND|OR|NOT|&&|\|\|)(?!\S)")
_EXCLUSION = re.compile(r"(?<![\w\-])-(\w[^\s\"]*)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Concept:
    """One required unit of the query: a word, a synonym group or a quoted phrase."""

    alternatives: tuple[Stems, ...]  # the typed form first
    start: int  # span of the typed text in ParsedQuery.text
    end: int
    quoted: bool = False
    # True for a synonym typed without quotes: its typed words need not be adjacent (as
    # for any typed words); the other forms of the group are matched as phrases.
    loose_first: bool = False
    # the alternatives that only respell the typed words with other word forms
    # ("genitorialità" for "genitori"): weaker evidence than a synonym
    respellings: tuple[Stems, ...] = ()

    @property
    def single_word(self) -> bool:
        return not self.quoted and len(self.alternatives) == 1 and len(self.alternatives[0]) == 1


@dataclass
class ParsedQuery:
    """The analysed query."""

    text: str  # the normalised query string the spans refer to
    concepts: list[Concept] = field(default_factory=list)
    excluded: list[Stems] = field(default_factory=list)
    blank: bool = True  # nothing was typed at all (browse mode)

    def highlight_terms(self) -> frozenset[str]:
        """Every stem that may be marked in a snippet."""
        return frozenset(s for c in self.concepts for alt in c.alternatives for s in alt)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _segments(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, quoted) pieces of ``text``; an unclosed quote leaves its text unquoted."""
    marks = [m.start() for m in _QUOTES.finditer(text)]
    if len(marks) % 2:
        marks = marks[:-1]
    out: list[tuple[int, int, bool]] = []
    pos = 0
    for open_at, close_at in zip(marks[::2], marks[1::2], strict=True):
        out.append((pos, open_at, False))
        out.append((open_at + 1, close_at, True))
        pos = close_at + 1
    out.append((pos, len(text), False))
    return [s for s in out if s[1] > s[0]]


def _words(
    spans: list[tuple[str, int, int]],
) -> tuple[list[tuple[str, int, int]], dict[int, tuple[str, int]]]:
    """Split index-mode spans into the plain words and the joined forms of hyphenated
    words: {index of the first part: (joined stem, number of parts)}."""
    words: list[tuple[str, int, int]] = []
    joined: dict[int, tuple[str, int]] = {}
    k = 0
    while k < len(spans):
        stem, start, end = spans[k]
        n = 0
        while k + 1 + n < len(spans) and spans[k + 1 + n][2] <= end:
            n += 1
        if n:  # the following n spans lie inside this one: it is a joined form
            joined[len(words)] = (stem, n)
        else:
            words.append(spans[k])
        k += 1
    return words, joined


def parse_query(q: object, thesaurus: Thesaurus) -> ParsedQuery:
    """Analyse any string (non-strings count as empty) into concepts and exclusions."""
    text = _CONTROL.sub(" ", normalize_text(q if isinstance(q, str) else ""))
    text = text[:MAX_QUERY_CHARS]
    parsed = ParsedQuery(text=text, blank=not text.strip())
    budget = MAX_TERMS
    seen: set[tuple[Stems, ...]] = set()
    for start, end, quoted in _segments(text):
        if budget <= 0:
            break
        piece = text[start:end]
        if quoted:
            spans = analyze_spans(piece, mode="query")[:budget]
            if spans:
                stems = tuple(s for s, _, _ in spans)
                budget -= len(stems)
                if (stems,) not in seen:
                    seen.add((stems,))
                    parsed.concepts.append(Concept((stems,), start, end, quoted=True))
            continue
        piece = _OPERATOR.sub(_blank, _FIELD_PREFIX.sub(_blank, piece))
        for m in _EXCLUSION.finditer(piece):
            stems = tuple(s for s, _, _ in analyze_spans(m.group(1), mode="query"))
            if stems and stems not in parsed.excluded:
                parsed.excluded.append(stems)
        piece = _EXCLUSION.sub(_blank, piece)
        words, joined = _words(analyze_spans(piece))
        words = words[:budget]
        budget -= len(words)
        stems_list = [w[0] for w in words]
        matches = {m.start: m for m in thesaurus.find(stems_list)}
        i = 0
        while i < len(words):
            match = matches.get(i)
            loose = False
            if match:
                alts, j, loose = match.alternatives, match.end, True
            elif i in joined:  # hyphenated word: its parts as a phrase, or the joined form
                j = min(len(words), i + joined[i][1])
                parts = tuple(stems_list[i:j])
                alts = (parts, (joined[i][0],)) if parts != (joined[i][0],) else (parts,)
            else:
                alts, j = ((stems_list[i],),), i + 1
            if alts not in seen:
                seen.add(alts)
                parsed.concepts.append(Concept(
                    alts, start + words[i][1], start + words[j - 1][2], loose_first=loose,
                    respellings=tuple(a for a in alts[1:] if thesaurus.respells(alts[0], a)),
                ))
            i = j
    return parsed
