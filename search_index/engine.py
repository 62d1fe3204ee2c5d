"""Set-based query evaluation over Whoosh postings, much faster than Whoosh's matchers.

Whoosh's matcher trees walk every matching document through several Python method calls
(about 4-10 microseconds each), and phrase matchers decode positions for every candidate.
This module reads posting lists block by block into arrays, caches them per segment
(segments never change once written, so the cache survives commits), and answers queries
with Python set operations (C speed) plus one BM25 computation per candidate and term:

* ``docset(field, stems)``: documents with a term, or with a phrase (positions checked
  once per segment, then cached);
* ``scores(stem, weights)``: Whoosh's BM25F score of a term summed over weighted fields,
  for every document with the term, as one lookup (a dense array for common terms, a
  dict for rare ones) cached per searcher generation: a query then only looks scores up;
* ``bm25(field, stem, docs)``: the same for one field and given documents;
* filters, hidden documents, types: cached sets; columns as arrays for sorting.

Per-document work avoids Python bytecode where it can: ``map``/``zip`` over arrays with
bound C methods (``dict.__getitem__``, ``float.__mul__``, ``operator.add``) run at C speed,
about five times faster than the equivalent comprehension. A posting's score depends only
on its term frequency and its field-length byte, so a segment's postings are also cached
as ``tf * 256 + length byte`` codes and each generation scores the few distinct codes once.
Blocks written by ``codec.SplitCodec`` store those codes and doc-tagged positions as plain
arrays (``CODED``): a cold posting list or phrase check is a few ``frombytes`` per block.
A term's document list is only materialised when a query iterates it (``DocList``), and
dense lookups are single precision (half the memory, so twice the terms stay cached).

Document numbers are global (segment offset + local number); deleted documents are kept
in the cached posting sets and removed with one set difference per query.
"""

from __future__ import annotations

import contextlib
import math
import struct
import sys
import threading
from array import array
from collections import OrderedDict, deque
from collections.abc import Iterable
from io import BytesIO
from itertools import accumulate, chain, compress, filterfalse, repeat
from operator import add, lshift, rshift
from pickle import load, loads
from typing import Any, TypeAlias

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3TermsReader, _lenfield
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import EmptyReader, TermNotFound
from whoosh.scoring import WeightingModel
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .codec import RawPositions, coded_block, positions_array, read_block, tagged_positions

__all__ = ["B", "K1", "POSTINGS_BUDGET", "DocList", "Engine", "Lookup"]

K1 = 1.2  # Whoosh BM25F defaults
B = 0.75
POSTINGS_BUDGET = 6_000_000  # cached postings per process (about 8 bytes each)
PHRASE_BUDGET = 2_000_000
GENERATION_BUDGET = 2_000_000  # entries of cached sets per searcher generation
SCORES_BUDGET = 64_000_000  # bytes of cached score lookups per searcher generation
DENSE_SHARE = 0.08  # a term in more than this share of the documents gets a dense array
DICT_ENTRY_BYTES = 100  # rough size of one dict entry with its int key and float value
POSITIONS_MEMO = 200_000  # distinct encoded position lists remembered (most repeat)

# Scores by global docnum: an array('f') over every document (missing = 0.0; single
# precision halves the memory of cached lookups, ranking differences stay below 1e-7
# relative) or a dict holding only documents with a score; both are read with
# ``__getitem__``.
Lookup: TypeAlias = "array | dict[int, float]"


class DocList:
    """The global document numbers of a term's postings, ascending: its length is known
    at once, the list is only built when first iterated (a term that is never the
    smallest concept of a query is only looked up, never listed)."""

    __slots__ = ("_items", "_parts", "_size")

    def __init__(self, parts: list[tuple[array, int]]) -> None:
        self._parts = parts
        self._size = sum(len(ids) for ids, _off in parts)
        self._items: list[int] | None = None

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Any:
        if self._items is None:
            self._items = list(chain.from_iterable(
                map(off.__add__, ids) if off else ids for ids, off in self._parts))
            self._parts = []
        return iter(self._items)


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


