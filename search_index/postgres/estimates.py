"""Counting matches with a ceiling: exact below it, the planner's estimate above.

At a million documents a common word matches a fifth of them, and counting those rows
exactly means reading every one of them (seconds), for a figure nobody reads to the unit
("about 200,000 results" serves as well). So a count stops at ``CAP`` rows (a ``LIMIT``
inside the count: the bitmap heap scan stops early); when it reaches the ceiling, the
total is the larger of two estimates: the planner's row estimate for the same conditions
(from the statistics of the vector column's most common lexemes, precise for a single
common word, too low for several: it multiplies their shares as if independent), and the
share of matching rows among the rows of the pages read to find them (the rows come in
physical order; the rows of that page range are counted on pages spread over it) times
the table's row count (``reltuples``, from the last ANALYZE, which a rebuild ends with).
Rows, not pages: after a rebuild rewrote every row, half of the table is free space.
Below the ceiling every figure is exact, as before.

Even a capped count reads the GIN index's whole posting lists of its words before the
first row (130 ms for three common words at a million documents). So on a large table a
block sample of a few thousand rows comes first (``_sampled``): a match it puts far above
the ceiling takes the sample's figure and is not counted at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from .ddl import TABLE

__all__ = ["CAP", "KindCounts", "capped_counts_by_kind", "count_upto", "planned_rows"]

CAP = 2_000
SAMPLE_TABLE_ROWS = 200_000  # from this size a large match is sampled (``_sampled``) ...
SAMPLE_ROWS = 4_000  # ... in about this many rows ...
SAMPLE_ONLY = 5  # ... and not counted when the sample puts it at this many times CAP,
SAMPLE_HITS = 20  # each kind from this many rows of the sample (fewer: counted alone)
SAMPLE_PAGES = 32
KINDS = ("question", "practice")  # counted one by one when a match is large


class KindCounts(dict[str, int]):
    """Rows per kind, and the kinds whose figure is an estimate (a page says "circa")."""

    def __init__(self, counts: dict[str, int] | None = None,
                 estimated: frozenset[str] = frozenset()) -> None:
        super().__init__(counts or {})
        self.estimated = estimated

    def is_estimate(self, kind: str | None) -> bool:
        """Whether the figure of ``kind`` (None: the sum of all kinds) is an estimate."""
        return bool(self.estimated) if kind is None else kind in self.estimated


def planned_rows(conn: Connection, where: str, params: dict[str, Any]) -> int:
    """The planner's estimate of the rows matching ``where`` (no row is read)."""
    plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {where}"),
                        params).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])  # type: ignore[index]


def _estimate(conn: Connection, where: str, params: dict[str, Any], cap: int,
              pages: tuple[int, int]) -> int:
    """The total when ``cap`` rows were found between ``pages`` (first, last) of the table:
    the rows of that range counted on ``SAMPLE_PAGES`` pages spread evenly over it (one
    TID range scan of one page each), scaled to the whole range."""
    first, last = pages
    span = last - first + 1
    sampled = min(SAMPLE_PAGES, span)
    in_sample, rows = conn.execute(text(
        f"SELECT (SELECT sum(x.n) FROM generate_series(0, :k - 1) AS g(i), LATERAL ("
        f" SELECT count(*) AS n FROM {TABLE} AS d"
        f" WHERE d.ctid >= CAST(format('(%s,0)', :lo + g.i * :gap / greatest(:k - 1, 1))"
        f" AS tid) AND d.ctid <= CAST(format('(%s,65535)',"
        f" :lo + g.i * :gap / greatest(:k - 1, 1)) AS tid)) AS x),"
        f" (SELECT reltuples FROM pg_class WHERE oid = CAST(:t_ AS regclass))"),
        {"k": sampled, "lo": first, "gap": last - first, "t_": TABLE}).one()
    in_range = float(in_sample or 0) * span / sampled
    scaled = int(cap * float(rows or 0) / in_range) if in_range else cap
    return max(cap, scaled, planned_rows(conn, where, params))


def _capped(conn: Connection, where: str, params: dict[str, Any], cap: int
            ) -> list[tuple[str, int, int, int]]:
    """(kind, rows, first page, last page) of the first ``cap`` rows matching ``where``."""
    rows = conn.execute(text(
        f"SELECT kind, count(*), min(page), max(page) FROM (SELECT kind,"
        f" (ctid::text::point)[0]::bigint AS page FROM {TABLE} WHERE {where} LIMIT :cap_)"
        f" AS m GROUP BY kind"), {**params, "cap_": cap}).all()
    return [(str(kind), int(n), int(lo), int(hi)) for kind, n, lo, hi in rows]


