""""Forse cercavi": corrections for query words that (almost) never occur in the index.

Candidates come from the indexed terms of the `text` field (title + tags + body) through
Whoosh's Levenshtein automaton, one leaf segment at a time. Those terms are stems, so the
chosen stem is turned back into a real word by reading a few documents that contain it and
picking, among their words with that stem, the one closest to what was typed ("afido" ->
stem "affid" -> "affido", not "affidamento").

Only what the searcher may read counts: frequencies, candidate words and the documents a
word form is read from leave out the ``unseen`` documents (deleted, hidden, or of a
working group the searcher is not in), so a suggestion never reveals their words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from itertools import islice

from whoosh.searching import Searcher
from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import analyze_spans, fold
from .query import ParsedQuery

__all__ = ["suggest"]

MAX_WORDS = 8  # words checked per query
RARE_DF = 2  # a word this rare is checked when a much more common neighbour exists
COMMON_RATIO = 20
DOCS_FOR_SURFACE = 12


def _candidates(searcher: Searcher, stem: str,
                keep: Callable[[str], bool] | None = None) -> dict[str, int]:
    """Indexed stems within edit distance 1 (else 2) of ``stem`` -> their distance; only
    those ``keep`` accepts (so an unreadable word never hides a readable one further)."""
    out: dict[str, int] = {}
    reader = searcher.reader()
    leaves = [r for r, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]
    for maxdist in (1, 2):
        if len(stem) < 4 and maxdist == 2:
            break
        for leaf in leaves:
            for term in leaf.terms_within("text", stem, maxdist, prefix=1):
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                if word != stem and word not in out and (keep is None or keep(word)):
                    out[word] = damerau_levenshtein(word, stem)
        if out:
            break
    return out


def _surface(searcher: Searcher, stem: str, typed: str,
             unseen: Collection[int] = frozenset()) -> str | None:
    """The word form of ``stem`` seen in documents (not ``unseen``) closest to ``typed``."""
    seen: Counter[str] = Counter()
    docnums: list[int] = []
    for fieldname in ("title", "text"):
        if searcher.doc_frequency(fieldname, stem):
            ids = (d for d in searcher.postings(fieldname, stem).all_ids() if d not in unseen)
            docnums.extend(islice(ids, DOCS_FOR_SURFACE))
        if len(docnums) >= DOCS_FOR_SURFACE:
            break
    for docnum in dict.fromkeys(docnums):
        stored = searcher.stored_fields(docnum)
        for text in (stored.get("title") or "", stored.get("snippet") or ""):
            for term, s, e in analyze_spans(text):
                if term == stem:
                    seen[text[s:e].lower()] += 1
    if not seen:
        return None
    target = fold(typed)
    return min(seen, key=lambda w: (damerau_levenshtein(fold(w), target), -seen[w], w))


def suggest(searcher: Searcher, parsed: ParsedQuery,
            doc_frequency: Callable[[str, str], int] | None = None, *,
            unseen: Collection[int] = frozenset(),
            readable: Callable[[str], int] | None = None) -> str | None:
    """The query string with unknown words corrected, or None when nothing to correct.

    ``doc_frequency(field, term)`` defaults to the searcher's; a cached one saves a term
    lookup per segment for every word of every query. ``readable(stem)`` counts the
    documents with ``stem`` in `text` that are not ``unseen`` (default: all of them).
    """
    df_of = doc_frequency or searcher.doc_frequency

    def readable_df(stem: str) -> int:
        return readable(stem) if readable is not None else df_of("text", stem)

    frequency: dict[str, int] = {}  # readable documents per candidate word

    def readable_word(word: str) -> bool:
        if word not in frequency:
            frequency[word] = readable_df(word)
        return frequency[word] > 0

    replacements: list[tuple[int, int, str]] = []
    checked = 0
    for concept in parsed.concepts:
        if not concept.single_word or checked >= MAX_WORDS:
            continue
        stem = concept.alternatives[0][0]
        if stem.isdigit():
            continue
        checked += 1
        if df_of("text", stem) - len(unseen) > RARE_DF:
            continue  # common among the readable documents, whatever is unseen
        df = readable_df(stem)
        if df > RARE_DF:
            continue
        distance = _candidates(searcher, stem, readable_word)
        if not distance:
            continue
        best = min(distance, key=lambda w: (distance[w], -frequency[w], w))
        if df and frequency[best] < COMMON_RATIO * df:
            continue
        typed = parsed.text[concept.start : concept.end]
        word = _surface(searcher, best, typed, unseen)
        if word and fold(word) != fold(typed):
            replacements.append((concept.start, concept.end, word))
    if not replacements:
        return None
    text = parsed.text
    for start, end, word in sorted(replacements, reverse=True):
        text = text[:start] + word + text[end:]
    return " ".join(text.split())
