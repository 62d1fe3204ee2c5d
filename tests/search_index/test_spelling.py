"""'Forse cercavi': suggestions and the automatic corrected retry."""

from __future__ import annotations

from .factories import make_doc

DOCS = [
    make_doc("question:1", "Affido familiare e contributi", "L'affido di un minore."),
    make_doc("question:2", "Affidamento a tempo pieno", "Le famiglie affidatarie."),
    make_doc("question:3", "Graduatoria del nido", "Il regolamento comunale del nido."),
]


def test_typo_gets_a_suggestion_and_an_automatic_retry(make_index):
    index = make_index(DOCS)
    results = index.search("afido")
    assert results.suggestion == "affido"
    assert results.corrected == "affido"
    assert {h.doc_id for h in results.hits} >= {"question:1", "question:2"}
    assert results.error is None


def test_correction_keeps_the_other_words(make_index):
    index = make_index(DOCS)
    results = index.search("afido familiare")
    assert results.suggestion == "affido familiare"
    assert results.hits and results.hits[0].doc_id == "question:1"


def test_typo_with_accents_and_case(make_index):
    index = make_index(DOCS)
    assert index.search("Graduatorai").suggestion == "graduatoria"


def test_known_words_get_no_suggestion(make_index):
    index = make_index(DOCS)
    results = index.search("affido nido")
    assert results.suggestion is None and results.corrected is None


def test_suggestion_without_retry_when_the_query_has_hits(make_index):
    index = make_index([*DOCS, make_doc("question:4", "Regolamnto", "Un refuso: regolamnto.")])
    results = index.search("regolamnto")
    assert results.hits and results.corrected is None


def test_nothing_close_means_no_suggestion(make_index):
    index = make_index(DOCS)
    results = index.search("zzzzqqqq")
    assert results.suggestion is None and results.total == 0


def test_word_forms_are_read_only_from_documents_the_searcher_may_read(make_index):
    index = make_index([
        make_doc("question:1", "Affidamento familiare", "L'affidamento a tempo pieno."),
        make_doc("question:2", "Affido del tavolo", "Un affido riservato.", group=4),
    ])
    assert index.search("afido").suggestion == "affidamento"
    assert index.search("afido", groups=frozenset({4})).suggestion == "affido"


def test_a_word_only_a_group_uses_is_not_suggested_outside_it(make_index):
    index = make_index([*DOCS, make_doc("question:4", "Zafferano", "Zafferano.", group=4)])
    assert index.search("zaferano").suggestion is None
    assert index.search("zaferano", groups=frozenset({4})).suggestion == "zafferano"
    assert index.search("zaferano", groups=frozenset({5})).suggestion is None