def _span(found: list[tuple[str, int, int, int]]) -> tuple[int, int]:
    return min(x[2] for x in found), max(x[3] for x in found)


def capped_counts_by_kind(conn: Connection, where: str, params: dict[str, Any],
                          cap: int | None = None) -> KindCounts:
    """Rows matching ``where`` per kind: exact below ``cap`` (``CAP``) rows in all. Above,
    the estimated total shared as the first ``cap`` rows are, except for a minority kind
    (practices), counted alone up to ``cap`` (through its partial index, ``ddl.py``) so
    that it keeps an exact count, or a count at all when the first rows held none."""
    cap = CAP if cap is None else cap
    sampled = _sampled(conn, where, params, cap)
    if sampled is not None:
        return sampled
    first = _capped(conn, where, params, cap)
    seen = sum(x[1] for x in first)
    if seen < cap:
        return KindCounts({x[0]: x[1] for x in first})
    total = _estimate(conn, where, params, cap, _span(first))
    counts = KindCounts({x[0]: max(1, round(x[1] * total / seen))
                         for x in first if 2 * x[1] >= seen})
    estimated = set(counts)
    for kind in sorted(({x[0] for x in first} | set(KINDS)) - set(counts)):
        _count_alone(conn, where, params, kind, cap, counts, estimated)
    counts.estimated = frozenset(estimated)
    return counts


def _count_alone(conn: Connection, where: str, params: dict[str, Any], kind: str, cap: int,
                 counts: KindCounts, estimated: set[str]) -> None:
    """Count one kind alone up to ``cap`` (an estimate above it) into ``counts``."""
    alone = f"{where} AND kind = :kind_"
    if kind in KINDS:  # a literal: the partial index's predicate must be seen
        alone = f"{where} AND kind = '{kind}'"
    values = {**params, "kind_": kind}
    found = _capped(conn, alone, values, cap)
    n = sum(x[1] for x in found)
    if n >= cap:
        n = _estimate(conn, alone, values, cap, _span(found))
        estimated.add(kind)
    if n:
        counts[kind] = n


def _sampled(conn: Connection, where: str, params: dict[str, Any], cap: int
             ) -> KindCounts | None:
    """Per kind, the share of a block sample (``TABLESAMPLE SYSTEM``, about
    ``SAMPLE_ROWS`` rows, the same blocks every time) times the table's rows, when the
    sample shows a match far above ``cap``; None otherwise (then it is counted). A large
    table only: counting even ``cap`` rows of two or three common words reads their whole
    posting lists in the GIN index (130 ms for "coprogettazione terzo settore" at a
    million documents), for a figure said as "circa"; the sample reads its blocks and
    matches their rows (about 20 ms). A kind the sample barely meets (practices among
    questions) is counted alone, through its partial index (``ddl.py``)."""
    rows = float(conn.execute(text(
        "SELECT reltuples FROM pg_class WHERE oid = CAST(:t_ AS regclass)"),
        {"t_": TABLE}).scalar() or 0)
    if rows < SAMPLE_TABLE_ROWS:
        return None
    share = min(100.0, 100.0 * SAMPLE_ROWS / rows)
    kinds = ", ".join(f"count(*) FILTER (WHERE {where} AND kind = '{kind}')" for kind in KINDS)
    seen, *hits = conn.execute(text(
        f"SELECT count(*), {kinds} FROM {TABLE} TABLESAMPLE SYSTEM (:share_) REPEATABLE (0)"),
        {**params, "share_": share}).one()
    if not seen or sum(hits) * rows / seen < SAMPLE_ONLY * cap:
        return None
    counts, estimated = KindCounts(), set[str]()
    for kind, found in zip(KINDS, hits, strict=True):
        if found >= SAMPLE_HITS:
            counts[kind] = round(found * rows / seen)
            estimated.add(kind)
            continue
        _count_alone(conn, where, params, kind, cap, counts, estimated)
    counts.estimated = frozenset(estimated)
    return counts


def count_upto(conn: Connection, where: str, params: dict[str, Any], cap: int) -> int:
    """Rows matching ``where``, counted up to ``cap`` (whether a set is small enough)."""
    return int(conn.execute(text(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT :cap_) AS m"),
        {**params, "cap_": cap}).scalar() or 0)
