"""The ``SearchBackend`` contract, run against every backend.

These tests use only the protocol's methods. A new engine is tested by adding one entry
to ``BACKENDS``: a function that opens an empty backend in a temporary folder (or on a
throwaway database) and returns it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search_index import SearchBackend, SearchResults, WhooshBackend, doc_id

from .factories import make_doc

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")


def _postgres(_folder: Path) -> SearchBackend:
    """The PostgreSQL backend on the test database, emptied (skipped without one)."""
    if not PG_URL:
        pytest.skip("PostgreSQL backend: set FORUM_TEST_DATABASE_URL to run it")
    from search_index import PostgresBackend

    opened = PostgresBackend(PG_URL)
    opened.apply([], list(opened.stamps()))
    return opened


BACKENDS: dict[str, Callable[[Path], SearchBackend]] = {
    "whoosh": lambda folder: WhooshBackend(folder / "whoosh"),
    "postgres": _postgres,
}


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.database) if name == "postgres"
                        else name for name in sorted(BACKENDS)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    """An empty backend of each kind."""
    opened = BACKENDS[request.param](tmp_path)
    yield opened
    opened.close()


def _ids(results: SearchResults) -> set[str]:
    return {h.doc_id for h in results.hits}


def test_every_backend_implements_the_protocol(backend):
    assert isinstance(backend, SearchBackend)


def test_applied_document_is_found(backend):
    backend.apply([make_doc("question:1", "Graduatoria del nido comunale",
                            "Criteri di priorità per le famiglie."),
                   make_doc("practice:2", "Affido familiare", "Famiglie affidatarie.")], [])
    results = backend.search("graduatoria nido")
    assert isinstance(results, SearchResults)
    assert _ids(results) == {"question:1"} and results.total == 1
    hit = results.hits[0]
    assert (hit.doc_id, hit.type, hit.id, hit.title) == (
        "question:1", "question", 1, "Graduatoria del nido comunale")
    assert _ids(backend.search("famiglie", type="practice")) == {"practice:2"}


def test_update_replaces_and_delete_removes(backend):
    backend.apply([make_doc("question:1", "Nido comunale"), make_doc("question:2", "Affido")],
                  [])
    backend.apply([make_doc("question:1", "Micronido aziendale", stamp="s2")], [])
    assert backend.search("comunale").total == 0
    assert _ids(backend.search("micronido")) == {"question:1"}
    backend.apply([], [doc_id("question", 2), doc_id("question", 404)])
    assert backend.search("affido").total == 0


def test_delete_wins_over_upsert_in_one_batch(backend):
    backend.apply([make_doc("question:1", "Nido")], [])
    backend.apply([make_doc("question:1", "Nido rifatto")], ["question:1"])
    assert backend.search("nido").total == 0 and dict(backend.stamps()) == {}


def test_invisible_documents_are_never_returned(backend):
    backend.apply([make_doc("question:1", "Graduatoria nido visibile"),
                   make_doc("practice:2", "Graduatoria nido nascosta", visible=False)], [])
    assert _ids(backend.search("graduatoria nido")) == {"question:1"}
    assert backend.more_like("graduatoria del nido", type="practice") == []
    assert "practice:2" in backend.stamps()  # indexed all the same


def test_theme_and_region_filters(backend):
    backend.apply([
        make_doc("question:1", "Nido aziendale", region="03"),
        make_doc("question:2", "Nido comunale", region="", theme="sostegno-economico",
                 themes=["sostegno-economico"]),
        make_doc("practice:3", "Nido nel bosco", region="03", theme="servizi-educativi-0-6",
                 themes=["servizi-educativi-0-6", "giovani"]),
    ], [])
    assert _ids(backend.search("nido", theme="sostegno-economico")) == {"question:2"}
    assert _ids(backend.search("nido", theme="giovani")) == {"practice:3"}
    assert _ids(backend.search("nido", region="03")) == {"question:1", "practice:3"}
    assert _ids(backend.search("nido", region="")) == {"question:2"}
    assert _ids(backend.search("nido", region="03", theme="giovani")) == {"practice:3"}


def test_related_excludes_the_given_ids(backend):
    backend.apply([
        make_doc("practice:1", "Graduatoria unica dei nidi", "Graduatoria nidi con ISEE."),
        make_doc("practice:2", "Graduatoria dei nidi d'unione", "Graduatoria nidi e ISEE."),
        make_doc("question:3", "Graduatoria del nido con ISEE?", "Come fare la graduatoria?"),
    ], [])
    text = "Come costruire la graduatoria dei nidi con l'ISEE"
    related = backend.more_like(text, type="practice")
    assert {h.doc_id for h in related} == {"practice:1", "practice:2"}
    assert all(h.type == "practice" for h in related)
    fewer = backend.more_like(text, type="practice", exclude=[doc_id("practice", 1)])
    assert {h.doc_id for h in fewer} == {"practice:2"}
    assert len(backend.more_like(text, type="practice", limit=1)) == 1


def test_rebuild_replaces_the_content_and_counts(backend):
    backend.apply([make_doc("question:1", "Vecchio nido"), make_doc("question:2", "Affido")],
                  [])
    progress: list[int] = []
    docs = (make_doc(f"question:{n}", f"Nuovo documento {n}") for n in range(1, 6))
    assert backend.rebuild(docs, progress=progress.append) == 5
    assert progress and progress[-1] == 5
    assert backend.search("vecchio").total == 0 and backend.search("affido").total == 0
    assert backend.search("nuovo").total == 5
    assert set(backend.stamps()) == {doc_id("question", n) for n in range(1, 6)}


def test_stamps_follow_applied_documents(backend):
    assert dict(backend.stamps()) == {}
    backend.apply([make_doc("question:1", "Nido", stamp="a"),
                   make_doc("practice:2", "Affido", stamp="b", visible=False)], [])
    assert dict(backend.stamps()) == {"question:1": "a", "practice:2": "b"}
    backend.apply([make_doc("question:1", "Nido", stamp="c")], ["practice:2"])
    assert dict(backend.stamps()) == {"question:1": "c"}


@pytest.mark.parametrize("q", ['"', "((", "AND OR NOT", "*", "nido:", "\x00", "", " " * 50])
def test_search_never_raises_on_any_text(backend, q):
    backend.apply([make_doc("question:1", "Nido")], [])
    assert isinstance(backend.search(q), SearchResults)
    assert isinstance(backend.more_like(q), list)


GROUP_DOCS = [
    make_doc("question:1", "Graduatoria nido pubblica", "Criteri per tutte le famiglie."),
    make_doc("question:2", "Graduatoria nido del tavolo", "Bozza zafferano riservata.",
             group=7),
    make_doc("practice:3", "Graduatoria nido sperimentale", "Scheda zafferano.", group=9),
]


def test_group_documents_reach_only_searchers_given_their_group(backend):
    backend.apply(GROUP_DOCS, [])
    public = backend.search("graduatoria nido")
    assert _ids(public) == {"question:1"}
    assert public.total == 1 and public.counts_by_type == {"question": 1}
    assert backend.search("zafferano").total == 0
    member = backend.search("graduatoria nido", groups=frozenset({7}))
    assert _ids(member) == {"question:1", "question:2"} and member.total == 2
    both = backend.search("graduatoria nido", groups=frozenset({7, 9}))
    assert both.counts_by_type == {"question": 2, "practice": 1}
    assert _ids(backend.search("zafferano", groups=frozenset({9}))) == {"practice:3"}
    assert _ids(backend.search("", per_page=50)) == {"question:1"}  # browsing, too
    assert backend.search("", groups=frozenset({7})).total == 2


def test_group_filter_applies_to_totals_and_pages(backend):
    docs = [make_doc(f"question:{n}", f"Mensa scolastica {n}", "Menu zafferano.",
                     group=7 if n % 2 else None) for n in range(1, 21)]
    backend.apply(docs, [])
    results = backend.search("mensa", per_page=5)
    assert results.total == 10 and results.pages == 2
    assert all(h.id % 2 == 0 for h in results.hits)
    assert backend.search("mensa", per_page=5, page=2).hits
    assert not backend.search("mensa", per_page=5, page=3).hits


def test_related_documents_of_a_group_only_for_its_readers(backend):
    backend.apply(GROUP_DOCS, [])
    text = "Come fare la graduatoria del nido con lo zafferano"
    assert {h.doc_id for h in backend.more_like(text, type="question")} == {"question:1"}
    assert backend.more_like(text, type="practice") == []
    assert {h.doc_id for h in backend.more_like(text, type="question",
                                                groups=frozenset({7}))} == {
        "question:1", "question:2"}
    assert {h.doc_id for h in backend.more_like(text, type="practice",
                                                groups=frozenset({9}))} == {"practice:3"}


def test_a_suggestion_never_offers_a_word_only_unreadable_documents_hold(backend):
    backend.apply(GROUP_DOCS, [])
    outside = backend.search("zaferano")
    assert outside.suggestion is None and outside.corrected is None and outside.total == 0
    inside = backend.search("zaferano", groups=frozenset({7}))
    assert inside.suggestion == "zafferano" and _ids(inside) == {"question:2"}


def test_a_group_document_moved_to_the_public_space_is_found_by_all(backend):
    backend.apply(GROUP_DOCS, [])
    backend.apply([make_doc("question:2", "Graduatoria nido del tavolo",
                            "Bozza zafferano pubblicata.", stamp="s2")], [])
    assert _ids(backend.search("zafferano")) == {"question:2"}
    backend.apply([make_doc("question:2", "Graduatoria nido del tavolo",
                            "Bozza zafferano riservata.", group=7, stamp="s3")], [])
    assert backend.search("zafferano").total == 0