_BLOCK_LENGTH = struct.Struct("!i")
_POSITIONS: dict[bytes, frozenset[int]] = {}  # encoded positions -> positions
_ADJACENT: dict[tuple[bytes, ...], bool] = {}  # encoded positions of a phrase -> match


def _w3_blocks(seg: Any, field: str, term: Any, values: bool | str = False,
               wanted: set[int] | None = None, joined: bool = False
               ) -> list[tuple[Any, Any, Any, Any]] | None:
    """``(ids, weights, values, codes)`` per block of a term's postings in a W3 (or split,
    see ``codec.py``) segment, read in one go rather than through a matcher; the values
    only when asked, and then only for blocks holding one of ``wanted`` (if given), as
    ``(concatenated values, lengths)`` if ``joined``. A ``CODED`` block gives its score
    codes (``tf * 256 + length byte``) and no weights; other blocks the weights and no
    codes. ``values="tagged"`` reads only the positions, as ``CODED`` blocks keep them
    (``codec.tagged_positions``; other blocks: ids and joined values, as above). None for
    any other codec; empty when the term is absent.

    Block layout (``W3PostingsWriter._write_block``): a signed length (negative for the
    last block), a pickled info tuple (count, last id, max weight, compression, ...),
    then the data (``codec.read_block``).
    """
    terms = getattr(seg, "_terms", None)
    if not isinstance(terms, W3TermsReader):
        return None
    try:
        info = seg.term_info(field, term)
    except TermNotFound:
        return []
    if info.is_inlined():
        ids, weights, inlined = info.inlined_postings()
        if values and joined:
            inlined = (b"".join(inlined), tuple(map(len, inlined)))
        return [(ids, weights, inlined if values else None, None)]
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh-Reloaded stores the extent's length as a 1-tuple
        length = length[0]
    buf = terms._postfile.get(offset, length)
    stream = BytesIO(buf)
    blocks = []
    pos = 4  # the header magic
    while pos < len(buf):
        size = _BLOCK_LENGTH.unpack_from(buf, pos)[0]
        stream.seek(pos + 4)
        count, _last, _maxweight, compression = load(stream)[:4]
        end = pos + 4 + abs(size)
        raw = buf[stream.tell():end]
        if values == "tagged":  # a phrase check: only the positions
            tagged = tagged_positions(raw, compression)
            if tagged is not None:
                blocks.append((None, None, tagged, None))
            else:
                ids, _weights, joined_values = read_block(raw, compression, joined=True,
                                                          absolute=True)
                blocks.append((ids, None, joined_values, None))
            if size < 0:
                break
            pos = end
            continue
        coded = coded_block(raw, compression, values and joined and wanted is None)
        if coded is not None:
            ids, codes, weights, vals = coded
        else:
            codes = vals = None
            ids, weights, _ = read_block(raw, compression, values=False, absolute=True)
            if weights is None or isinstance(weights, float):
                weights = repeat(1.0 if weights is None else weights, count)
        if vals is None and values and (wanted is None or not wanted.isdisjoint(ids)):
            vals = read_block(raw, compression, joined=joined, absolute=True)[2]
        blocks.append((ids, weights, vals, codes))
        if size < 0:
            break
        pos = end
    return blocks


