"""Counting matches with a ceiling: exact below it, the planner's estimate above.

At a million documents a common word matches a fifth of them, and counting those rows
exactly means reading every one of them (seconds), for a figure nobody reads to the unit
("about 200,000 results" serves as well). So a count stops at ``CAP`` rows (a ``LIMIT``
inside the count: the bitmap heap scan stops early); when it reaches the ceiling, the
total is the larger of two estimates: the planner's row estimate for the same conditions
(from the statistics of the vector column's most common lexemes, precise for a single
common word, too low for several: it multiplies their shares as if independent), and the
ceiling scaled by the share of the table's pages read to find it (the rows come in
physical order, and documents of any age are spread over the table). Below the ceiling
every figure is exact, as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from .ddl import TABLE

__all__ = ["CAP", "capped_count", "capped_counts_by_kind", "planned_rows"]

CAP = 5_000
KINDS = ("question", "practice")  # counted one by one when a match is large


def planned_rows(conn: Connection, where: str, params: dict[str, Any]) -> int:
    """The planner's estimate of the rows matching ``where`` (no row is read)."""
    plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {where}"),
                        params).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])  # type: ignore[index]


def _estimate(conn: Connection, where: str, params: dict[str, Any], cap: int,
              last_page: int) -> int:
    """The total when ``cap`` rows were found by page ``last_page`` of the table."""
    pages = int(conn.execute(text(
        "SELECT pg_relation_size(:t_) / current_setting('block_size')::int"),
        {"t_": TABLE}).scalar() or 0)
    scaled = cap * pages // max(1, last_page + 1) if pages > last_page else cap
    return max(cap, scaled, planned_rows(conn, where, params))


def _capped(conn: Connection, where: str, params: dict[str, Any], cap: int
            ) -> list[tuple[str, int, int]]:
    """(kind, rows, last page) of the first ``cap`` rows matching ``where``."""
    rows = conn.execute(text(
        f"SELECT kind, count(*), max(page) FROM (SELECT kind,"
        f" (ctid::text::point)[0]::bigint AS page FROM {TABLE} WHERE {where} LIMIT :cap_)"
        f" AS m GROUP BY kind"), {**params, "cap_": cap}).all()
    return [(str(kind), int(n), int(page)) for kind, n, page in rows]


def capped_counts_by_kind(conn: Connection, where: str, params: dict[str, Any],
                          cap: int | None = None) -> dict[str, int]:
    """Rows matching ``where`` per kind: exact below ``cap`` (``CAP``) rows in all. Above,
    the estimated total shared as the first ``cap`` rows are, except for a minority kind
    (practices), counted alone up to ``cap`` (through its partial index, ``ddl.py``) so
    that it keeps an exact count, or a count at all when the first rows held none."""
    cap = CAP if cap is None else cap
    first = _capped(conn, where, params, cap)
    seen = sum(n for _k, n, _p in first)
    if seen < cap:
        return {kind: n for kind, n, _p in first}
    total = _estimate(conn, where, params, cap, max(p for *_x, p in first))
    counts = {kind: max(1, round(n * total / seen)) for kind, n, _p in first
              if 2 * n >= seen}
    for kind in sorted(({k for k, _n, _p in first} | set(KINDS)) - set(counts)):
        alone = f"{where} AND kind = :kind_"
        if kind in KINDS:  # a literal: the partial index's predicate must be seen
            alone = f"{where} AND kind = '{kind}'"
        values = {**params, "kind_": kind}
        found = _capped(conn, alone, values, cap)
        n = sum(x for _k, x, _p in found)
        if n >= cap:
            n = _estimate(conn, alone, values, cap, max(p for *_x, p in found))
        if n:
            counts[kind] = n
    return counts


def capped_count(conn: Connection, where: str, params: dict[str, Any],
                 cap: int | None = None) -> int:
    """Rows matching ``where``: exact below ``cap``, else an estimate (module docstring)."""
    return sum(capped_counts_by_kind(conn, where, params, cap).values())
