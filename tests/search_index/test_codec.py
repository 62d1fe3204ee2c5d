"""The split postings codec and raw positions: Whoosh reads them as before, the engine
reads them fast, and segments in Whoosh's own layout or format still work."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Positions

from search_index.whoosh.analysis import analyze
from search_index.whoosh.codec import RawPositions, SplitCodec, positions_array
from search_index.whoosh.schema import build_schema

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


def test_raw_positions_index_the_same_terms_and_positions_as_whoosh_positions():
    field = build_schema()["text"]
    texts = [d.title + "\n" + d.body for d in DOCS] + [
        "Co-progettazione socio-sanitaria dell'ATS: P.I.P.P.I., 1.000 famiglie e l'asilo-nido",
        "", "  ; ", "www.inps.it — Sant'Anna, perché sì",
    ]
    for text in texts:
        fast = list(field.format.word_values(text, field.analyzer, mode="index"))
        slow = list(Positions.word_values(field.format, text, field.analyzer, mode="index"))
        assert sorted(fast) == sorted(slow), text


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

    monkeypatch.setattr("search_index.whoosh.indexer.build_schema", old_schema)
    index = make_index(DOCS)
    assert type(index._fresh().schema["text"].format) is Positions
    found = _sets(index)
    assert found["piano di zona"] and found["centro per le famiglie"]
    assert index.search('"piano di zona"').hits


def test_coded_blocks_hold_the_score_codes_and_tagged_positions(make_index):
    """Blocks written now carry ``tf * 256 + length byte`` per posting (what the engine
    scores from) and doc-tagged positions; both agree with what Whoosh itself reads."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    from search_index.whoosh import postings
    from search_index.whoosh.codec import BLOCK_LIMIT

    index = make_index(DOCS)
    engine = index._fresh()
    checked = 0
    for seg, _off in engine.leaves:
        for field in ("text", "title", "tags", "accepted"):
            for term in seg.lexicon(field):
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                ids, tfs, _vals, codes = postings.read_postings(seg, field, term)
                m = seg.postings(field, term)
                expected_ids, weights, positions = [], [], []
                while m.is_active():
                    expected_ids.append(m.id())
                    weights.append(m.weight())
                    positions.append(m.value_as("positions"))
                    m.next()
                lengths = engine._leaf_column_bytes(seg, _lenfield(field), LENGTHS_COLUMN)
                assert list(ids) == expected_ids
                assert tfs is None and codes is not None
                assert list(codes) == [int(w) * 256 + lengths[d]
                                       for d, w in zip(expected_ids, weights, strict=True)]
                assert [len(p) for p in positions] == [int(w) for w in weights]
                checked += 1
    assert checked > 100
    assert BLOCK_LIMIT >= 128


def test_long_posting_lists_span_several_coded_blocks(make_index):
    docs = [make_doc(f"question:{i}", f"Asilo nido numero {i}", "Tariffe del nido e ISEE.")
            for i in range(1, 2600)]
    index = make_index(docs)
    engine = index._fresh()
    assert len(engine.docset("text", ("nid",)) & engine.live()) == len(docs)
    assert len(engine.docset("text", ("asil", "nid")) & engine.live()) == len(docs)
    assert index.search('"asilo nido"').total == len(docs)
    index.apply([make_doc("question:1", "Solo tariffe", "Nessun servizio.")], [])
    assert index.search('"asilo nido"').total == len(docs) - 1