def _read_postings(seg: Any, field: str, term: Any, values: bool = False,
                   wanted: set[int] | None = None
                   ) -> tuple[array, array | None, list | None, array | None]:
    """All postings of ``term`` in one segment: local ids, weights (tf), if asked the
    encoded positions (None outside the blocks holding one of ``wanted``, if given), and
    the score codes when every block has them (then the weights are None). Deleted
    documents are included."""
    ids, tfs = array("I"), array("f")
    vals: list | None = [] if values else None
    blocks = _w3_blocks(seg, field, term, values, wanted)
    if blocks is not None:
        if blocks and all(b[3] is not None for b in blocks):
            codes = array("I")
            for block_ids, _weights, block_values, block_codes in blocks:
                ids.extend(block_ids)
                codes.extend(block_codes)
                if vals is not None:
                    vals.extend(block_values or repeat(None, len(block_ids)))
            return ids, None, vals, codes
        for block_ids, weights, block_values, block_codes in blocks:
            ids.extend(block_ids)
            tfs.extend(weights if block_codes is None
                       else map(float, map(rshift, block_codes, repeat(8))))
            if vals is not None:
                vals.extend(block_values or repeat(None, len(block_ids)))
        return ids, tfs, vals, None
    try:
        m = seg.postings(field, term)
    except TermNotFound:
        return ids, tfs, vals, None
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
    return ids, tfs, vals, None


def _positions(encoded: bytes, fmt: Any, fast: bool) -> frozenset[int]:
    """The positions of one encoded ``Positions`` value, memoised: most documents share a
    handful of encodings (a term once at position 3, ...), so a phrase check decodes each
    distinct value once instead of unpickling every candidate's."""
    found = _POSITIONS.get(encoded)
    if found is None:
        # Positions values are a 4-byte count then a pickled list of deltas.
        found = frozenset(accumulate(loads(encoded[4:])) if fast
                          else fmt.decode_positions(encoded))
        if len(_POSITIONS) >= POSITIONS_MEMO:
            _POSITIONS.clear()
        _POSITIONS[encoded] = found
    return found


def _raw_phrase(seg: Any, field: str, terms: tuple, df: dict[str, int]) -> set[int]:
    """Local documents with the phrase ``terms`` (``RawPositions``).

    Every occurrence of a term is the integer ``doc << 32 | position``; the k-th term of
    the phrase at ``p`` continues a start at ``p - k``. The terms are taken rarest first
    (``df`` gives the postings per term) and the candidates are kept as a set "in the
    frame" of the term about to be checked (start + its k), so that the larger posting
    lists are intersected as they are read, without a step per occurrence. ``CODED``
    blocks store positions in that form already (one array per block); older blocks are
    converted with ``map`` and ``repeat``, no Python loop per posting. A shift below
    position 0 borrows from the document bits, giving a position near 2**32 that no
    occurrence has.
    """
    order = sorted(enumerate(terms), key=lambda kt: df[kt[1]])
    starts: set[int] | None = None
    frame = 0
    for i, (k, term) in enumerate(order):
        keys: list[Iterable[int]] = []
        for ids, _weights, values, _codes in _w3_blocks(seg, field, term, "tagged", None,
                                                        True):
            if values is None:
                continue
            if isinstance(values, array):  # already doc << 32 | position
                keys.append(values)
                continue
            blob, lengths = values
            counts = map(rshift, lengths, repeat(2))  # 4 bytes per position
            docs = chain.from_iterable(map(repeat, map(lshift, ids, repeat(32)), counts))
            keys.append(map(add, docs, positions_array(blob)))
        found: Iterable[int] = chain.from_iterable(keys)
        if starts is None:
            frame = order[1][0] if len(order) > 1 else k  # the next term's frame
            starts = set(map((frame - k).__add__, found) if frame != k else found)
        else:
            starts = starts.intersection(
                found if frame == k else map((frame - k).__add__, found))
        if not starts:
            return set()
        if i and i + 1 < len(order) and order[i + 1][0] != frame:
            nxt = order[i + 1][0]  # move the (fewer) candidates to the next term's frame
            starts = set(map((nxt - frame).__add__, starts))
            frame = nxt
    return set(map(rshift, starts or (), repeat(32)))


