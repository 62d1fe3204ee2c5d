"""Document frequencies for the idf of ranking, remembered for a minute per backend.

An idf is a statistic of the whole index: a few seconds of staleness moves no result,
while counting the documents of a common word costs a scan of thousands of rows (about
20 ms at 20,000 documents). So each concept's count and the number of documents are
kept ``TTL`` seconds, at most ``MAX_ENTRIES`` of them; only the missing ones are counted,
in one statement.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence

from sqlalchemy import Connection, text

from .ddl import TABLE

__all__ = ["Frequencies"]

TTL = 60.0
MAX_ENTRIES = 20_000
_TOTAL = ""  # key of the number of documents


class Frequencies:
    """tsquery text -> documents matching it (all of them: hidden and groups included)."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _known(self, keys: Sequence[str], now: float) -> dict[str, int]:
        with self._lock:
            return {k: found[0] for k in keys
                    if (found := self._items.get(k)) is not None and found[1] > now}

    def _keep(self, counted: dict[str, int], now: float) -> None:
        with self._lock:
            if len(self._items) + len(counted) > MAX_ENTRIES:
                self._items = {k: v for k, v in self._items.items() if v[1] > now}
                if len(self._items) + len(counted) > MAX_ENTRIES:
                    self._items.clear()
            self._items.update((k, (n, now + self.ttl)) for k, n in counted.items())

    def idf(self, conn: Connection, tsqueries: Sequence[str]) -> list[float]:
        """Whoosh's idf of each query, ``ln(N / (df + 1)) + 1``."""
        now = time.monotonic()
        wanted = [_TOTAL, *dict.fromkeys(tsqueries)]
        known = self._known(wanted, now)
        missing = [k for k in wanted if k not in known]
        if missing:
            counted = _count(conn, missing)
            self._keep(counted, now)
            known.update(counted)
        total = max(known[_TOTAL], 1)
        return [math.log(total / (known[q] + 1)) + 1 for q in tsqueries]


def _count(conn: Connection, keys: list[str]) -> dict[str, int]:
    """Counts of ``keys`` (``_TOTAL``: the documents, from the planner's figure once the
    table is large) in one statement."""
    queries = [k for k in keys if k != _TOTAL]
    parts = [f"(SELECT count(*) FROM {TABLE} WHERE vector @@ CAST(:q{i} AS tsquery))"
             for i in range(len(queries))]
    if _TOTAL in keys:
        parts.insert(0, f"(SELECT CASE WHEN c.reltuples >= 10000 THEN c.reltuples::bigint"
                        f" ELSE (SELECT count(*) FROM {TABLE}) END FROM pg_class c"
                        f" WHERE c.oid = CAST('{TABLE}' AS regclass))")
    row = conn.execute(text("SELECT " + ", ".join(parts)),
                       {f"q{i}": q for i, q in enumerate(queries)}).one()
    ordered = ([_TOTAL] if _TOTAL in keys else []) + queries
    return {k: int(n or 0) for k, n in zip(ordered, row, strict=True)}
