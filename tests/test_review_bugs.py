"""Regression tests for what a review found by trying Officina as a new user would."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from forum.admin.catalogue import create_theme
from forum.i18n import machine_time
from forum.practices.services import change_status
from forum.search import service
from tests.factories import make_answer, make_practice, make_question, make_user


def test_rejecting_a_sign_up_with_a_very_long_reason_is_a_clear_4xx(client, login, app):
    pending = make_user(status="pending")
    login(make_user("admin"))
    response = client.post(f"/amministrazione/iscrizioni/{pending.id}/rifiuta",
                           data={"reason": "x" * 1_500})
    assert response.status_code in (303, 422)
    page = client.get(response.headers.get("Location", "/amministrazione/iscrizioni"))
    assert "al massimo 1000 caratteri" in page.get_data(as_text=True)


def test_breadcrumbs_never_link_to_none(client, login, app):
    member = make_user()
    for path in (f"/utenti/{member.username}", "/aiuto/privilegi"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="None"' not in page, path
    login(member)
    assert 'href="None"' not in client.get(f"/utenti/{member.username}").get_data(as_text=True)


def test_the_sign_in_link_on_the_sign_in_page_does_not_grow(client, app):
    page = client.get("/accedi?next=/domande").get_data(as_text=True)
    links = re.findall(r'href="(/accedi[^"]*)"', page)
    assert links and all("accedi%3F" not in link and "accedi?next%3D" not in link
                         for link in links)
    assert "/accedi?next=/domande" in links or "/accedi?next=%2Fdomande" in links


def test_time_elements_carry_whole_seconds():
    assert machine_time(datetime(2026, 3, 1, 9, 5, 7, 123456)) == "2026-03-01T09:05:07Z"


def test_pages_show_machine_times_without_microseconds(client, app):
    make_question()
    page = client.get("/domande").get_data(as_text=True)
    stamps = re.findall(r'<time datetime="([^"]+)"', page)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps)


def test_publishing_an_incomplete_practice_names_fields_by_their_labels(client, login, app):
    author, moderator = make_user(), make_user("moderator")
    practice = make_practice(author, status="bozza", funding_sources=[], results="")
    change_status(author, practice.id, "in-revisione")
    login(moderator)
    response = client.post(f"/buone-pratiche/{practice.slug}/stato",
                           data={"stato": "pubblicata"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "funding_sources" not in page and "Fonti di finanziamento" in page


class TestSearch:
    @pytest.fixture
    def app_overrides(self, tmp_path) -> dict:
        """Inline sync into an index in this test's folder."""
        return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}

    def test_an_admin_theme_can_be_searched_and_is_offered(self, client, app):
        theme = create_theme(make_user("admin"), name="Politiche per gli anziani")
        make_question(title="Servizi domiciliari per gli anziani soli", theme_slug=theme.slug)
        page = client.get(f"/cerca?q=anziani&tema={theme.slug}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert f'value="{theme.slug}"' in text and "Servizi domiciliari" in text
        assert client.get("/cerca?q=x&tema=tema-inesistente").status_code == 400

    def test_snippets_come_from_the_text_not_the_markdown(self, client, app):
        question = make_question(title="Graduatorie dei nidi comunali aperte",
                                 body="Abbiamo **una sola graduatoria aperta** tutto l'anno.")
        make_answer(question, body="Anche noi: _una graduatoria aperta_ e [il bando](https://e.it).")
        hits = service.search("graduatoria aperta").hits
        assert hits and all("**" not in h.snippet and "_una" not in h.snippet for h in hits)
        api = client.get("/api/v1/search?q=graduatoria+aperta").get_json()
        assert api["results"] and "**" not in api["results"][0]["snippet"]
        assert "[il bando]" not in api["results"][0]["snippet"]