def _pickled_phrase(seg: Any, field: str, terms: tuple, candidates: set[int], fmt: Any
                    ) -> Iterable[int]:
    """Local documents among ``candidates`` with the phrase ``terms`` (Whoosh's pickled
    ``Positions``, indexes built before ``RawPositions``)."""
    fast = type(fmt).decode_positions is Positions.decode_positions
    docs = list(candidates)
    encodings = []
    for term in terms:
        ids, _tfs, vals, _codes = _read_postings(seg, field, term, values=True,
                                                 wanted=candidates)
        encodings.append(map(dict(zip(ids, vals or (), strict=False)).__getitem__, docs))
    keys = list(zip(*encodings, strict=True))
    matched = list(map(_ADJACENT.get, keys))
    for i, known in enumerate(matched):
        if known is None:
            matched[i] = _adjacent(keys[i], fmt, fast)
    return compress(docs, matched)


def _adjacent(encodings: tuple[bytes, ...], fmt: Any, fast: bool) -> bool:
    """Whether the terms with these encoded positions occur one after the other somewhere
    (memoised: the same few position patterns recur across thousands of documents)."""
    starts = _positions(encodings[0], fmt, fast)
    for k, encoded in enumerate(encodings[1:], 1):
        starts = starts.intersection([p - k for p in _positions(encoded, fmt, fast)])
        if not starts:
            break
    if len(_ADJACENT) >= POSITIONS_MEMO:
        _ADJACENT.clear()
    found = _ADJACENT[encodings] = bool(starts)
    return found


def _sum_of(getters: list[Any], docs: Any) -> Iterable[float]:
    """Lazily, for each of ``docs``, the sum of ``getter(doc)`` over ``getters`` (C speed)."""
    out = map(getters[0], docs)
    for getter in getters[1:]:
        out = map(add, out, map(getter, docs))
    return out


