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

Cost at a million documents: a key term found in up to a tenth of 135,000 practices, eight
of them OR-ed, would make a hundred thousand candidates whose vectors are unnested and
scored. So when the candidates pass ``MAX_CANDIDATES`` they must hold at least two of the
(at most ``COMBINED_TERMS`` heaviest) candidate terms, then three (a tsquery OR-ing their
pairs or triples: the GIN index answers it); the documents holding one term only are the
ones that lose nothing (a score is a sum over the terms a document holds). If even three
leave too many, the scoring reads ``MAX_CANDIDATES`` of them. A corpus where the plain OR
finds few enough ranks exactly as before. The practices' own partial GIN index
(``ddl.py``) is used by writing the type as a literal (one of ``INDEXED_KINDS``): a bound
parameter would not match the index's predicate in a generic plan. Document frequencies
and counts stop at a ceiling (``estimates.py``); the statements run with ``ddl.SESSION``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

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
from .estimates import count_upto
from .frequencies import Frequencies
from .query import either
from .rows import HIT_COLUMNS, hit_from_row

__all__ = ["Vocabulary", "related"]

K1, B = 1.2, 0.75
MAX_CANDIDATES = 1_000
COMBINED_TERMS = 8
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
    readable = (f"{kind_cond}visible AND (group_id IS NULL OR group_id = ANY(:groups))"
                " AND NOT (doc_id = ANY(:exclude))")
    base.update(groups=sorted(groups), exclude=[str(x) for x in exclude])

    def candidates(query: str) -> int:
        return count_upto(conn, f"vector @@ CAST(:q AS tsquery) AND {readable}",
                          {**base, "q": query}, MAX_CANDIDATES + 1)

    count = candidates(either([_forms_query(f) for f, _w, _df in chosen])) if chosen else 0
    for term in terms:
        if count >= MIN_CANDIDATES:
            break
        if term not in chosen:
            chosen.append(term)
            count = candidates(either([_forms_query(f) for f, _w, _df in chosen]))
    if not chosen:
        return []
    queries = [_forms_query(f) for f, _w, _df in chosen]
    wanted = either(queries)
    heaviest = [_forms_query(f) for f, _w, _df in chosen[:COMBINED_TERMS]]
    for held in range(2, min(MOST_COMBINED, len(heaviest)) + 1):
        if count <= MAX_CANDIDATES:
            break
        narrower = _at_least(heaviest, held)
        holding = candidates(narrower)
        if holding < MIN_CANDIDATES:
            break
        wanted, count = narrower, holding
    lexemes = sorted({f for forms, _w, _df in terms for f in forms})
    avg_text, avg_title = frequencies.averages(conn)
    rows = conn.execute(text(
        f"SELECT d.doc_id, d.text_len, d.title_len, :theme = ANY(d.themes) AS themed,"
        f" u.lexeme, cardinality(u.positions) AS tf,"
        f" (SELECT count(*) FROM unnest(u.weights) AS w WHERE w = 'A') AS title_tf"
        f" FROM (SELECT doc_id, text_len, title_len, themes, vector FROM {TABLE}"
        f" WHERE vector @@ CAST(:q AS tsquery) AND {readable} LIMIT :most) AS d,"
        f" unnest(d.vector) AS u WHERE u.lexeme = ANY(:lexemes)"),
        {**base, "q": wanted, "most": MAX_CANDIDATES, "lexemes": lexemes,
         "theme": theme or ""}).all()
    per_doc: dict[str, dict[str, tuple[float, float]]] = {}
    themed: dict[str, bool] = {}
    for doc, text_len, title_len, is_themed, lexeme, tf, title_tf in rows:
        sat_text = _saturation(int(tf or 0), int(text_len), avg_text)
        sat_title = _saturation(int(title_tf or 0), int(title_len), avg_title)
        per_doc.setdefault(doc, {})[lexeme] = (sat_text, sat_title)
        themed[doc] = bool(is_themed)
    scores: dict[str, float] = {}
    for doc, found in per_doc.items():
        total = 0.0
        for forms, weight, _df in terms:
            present = [found[f] for f in forms if f in found]
            if present:
                total += weight * max(p[0] for p in present)
                total += weight * TITLE_BONUS * max(p[1] for p in present)
        if theme and themed[doc]:
            total *= THEME_PRIOR
        if total > 0:
            scores[doc] = total
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


def _saturation(tf: int, length: int, average: float) -> float:
    """BM25's term-frequency part: ``(k1 + 1) * tf / (tf + k1 * (1 - b + b * len / avg))``."""
    if tf <= 0:
        return 0.0
    return (K1 + 1) * tf / (tf + K1 * ((1 - B) + B * length / average))
