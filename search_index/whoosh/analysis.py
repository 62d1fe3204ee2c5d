"""Italian text analysis shared by indexing and querying.

The chain is the one of ``LanguageAnalyzer("it")`` with elision, acronym and hyphen
handling added (``reference_analyzer()`` builds it from Whoosh's pieces; ``ItalianAnalyzer``,
used for indexing and queries, is the same chain fused into one loop, about eight times
faster):

    RegexTokenizer(TOKEN_PATTERN)      words, keeping ' . - inside a word
    | ElisionAcronymFilter()           "dell'asilo" -> "asilo", "P.I.P.P.I" -> "PIPPI",
                                       "socio-sanitario" -> "socio", "sanitario"
    | LowercaseFilter()
    | CharsetFilter(accent_map)        "perché" -> "perche", "bebè" -> "bebe"
    | StopFilter(Italian, accent-folded, plus elided forms)
    | StemFilter(lang="it")            Snowball Italian: "asili" ~ "asilo"

At index time only, ``ItalianAnalyzer`` also indexes the joined form of a short hyphenated
word at the position of its first part ("sociosanitario"), so both spellings match.

Accents are folded *before* stemming so that a query typed without accents stems to the
same term as the accented text. Stop words do not take a position, so a phrase such as
"nido d'infanzia" matches "nido infanzia" at index and query time alike.

Whoosh pickles the analyzer into the index schema, as the stable factory
``search_index.persisted.italian_analyzer_v1`` (see there), so this module can move.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import is_, not_
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.acore import Token
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

from .. import persisted

__all__ = [
    "APOSTROPHES",
    "ElisionAcronymFilter",
    "ItalianAnalyzer",
    "STOP_WORDS",
    "analyze",
    "analyze_spans",
    "fold",
    "matching_spans",
    "italian_analyzer",
    "normalize_text",
    "reference_analyzer",
]

APOSTROPHES = "'’‘`´ʼ"
# A word: letters/digits, optionally joined by apostrophes, dots or hyphens (no spaces).
TOKEN_PATTERN = r"\w+(?:[-.'’‘`´ʼ]\w+)*"
_SEPARATORS = re.compile(r"[-.'’‘`´ʼ]")
_APOSTROPHE_SPLIT = re.compile(r"([" + APOSTROPHES + r"])")

# Elided articles, prepositions and pronouns dropped before an apostrophe.
ELIDED = frozenset(
    "l d dell dall nell sull all coll pell degl dagl negl sugl agl gl un c s m t v n ci "
    "quest quell com cos dov anch ch tutt qual nessun alcun ciascun qualcun".split()
)
MAX_TOKEN_CHARS = 40
MAX_JOINED_PARTS = 3

Part = tuple[str, int, int, bool]  # text, start, end, advances the position


def fold(text: str) -> str:
    """Lower-case ``text`` and fold its accents ("Perché" -> "perche")."""
    return text.lower().translate(accent_map)


STOP_WORDS: frozenset[str] = frozenset(
    {fold(w) for w in stopwords_for_language("it")} | ELIDED
)


def _split_chunk(chunk: str, base: int, out: list[Part]) -> None:
    """Apostrophes and dots inside one hyphen-free chunk."""
    parts: list[tuple[str, int]] = []
    pos = 0
    for piece in _APOSTROPHE_SPLIT.split(chunk):
        if piece and piece not in APOSTROPHES:
            parts.append((piece, pos))
        pos += len(piece)
    # Drop elided words (a known elision before an apostrophe): "dell'asilo" -> "asilo".
    kept = [p for p in parts[:-1] if p[0].lower() not in ELIDED] + parts[-1:]
    for piece, start in kept:
        start += base
        if "." not in piece:
            out.append((piece, start, start + len(piece), True))
            continue
        segments = piece.split(".")
        acronym = all(len(s) <= 3 for s in segments) and (
            all(s.isalpha() for s in segments) or all(s.isdigit() for s in segments)
        )
        if acronym:  # "P.I.P.P.I" -> "PIPPI", "D.Lgs" -> "DLgs", "1.000" -> "1000"
            out.append(("".join(segments), start, start + len(piece), True))
            continue
        for seg in segments:  # "www.inps.it" -> "www", "inps", "it"
            out.append((seg, start, start + len(seg), True))
            start += len(seg) + 1


def _split_word(text: str, join_hyphens: bool = False) -> list[Part]:
    """Split one raw token into parts (text, start, end, advance); offsets in the token.

    Elided prefixes are dropped, other apostrophe parts kept ("sant'anna" -> "sant",
    "anna"); dotted acronyms and numbers are joined, other dotted words split; hyphenated
    words are split ("socio-sanitario" -> "socio", "sanitario"). With ``join_hyphens``
    (index time) the joined form of a hyphenated word of 2-3 alphabetic parts is added
    first, at the position of the first part ("sociosanitario"), so that a query written
    either way finds it.
    """
    if not _SEPARATORS.search(text):
        return [(text, 0, len(text), True)]
    out: list[Part] = []
    chunks = text.split("-")
    start = 0
    for chunk in chunks:
        if chunk:
            _split_chunk(chunk, start, out)
        start += len(chunk) + 1
    if (
        join_hyphens
        and 1 < len(chunks) <= MAX_JOINED_PARTS
        and all(c.isalpha() for c in chunks)
        and len(text) - len(chunks) + 1 <= MAX_TOKEN_CHARS
    ):
        out.insert(0, ("".join(chunks), 0, len(text), False))
    return out


class ElisionAcronymFilter(Filter):
    """Splits elisions and hyphens and joins dotted acronyms (query-time behaviour),
    keeping positions and character offsets right."""

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        for t in tokens:
            parts = _split_word(t.text)
            if len(parts) == 1 and parts[0][0] == t.text:
                if t.positions:
                    t.pos += shift
                yield t
                continue
            base_pos = t.pos if t.positions else 0
            base_char = t.startchar if t.chars else 0
            for i, (text, start, end, _advance) in enumerate(parts):
                t.text = text
                if t.positions:
                    t.pos = base_pos + shift + i
                if t.chars:
                    t.startchar = base_char + start
                    t.endchar = base_char + end
                yield t
            shift += len(parts) - 1


def reference_analyzer():  # -> whoosh.analysis.CompositeAnalyzer
    """The analysis chain spelled out with Whoosh's composable pieces.

    ``ItalianAnalyzer`` produces exactly the same tokens in one Python loop (about five
    times faster); tests compare the two. Not used for indexing.
    """
    return (
        RegexTokenizer(expression=TOKEN_PATTERN)
        | ElisionAcronymFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2, maxsize=MAX_TOKEN_CHARS)
        | StemFilter(lang="it", cachesize=None)
    )


_WORD = re.compile(TOKEN_PATTERN)
_STOPPED = ""
_CACHE_LIMIT = 200_000


class ItalianAnalyzer(Analyzer):
    """``reference_analyzer()`` fused into one loop with a surface-word -> term cache.

    A Whoosh analyzer: called with the text and the usual keyword arguments
    (``positions``, ``chars``, ``start_pos``, ``start_char``, ``removestops``, ``mode``)
    it yields one reused ``Token`` per index term.
    """

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}
        self._stem = stemmer_for_language("it")

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        ItalianAnalyzer.__init__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by a stable name, not by this module's path (see ``persisted``)."""
        return persisted.italian_analyzer_v1, ()

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    __hash__ = Analyzer.__hash__

    def __repr__(self) -> str:
        return "ItalianAnalyzer()"

    def has_morph(self) -> bool:
        return True

    def term(self, word: str) -> str:
        """The index term of one surface word; "" when it is a stop word or too short/long."""
        cache = self._cache
        term = cache.get(word)
        if term is None:
            folded = word.lower().translate(accent_map)
            if len(folded) < 2 or len(folded) > MAX_TOKEN_CHARS or folded in STOP_WORDS:
                term = _STOPPED
            else:
                term = self._stem(folded)
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[word] = term
        return term

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        term_of = self.term
        pos = start_pos
        join = mode == "index"
        for m in _WORD.finditer(value):
            word = m.group()
            parts = ((word, 0, len(word), True),) if word.isalnum() else _split_word(word, join)
            for text, start, end, advance in parts:
                term = term_of(text)
                if not term:
                    if removestops:
                        continue
                    t.stopped = True
                    t.text = text.lower().translate(accent_map)
                else:
                    t.stopped = False
                    t.text = term
                t.boost = 1.0
                if keeporiginal:
                    t.original = text
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + m.start() + start
                    t.endchar = start_char + m.start() + end
                if advance and not t.stopped:
                    pos += 1
                yield t


    def index_positions(self, value: str) -> dict[str, list[int]]:
        """Each index term of ``value`` with its positions, as ``__call__`` in "index"
        mode yields them, without the Token protocol (a generator step and several
        attribute writes per token): what ``RawPositions.word_values`` needs."""
        term_of = self.term
        out: dict[str, list[int]] = {}
        pos = 0
        for word in _WORD.findall(value):
            parts = ((word, 0, 0, True),) if word.isalnum() else _split_word(word, True)
            for text, _start, _end, advance in parts:
                term = term_of(text)
                if not term:
                    continue
                found = out.get(term)
                if found is None:
                    out[term] = [pos]
                else:
                    found.append(pos)
                if advance:
                    pos += 1
        return out


