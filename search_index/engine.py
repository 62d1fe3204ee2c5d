"""Set-based query evaluation over Whoosh postings, much faster than Whoosh's matchers.

Whoosh's matcher trees walk every matching document through several Python method calls
(about 4-10 microseconds each), and phrase matchers decode positions for every candidate.
This module reads posting lists block by block into arrays, caches them per segment
(segments never change once written, so the cache survives commits), and answers queries
with Python set operations (C speed) plus one BM25 computation per candidate and term:

* ``docset(field, stems)``: documents with a term, or with a phrase (positions checked
  once per segment, then cached);
* ``bm25(field, stem, docs)``: Whoosh's BM25F score of one field for ``docs``;
* filters, hidden documents, types: cached sets; columns as arrays for sorting.

Document numbers are global (segment offset + local number); deleted documents are kept
in the cached posting sets and removed with one set difference per query.
"""

from __future__ import annotations

import contextlib
import struct
import sys
import threading
from array import array
from collections import OrderedDict
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import EmptyReader, TermNotFound
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

__all__ = ["B", "K1", "POSTINGS_BUDGET", "Engine"]

K1 = 1.2  # Whoosh BM25F defaults
B = 0.75
POSTINGS_BUDGET = 6_000_000  # cached postings per process (about 8 bytes each)
PHRASE_BUDGET = 2_000_000
GENERATION_BUDGET = 2_000_000  # entries of cached sets and maps per searcher generation


