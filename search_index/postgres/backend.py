"""``PostgresBackend``: the ``SearchBackend`` stored in the application's PostgreSQL database.

Documents live in ``search_documents`` (see ``ddl.py``) beside the data they come from, so
an app can index a change in the transaction that makes it (``apply_in``): no outbox, no
worker, and every server reads the same index. Reads open a connection from the engine's
pool for one search; nothing is cached per process except the analysis of query words.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import islice

from sqlalchemy import Connection, Engine, create_engine, text

from ..documents import SearchDocument
from ..results import Hit, SearchResults
from .ddl import TABLE, ensure_schema
from .filters import Filters
from .frequencies import Frequencies
from .related import Vocabulary, related
from .rows import delete_rows, params, prune_words, upsert_rows
from .searching import failed_results, run_search

__all__ = ["PostgresBackend"]

log = logging.getLogger(__name__)

BATCH = 500  # documents per statement batch (and per commit of a rebuild)
PROGRESS_EVERY = 1_000  # a rebuild reports progress at least this often


class PostgresBackend:
    """Search index in a PostgreSQL database; implements ``search_index.SearchBackend``.

    ``bind`` is an SQLAlchemy engine (the app's, sharing its pool) or a database URL (an
    engine of its own, disposed by ``close``). The tables and the text-search
    configuration are created when missing (the app's migration normally has).
    """

    def __init__(self, bind: Engine | str, *, create_schema: bool = True) -> None:
        self._owned = isinstance(bind, str)
        self.engine: Engine = create_engine(bind) if isinstance(bind, str) else bind
        self._closed = False
        self._vocabulary: Vocabulary | None = None
        self._lock = threading.Lock()
        self._frequencies = Frequencies()
        if create_schema:
            with self.engine.begin() as conn:
                ensure_schema(conn)

    # -- reading ------------------------------------------------------------------------

    def _connect(self) -> Connection:
        if self._closed:
            raise RuntimeError("search index is closed")
        return self.engine.connect()

    def search(self, q: str, *, type: str | None = None, theme: str | None = None,
               region: str | None = None, solved: bool | None = None,
               since: datetime | None = None, until: datetime | None = None,
               sort: str = "relevance", page: int = 1, per_page: int = 10,
               include_hidden: bool = False,
               groups: frozenset[int] = frozenset()) -> SearchResults:
        """See ``SearchBackend.search``; never raises on any query text."""
        filters = Filters(theme=theme, region=region, solved=solved, since=since,
                          until=until, include_hidden=include_hidden,
                          groups=_group_ids(groups))
        with self._connect() as conn:
            try:
                return run_search(conn, q, type=type, filters=filters, sort=sort, page=page,
                                  per_page=per_page, frequencies=self._frequencies)
            except Exception:
                log.exception("search failed for %r", q)
                return failed_results(page)

    def _words(self, conn: Connection) -> Vocabulary:
        with self._lock:
            if self._vocabulary is None:
                self._vocabulary = Vocabulary.load(conn)
            return self._vocabulary

    def more_like(self, text: str, *, type: str | None = "practice",
                  theme: str | None = None, exclude: Iterable[str] = (),
                  limit: int = 5, groups: frozenset[int] = frozenset()) -> list[Hit]:
        """See ``SearchBackend.more_like``."""
        try:
            limit = min(int(limit), 50)
        except (TypeError, ValueError):
            limit = 5
        body = text if isinstance(text, str) else ""
        if limit < 1 or not body.strip():
            return []
        with self._connect() as conn:
            try:
                return related(conn, self._words(conn), body, type=type, theme=theme,
                               exclude=list(exclude), limit=limit,
                               groups=_group_ids(groups), frequencies=self._frequencies)
            except Exception:
                log.exception("more_like failed")
                return []

    def stamps(self) -> dict[str, str]:
        """doc id -> stamp of every indexed document, hidden ones included."""
        with self._connect() as conn:
            return {d: s for d, s in conn.execute(text(f"SELECT doc_id, stamp FROM {TABLE}"))}

    # -- writing ------------------------------------------------------------------------

    def apply_in(self, conn: Connection, upserts: Sequence[SearchDocument],
                 deletes: Sequence[str]) -> None:
        """``apply`` inside the caller's transaction on ``conn``: the index changes when,
        and only if, that transaction commits."""
        gone = list(dict.fromkeys(str(d) for d in deletes))
        kept = {doc.doc_id: doc for doc in upserts if doc.doc_id not in set(gone)}
        delete_rows(conn, gone)
        docs = iter(kept.values())
        while chunk := list(islice(docs, BATCH)):
            upsert_rows(conn, [params(d) for d in chunk])

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str]) -> None:
        """See ``SearchBackend.apply``: one transaction."""
        if not upserts and not deletes:
            return
        with self._connect() as conn, conn.begin():
            self.apply_in(conn, upserts, deletes)

    def rebuild(self, docs: Iterable[SearchDocument], *,
                progress: Callable[[int], None] | None = None) -> int:
        """Index ``docs`` in committed batches, then delete every row not written since
        the rebuild began: searches keep working throughout (the old version of a
        document until its new one commits), and changes the app indexes meanwhile are
        kept. Then the vocabulary of "Forse cercavi" loses the words no document holds
        any more. A doc id seen twice keeps its first version."""
        with self._connect() as conn:
            started = conn.execute(text("SELECT clock_timestamp()")).scalar()
            conn.commit()
            seen: set[str] = set()
            count = 0
            it = iter(docs)
            size = max(1, min(BATCH, PROGRESS_EVERY))
            while chunk := list(islice(it, size)):
                rows = []
                for doc in chunk:
                    if doc.doc_id in seen:
                        log.warning("rebuild: duplicate doc_id %s skipped", doc.doc_id)
                        continue
                    seen.add(doc.doc_id)
                    rows.append(params(doc))
                with conn.begin():
                    upsert_rows(conn, rows)
                count += len(rows)
                if progress:
                    progress(count)
            with conn.begin():
                conn.execute(text(f"DELETE FROM {TABLE} WHERE indexed_at < :t"),
                             {"t": started})
                # fresh statistics: the planner's estimates size the counts of large
                # matches (estimates.py), and autovacuum may come minutes later
                conn.execute(text(f"ANALYZE {TABLE}"))
            with conn.begin():
                prune_words(conn)
            if progress and not count:
                progress(0)
        return count

    def close(self) -> None:
        """Forget the engine (disposed when this backend created it)."""
        if not self._closed and self._owned:
            self.engine.dispose()
        self._closed = True

    def __enter__(self) -> PostgresBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _group_ids(groups: Iterable[int]) -> frozenset[int]:
    """Readable group ids, ignoring anything that is not an int: it opens no group."""
    return frozenset(g for g in groups if isinstance(g, int) and not isinstance(g, bool))
