""""Forse cercavi": corrections for query words that (almost) never occur, from ``pg_trgm``.

The rule is the Whoosh backend's (``whoosh/spelling.py``): a single query word that at most
``RARE_DF`` readable documents hold is replaced by a neighbour within edit distance 1
(else 2, for words of four letters or more) that many more readable documents hold. The
neighbours come from ``search_words`` (every word of the indexed text, accent-folded,
with a trigram index): ``%`` finds the similar ones, the edit distance keeps the close
ones. The vocabulary may hold words of documents this searcher cannot read, so every
frequency is counted on the documents the search itself may return: a suggestion never
reveals a word that only hidden documents or other working groups' documents hold.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from whoosh.support.levenshtein import damerau_levenshtein

from ..whoosh.analysis import fold
from .ddl import CONFIG, TABLE, WORDS
from .filters import Filters
from .query import PgQuery

__all__ = ["suggest"]

MAX_WORDS = 8
RARE_DF = 2
COMMON_RATIO = 20
NEIGHBOURS = 20


def _readable_counts(conn: Connection, words: list[str], filters: Filters) -> list[int]:
    """Readable documents holding each of ``words`` (as analysed by ``forum_it``): the
    visible ones of the readable groups, whatever the other filters (as in Whoosh)."""
    if not words:
        return []
    conds, values = Filters(include_hidden=filters.include_hidden,
                            groups=filters.groups).where()
    counts = ", ".join(
        f"count(*) FILTER (WHERE vector @@ plainto_tsquery('{CONFIG}', :w{i}))"
        for i in range(len(words)))
    any_of = " || ".join(f"plainto_tsquery('{CONFIG}', :w{i})" for i in range(len(words)))
    values.update({f"w{i}": w for i, w in enumerate(words)})
    row = conn.execute(text(
        f"SELECT {counts} FROM {TABLE} WHERE vector @@ ({any_of}) AND {' AND '.join(conds)}"),
        values).one()
    return [int(n) for n in row]


def _neighbours(conn: Connection, word: str) -> dict[str, int]:
    """Indexed words within edit distance 1 (else 2) of ``word`` -> their distance."""
    target = fold(word)
    rows = conn.execute(text(
        f"SELECT word, folded FROM {WORDS} WHERE folded % :w"
        f" ORDER BY similarity(folded, :w) DESC, word LIMIT {NEIGHBOURS}"), {"w": target}).all()
    out: dict[str, int] = {}
    for maxdist in (1, 2):
        if len(target) < 4 and maxdist == 2:
            break
        for found, folded in rows:
            distance = damerau_levenshtein(folded, target)
            if 0 < distance <= maxdist and found not in out:
                out[found] = distance
        if out:
            break
    return out


def suggest(conn: Connection, query: PgQuery, filters: Filters, *, matched: int = 0
            ) -> str | None:
    """The query string with unknown words corrected, or None when nothing to correct.

    ``matched``: readable documents holding every word (with the filters); each word's
    readable documents are at least as many, so more than ``RARE_DF`` rules every
    correction out without a statement."""
    if matched > RARE_DF:
        return None
    parsed = query.parsed
    words = []
    for concept in query.concepts:
        c = concept.concept
        if not c.single_word or c.alternatives[0][0].isdigit():
            continue
        words.append((c.start, c.end, parsed.text[c.start:c.end]))
        if len(words) >= MAX_WORDS:
            break
    rare = [(s, e, w, df) for (s, e, w), df in zip(
        words, _readable_counts(conn, [w for _s, _e, w in words], filters), strict=True)
        if df <= RARE_DF]
    replacements: list[tuple[int, int, str]] = []
    for start, end, typed, df in rare:
        distance = _neighbours(conn, typed)
        if not distance:
            continue
        candidates = sorted(distance)
        frequency = dict(zip(candidates, _readable_counts(conn, candidates, filters),
                             strict=True))
        readable = [w for w in candidates if frequency[w] > 0]
        if not readable:
            continue
        best = min(readable, key=lambda w: (distance[w], -frequency[w], w))
        if df and frequency[best] < COMMON_RATIO * df:
            continue
        if fold(best) != fold(typed):
            replacements.append((start, end, best))
    if not replacements:
        return None
    out = parsed.text
    for start, end, word in sorted(replacements, reverse=True):
        out = out[:start] + word + out[end:]
    return " ".join(out.split())