class _Lru:
    """A thread-safe least-recently-used cache bounded by the summed ``size`` of its
    values (the process-wide caches are shared by every SearchIndex of the process)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._data: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            self._data.move_to_end(key)
            return found[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        with self._lock:
            if key in self._data:
                return
            self._data[key] = (value, size)
            self.size += size
            while self.size > self.budget and len(self._data) > 1:
                _k, (_v, s) = self._data.popitem(last=False)
                self.size -= s


_POSTINGS = _Lru(POSTINGS_BUDGET)  # (segment id, field, term) -> (ids, tfs)
_PHRASES = _Lru(PHRASE_BUDGET)  # (segment id, field, terms) -> frozenset of local docnums
_COLUMNS = _Lru(4_000_000)  # (segment id, column) -> bytes, size in units of 8 bytes


def _read_postings(seg: Any, field: str, term: Any, values: bool = False
                   ) -> tuple[array, array, list | None]:
    """All postings of ``term`` in one segment: local ids, weights (tf) and, if asked,
    the encoded positions. Deleted documents are included."""
    ids, tfs = array("I"), array("f")
    vals: list | None = [] if values else None
    try:
        m = seg.postings(field, term)
    except TermNotFound:
        return ids, tfs, vals
    if isinstance(m, FilterMatcher):  # deletions: handled by the caller
        m = m.child
    if isinstance(m, W3LeafMatcher):  # block at a time
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            tfs.extend(m._weights)
            if vals is not None:
                m._read_values()
                vals.extend(m._values)
            m._next_block()
    else:  # any other codec: one posting at a time
        while m.is_active():
            ids.append(m.id())
            tfs.append(m.weight())
            if vals is not None:
                vals.append(m.value())
            m.next()
    return ids, tfs, vals


class Engine:
    """Query evaluation for one searcher generation (create a new one after a refresh)."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        reader = searcher.reader()
        if isinstance(reader, EmptyReader):
            self.leaves: list[tuple[Any, int]] = []
        elif reader.is_atomic():
            self.leaves = [(reader, 0)]
        else:
            self.leaves = list(reader.leaf_readers())
        self.doc_count_all = searcher.doc_count_all()
        self._cache = _Lru(GENERATION_BUDGET)  # global sets and tf maps of this generation
        self._arrays: dict[Any, Any] = {}
        self._deleted: set[int] | None = None
        self._types: tuple[str | None, list[tuple[str, set[int]]]] | None = None

    # -- postings ------------------------------------------------------------------------

    def _leaf_postings(self, seg: Any, field: str, term: Any) -> tuple[array, array]:
        key = (seg.segment().segment_id(), field, term)
        found = _POSTINGS.get(key)
        if found is None:
            ids, tfs, _ = _read_postings(seg, field, term)
            found = (ids, tfs)
            _POSTINGS.put(key, found, len(ids) + 1)
        return found

    def preload(self, field: str, terms: tuple) -> int:
        """Read (and cache) the postings of a term, or check a phrase, in every segment;
        returns the number of postings now cached for it."""
        if len(terms) > 1:
            return sum(len(self._leaf_phrase(seg, field, terms)) for seg, _ in self.leaves)
        return sum(len(self._leaf_postings(seg, field, terms[0])[0]) for seg, _ in self.leaves)

    def _remember(self, key: Any, value: Any) -> Any:
        self._cache.put(key, value, len(value) + 1)
        return value

    def deleted(self) -> set[int]:
        """Global numbers of deleted documents."""
        if self._deleted is None:
            out: set[int] = set()
            for seg, off in self.leaves:
                if seg.has_deletions():
                    out.update(off + d for d in seg.deleted_docs_set)
            self._deleted = out
        return self._deleted

    def docset(self, field: str, terms: tuple) -> set[int]:
        """Documents (deleted ones included) with the term ``terms[0]``, or with the phrase
        ``terms`` when there are several."""
        key = ("docs", field, terms)
        found = self._cache.get(key)
        if found is not None:
            return found
        out: set[int] = set()
        for seg, off in self.leaves:
            local = (self._leaf_postings(seg, field, terms[0])[0] if len(terms) == 1
                     else self._leaf_phrase(seg, field, terms))
            out.update(local if not off else map(off.__add__, local))
        return self._remember(key, out)

    def _leaf_phrase(self, seg: Any, field: str, terms: tuple) -> frozenset[int]:
        key = (seg.segment().segment_id(), field, terms)
        found = _PHRASES.get(key)
        if found is not None:
            return found
        candidates: set[int] | None = None
        for term in dict.fromkeys(terms):
            ids = set(self._leaf_postings(seg, field, term)[0])
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                break
        result: set[int] = set()
        if candidates:
            fmt = self.schema[field].format
            fast = type(fmt).decode_positions is Positions.decode_positions
            encoded = {}
            for term in dict.fromkeys(terms):
                ids, _tfs, vals = _read_postings(seg, field, term, values=True)
                encoded[term] = {d: v for d, v in zip(ids, vals or (), strict=False)
                                 if d in candidates}
            for d in candidates:
                # Positions values are a 4-byte count then a pickled list of deltas.
                pos = {t: (list(accumulate(loads(m[d][4:]))) if fast
                           else fmt.decode_positions(m[d]))
                       for t, m in encoded.items()}
                starts = set(pos[terms[0]])
                for k, t in enumerate(terms[1:], 1):
                    starts &= {p - k for p in pos[t]}
                    if not starts:
                        break
                if starts:
                    result.add(d)
        frozen = frozenset(result)
        _PHRASES.put(key, frozen, len(frozen) + 1)
        return frozen

    def tf(self, field: str, term: Any) -> dict[int, float]:
        """Global docnum -> term frequency."""
        key = ("tf", field, term)
        found = self._cache.get(key)
        if found is None:
            found = {}
            for seg, off in self.leaves:
                ids, tfs = self._leaf_postings(seg, field, term)
                found.update(zip(ids if not off else map(off.__add__, ids), tfs, strict=True))
            self._remember(key, found)
        return found

    # -- scoring -------------------------------------------------------------------------

    def _lengths(self, field: str) -> tuple[bytes, list[float]]:
        """(length byte per global docnum, K1 * length normalisation per length byte)."""
        key = ("lengths", field)
        found = self._arrays.get(key)
        if found is None:
            parts = []
            for seg, _off in self.leaves:
                parts.append(self._leaf_column_bytes(seg, _lenfield(field), LENGTHS_COLUMN))
            avgfl = self.searcher.avg_field_length(field) or 1.0
            norm = [K1 * ((1 - B) + B * byte_to_length(i) / avgfl) for i in range(256)]
            found = self._arrays[key] = (b"".join(parts), norm)
        return found

    def _leaf_column_bytes(self, seg: Any, name: str, column: Any) -> bytes:
        """The raw bytes of a fixed-width numeric column of one segment, padded with the
        column default for documents without a value."""
        key = (seg.segment().segment_id(), name)
        found = _COLUMNS.get(key)
        if found is None:
            width = struct.calcsize(column._typecode)
            count = seg.doc_count_all()
            reader = None
            with contextlib.suppress(Exception):  # no such column in this segment
                if name.startswith("_"):  # field lengths: not a schema field
                    reader = seg._perdoc._cached_reader(name, column)
                elif seg.has_column(name):
                    reader = seg.column_reader(name, translate=False)
            data = b""
            if reader is not None:
                data = reader._dbfile.get(reader._basepos, min(reader._count, count) * width)
            missing = count - len(data) // width
            if missing > 0:
                data += struct.pack("!" + column._typecode, column._default) * missing
            found = data
            _COLUMNS.put(key, found, len(found) // 8 + 1)
        return found

    def bm25(self, field: str, term: Any, docs: set[int], boost: float = 1.0
             ) -> dict[int, float]:
        """Whoosh's BM25F score of ``term`` in ``field`` for each of ``docs`` (which must
        all contain the term)."""
        lengths, norm = self._lengths(field)
        c = boost * self.searcher.idf(field, term) * (K1 + 1)
        leaves = [(self._leaf_postings(seg, field, term), off) for seg, off in self.leaves]
        if len(docs) * 4 < sum(len(ids) for (ids, _), _ in leaves):
            tf = self.tf(field, term)  # few documents: look their frequencies up
            return {d: c * (t := tf[d]) / (t + norm[lengths[d]]) for d in docs}
        out: dict[int, float] = {}  # most postings wanted: one pass over them
        for (ids, tfs), off in leaves:
            if off:
                out.update({d: c * t / (t + norm[lengths[d]])
                            for i, t in zip(ids, tfs, strict=True) if (d := i + off) in docs})
            else:
                out.update({i: c * t / (t + norm[lengths[i]])
                            for i, t in zip(ids, tfs, strict=True) if i in docs})
        return out

    # -- columns, filters, types ---------------------------------------------------------

    def column(self, name: str) -> array:
        """A numeric column as an array indexed by global docnum (raw sortable values)."""
        key = ("column", name)
        found = self._arrays.get(key)
        if found is None:
            column = self.schema[name].column_type
            raw = b"".join(self._leaf_column_bytes(seg, name, column) for seg, _ in self.leaves)
            found = array(column._typecode)
            found.frombytes(raw)
            if sys.byteorder == "little" and found.itemsize > 1:  # columns are big-endian
                found.byteswap()
            self._arrays[key] = found
        return found

    def memo(self, key: Any, compute: Any) -> Any:
        """``compute()``, remembered for this generation under ``key``."""
        found = self._cache.get(("memo", key))
        if found is None:
            found = self._remember(("memo", key), compute())
        return found

    def hidden(self) -> set[int]:
        return self.docset("visible", (False,))

    def live(self) -> set[int]:
        """Every non-deleted document."""
        return self.memo("live", lambda: set(range(self.doc_count_all)) - self.deleted())

    def types(self) -> tuple[str | None, list[tuple[str, set[int]]]]:
        """(most common type, [(other type, its docnums)])."""
        if self._types is None:
            names = [b.decode("utf-8") if isinstance(b, bytes) else b
                     for b in self.searcher.lexicon("type")]
            names.sort(key=lambda t: -self.searcher.doc_frequency("type", t))
            major = names[0] if names else None
            self._types = (major, [(t, self.docset("type", (t,))) for t in names[1:]])
        return self._types

    def count_by_type(self, docs: set[int]) -> dict[str, int]:
        major, minors = self.types()
        counts: dict[str, int] = {}
        rest = len(docs)
        for name, members in minors:
            n = len(docs & members)  # CPython iterates the smaller set
            if n:
                counts[name] = n
            rest -= n
        if rest and major is not None:
            counts[major] = rest
        return counts

    def of_type(self, docs: set[int], doc_type: str | None) -> set[int]:
        if not doc_type:
            return docs
        major, minors = self.types()
        if doc_type == major:
            out = docs
            for _name, members in minors:
                out = out - members
            return out
        for name, members in minors:
            if name == doc_type:
                return docs & members
        return set()

