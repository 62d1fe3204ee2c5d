"""``WhooshBackend``: the ``SearchBackend`` stored in a folder of Whoosh indexes.

Open one instance per process (per worker) and keep it: opening costs far more than a
query. Its methods are thread-safe (an internal lock serialises searches and refreshes;
with the GIL this costs nothing measurable). Writes from several processes are serialised
by Whoosh's write lock; readers pick up other processes' commits and rebuild swaps on their
next call (a directory listing and a ``stat``, a few microseconds).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.index import LockError
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for

from ..documents import SearchDocument
from ..results import Hit, IndexBusy, SearchResults
from .bulk import CODEC, COMPOUND, bulk_index
from .engine import POSTINGS_BUDGET, Engine
from .refresh import refreshed
from .related import related
from .schema import add_group_field, build_schema, to_whoosh
from .searching import failed_results, run_search
from .storage import Layout
from .synonyms import Thesaurus, default_thesaurus

__all__ = ["WhooshBackend"]

log = logging.getLogger(__name__)

LOCK_POLL = 0.02  # seconds between attempts to take the write lock
OPEN_ATTEMPTS = 5  # opening races a commit in another process: try again this many times
SWAP_TIMEOUT = 60.0  # how long a rebuild waits for the write lock before its final swap
REBUILD_LOCK_WAIT = 2.0  # how long a rebuild waits for another one before IndexBusy
# Segments below this size are merged together by an update's commit; a rebuild's segments
# (``bulk.SEGMENT_DOCS`` each) never are (see ``merge_small_only``).
SMALL_SEGMENT_DOCS = 2_000
SMALL_SEGMENTS_MAX = 4  # an update's commit merges the small segments beyond this many


def _create_index(path: Path) -> None:
    windex.create_in(str(path), build_schema())


class WhooshBackend:
    """Search index stored in the folder ``path`` (created if missing); implements
    ``search_index.SearchBackend``."""

    def __init__(self, path: str | os.PathLike, *, writer_timeout: float = 5.0,
                 thesaurus: Thesaurus | None = None) -> None:
        self.path = Path(path)
        self.writer_timeout = float(writer_timeout)
        self.thesaurus = thesaurus or default_thesaurus()
        self._layout = Layout(self.path)
        self._lock = threading.RLock()
        self._closed = False
        self._gen: str | None = None
        self._sig: tuple[int, int] | None = None
        self._ix: Any = None
        self._state: Engine | None = None
        with self._lock:
            self._open(self._layout.ensure(_create_index))

    # -- opening and refreshing ---------------------------------------------------------

    def _open(self, gen: str) -> None:
        sig = self._layout.signature()
        for attempt in range(OPEN_ATTEMPTS):
            try:
                ix = windex.open_dir(str(self._layout.path(gen)))
                state = Engine(ix.searcher())
                break
            except FileNotFoundError:
                # Another process committed between Whoosh listing the table of contents
                # and reading it (a commit deletes the previous one): read the new one.
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(LOCK_POLL * (attempt + 1))
        old = self._state
        self._gen, self._sig, self._ix, self._state = gen, sig, ix, state
        if old is not None:
            old.searcher.close()

    def _fresh(self) -> Engine:
        """The query engine, reopened after a swap or refreshed after a commit."""
        if self._closed:
            raise RuntimeError("search index is closed")
        if self._layout.signature() != self._sig:
            gen = self._layout.current() or self._layout.ensure(_create_index)
            if gen != self._gen:
                self._open(gen)
            else:
                self._sig = self._layout.signature()
        assert self._state is not None
        searcher = self._state.searcher
        fresh = refreshed(self._ix, searcher)  # not Searcher.refresh(): see refresh.py
        if fresh is not searcher:
            self._state = Engine(fresh)
        return self._state

    # -- reading ------------------------------------------------------------------------

    def search(self, q: str, *, type: str | None = None, theme: str | None = None,
               region: str | None = None, solved: bool | None = None,
               since: datetime | None = None, until: datetime | None = None,
               sort: str = "relevance", page: int = 1, per_page: int = 10,
               include_hidden: bool = False,
               groups: frozenset[int] = frozenset()) -> SearchResults:
        """Search visible documents; never raises on any query text (see ``query.py``).

        ``sort`` is "relevance", "newest" or "votes"; ``region=""`` selects national
        documents; ``theme`` matches any of a document's themes. An empty ``q`` lists the
        documents matching the filters, newest first. Documents of a working group are
        found only when the group is in ``groups``.
        """
        with self._lock:
            state = self._fresh()
            try:
                return run_search(
                    state, self.thesaurus, q, type=type, theme=theme, region=region,
                    solved=solved, since=since, until=until, sort=sort, page=page,
                    per_page=per_page, include_hidden=include_hidden,
                    groups=_group_ids(groups),
                )
            except Exception:
                log.exception("search failed for %r", q)
                return failed_results(page if isinstance(page, int) else 1)

    def more_like(self, text: str, *, type: str | None = "practice", theme: str | None = None,
                  exclude: Iterable[str] = (), limit: int = 5,
                  groups: frozenset[int] = frozenset()) -> list[Hit]:
        """Visible documents of ``type`` related to ``text``; ``theme`` is preferred; of
        the working groups, only those in ``groups``."""
        with self._lock:
            state = self._fresh()
            try:
                return related(state, text, type=type, theme=theme, exclude=exclude,
                               limit=limit, groups=_group_ids(groups))
            except Exception:
                log.exception("more_like failed")
                return []

    def warm(self, terms: int = 100) -> int:
        """Preload the postings of the ``terms`` most frequent words and check the phrases
        of the synonym groups, so that the first searches of this process are as fast as
        the later ones (the cache is per process and survives commits). Takes several
        seconds per 100 terms at 100,000 documents (call it from a background thread);
        searches may run meanwhile (the lock is taken one term at a time). Returns the
        number of postings loaded."""
        with self._lock:
            reader = self._fresh().searcher.reader()
            top = [t for _f, t in reader.most_frequent_terms("text", max(0, terms))]
        phrases = [alt for group in self.thesaurus.groups for alt in group if len(alt) > 1]
        loaded = 0
        for item in [(t,) for t in top] + phrases:
            if loaded > POSTINGS_BUDGET * 0.8:
                break
            with self._lock:
                if self._closed:
                    break
                loaded += self._fresh().preload("text", tuple(
                    x.decode("utf-8") if isinstance(x, bytes) else x for x in item))
        return loaded

    def stamps(self) -> dict[str, str]:
        """doc_id -> stamp for every indexed document (for drift checks)."""
        with self._lock:
            reader = self._fresh().searcher.reader()
            if not reader.doc_count_all():  # an empty index has no columns to read
                return {}
            ids = reader.column_reader("doc_id")
            stamps = reader.column_reader("stamp")
            out = {}
            for docnum in reader.all_doc_ids():
                stamp = stamps[docnum]
                out[ids[docnum]] = stamp.decode("utf-8") if isinstance(stamp, bytes) else stamp
            return out

    def doc_count(self) -> int:
        """Number of documents in the index (hidden ones included)."""
        with self._lock:
            return self._fresh().searcher.doc_count()

    # -- writing ------------------------------------------------------------------------

    def _writer(self, deadline: float) -> tuple[str, Any]:
        """(generation, writer) holding the write lock of the live generation."""
        while True:
            with self._lock:
                self._fresh()
                gen, ix = self._gen, self._ix
            assert gen is not None
            try:
                writer = ix.writer(timeout=max(0.0, deadline - time.monotonic()),
                                   delay=LOCK_POLL, compound=COMPOUND, codec=CODEC)
            except LockError:
                raise IndexBusy(
                    f"search index busy: write lock not obtained in {self.writer_timeout}s"
                ) from None
            if self._layout.current() == gen:
                return gen, writer
            writer.cancel()  # a rebuild swapped generations meanwhile: write to the new one
            if time.monotonic() >= deadline:
                raise IndexBusy("search index busy: a rebuild swapped it")

    def _write_lock(self, deadline: float) -> Any:
        """Whoosh's write lock of the live generation, held without opening a writer."""
        while True:
            with self._lock:
                self._fresh()
                gen, ix = self._gen, self._ix
            lock = ix.lock("WRITELOCK")
            if not try_for(lock.acquire, timeout=max(0.0, deadline - time.monotonic()),
                           delay=LOCK_POLL):
                raise IndexBusy("search index busy: write lock not obtained for the rebuild")
            if self._layout.current() == gen:
                return lock
            lock.release()

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str]) -> None:
        """Add or replace ``upserts`` (by doc_id) and delete ``deletes`` in one commit.

        A doc_id in both lists is deleted. Raises ``IndexBusy`` when the write lock is not
        free within ``writer_timeout`` seconds. The next search of this instance sees the
        change.
        """
        deleted = list(dict.fromkeys(str(d) for d in deletes))
        gone = set(deleted)
        prepared = {}
        for doc in upserts:
            fields = to_whoosh(doc)
            if fields["doc_id"] not in gone:
                prepared[fields["doc_id"]] = fields
        if not prepared and not deleted:
            return
        docs = list(prepared.values())
        gen, writer = self._writer(time.monotonic() + self.writer_timeout)
        try:
            building = self._layout.active_rebuild()
            if building:
                self._layout.journal_append(building, docs, deleted)
            _write(writer, docs, deleted)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=merge_small_only)
        with self._lock:
            if not self._closed:
                self._fresh()

    def rebuild(self, docs: Iterable[SearchDocument], *,
                progress: Callable[[int], None] | None = None,
                procs: int | None = None) -> int:
        """Index ``docs`` into a new generation, then swap it in atomically.

        Searches (here and in other processes) keep using the old generation until the
        swap; updates applied meanwhile are journalled and replayed before it. With at
        least ``bulk.PARALLEL_MIN_DOCS`` documents, indexing forks ``procs`` worker processes
        (default: up to 2 CPUs), so call it from a CLI process rather than a threaded web
        worker. A doc_id seen twice keeps its first version. Returns the number of
        documents indexed. Raises ``IndexBusy`` if another rebuild is running.
        """
        layout = self._layout
        guard = layout.rebuild_lock()
        if not guard.acquire(timeout=REBUILD_LOCK_WAIT):
            raise IndexBusy("another rebuild of the search index is running")
        new_gen = None
        try:
            new_gen = layout.new_generation()
            new_ix = windex.create_in(str(layout.path(new_gen)), build_schema())
            # Start journalling under the write lock, so no update slips between the two.
            lock = self._write_lock(time.monotonic() + SWAP_TIMEOUT)
            try:
                layout.begin_rebuild(new_gen)
            finally:
                lock.release()
            count = bulk_index(new_ix, docs, progress,
                               procs if procs is not None else min(2, os.cpu_count() or 1))
            lock = self._write_lock(time.monotonic() + SWAP_TIMEOUT)
            try:
                replay = new_ix.writer(compound=COMPOUND, codec=CODEC)
                try:
                    for upserts, deletes in layout.journal_read(new_gen):
                        _write(replay, upserts, deletes)
                except BaseException:
                    replay.cancel()
                    raise
                replay.commit(merge=False)
                layout.publish(new_gen)
                layout.end_rebuild(new_gen)
            finally:
                lock.release()
            new_gen = None
            layout.prune()
            with self._lock:
                self._fresh()
            return count
        finally:
            if new_gen is not None:  # failed: forget the half-built generation
                layout.end_rebuild(new_gen)
                layout.prune()
            guard.release()

    def close(self) -> None:
        """Release the searcher and the index files."""
        with self._lock:
            if self._state is not None:
                self._state.searcher.close()
            self._state, self._ix, self._closed = None, None, True

    def __enter__(self) -> WhooshBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _group_ids(groups: Iterable[int]) -> frozenset[int]:
    """The readable group ids as a frozenset of ints (a cache key), ignoring anything
    else: a malformed id names no group, so it opens none."""
    return frozenset(g for g in groups if isinstance(g, int) and not isinstance(g, bool))


def _write(writer: Any, upserts: list[dict], deletes: list[str]) -> None:
    if upserts:
        add_group_field(writer)  # an index from before working groups gets the field
    for doc_id in deletes:
        writer.delete_by_term("doc_id", doc_id)
    for fields in upserts:
        writer.update_document(**fields)


def merge_small_only(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy for updates: merge the small segments (under ``SMALL_SEGMENT_DOCS``)
    into the writer's new segment once there are more than ``SMALL_SEGMENTS_MAX``; keep
    the others as they are.

    Whoosh's default policy (``MERGE_SMALL``) calls segments small by comparing their
    running total with a Fibonacci number: with a rebuild's ~12,500-document segments it
    merges none at 100,000 documents but all of them at 300,000 (23 segments: 287,500 <
    fib(28)), so a 300,000-document rebuild's last commit (the journal replay) rewrote the
    whole index in Python (minutes, gigabytes), and so would the first update after it.
    The rebuild's last commit now merges nothing; an update's merges at most a few
    thousand documents.
    """
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) <= SMALL_SEGMENTS_MAX:
        return segments
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    merged = {id(s) for s in small}
    return [s for s in segments if id(s) not in merged]
