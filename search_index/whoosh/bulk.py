"""Bulk indexing for rebuilds: documents streamed to long-lived worker processes, each
cutting its own segments.

Whoosh's ``MpWriter`` (used before) starts its workers per writer and waits for all of
them at every commit. A rebuild committed every 25,000 documents (to bound the workers'
memory) and read each chunk from the database *before* starting the writer, so while the
command read a chunk both workers were gone (one core idle), and at each commit the
reading waited for the slowest worker. Here ``procs`` workers are forked once; the
parent reads, de-duplicates and queues batches of documents while they index; each
worker closes a segment every ``SEGMENT_DOCS`` documents (its postings stay in memory up
to then: ``LIMIT_MB``) and sends its segments back at the end; the parent writes one
table of contents listing them all. The analysis (``to_whoosh``) runs in the workers:
the parent only reads the database.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import Any

from whoosh.writing import SegmentWriter

from ..documents import SearchDocument
from .codec import SplitCodec
from .schema import to_whoosh

__all__ = ["CODEC", "COMPOUND", "LIMIT_MB", "PARALLEL_MIN_DOCS", "PROGRESS_EVERY",
           "SEGMENT_DOCS", "bulk_index"]

log = logging.getLogger(__name__)

PARALLEL_MIN_DOCS = 5_000  # below this, a rebuild indexes in-process
PROGRESS_EVERY = 1_000
BATCH_DOCS = 250  # documents per job sent to a worker
QUEUED_BATCHES = 4  # per worker: how far reading may run ahead of indexing
POLL_SECONDS = 0.5  # how often a blocked parent checks that its workers are alive
# Posting-pool memory per indexing process before it spills a sorted run to disk. Whoosh
# merges the runs at the end in Python: fewer runs are much faster (~600 vs ~400 docs per
# CPU-second at 20,000 documents with 1 GB vs 64 MB).
LIMIT_MB = 512
SEGMENT_DOCS = 12_500  # per segment: its postings fit in LIMIT_MB
# Whoosh's compound segment files are copied whole into memory (BytesIO) by every reader:
# at 100,000 documents ~320 MB per process and ~150 ms to open. Plain segment files are
# read with seek/read from the shared page cache instead.
COMPOUND = False
CODEC = SplitCodec()  # W3 with postings readable without their positions: see codec.py


class _Segments:
    """Adds documents to the index's files, closing a segment every ``SEGMENT_DOCS``."""

    def __init__(self, ix: Any) -> None:
        self.ix = ix
        self.done: list[Any] = []
        self._writer: SegmentWriter | None = None

    def add(self, doc: SearchDocument) -> None:
        if self._writer is None:
            self._writer = SegmentWriter(self.ix, _lk=False, limitmb=LIMIT_MB,
                                         compound=COMPOUND, codec=CODEC)
        self._writer.add_document(**to_whoosh(doc))
        if self._writer.doc_count() >= SEGMENT_DOCS:
            self.close()

    def close(self) -> list[Any]:
        """Finish the open segment; every segment written so far."""
        if self._writer is not None:
            self.done.append(self._writer._finalize_segment())
            self._writer = None
        return self.done

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer._close_segment()
            self._writer = None


def _work(ix: Any, jobs: Any, results: Any) -> None:
    """A worker process: index the batches from ``jobs`` until ``None``, then put
    ("ok", segments) on ``results`` (or ("error", traceback))."""
    segments = _Segments(ix)
    try:
        while (batch := jobs.get()) is not None:
            for doc in batch:
                segments.add(doc)
        results.put(("ok", segments.close()))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        segments.cancel()
        results.put(("error", traceback.format_exc()))


class _Workers:
    """``procs`` forked ``_work`` processes fed through a bounded queue."""

    def __init__(self, ix: Any, procs: int) -> None:
        ctx = multiprocessing.get_context("fork")  # the index objects are not pickled
        self.jobs = ctx.Queue(procs * QUEUED_BATCHES)
        self.results = ctx.Queue()
        self.procs = [ctx.Process(target=_work, args=(ix, self.jobs, self.results),
                                  daemon=True) for _ in range(procs)]
        self.replies: list[tuple[str, Any]] = []
        for proc in self.procs:
            proc.start()

    def _check(self) -> None:
        """Raise if a worker failed or died."""
        while True:
            try:
                self.replies.append(self.results.get_nowait())
            except queue.Empty:
                break
        for status, detail in self.replies:
            if status != "ok":
                raise RuntimeError(f"search index worker failed:\n{detail}")
        if any(p.exitcode not in (None, 0) for p in self.procs):
            raise RuntimeError("search index worker died")

    def put(self, batch: list[SearchDocument] | None) -> None:
        while True:
            try:
                self.jobs.put(batch, timeout=POLL_SECONDS)
                return
            except queue.Full:
                self._check()

    def finish(self) -> list[Any]:
        """Every worker's segments, once all of them are done."""
        for _proc in self.procs:
            self.put(None)
        while len(self.replies) < len(self.procs):
            try:
                self.replies.append(self.results.get(timeout=POLL_SECONDS))
            except queue.Empty:
                self._check()
        self._check()
        for proc in self.procs:
            proc.join()
        return [segment for _status, segments in self.replies for segment in segments]

    def stop(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
            proc.join(5)


def _unique(docs: Iterable[SearchDocument]) -> Iterator[SearchDocument]:
    """``docs`` without a doc_id seen before (a rebuild keeps the first version)."""
    seen: set[str] = set()
    for doc in docs:
        key = doc.doc_id
        if key in seen:
            log.warning("rebuild: duplicate doc_id %s skipped", key)
            continue
        seen.add(key)
        yield doc


def bulk_index(ix: Any, docs: Iterable[SearchDocument],
               progress: Callable[[int], None] | None, procs: int) -> int:
    """Add every document to the empty index ``ix`` in one commit; returns how many.

    Forks ``procs`` workers when there are at least ``PARALLEL_MIN_DOCS`` documents and
    ``procs`` > 1, so call it from a CLI process rather than a threaded web worker.
    """
    it = _unique(docs)
    head = list(islice(it, PARALLEL_MIN_DOCS))
    writer = ix.writer(compound=COMPOUND, codec=CODEC)  # the lock and the commit
    workers = None
    local = _Segments(ix)
    count = 0
    try:
        if procs > 1 and len(head) >= PARALLEL_MIN_DOCS:
            workers = _Workers(ix, procs)
        batch: list[SearchDocument] = []
        for doc in chain(head, it):
            count += 1
            if workers is None:
                local.add(doc)
            else:
                batch.append(doc)
                if len(batch) >= BATCH_DOCS:
                    workers.put(batch)
                    batch = []
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
        if progress and count % PROGRESS_EVERY:
            progress(count)
        if workers is not None:
            if batch:
                workers.put(batch)
            segments = workers.finish()
        else:
            segments = local.close()
    except BaseException:
        if workers is not None:
            workers.stop()
        local.cancel()
        writer.cancel()
        raise
    writer._close_segment()  # the parent's own segment stays empty
    writer._commit_toc(list(writer.segments) + segments)
    writer._finish()
    return count
