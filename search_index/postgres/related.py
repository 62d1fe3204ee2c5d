"""Related documents for any text, by the Whoosh backend's key-term method (``whoosh/related.py``).

1. Key terms: the lexemes of the text (``to_tsvector('forum_it', text)``, with their
   counts), without the question words (``QUESTION_WORD_TEXT``, analysed the same way); the
   forms of one set of word forms (``synonyms.json``) count as one term.
2. Weights: ``(1 + ln tf) * idf``, ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` over the
   visible documents of the requested type; the ``MAX_KEY_TERMS`` heaviest are kept.
3. Scores: ``sum(weight * saturation)`` with BM25's term-frequency part (k1 = 1.2,
   b = 0.75) on the whole text, plus ``TITLE_BONUS`` times the same on the title
   (positions of weight A); the forms of a term count their best.
4. Theme prior: documents of the caller's theme times ``THEME_PRIOR``.

Candidates are the readable documents holding one of the ``CANDIDATE_TERMS`` heaviest
terms found in at most ``WIDE_SHARE`` of the returnable documents; fewer than
``MIN_CANDIDATES``: the other terms add theirs, heaviest first.

Cost at a million documents: a key term found in up to a tenth of 150,000 practices, eight
of them OR-ed, would make a hundred thousand candidates. So when the candidates would pass
``MAX_CANDIDATES`` they must hold at least two of the (at most ``COMBINED_TERMS``
heaviest) candidate terms, then three (a tsquery OR-ing their pairs or triples: the GIN
index answers it); the documents holding one term only are the ones that lose least (a
score is a sum over the terms a document holds). Which level is needed is judged from the
terms' document frequencies, already at hand for the weights (``_levels``), not counted:
counting a match costs what reading it costs. A level that finds fewer than
``MIN_CANDIDATES`` gives way to the wider one; if even three terms leave too many, the
scoring reads ``MAX_CANDIDATES`` of them.

Scoring needs, for each candidate and key lexeme, its positions in the text and in the
title. ``unnest`` of a vector makes hundreds of rows per document; instead one statement
asks ``ts_rank`` of each lexeme alone, with every weight 1 and with only the title's (A):
for one lexeme it sums 1/j**2 over its j-th position, so the figure gives the count back
exactly (``_positions``, checked against ``unnest`` in the tests), on a vector detoasted
once. The thousand candidates are then scored as one matrix (numpy).

The practices' own partial GIN index (``ddl.py``) is used by writing the type as a literal
(one of ``INDEXED_KINDS``): a bound parameter would not match the index's predicate in a
generic plan. Document frequencies and counts stop at a ceiling (``estimates.py``); the
statements run with ``ddl.SESSION``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import accumulate, combinations
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, text

from ..results import Hit
from ..whoosh.highlight import plain_snippet
from ..whoosh.related import (
    CANDIDATE_TERMS,
    MAX_KEY_TERMS,
    MAX_TEXT_CHARS,
    MIN_CANDIDATES,
    QUESTION_WORD_TEXT,
    RELATED_SNIPPET_CHARS,
    THEME_PRIOR,
    TITLE_BONUS,
    WIDE_SHARE,
)
from ..whoosh.synonyms import SYNONYMS_PATH
from .analysis import prepare
from .ddl import CONFIG, SESSION, TABLE
from .frequencies import Frequencies
from .query import either
from .rows import HIT_COLUMNS, hit_from_row

__all__ = ["Vocabulary", "related"]

K1, B = 1.2, 0.75
ZETA2 = math.pi ** 2 / 6  # ts_rank's divisor (1.64493406685)
_SUMS = np.array(list(accumulate(1 / (j * j) for j in range(1, 257))))  # sum of 1/j**2, j = 1..tf
_GAP_FLOOR = 1 / (256 * 256)  # the smallest step between two sums
MAX_CANDIDATES = 1_000
# pairs or triples of the heaviest terms: the GIN index evaluates the whole OR of them for
# every document holding any of them (8 terms, 56 triples: 115 ms at a million documents;
# 5 terms, 10 triples: a third of it)
COMBINED_TERMS = 5
MOST_COMBINED = 3
INDEXED_KINDS = ("practice", "question")
Forms = tuple[str, ...]


class Vocabulary:
    """The question words and word forms as ``forum_it`` lexemes (read once per process)."""

    def __init__(self, question_words: frozenset[str], forms: dict[str, Forms]) -> None:
        self.question_words = question_words
        self.forms = forms

    @classmethod
    def load(cls, conn: Connection) -> Vocabulary:
        data = json.loads(Path(SYNONYMS_PATH).read_text(encoding="utf-8"))
        sets = [" ".join(f["words"]) for f in data.get("forms", [])]
        rows = conn.execute(text(
            f"SELECT i, array(SELECT lexeme FROM unnest(to_tsvector('{CONFIG}', t)) ORDER BY 1)"
            f" FROM unnest(CAST(:texts AS text[])) WITH ORDINALITY AS x(t, i)"),
            {"texts": [QUESTION_WORD_TEXT, *sets]}).all()
        lexemes = {int(i): tuple(found) for i, found in rows}
        forms: dict[str, Forms] = {}
        for i in range(2, len(sets) + 2):
            group = lexemes.get(i, ())
            if len(group) > 1:
                for lexeme in group:
                    forms[lexeme] = tuple(dict.fromkeys(forms.get(lexeme, ()) + group))
        return cls(frozenset(lexemes.get(1, ())), forms)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _forms_query(forms: Forms) -> str:
    return either([_quote(f) for f in forms]) if len(forms) > 1 else _quote(forms[0])


def _at_least(queries: list[str], count: int) -> str:
    """A tsquery matching documents that hold ``count`` of ``queries`` or more."""
    if count <= 1:
        return either(queries)
    return either([" & ".join(f"( {q} )" for q in combo)
                   for combo in combinations(queries, count)])


def related(conn: Connection, vocabulary: Vocabulary, body: str, *, type: str | None,
            theme: str | None, exclude: Iterable[str], limit: int,
            groups: frozenset[int], frequencies: Frequencies | None = None) -> list[Hit]:
    """Visible documents of ``type`` most related to ``body``, best first (counts and
    averages from ``frequencies`` when given)."""
    frequencies = frequencies or Frequencies(ttl=0.0)
    conn.execute(text(SESSION))
    counts_rows = conn.execute(text(
        f"SELECT lexeme, cardinality(positions) FROM unnest(to_tsvector('{CONFIG}', :t))"),
        {"t": prepare(body[:MAX_TEXT_CHARS])}).all()
    counts: Counter[Forms] = Counter()
    for lexeme, tf in counts_rows:
        if lexeme not in vocabulary.question_words:
            counts[vocabulary.forms.get(lexeme, (lexeme,))] += int(tf or 1)
    if not counts:
        return []
    # a long text: its most repeated terms first (the whole index's frequencies are not
    # at hand as they are in Whoosh)
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2 * MAX_KEY_TERMS]
    literal = type in INDEXED_KINDS
    kind_cond = (f"kind = '{type}' AND " if literal else "kind = :kind AND ") if type else ""
    base: dict[str, object] = {"kind": type} if type and not literal else {}
    # the population of document frequencies: the visible documents of the type
    n, dfs = frequencies.counts(
        conn, [_forms_query(f) for f, _tf in items], scope=f"{kind_cond}visible",
        value=type if type and not literal else "")
    if not n:
        return []
    weighted = []
    for (forms, tf), df in zip(items, dfs, strict=True):
        if df:
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            weighted.append((forms, (1 + math.log(tf)) * idf, int(df)))
    weighted.sort(key=lambda x: (-x[1], x[0]))
    terms = weighted[:MAX_KEY_TERMS]
    if not terms:
        return []
    chosen = [t for t in terms[:CANDIDATE_TERMS] if t[2] <= WIDE_SHARE * n]
    for term in terms:  # too few documents hold them: the other terms add theirs
        if _union([df for _f, _w, df in chosen], n) >= MIN_CANDIDATES:
            break
        if term not in chosen:
            chosen.append(term)
    if not chosen:
        return []
    readable = (f"{kind_cond}visible AND (group_id IS NULL OR group_id = ANY(:groups))"
                " AND NOT (doc_id = ANY(:exclude))")
    base.update(groups=sorted(groups), exclude=[str(x) for x in exclude])
    lexemes = sorted({f for forms, _w, _df in terms for f in forms})
    # per lexeme, its positions (ts_rank with every weight 1) and its title positions
    # (weight A only): see ``_positions``; each vector is detoasted once (OFFSET 0 keeps the
    # lateral copy a row of its own)
    every = ", ".join(f"ts_rank('{{1,1,1,1}}', x.v, k.q[{i}])" for i in range(1, len(lexemes) + 1))
    title = ", ".join(f"ts_rank('{{0,0,0,1}}', x.v, k.q[{i}])" for i in range(1, len(lexemes) + 1))
    base.update(theme=theme or "", most=MAX_CANDIDATES,
                lx=[_quote(lexeme) for lexeme in lexemes])
    rows: Sequence[Any] = []
    for wanted in _levels(chosen, n):
        rows = conn.execute(text(
            f"SELECT d.doc_id, d.text_len, d.title_len, :theme = ANY(d.themes),"
            f" ARRAY[{every}], ARRAY[{title}]"
            f" FROM (SELECT doc_id, text_len, title_len, themes, vector FROM {TABLE}"
            f" WHERE vector @@ CAST(:q AS tsquery) AND {readable} LIMIT :most) AS d"
            f" CROSS JOIN (SELECT CAST(:lx AS tsquery[]) AS q) AS k,"
            f" LATERAL (SELECT d.vector || ''::tsvector AS v OFFSET 0) AS x"),
            {**base, "q": wanted}).all()
        if len(rows) >= MIN_CANDIDATES:
            break
    avg_text, avg_title = frequencies.averages(conn)
    scores = _scores(rows, lexemes, terms, avg_text, avg_title, themed=bool(theme))
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    if not best:
        return []
    columns = ", ".join(c.strip() for c in HIT_COLUMNS.split(","))
    found_rows = {r.doc_id: r for r in conn.execute(text(
        f"SELECT {columns} FROM {TABLE} WHERE doc_id = ANY(:ids)"),
        {"ids": [d for d, _s in best]})}
    return [hit_from_row(found_rows[d], s, plain_snippet(found_rows[d].snippet or "",
                                                         RELATED_SNIPPET_CHARS))
            for d, s in best if d in found_rows]


def _scores(rows: Sequence[Any], lexemes: list[str], terms: list[tuple[Forms, float, int]],
            avg_text: float, avg_title: float, *, themed: bool) -> dict[str, float]:
    """Each candidate's score, from its rows (id, lengths, of the theme, ts_rank figures of
    each lexeme in its text and title): a sum over the key terms of weight x saturation
    (text, and title times the bonus), the forms of a term counting their best; a matrix
    of candidates x lexemes, since a thousand candidates scored one by one in Python cost
    more than the statement that found them."""
    if not rows:
        return {}
    ids = [str(r[0]) for r in rows]
    text_len = np.array([r[1] for r in rows], dtype=np.float64)[:, None]
    title_len = np.array([r[2] for r in rows], dtype=np.float64)[:, None]
    in_text = _saturation(_positions(np.array([r[4] for r in rows], dtype=np.float64)),
                          text_len, avg_text)
    in_title = _saturation(_positions(np.array([r[5] for r in rows], dtype=np.float64)),
                           title_len, avg_title)
    column = {lexeme: i for i, lexeme in enumerate(lexemes)}
    total = np.zeros(len(rows))
    for forms, weight, _df in terms:
        cols = [column[f] for f in forms]
        total += weight * in_text[:, cols].max(axis=1)
        total += weight * TITLE_BONUS * in_title[:, cols].max(axis=1)
    if themed:
        total *= np.where(np.array([bool(r[3]) for r in rows]), THEME_PRIOR, 1.0)
    return {doc: float(score) for doc, score in zip(ids, total, strict=True) if score > 0}


def _positions(ranks: NDArray[np.float64]) -> NDArray[np.float64]:
    """The number of positions behind ``ts_rank``'s figure for one lexeme, every weight 1
    (or the title's weight 1, the others 0: the title's positions come first). For one
    lexeme ts_rank sums 1/j**2 over its j-th position and divides by pi**2/6; a lexeme
    keeps at most 256 positions, and the sums stay apart in a float4."""
    found = np.searchsorted(_SUMS, ranks * ZETA2 - 0.5 * _GAP_FLOOR) + 1.0
    return np.where(ranks > 0, found, 0.0)


def _union(dfs: list[int], n: int) -> float:
    """Documents holding one of terms found in ``dfs`` of ``n`` documents, were they
    independent (at least the largest of them)."""
    none = 1.0
    for df in dfs:
        none *= 1 - min(df, n) / n
    return max([n * (1 - none), *dfs])


def _holding(dfs: list[int], n: int, count: int) -> float:
    """Documents holding ``count`` or more of the terms, were they independent (key terms
    of one text go together, so the truth is larger: the scoring reads what it finds)."""
    at = [1.0] + [0.0] * len(dfs)  # at[k]: the chance of holding exactly k so far
    for df in dfs:
        p = min(df, n) / n
        at = [at[k] * (1 - p) + (at[k - 1] * p if k else 0.0) for k in range(len(at))]
    return n * sum(at[count:])


def _levels(chosen: list[tuple[Forms, float, int]], n: int) -> list[str]:
    """The candidate queries to try, narrowest enough first: any chosen term when few
    documents hold one, else two, then three of the heaviest ones (their pairs or
    triples OR-ed: the GIN index answers it), widening again when a narrow one finds
    fewer than ``MIN_CANDIDATES``."""
    queries = [_forms_query(f) for f, _w, _df in chosen]
    heaviest = chosen[:COMBINED_TERMS]
    dfs = [df for _f, _w, df in heaviest]
    levels = [either(queries)]
    if _union([df for _f, _w, df in chosen], n) > MAX_CANDIDATES:
        for count in range(2, min(MOST_COMBINED, len(heaviest)) + 1):
            levels.append(_at_least(queries[:COMBINED_TERMS], count))
            if _holding(dfs, n, count) <= MAX_CANDIDATES:
                break
    return levels[::-1]


def _saturation(tf: NDArray[np.float64], length: NDArray[np.float64], average: float
                ) -> NDArray[np.float64]:
    """BM25's term-frequency part: ``(k1 + 1) * tf / (tf + k1 * (1 - b + b * len / avg))``
    (0 where tf is 0)."""
    return (K1 + 1) * tf / (tf + K1 * ((1 - B) + B * length / average))