def _run(iterator: Iterable[Any]) -> None:
    """Exhaust ``iterator`` (a ``map`` of setters) at C speed."""
    deque(iterator, maxlen=0)


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
        # Whoosh's own idf (BM25F's): log(N / (df + 1)) + 1, df counting deleted postings
        self._plain_idf = (type(searcher.weighting).idf is WeightingModel.idf
                           and searcher.get_parent() is searcher)
        self._cache = _Lru(GENERATION_BUDGET)  # global sets of this generation
        self._scores = _Lru(SCORES_BUDGET)  # score lookups of this generation
        self._arrays: dict[Any, Any] = {}
        self._df: dict[tuple[str, Any], int] = {}
        self._deleted: set[int] | None = None
        self._types: tuple[str | None, list[tuple[str, set[int]]]] | None = None

    # -- postings ------------------------------------------------------------------------

    def _leaf_postings(self, seg: Any, field: str, term: Any) -> tuple[array, Any]:
        """(local ids, weights or None) of ``term`` in one segment, cached per process;
        the score codes of ``CODED`` blocks are cached beside them."""
        key = (seg.segment().segment_id(), field, term)
        found = _POSTINGS.get(key)
        if found is None:
            ids, tfs, _, codes = _read_postings(seg, field, term)
            found = (ids, tfs)
            _POSTINGS.put(key, found, len(ids) + 1)
            if codes is not None:
                _POSTINGS.put((*key, "codes"), codes, len(codes) // 2 + 1)
        return found

    def _leaf_codes(self, seg: Any, field: str, term: Any) -> array:
        """``tf * 256 + length byte`` of each posting of ``term`` in one segment: all a
        BM25 score depends on besides the generation's idf and average length."""
        key = (seg.segment().segment_id(), field, term, "codes")
        found = _POSTINGS.get(key)
        if found is None:
            ids, tfs = self._leaf_postings(seg, field, term)
            found = _POSTINGS.get(key)  # read with the postings (CODED blocks)
            if found is not None:
                return found
            if tfs is None:  # the codes were evicted: read them again
                ids, tfs, _, codes = _read_postings(seg, field, term)
                if codes is not None:
                    _POSTINGS.put(key, codes, len(codes) // 2 + 1)
                    return codes
            lengths = self._leaf_column_bytes(seg, _lenfield(field), LENGTHS_COLUMN)
            found = array("I", map(add, map((256).__mul__, map(int, tfs)),
                                   map(lengths.__getitem__, ids)))
            _POSTINGS.put(key, found, len(found) // 2 + 1)
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

    def excluded(self, include_hidden: bool = False) -> set[int]:
        """Deleted documents, and hidden ones unless ``include_hidden``: one set to remove
        from every match."""
        if include_hidden:
            return self.deleted()
        return self.memo("excluded", lambda: self.deleted() | self.hidden())

    def doc_frequency(self, field: str, term: Any) -> int:
        """Documents with ``term`` (deleted ones included), remembered for the generation."""
        key = (field, term)
        found = self._df.get(key)
        if found is None:
            found = self._df[key] = self.searcher.doc_frequency(field, term)
        return found

    def docset(self, field: str, terms: tuple) -> set[int]:
        """Documents (deleted ones included) with the term ``terms[0]``, or with the phrase
        ``terms`` when there are several."""
        key = ("docs", field, terms)
        found = self._cache.get(key)
        if found is not None:
            return found
        out: set[int] = set()
        if len(terms) > 1 and not all(self.doc_frequency(field, t) for t in terms):
            return self._remember(key, out)  # a word of the phrase is nowhere
        for seg, off in self.leaves:
            local = (self._leaf_postings(seg, field, terms[0])[0] if len(terms) == 1
                     else self._leaf_phrase(seg, field, terms))
            out.update(local if not off else map(off.__add__, local))
        return self._remember(key, out)

    def _leaf_phrase(self, seg: Any, field: str, terms: tuple) -> set[int] | frozenset[int]:
        key = (seg.segment().segment_id(), field, terms)
        found = _PHRASES.get(key)
        if found is not None:
            return found
        fmt = self.schema[field].format
        df = {t: len(self._leaf_postings(seg, field, t)[0]) for t in terms}
        result: Iterable[int] = ()
        if isinstance(fmt, RawPositions):
            if all(df.values()):
                result = _raw_phrase(seg, field, terms, df)
        else:
            candidates: set[int] | None = None
            for term in dict.fromkeys(terms):
                ids = self._leaf_postings(seg, field, term)[0]
                candidates = set(ids) if candidates is None else candidates.intersection(ids)
                if not candidates:
                    break
            if candidates:
                result = _pickled_phrase(seg, field, terms, candidates, fmt)
        # a set from _raw_phrase is new and never modified: kept as is, without a copy
        frozen = result if isinstance(result, (set, frozenset)) else frozenset(result)
        _PHRASES.put(key, frozen, len(frozen) + 1)
        return frozen

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

    def _scored_leaves(self, field: str, term: Any, weight: float
                       ) -> list[tuple[array, array, dict[int, float], int]]:
        """Per segment: (local ids, score codes, code -> weighted BM25 score, offset)."""
        norm = self._lengths(field)[1]
        present = []
        for seg, off in self.leaves:
            ids = self._leaf_postings(seg, field, term)[0]
            if ids:
                present.append((seg, off, ids))
        if not present:
            return []
        if self._plain_idf:  # Whoosh's idf, from the postings just read (no term lookups)
            df = sum(len(ids) for _seg, _off, ids in present)
            idf = math.log(self.doc_count_all / (df + 1)) + 1
        else:
            idf = self.searcher.idf(field, term)
        c = weight * idf * (K1 + 1)
        out = []
        for seg, off, ids in present:
            codes = self._leaf_codes(seg, field, term)
            table = {k: c * (k >> 8) / ((k >> 8) + norm[k & 255]) for k in set(codes)}
            out.append((ids, codes, table, off))
        return out

    def dense(self, count: int) -> bool:
        """Whether a lookup over ``count`` documents is best kept as a dense array."""
        return count > DENSE_SHARE * self.doc_count_all

    def lookup(self, dense: bool) -> Lookup:
        """An empty score lookup."""
        return array("f", bytes(4 * self.doc_count_all)) if dense else {}

    def remember_scores(self, key: Any, value: tuple[list[int], Lookup]
                        ) -> tuple[list[int], Lookup]:
        """Keep (documents, score lookup) for this generation (``SCORES_BUDGET``)."""
        docs, lookup = value
        size = (lookup.itemsize * len(lookup) if isinstance(lookup, array)
                else DICT_ENTRY_BYTES * len(lookup))
        self._scores.put(key, value, size + 8 * len(docs) + 64)
        return value

    def cached_scores(self, key: Any) -> tuple[list[int], Lookup] | None:
        return self._scores.get(key)

    def scored(self, term: Any, weights: tuple[tuple[str, float], ...]
               ) -> tuple[DocList, Lookup]:
        """(documents with ``term`` in the first field, ascending, deleted ones included;
        their BM25F: ``sum(weight * bm25(field))`` over ``weights``), cached for this
        generation. The first field must hold every document of the others (as `text`
        does). The list and the lookup replace a set: no hashing of every document; the
        list is built only if iterated (``DocList``)."""
        key = ("scores", term, weights)
        found = self._scores.get(key)
        if found is not None:
            return found
        (first, weight), *others = weights
        leaves = self._scored_leaves(first, term, weight)
        docs = DocList([(ids, off) for ids, _codes, _table, off in leaves])
        out = self.lookup(self.dense(len(docs)))
        # A dense array is written through a view of each segment's range: local ids.
        view = memoryview(out) if isinstance(out, array) else None
        for ids, codes, table, off in leaves:
            values = map(table.__getitem__, codes)
            if view is not None:
                part = view[off:]
                _run(map(part.__setitem__, ids, values))
            else:
                out.update(zip(map(off.__add__, ids), values, strict=True))
        for field, weight in others:
            for ids, codes, table, off in self._scored_leaves(field, term, weight):
                if view is not None:
                    part = view[off:]
                    _run(map(part.__setitem__, ids,
                             map(add, map(part.__getitem__, ids),
                                 map(table.__getitem__, codes))))
                else:
                    gids = list(map(off.__add__, ids))
                    old = map(out.get, gids, repeat(0.0))
                    out.update(zip(gids, map(add, old, map(table.__getitem__, codes)),
                                   strict=True))
        if view is not None:
            view.release()
        found = (docs, out)
        self.remember_scores(key, found)
        return found

    def scores(self, term: Any, weights: tuple[tuple[str, float], ...]) -> Lookup:
        """The lookup of ``scored``."""
        return self.scored(term, weights)[1]

    def member(self, lookup: Lookup) -> Any:
        """A C-callable test "has a score in ``lookup``" (scores are always positive)."""
        return lookup.__getitem__ if isinstance(lookup, array) else lookup.__contains__

    def count_list(self, docs: list[int]) -> dict[str, int]:
        """``count_by_type`` for a list of distinct documents."""
        major, minors = self.types()
        counts: dict[str, int] = {}
        rest = len(docs)
        for name, members in minors:
            n = sum(map(members.__contains__, docs))
            if n:
                counts[name] = n
            rest -= n
        if rest and major is not None:
            counts[major] = rest
        return counts

    def of_type_list(self, docs: list[int], doc_type: str | None) -> list[int]:
        """``of_type`` for a list."""
        if not doc_type:
            return docs
        major, minors = self.types()
        if doc_type == major:
            out: Iterable[int] = docs
            for _name, members in minors:
                out = filterfalse(members.__contains__, out)
            return list(out)
        for name, members in minors:
            if name == doc_type:
                return list(filter(members.__contains__, docs))
        return []

    def bm25(self, field: str, term: Any, docs: set[int], boost: float = 1.0
             ) -> dict[int, float]:
        """Whoosh's BM25F score of ``term`` in ``field`` for each of ``docs`` (which must
        all contain the term)."""
        get = self.scores(term, ((field, 1.0),)).__getitem__
        if boost == 1.0:
            return dict(zip(docs, map(get, docs), strict=True))
        return dict(zip(docs, map(float(boost).__mul__, map(get, docs)), strict=True))

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
