"""The set-based engine agrees with Whoosh's own matchers and BM25F scores, across several
segments and deletions."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from search_index.whoosh.analysis import analyze

from .factories import make_doc
from .relevance import DOCS

PHRASES = ["piano di zona", "centro per le famiglie", "famiglie affidatarie",
           "tutela della salute", "servizi sociali"]
WORDS = ["famiglie", "nido", "isee", "comune", "affido", "centro", "sostegno", "genitori"]


@pytest.fixture
def segmented(make_index):
    """The relevance corpus in several segments, with updated and deleted documents."""
    index = make_index()
    index.apply(DOCS[:15], [])
    index.apply(DOCS[15:30], [])
    index.apply(DOCS[30:], [])
    index.apply([make_doc("question:2", "Rette dei nidi", "Tariffe del nido per le famiglie")],
                ["question:8", "practice:19"])
    return index


def _whoosh_docs(searcher, q) -> set[int]:
    return set(searcher.docs_for_query(q))


def test_term_and_phrase_sets_match_whoosh(segmented):
    engine = segmented._fresh()
    searcher = engine.searcher
    deleted = engine.deleted()
    assert deleted  # the update and the deletes left deleted documents behind
    for word in WORDS:
        (stem,) = analyze(word)
        expected = _whoosh_docs(searcher, wq.Term("text", stem))
        assert engine.docset("text", (stem,)) - deleted == expected, word
    for phrase in PHRASES:
        stems = tuple(analyze(phrase))
        expected = _whoosh_docs(searcher, wq.Phrase("text", list(stems)))
        assert engine.docset("text", stems) - deleted == expected, phrase


def test_bm25_matches_whoosh_scores(segmented):
    engine = segmented._fresh()
    searcher = engine.searcher
    for word in WORDS:
        (stem,) = analyze(word)
        expected = {hit.docnum: hit.score
                    for hit in searcher.search(wq.Term("text", stem), limit=None)}
        got = engine.bm25("text", stem, set(expected))
        assert got == pytest.approx(expected), word
        few = set(list(expected)[:2])  # the lookup path, for small document sets
        assert engine.bm25("text", stem, few) == pytest.approx({d: expected[d] for d in few})


def test_columns_follow_the_documents(segmented):
    engine = segmented._fresh()
    created = engine.column("created")
    votes_field = engine.schema["votes"]
    votes = engine.column("votes")
    for docnum in engine.live():
        stored = engine.searcher.stored_fields(docnum)["display"]
        assert votes_field.from_column_value(votes[docnum]) == stored["votes"]
        assert created[docnum] == engine.schema["created"].to_column_value(stored["created"])


def test_search_results_are_the_same_after_merging_segments(segmented):
    queries = ["famiglie", "nido", '"piano di zona"', "asilo nido", "ATS", "caregiver"]
    before = {q: [h.doc_id for h in segmented.search(q, per_page=50).hits] for q in queries}
    writer = segmented._ix.writer()
    writer.commit(optimize=True)  # one segment
    after = {q: [h.doc_id for h in segmented.search(q, per_page=50).hits] for q in queries}
    assert after == before


def test_phrases_at_the_start_and_with_a_repeated_word_match_whoosh(make_index):
    """A phrase opening the text (its start at position 0) and one repeating a word are
    found exactly where Whoosh finds them, and nowhere the words are merely near."""
    index = make_index()
    index.apply([
        make_doc("question:1", "Centro famiglie", "Centro famiglie e centro per ragazzi"),
        make_doc("question:2", "Famiglie al centro", "Sostegno alle famiglie del centro"),
        make_doc("question:3", "Nido nido", "Il nido nido aziendale apre"),
    ], [])
    index.apply([make_doc("question:4", "Nido", "Un nido, poi un altro nido")], [])
    engine = index._fresh()
    for phrase in ("centro famiglie", "nido nido", "famiglie centro"):
        stems = tuple(analyze(phrase))
        expected = _whoosh_docs(engine.searcher, wq.Phrase("text", list(stems)))
        assert engine.docset("text", stems) == expected, phrase
    assert engine.docset("text", tuple(analyze("nido nido")))  # found, not just near


def test_saturation_is_bm25_without_its_idf(segmented):
    """Related documents weigh terms themselves: the engine's per-term BM25 tf part times
    Whoosh's idf is Whoosh's BM25 score."""
    engine = segmented._fresh()
    for word in WORDS:
        (stem,) = analyze(word)
        docs, values = engine.saturation("text", stem)
        idf = engine.searcher.idf("text", stem)
        scores = engine.bm25("text", stem, set(docs.tolist()))
        got = {d: v * idf for d, v in zip(docs.tolist(), values.tolist(), strict=True)}
        assert got == pytest.approx(scores), word
