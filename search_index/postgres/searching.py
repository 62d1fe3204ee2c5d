"""Running a query in SQL: matching, counting per type, ranking, paging, snippets.

Every concept (word, synonym group, phrase) must match; hidden documents (unless asked),
documents of working groups the searcher may not read and the filters are WHERE clauses,
so they count nowhere. Ranking follows the Whoosh backend's shape with PostgreSQL's
pieces: per concept ``idf * ts_rank`` (field weights title 1.0, tags 0.67, body 0.33, an
accepted answer outside the body 0.4: about Whoosh's title x3, tags x2 bonuses), where
``idf = ln(N / (df + 1)) + 1`` as in Whoosh's BM25F (``ts_rank`` alone has no idf, and
would rank a common word as high as a rare one), then the gentle preference for solved
and up-voted threads ``1 + 0.15 * solved + 0.05 * ln(1 + votes)``. When fewer than
``FILL_MIN`` documents match every word, documents matching some of the words are added
(``partial``), their score multiplied by the share of the concepts they match squared.

Cost at a million documents: a common word matches a fifth of them, and both counting and
ranking them all would read every one of those rows. So the counts per type are exact up
to ``estimates.CAP`` rows and estimates above it, from a block sample when the table is
large (``estimates.py``; the page says "circa"), and a match larger than ``CANDIDATES``
is ranked on a bounded candidate set: up to ``CANDIDATES`` documents holding every word
in their title or tags (``head``, a GIN index of its own: these are the documents the
weights rank first), and only when those do not fill it, up to ``CANDIDATES`` others;
``ts_rank`` runs on those only, and the snippet on the page only. Below ``CANDIDATES``
matches the ranking is exact, as it was. An idf needs a word's document count: a common
word's is the planner's (``frequencies.py``). A concept's alternatives implied by another
are dropped (``query._unsubsumed``): a phrase is checked row by row. The statements run
with ``ddl.SESSION``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from ..results import SearchResults
from ..whoosh.highlight import plain_snippet
from .ddl import SESSION, TABLE
from .estimates import KindCounts, capped_counts_by_kind
from .filters import Filters
from .frequencies import Frequencies
from .query import PgConcept, PgQuery, build_query, resolve
from .rows import HIT_COLUMNS, hit_from_row
from .snippets import headline_sql, to_html
from .suggestions import suggest

__all__ = ["FAILED", "NO_TERMS", "Filters", "failed_results", "run_search"]

FILL_MIN = 10
CANDIDATES = 1_000
OR_TERMS = 12
COORDINATION = 2.0
SORTS = ("relevance", "newest", "votes")
MAX_PER_PAGE = 100
WEIGHTS = "{0.4, 0.33, 0.67, 1.0}"  # D, C, B, A
NORMALIZATION = 1  # divide by 1 + log(document length)
ORDERS = {  # {p}: the alias of the page's rows, or none inside the query choosing them
    "relevance": "{p}score DESC, {p}doc_id",
    "newest": "{p}created DESC NULLS LAST, {p}doc_id DESC",
    "votes": "{p}votes DESC, {p}created DESC NULLS LAST, {p}doc_id DESC",
}
NO_TERMS = (
    "La ricerca non contiene parole utilizzabili (solo parole molto comuni o simboli): "
    "prova con termini più specifici."
)
FAILED = "La ricerca non è riuscita per un errore interno: riprova con parole diverse."


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def _counts(conn: Connection, tsquery: str, conds: list[str], values: dict[str, Any]
            ) -> KindCounts:
    where = " AND ".join(["vector @@ CAST(:q AS tsquery)", *conds])
    return capped_counts_by_kind(conn, where, {**values, "q": tsquery})


def _score_sql(concepts: Sequence[PgConcept], idf: Sequence[float], coordinate: bool
               ) -> tuple[str, dict[str, Any]]:
    values: dict[str, Any] = {}
    parts, matched = [], []
    for i, (concept, weight) in enumerate(zip(concepts, idf, strict=True)):
        values[f"s{i}"], values[f"w{i}"] = concept.tsquery, weight
        rank = (f"ts_rank('{WEIGHTS}', vector, CAST(:s{i} AS tsquery), {NORMALIZATION})"
                f" * :w{i}")
        if coordinate:
            hit = f"(vector @@ CAST(:s{i} AS tsquery))"
            parts.append(f"CASE WHEN {hit} THEN {rank} ELSE 0 END")
            matched.append(f"{hit}::int")
        else:
            parts.append(rank)
    score = " + ".join(parts) or "0"
    if coordinate and matched:
        share = f"(({' + '.join(matched)})::float8 / {len(matched)})"
        score = f"({score}) * power({share}, {COORDINATION})"
    bonus = "(1 + 0.15 * solved::int + 0.05 * ln(1 + greatest(votes, 0)))"
    return f"({score}) * {bonus}", values


def _page(conn: Connection, query: PgQuery | None, tsquery: str | None, conds: list[str],
          values: dict[str, Any], *, want: str | None, sort: str, page: int, per_page: int,
          score: str, matched: int = 0) -> list:
    where = list(conds)
    params = dict(values)
    if want:
        where.append("kind = :want")
        params["want"] = want
    order = ORDERS[sort]
    params.update(limit=per_page, offset=(page - 1) * per_page)
    if tsquery is not None:
        params["q"] = tsquery
        where.insert(0, "vector @@ CAST(:q AS tsquery)")
    narrow = (f"SELECT doc_id, {score} AS score, created, votes FROM {TABLE}"
              f" WHERE {' AND '.join(where)} ORDER BY {order.format(p='')}"
              f" LIMIT :limit OFFSET :offset")
    # whole multiples of CANDIDATES: the pages of one search share one candidate set
    bound = CANDIDATES * math.ceil(page * per_page / CANDIDATES)
    prefix = ""
    if tsquery is not None and sort == "relevance" and matched > bound:
        # a bounded candidate set, scored as it is read: documents with every word in
        # the title or tags first, then any others (see the module's docstring)
        # when the title-and-tags matches alone fill the set, the others are not read
        # (the scan of the whole vectors' index is the dearest part: a One-Time Filter)
        params["cand"] = bound
        head = " AND ".join(["head @@ CAST(:q AS tsquery)", *where[1:]])
        narrow = (
            f"SELECT doc_id, max(score) AS score, created, votes FROM ("
            f"(SELECT doc_id, score, created, votes FROM heads) UNION ALL"
            f" (SELECT doc_id, {score} AS score, created, votes FROM {TABLE}"
            f" WHERE {' AND '.join(where)} AND (SELECT count(*) FROM heads) < :cand"
            f" LIMIT :cand)) AS c"
            f" GROUP BY doc_id, created, votes ORDER BY {order.format(p='')}"
            f" LIMIT :limit OFFSET :offset")
        prefix = (f"WITH heads AS MATERIALIZED (SELECT doc_id, {score} AS score, created,"
                  f" votes FROM {TABLE} WHERE {head} LIMIT :cand) ")
    highlight = query.highlight() if query is not None else ""
    headline = "NULL"
    if highlight:
        headline = headline_sql("d.snippet", "hq")
        params["hq"] = highlight
    columns = ", ".join("d." + c.strip() for c in HIT_COLUMNS.split(","))
    # the page is chosen on narrow rows (a top-N sort), then joined for its columns
    rows = conn.execute(text(
        f"{prefix}SELECT {columns}, p.score, {headline} AS headline FROM ({narrow}) AS p"
        f" JOIN {TABLE} AS d USING (doc_id) ORDER BY {order.format(p='p.')}"),
        params).all()
    hits = []
    for row in rows:
        source = row.snippet or ""
        snippet = (to_html(row.headline, source) if row.headline is not None
                   else plain_snippet(source))
        hits.append(hit_from_row(row, float(row.score or 0.0), snippet))
    return hits


def run_search(conn: Connection, q: object, *, type: str | None, filters: Filters,
               sort: str, page: object, per_page: object,
               frequencies: Frequencies | None = None) -> SearchResults:
    """The whole search: see ``SearchBackend.search``."""
    page_n = max(1, _int(page, 1))
    size = min(max(1, _int(per_page, 10)), MAX_PER_PAGE)
    sort = sort if sort in SORTS else "relevance"
    want = str(type) if type else None
    conds, values = filters.where()
    conn.execute(text(SESSION))
    query = resolve(conn, build_query(q))
    if query.blank:  # browse: filters only, newest first unless asked otherwise
        counts = _counts_all(conn, conds, values)
        hits = _page(conn, None, None, conds, values, want=want,
                     sort="newest" if sort == "relevance" else sort, page=page_n,
                     per_page=size, score="0")
        return _results(counts, hits, want, page_n, size)
    if not query.concepts:
        return SearchResults(total=0, counts_by_type={}, hits=[], page=page_n, pages=1,
                             error=NO_TERMS)
    counts = _counts(conn, query.full(), conds, values)
    suggestion = suggest(conn, query, filters, matched=sum(counts.values()))
    corrected = None
    if suggestion:
        # offered only when it finds something this searcher may read
        fixed = resolve(conn, build_query(suggestion))
        fixed_counts = (_counts(conn, fixed.full(), conds, values) if fixed.concepts
                        else KindCounts())
        if not fixed_counts:
            suggestion = None
        elif not counts:
            query, counts, corrected = fixed, fixed_counts, suggestion
    # one concept: its idf would scale every score alike (no statement needed)
    frequencies = frequencies or Frequencies(ttl=0.0)
    idf = [1.0]
    if len(query.concepts) > 1:  # Whoosh's idf, ln(N / (df + 1)) + 1, over every document
        total, dfs = frequencies.counts(conn, [c.tsquery for c in query.concepts])
        idf = [math.log(max(total, 1) / (df + 1)) + 1 for df in dfs]
    concepts, weights = query.concepts, idf
    tsquery = query.full()
    partial = False
    if sum(counts.values()) < FILL_MIN and len(query.concepts) > 1:
        keep = sorted(range(len(idf)), key=lambda i: -idf[i])[:OR_TERMS]
        some = [query.concepts[i] for i in sorted(keep)]
        wider = query.full(some, any_of=True)
        more = _counts(conn, wider, conds, values)
        if sum(more.values()) > sum(counts.values()):
            counts, partial, tsquery = more, True, wider
            concepts, weights = some, [idf[i] for i in sorted(keep)]
    score, score_values = _score_sql(concepts, weights, coordinate=partial)
    matched = counts.get(want, 0) if want else sum(counts.values())
    hits = _page(conn, query, tsquery, conds, {**values, **score_values}, want=want,
                 sort=sort, page=page_n, per_page=size, score=score, matched=matched)
    results = _results(counts, hits, want, page_n, size)
    results.suggestion, results.corrected, results.partial = suggestion, corrected, partial
    return results


def _counts_all(conn: Connection, conds: list[str], values: dict[str, Any]) -> KindCounts:
    return capped_counts_by_kind(conn, " AND ".join(conds), values)


def _results(counts: KindCounts, hits: list, want: str | None, page: int, per_page: int
             ) -> SearchResults:
    total = counts.get(want, 0) if want else sum(counts.values())
    return SearchResults(total=total, counts_by_type=dict(counts), hits=hits, page=page,
                         pages=max(1, math.ceil(total / per_page)),
                         estimated=counts.is_estimate(want))


def failed_results(page: object = 1) -> SearchResults:
    """What ``search`` returns when something unexpected went wrong (it is logged)."""
    return SearchResults(total=0, counts_by_type={}, hits=[], page=max(1, _int(page, 1)),
                         pages=1, error=FAILED)

