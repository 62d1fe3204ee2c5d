"""Segments as the index grows: a rebuild's segments are never merged behind the user's
back (Whoosh's default policy merged all of them at 300,000 documents, in the rebuild's
last commit and again at the first update); updates' small segments stay few."""

from __future__ import annotations

import pytest

from search_index.whoosh import bulk, indexer

from .factories import make_doc


def _segment_sizes(index) -> list[int]:
    return sorted(seg.doc_count_all() for seg, _offset in index._fresh().leaves)


@pytest.fixture
def small_chunks(monkeypatch):
    """Rebuild segments of 5 documents: 8 of them make a set of segments that Whoosh's
    Fibonacci rule calls small (40 < fib(9)), the shape 23 x 12,500 has at 300,000."""
    monkeypatch.setattr(bulk, "SEGMENT_DOCS", 5)
    monkeypatch.setattr(indexer, "SMALL_SEGMENT_DOCS", 3)
    monkeypatch.setattr(indexer, "SMALL_SEGMENTS_MAX", 2)


def test_rebuild_keeps_its_segments_and_an_update_does_not_merge_them(make_index, small_chunks):
    index = make_index()
    docs = [make_doc(f"question:{n}", f"Domanda {n} sulle tariffe del nido") for n in range(40)]
    assert index.rebuild(docs, procs=1) == 40
    assert _segment_sizes(index) == [5] * 8

    index.apply([make_doc("question:3", "Domanda aggiornata sul micronido")], [])

    assert _segment_sizes(index) == [1] + [5] * 8
    assert index.search("tariffe nido").total == 39
    assert [h.doc_id for h in index.search("micronido").hits] == ["question:3"]


def test_many_updates_leave_few_small_segments_and_every_change_findable(make_index,
                                                                          small_chunks):
    index = make_index()
    index.rebuild([make_doc(f"question:{n}", f"Domanda {n} sul nido") for n in range(40)],
                  procs=1)
    for n in range(12):
        index.apply([make_doc(f"practice:{n}", f"Pratica {n} sul centro per le famiglie")], [])
        small = [size for size in _segment_sizes(index) if size < indexer.SMALL_SEGMENT_DOCS]
        assert len(small) <= indexer.SMALL_SEGMENTS_MAX + 1
    assert [size for size in _segment_sizes(index) if size == 5] == [5] * 8
    assert index.search("centro famiglie").total == 12
    assert index.search("nido").total == 40
