"""What the PostgreSQL backend adds to the protocol tests: its query language (phrases,
exclusions, synonyms, accents, elisions), safe snippets, sorting and very long texts.
Skipped without FORUM_TEST_DATABASE_URL."""

from __future__ import annotations

import os

import pytest

from search_index import SearchBackend

from .factories import NEEDS_PG, make_doc

pytestmark = NEEDS_PG


def ids(backend: SearchBackend, q: str, **kw: object) -> list[str]:
    return [h.doc_id for h in backend.search(q, **kw).hits]  # type: ignore[arg-type]


def test_phrases_exclusions_synonyms_accents_and_elisions(pg):
    pg.apply([
        make_doc("question:1", "Iscrizioni all'asilo nido comunale", "Posti e rette."),
        make_doc("question:2", "Nido aziendale e comunale", "Convenzione con le imprese."),
        make_doc("practice:3", "Assegno unico universale: lo sportello aiuta le famiglie"),
        make_doc("practice:4", "Perché la città ha scelto il nido d'infanzia nel bosco"),
    ], [])
    assert ids(pg, '"nido comunale"') == ["question:1"]
    assert set(ids(pg, "nido -aziendale")) == {"question:1", "practice:4"}
    assert ids(pg, "AUU") == ["practice:3"]  # an acronym of a synonym group
    assert set(ids(pg, "nido d'infanzia")) == {"question:1", "question:2", "practice:4"}
    assert ids(pg, '"nido infanzia"') == ["practice:4"]  # "d'" takes no position
    assert ids(pg, "citta perche") == ["practice:4"]  # accents are optional


def test_snippets_escape_the_text_and_mark_the_matched_words(pg):
    pg.apply([make_doc("question:1", "Graduatoria",
                       "<script>alert(1)</script> La graduatoria del nido & altro.")], [])
    snippet = pg.search("graduatorie").hits[0].snippet
    assert "<script" not in snippet  # ts_headline drops tags; any other text is escaped
    assert "<mark>graduatoria</mark>" in snippet and "&amp;" in snippet


def test_sorting_by_newest_and_by_votes(pg):
    pg.apply([make_doc(f"question:{n}", f"Mensa scolastica {n}", votes=v)
              for n, v in ((1, 5), (2, 0), (3, 2))], [])
    assert ids(pg, "mensa", sort="newest") == ["question:3", "question:2", "question:1"]
    assert ids(pg, "mensa", sort="votes") == ["question:1", "question:3", "question:2"]
    assert ids(pg, "", sort="relevance") == ["question:3", "question:2", "question:1"]


def test_a_very_long_text_is_indexed_and_found(pg):
    body = "relazione tecnica sul servizio " * 40_000 + " zafferano finale"
    pg.apply([make_doc("practice:1", "Relazione lunghissima", body)], [])
    assert ids(pg, "relazione tecnica") == ["practice:1"]


def test_a_rebuild_forgets_the_words_of_documents_that_changed(pg):
    from sqlalchemy import create_engine, text

    pg.apply([make_doc("question:1", "Zafferano nel menu della mensa")], [])
    pg.rebuild([make_doc("question:1", "Menu della mensa")])
    engine = create_engine(os.environ.get("FORUM_TEST_DATABASE_URL") or "")
    with engine.connect() as conn:
        words = set(conn.execute(text("SELECT word FROM search_words")).scalars())
    engine.dispose()
    assert "mensa" in words and "zafferano" not in words
    assert pg.search("zaferano").suggestion is None


def test_open_backend_opens_the_postgresql_backend_for_its_urls():
    from search_index import PostgresBackend, open_backend

    opened = open_backend(os.environ.get("FORUM_TEST_DATABASE_URL") or "")
    try:
        assert isinstance(opened, PostgresBackend)
    finally:
        opened.close()
    with pytest.raises(ValueError, match="no search backend"):
        open_backend("redis://127.0.0.1:6379/0")


def test_relevance_within_three_hundredths_of_the_whoosh_backend(pg, corpus):
    """The issue's bar on the judged set (``bench/relevance.py --backend both`` prints
    the figures: 0.953 vs 0.951 queries, 0.939 vs 0.939 related when written)."""
    from .relevance import DOCS, evaluate_queries, evaluate_related

    pg.rebuild(DOCS)
    queries, related = evaluate_queries(pg), evaluate_related(pg)
    print(queries.report("postgres queries"), related.report("postgres related"))
    assert queries.ndcg >= evaluate_queries(corpus).ndcg - 0.03
    assert related.ndcg >= evaluate_related(corpus).ndcg - 0.03
