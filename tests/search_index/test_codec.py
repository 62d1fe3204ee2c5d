"""The split postings codec and raw positions: Whoosh reads them as before, the engine
reads them fast, and segments in Whoosh's own layout or format still work."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Positions

from search_index.analysis import analyze
from search_index.codec import RawPositions, SplitCodec, positions_array
from search_index.schema import build_schema

from .factories import make_doc
from .relevance import DOCS

PHRASES = ["piano di zona", "centro per le famiglie", "servizi sociali", "asilo nido"]
WORDS = ["famiglie", "nido", "isee", "comune", "affido"]


def _sets(index):
    engine = index._fresh()
    live = engine.live()
    out = {}
    for text in WORDS + PHRASES:
        stems = tuple(analyze(text))
        out[text] = engine.docset("text", stems) & live
        whoosh = wq.Term("text", stems[0]) if len(stems) == 1 else wq.Phrase("text", list(stems))
        assert out[text] == set(engine.searcher.docs_for_query(whoosh)), text
    return out


def test_raw_positions_round_trip():
    fmt = RawPositions()
    value = fmt.encode([0, 3, 70000])
    assert fmt.decode_positions(value) == [0, 3, 70000]
    assert fmt.decode_frequency(value) == 3
    assert list(positions_array(value + fmt.encode([5]))) == [0, 3, 70000, 5]
    assert isinstance(build_schema()["text"].format, RawPositions)


def test_segments_use_the_split_codec(make_index):
    index = make_index(DOCS)
    segments = index._ix._segments()
    assert segments and all(isinstance(s.codec(), SplitCodec) for s in segments)


def test_whoosh_layout_and_merges_read_the_same(make_index):
    index = make_index()
    index.apply(DOCS[:20], [])
    index.apply(DOCS[20:], [])
    split = _sets(index)
    hits = {q: [h.doc_id for h in index.search(q, per_page=50).hits] for q in WORDS + PHRASES}
    writer = index._ix.writer(codec=W3Codec())  # Whoosh's own block layout
    writer.commit(optimize=True)
    assert not any(isinstance(s.codec(), SplitCodec) for s in index._ix._segments())
    assert {k: len(v) for k, v in _sets(index).items()} == {k: len(v) for k, v in split.items()}
    assert {q: [h.doc_id for h in index.search(q, per_page=50).hits]
            for q in WORDS + PHRASES} == hits
    index.apply([make_doc("question:900", "Asilo nido e piano di zona", "Servizi sociali")], [])
    index._ix.writer(codec=SplitCodec()).commit(optimize=True)  # merged back, split again
    assert "question:900" in [h.doc_id for h in index.search('"piano di zona"').hits]


def test_indexes_with_pickled_positions_still_search(make_index, monkeypatch):
    """An index built before RawPositions keeps Whoosh's Positions in its schema."""

    def old_schema():
        schema = build_schema()
        for name in ("text", "title", "tags", "accepted"):
            schema[name].format = Positions()
        return schema

    monkeypatch.setattr("search_index.indexer.build_schema", old_schema)
    index = make_index(DOCS)
    assert type(index._fresh().schema["text"].format) is Positions
    found = _sets(index)
    assert found["piano di zona"] and found["centro per le famiglie"]
    assert index.search('"piano di zona"').hits