@lru_cache(maxsize=1)
def italian_analyzer() -> ItalianAnalyzer:
    """The one analyzer used for every text field and every query (one per process)."""
    return ItalianAnalyzer()


def normalize_text(text: object) -> str:
    """NFC-normalised text (combining accents become one character); non-strings -> ""."""
    if not isinstance(text, str):
        return "" if text is None else str(text)
    return unicodedata.normalize("NFC", text)


def analyze(text: str) -> list[str]:
    """The index terms of ``text`` in order ("Gli asili nido" -> ["asil", "nid"])."""
    return [t.text for t in italian_analyzer()(normalize_text(text), mode="query")]


_WORD_SPLIT = re.compile(f"({TOKEN_PATTERN})")
_WORD_TERMS: dict[str, frozenset[str]] = {}  # surface word -> its index terms


def _word_terms(word: str) -> frozenset[str]:
    """Every index term of one surface word (its parts and joined form included)."""
    found = _WORD_TERMS.get(word)
    if found is None:
        term_of = italian_analyzer().term
        parts = ((word, 0, len(word), True),) if word.isalnum() else _split_word(word, True)
        found = frozenset(filter(None, (term_of(p[0]) for p in parts)))
        if len(_WORD_TERMS) >= _CACHE_LIMIT:
            _WORD_TERMS.clear()
        _WORD_TERMS[word] = found
    return found


