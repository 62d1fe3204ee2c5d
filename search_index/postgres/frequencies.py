"""Document counts for idf weights and length averages, remembered a minute per backend.

An idf or an average length is a statistic of the index: a few seconds of staleness moves
no result, while counting the documents of a common word costs a scan of thousands of rows
(about 20 ms at 20,000 documents). So each count is kept ``TTL`` seconds, at most
``MAX_ENTRIES`` of them; only the missing ones are counted, in one statement. A count is
taken within a scope (a fixed SQL condition, such as the visible practices for related
documents, or every document for the search ranking).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from . import estimates
from .ddl import TABLE

__all__ = ["ALL", "Frequencies"]

TTL = 60.0
AVERAGE_ROWS = 20_000
MAX_ENTRIES = 20_000
ALL = "TRUE"  # the scope of every document
TOTAL = ""  # the key of the number of documents in a scope
Key = tuple[str, str, str]  # (scope, its parameter, tsquery or TOTAL)


class Frequencies:
    """(scope, tsquery) -> documents matching it; (scope, "") -> documents in the scope."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._items: dict[Any, tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def _get(self, key: Any, now: float) -> Any:
        with self._lock:
            found = self._items.get(key)
            return found[0] if found is not None and found[1] > now else None

    def _keep(self, values: dict[Any, Any], now: float) -> None:
        with self._lock:
            if len(self._items) + len(values) > MAX_ENTRIES:
                self._items = {k: v for k, v in self._items.items() if v[1] > now}
                if len(self._items) + len(values) > MAX_ENTRIES:
                    self._items.clear()
            self._items.update((k, (v, now + self.ttl)) for k, v in values.items())

    def counts(self, conn: Connection, tsqueries: Sequence[str], *, scope: str = ALL,
               value: str = "") -> tuple[int, list[int]]:
        """(documents in ``scope``, documents of it matching each of ``tsqueries``).
        ``scope`` may use the parameter ``:scope`` (given as ``value``)."""
        now = time.monotonic()
        keys = [(scope, value, q) for q in dict.fromkeys([TOTAL, *tsqueries])]
        known = {k: found for k in keys if (found := self._get(k, now)) is not None}
        missing = [k[2] for k in keys if k not in known]
        if missing:
            counted = _count(conn, missing, scope, value)
            fresh = {(scope, value, q): n for q, n in counted.items()}
            self._keep(fresh, now)
            known.update(fresh)
        return known[(scope, value, TOTAL)], [known[(scope, value, q)] for q in tsqueries]

    def averages(self, conn: Connection) -> tuple[float, float]:
        """Average term counts of the whole text and of the title (BM25's lengths), over
        the first ``AVERAGE_ROWS`` rows: an average of 20,000 lengths is as good as one of
        a million, which costs a scan of the table."""
        now = time.monotonic()
        found = self._get("averages", now)
        if found is None:
            row = conn.execute(text(
                f"SELECT coalesce(avg(text_len), 1), coalesce(avg(title_len), 1)"
                f" FROM (SELECT text_len, title_len FROM {TABLE} LIMIT {AVERAGE_ROWS}) AS s")
            ).one()
            found = (float(row[0]) or 1.0, float(row[1]) or 1.0)
            self._keep({"averages": found}, now)
        return found


def _count(conn: Connection, queries: list[str], scope: str, value: str) -> dict[str, int]:
    """The counts of ``queries`` (``TOTAL``: of the scope) in one statement, each stopping
    at ``estimates.CAP`` rows; those that reach it are the planner's estimates (an idf
    hardly moves between 200,000 and 210,000 documents, see ``estimates.py``)."""
    parts, wheres, counts = [], [], {}
    params: dict[str, Any] = {"scope": value, "cap_": estimates.CAP}
    for i, q in enumerate(queries):
        where = scope
        if q != TOTAL:
            where = f"vector @@ CAST(:q{i} AS tsquery) AND {scope}"
            params[f"q{i}"] = q
            # a common word: the planner knows its share (the vector column's most common
            # lexemes), and counting even 2,000 of its rows reads its whole posting list
            planned = estimates.planned_rows(conn, where, params)
            if planned >= estimates.CAP:
                counts[q] = planned
                continue
        wheres.append((q, where))
        parts.append(f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where}"
                     f" LIMIT :cap_) AS m{i})")
    row = conn.execute(text("SELECT " + ", ".join(parts)), params).one() if parts else ()
    for (q, where), n in zip(wheres, row, strict=True):
        found = int(n or 0)
        if found >= estimates.CAP:
            found = max(estimates.CAP, estimates.planned_rows(conn, where, params))
        counts[q] = found
    return counts
