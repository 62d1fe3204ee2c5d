"""Reading Whoosh posting lists and phrase positions into arrays, block by block.

The engine (``engine.py``) builds its cached sets and scores from these; blocks written by
``codec.SplitCodec`` are read as plain arrays, older pickled blocks through Whoosh's own
decoding, memoised.
"""

from __future__ import annotations

import struct
import threading
from array import array
from collections import deque
from collections.abc import Iterable
from io import BytesIO
from itertools import accumulate, chain, compress, repeat
from operator import add, itemgetter, rshift
from pickle import load, loads
from typing import Any

import cachetools
import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from .codec import coded_block, positions_array, read_block, tagged_positions

POSTINGS_BUDGET = 6_000_000  # cached postings per process (about 8 bytes each)
PHRASE_BUDGET = 2_000_000
POSITIONS_MEMO = 200_000  # distinct encoded position lists remembered (most repeat)


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

    def as_array(self) -> np.ndarray:
        """The document numbers as an int64 array (without building the list)."""
        if self._items is not None:
            return np.fromiter(self._items, dtype=np.int64, count=self._size)
        if not self._parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + off
                               for ids, off in self._parts])


class LruCache:
    """A thread-safe least-recently-used cache bounded by the summed ``size`` of its
    values (the process-wide caches are shared by every WhooshBackend of the process)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._data: cachetools.LRUCache[Any, tuple[Any, int]] = cachetools.LRUCache(
            maxsize=budget, getsizeof=itemgetter(1))
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The summed size of the values held."""
        return int(self._data.currsize)

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._data.get(key)
            return None if found is None else found[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        """Keep `value` unless already there; one larger than the whole budget is not kept."""
        if size > self.budget:
            return
        with self._lock:
            if key not in self._data:
                self._data[key] = (value, size)


POSTINGS_CACHE = LruCache(POSTINGS_BUDGET)  # (segment id, field, term) -> (ids, tfs)
PHRASES_CACHE = LruCache(PHRASE_BUDGET)  # (segment id, field, terms) -> frozenset of local docnums
COLUMNS_CACHE = LruCache(4_000_000)  # (segment id, column) -> bytes, size in units of 8 bytes


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
    blocks: list[tuple[Any, Any, Any, Any]] = []
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
        coded = coded_block(raw, compression, bool(values and joined and wanted is None))
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


def read_postings(seg: Any, field: str, term: Any, values: bool = False,
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


def raw_phrase(seg: Any, field: str, terms: tuple, df: dict[str, int]) -> set[int]:
    """Local documents with the phrase ``terms`` (``RawPositions``).

    Every occurrence of a term is the integer ``doc << 32 | position``, ascending along a
    posting list; the k-th term of the phrase at ``p`` continues a start at ``p - k``.
    The rarest term (``df`` gives the postings per term) gives the candidate starts; each
    other term keeps those whose ``start + k`` it holds, found by binary search in its
    sorted occurrences (numpy: no step per occurrence, and the common words of a phrase
    are only read, never hashed). ``CODED`` blocks store occurrences in that form already;
    older blocks are converted. A start below position 0 borrows from the document bits,
    giving a position near 2**32 that no occurrence has.
    """
    order = sorted(enumerate(terms), key=lambda kt: df[kt[1]])
    starts: np.ndarray | None = None
    for k, term in order:
        found = _occurrences(seg, field, term)
        if starts is None:
            starts = found - k
        elif len(found):
            wanted = starts + k
            at = np.minimum(np.searchsorted(found, wanted), len(found) - 1)
            starts = starts[found[at] == wanted]
        else:
            starts = found
        if not len(starts):
            return set()
    return set((starts >> 32).tolist()) if starts is not None else set()


def _occurrences(seg: Any, field: str, term: Any) -> np.ndarray:
    """Every occurrence of ``term`` in one segment as ``local doc << 32 | position``,
    ascending (``raw_phrase``)."""
    keys: list[np.ndarray] = []
    for ids, _weights, values, _codes in _w3_blocks(seg, field, term, "tagged", None,
                                                    True) or []:
        if values is None:
            continue
        if isinstance(values, array):  # already doc << 32 | position
            keys.append(np.frombuffer(values, dtype=np.uint64).astype(np.int64))
            continue
        blob, lengths = values
        counts = np.asarray(lengths, dtype=np.int64) >> 2  # 4 bytes per position
        docs = np.repeat(np.asarray(ids, dtype=np.int64) << 32, counts)
        keys.append(docs + np.asarray(positions_array(blob), dtype=np.int64))
    if not keys:
        return np.zeros(0, dtype=np.int64)
    out = np.concatenate(keys) if len(keys) > 1 else keys[0]
    if len(out) > 1 and not bool(np.all(out[1:] >= out[:-1])):
        out = np.sort(out)
    return out


def pickled_phrase(seg: Any, field: str, terms: tuple, candidates: set[int], fmt: Any
                    ) -> Iterable[int]:
    """Local documents among ``candidates`` with the phrase ``terms`` (Whoosh's pickled
    ``Positions``, indexes built before ``RawPositions``)."""
    fast = type(fmt).decode_positions is Positions.decode_positions
    docs = list(candidates)
    encodings = []
    for term in terms:
        ids, _tfs, vals, _codes = read_postings(seg, field, term, values=True,
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


def sum_of(getters: list[Any], docs: Any) -> Iterable[float]:
    """Lazily, for each of ``docs``, the sum of ``getter(doc)`` over ``getters`` (C speed)."""
    out = map(getters[0], docs)
    for getter in getters[1:]:
        out = map(add, out, map(getter, docs))
    return out


def drain(iterator: Iterable[Any]) -> None:
    """Exhaust ``iterator`` (a ``map`` of setters) at C speed."""
    deque(iterator, maxlen=0)
