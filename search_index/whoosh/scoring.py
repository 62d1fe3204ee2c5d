"""BM25F scores over cached postings: the scoring half of the query engine.

``Engine`` (``engine.py``) holds the postings, document sets, columns and types of one
searcher generation; this mixin turns postings into scores for it:

* ``scores(stem, weights)``: Whoosh's BM25F score of a term summed over weighted fields,
  for every document with the term, as one lookup (a dense array for common terms, a
  dict for rare ones) cached per searcher generation: a query then only looks scores up;
* ``bm25(field, stem, docs)``: the same for one field and given documents;
* ``saturation(field, stem)``: BM25's term-frequency part alone, for related documents.

A posting's score depends only on its term frequency and its field-length byte, so
scores are computed with numpy from the segments' cached ``tf * 256 + length byte``
codes (a few vector operations per segment, no Python step per posting). Kept apart
from ``engine.py`` because it is the one part that knows the BM25 formula.
"""

from __future__ import annotations

import math
from array import array
from typing import Any, TypeAlias

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .postings import DocList, LruCache

__all__ = ["B", "K1", "SCORES_BUDGET", "Lookup", "Scoring"]

K1 = 1.2  # Whoosh BM25F defaults
B = 0.75
SCORES_BUDGET = 64_000_000  # bytes of cached score lookups per searcher generation
DENSE_SHARE = 0.08  # a term in more than this share of the documents gets a dense array
DICT_ENTRY_BYTES = 100  # rough size of one dict entry with its int key and float value

# Scores by global docnum: an array('f') over every document (missing = 0.0; single
# precision halves the memory of cached lookups, ranking differences stay below 1e-7
# relative) or a dict holding only documents with a score; both are read with
# ``__getitem__``.
Lookup: TypeAlias = "array | dict[int, float]"


class Scoring:
    """BM25F scoring for ``Engine``, which provides the attributes and postings below."""

    searcher: Searcher
    leaves: list[tuple[Any, int]]
    doc_count_all: int
    _plain_idf: bool
    _arrays: dict[Any, Any]
    _scores: LruCache

    def _leaf_postings(self, seg: Any, field: str, term: Any) -> tuple[array, Any]:
        raise NotImplementedError

    def _leaf_codes(self, seg: Any, field: str, term: Any) -> array:
        raise NotImplementedError

    def _leaf_column_bytes(self, seg: Any, name: str, column: Any) -> bytes:
        raise NotImplementedError

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

    def _scored_leaves(self, field: str, term: Any, weight: float
                       ) -> list[tuple[array, np.ndarray, int]]:
        """Per segment holding ``term``: (local ids, their weighted BM25 scores, offset).
        Computed with numpy from the score codes, in the order and precision of
        ``c * tf / (tf + norm)`` in Python floats (the same bits)."""
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
        norms = np.asarray(norm, dtype=np.float64)
        out = []
        for seg, off, ids in present:
            codes = np.frombuffer(self._leaf_codes(seg, field, term), dtype=np.uint32)
            tf = (codes >> 8).astype(np.float64)
            out.append((ids, c * tf / (tf + norms[codes & 255]), off))
        return out

    def dense(self, count: int) -> bool:
        """Whether a lookup over ``count`` documents is best kept as a dense array."""
        return count > DENSE_SHARE * self.doc_count_all

    def lookup(self, dense: bool) -> Lookup:
        """An empty score lookup."""
        return array("f", bytes(4 * self.doc_count_all)) if dense else {}

    def remember_scores(self, key: Any, value: tuple[Any, Lookup]) -> tuple[Any, Lookup]:
        """Keep (documents, score lookup) for this generation (``SCORES_BUDGET``)."""
        docs, lookup = value
        size = (lookup.itemsize * len(lookup) if isinstance(lookup, array)
                else DICT_ENTRY_BYTES * len(lookup))
        self._scores.put(key, value, size + 8 * len(docs) + 64)
        return value

    def cached_scores(self, key: Any) -> tuple[Any, Lookup] | None:
        """(documents, lookup) kept by ``remember_scores``: a list or a ``DocList``."""
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
        docs = DocList([(ids, off) for ids, _values, off in leaves])
        if not leaves:
            out: Lookup = self.lookup(False)
        elif self.dense(len(docs)):
            # single precision, rounded after each field as an array("f") would be
            acc = np.zeros(self.doc_count_all, dtype=np.float32)
            for ids, values, off in leaves:
                acc[np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + off] = values
            for field, weight in others:
                for ids, values, off in self._scored_leaves(field, term, weight):
                    gids = np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + off
                    acc[gids] = acc[gids].astype(np.float64) + values
            out = array("f", acc.tobytes())
        else:
            keys = np.concatenate([np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + off
                                   for ids, _values, off in leaves])
            total = np.zeros(self.doc_count_all, dtype=np.float64)
            total[keys] = np.concatenate([values for _ids, values, _off in leaves])
            for field, weight in others:
                for ids, values, off in self._scored_leaves(field, term, weight):
                    gids = np.frombuffer(ids, dtype=np.uint32).astype(np.int64) + off
                    total[gids] += values
                    # the first field holds every document of the others (see above)
            out = dict(zip(keys.tolist(), total[keys].tolist(), strict=True))
        found = (docs, out)
        self.remember_scores(key, found)
        return found

    def saturation(self, field: str, term: Any, leaves: list[tuple[Any, int]] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(global docnums with ``term`` in ``field``, ascending, deleted ones included;
        BM25's term-frequency part ``(K1 + 1) * tf / (tf + K1 * length norm)`` for each).
        What a BM25 score is before its idf: related documents weigh terms their own way
        (``related.py``, which keeps the part it needs per generation). Computed with numpy
        over the segments' score codes: no Python step per posting; not cached here, so
        that arrays over every document do not push the search's score tables out.
        ``leaves`` restricts it to some of the segments (``(reader, offset)`` pairs)."""
        norm = np.asarray(self._lengths(field)[1], dtype=np.float64)
        docs, values = [], []
        for seg, off in self.leaves if leaves is None else leaves:
            ids = self._leaf_postings(seg, field, term)[0]
            if not ids:
                continue
            codes = np.asarray(self._leaf_codes(seg, field, term), dtype=np.int64)
            tf = (codes >> 8).astype(np.float64)
            docs.append(np.asarray(ids, dtype=np.int64) + off)
            values.append((K1 + 1) * tf / (tf + norm[codes & 255]))
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(docs), np.concatenate(values)

    def scores(self, term: Any, weights: tuple[tuple[str, float], ...]) -> Lookup:
        """The lookup of ``scored``."""
        return self.scored(term, weights)[1]

    def member(self, lookup: Lookup) -> Any:
        """A C-callable test "has a score in ``lookup``" (scores are always positive)."""
        return lookup.__getitem__ if isinstance(lookup, array) else lookup.__contains__

    def bm25(self, field: str, term: Any, docs: set[int], boost: float = 1.0
             ) -> dict[int, float]:
        """Whoosh's BM25F score of ``term`` in ``field`` for each of ``docs`` (which must
        all contain the term)."""
        get = self.scores(term, ((field, 1.0),)).__getitem__
        if boost == 1.0:
            return dict(zip(docs, map(get, docs), strict=True))
        return dict(zip(docs, map(float(boost).__mul__, map(get, docs)), strict=True))