def matching_spans(text: str, terms: frozenset[str]) -> list[tuple[str, int, int]]:
    """``analyze_spans(text)`` restricted to ``terms``, for highlighting: the words are
    split and tested against ``terms`` at C speed (a set of terms per distinct word is
    remembered); only the few matching words are analysed again for their spans."""
    pieces = _WORD_SPLIT.split(text)
    words = pieces[1::2]
    ends = list(accumulate(map(len, pieces)))[1::2]
    known = list(map(_WORD_TERMS.get, words))
    for i in compress(range(len(words)), map(is_, known, repeat(None))):
        known[i] = _word_terms(words[i])
    out = []
    filled: list[frozenset[str]] = known  # type: ignore[assignment]  # no None left
    for i in compress(range(len(words)), map(not_, map(terms.isdisjoint, filled))):
        word = words[i]
        base = ends[i] - len(word)
        out += [(term, base + s, base + e) for term, s, e in analyze_spans(word)
                if term in terms]
    return out


def analyze_spans(text: str, mode: str = "index") -> list[tuple[str, int, int]]:
    """(term, startchar, endchar) for each term of ``text`` (already NFC). In "index" mode
    the joined form of a hyphenated word comes first, spanning the whole word.

    The same terms as ``ItalianAnalyzer`` without its Token protocol (about three times
    faster): snippets analyse a few thousand characters per hit.
    """
    term_of = italian_analyzer().term
    join = mode == "index"
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isalnum():
            term = term_of(word)
            if term:
                out.append((term, m.start(), m.end()))
            continue
        base = m.start()
        for part, start, end, _advance in _split_word(word, join):
            term = term_of(part)
            if term:
                out.append((term, base + start, base + end))
    return out


persisted.register("italian_analyzer_v1", ItalianAnalyzer)
