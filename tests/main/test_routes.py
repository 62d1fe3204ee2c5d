"""Home, language switch, preview, profiles, headers, error pages."""

from __future__ import annotations

from forum.extensions import db
from forum.models import User
from tests.factories import make_answer, make_question, make_user


def test_language_switch_to_english_and_back(client, app):
    assert "Domande" in client.get("/").get_data(as_text=True)
    response = client.post("/lingua", data={"lingua": "en", "next": "/domande"})
    assert response.status_code == 303 and response.headers["Location"] == "/domande"
    page = client.get("/domande").get_data(as_text=True)
    assert '<html lang="en">' in page
    client.post("/lingua", data={"lingua": "it"})
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_unknown_language_and_foreign_next(client, app):
    response = client.post("/lingua", data={"lingua": "xx", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_preview_renders_sanitised_markdown(client, login, app):
    login(make_user())
    response = client.post("/anteprima", data={"testo": "**ok** <script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>ok</strong>" in html and "<script" not in html
    assert client.post("/anteprima", data={"testo": "x" * 40_000}).status_code == 413


def test_preview_needs_sign_in(client, app):
    assert client.post("/anteprima", data={"testo": "ciao"}).status_code in (302, 401)


def test_profile_shows_organisation_region_reputation_and_posts(client, login, app):
    user = make_user(organisation="Ambito Sociale Valle Verde (fittizio)", region_code="05")
    question = make_question(user, title="Domanda del profilo sul centro per le famiglie")
    make_answer(make_question(), user)
    login(make_user())  # organisation and region are for members unless made public
    page = client.get(f"/utenti/{user.username}").get_data(as_text=True)
    assert "Ambito Sociale Valle Verde (fittizio)" in page and "Veneto" in page
    assert question.title in page and "1 risposta" in page
    assert client.get("/utenti/nessuno").status_code == 404


def test_profile_edit_keeps_text_on_error_and_saves_bio(client, login, app):
    user = make_user()
    login(user)
    bad = client.post("/profilo/modifica", data={
        "display_name": "Nome Nuovo", "organisation": "Ente", "organisation_type": "comune",
        "region_code": "99", "bio": "La mia presentazione da non perdere",
    })
    assert bad.status_code == 422
    assert "La mia presentazione da non perdere" in bad.get_data(as_text=True)
    ok = client.post("/profilo/modifica", data={
        "display_name": "Nome Nuovo", "organisation": "Ente", "organisation_type": "comune",
        "region_code": "12", "bio": "Mi occupo di nidi.",
    })
    assert ok.status_code == 303
    assert db.session.get(User, user.id).bio == "Mi occupo di nidi."


def test_security_headers_and_nonce_on_every_page(client, app):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "'nonce-" in csp
    assert "unsafe-inline" not in csp and "style-src 'self';" in csp  # styles held too
    assert ' style="' not in response.get_data(as_text=True)
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "charset=utf-8" in response.headers["Content-Type"]


def test_authenticated_pages_are_not_cached(client, login, app):
    login(make_user())
    assert client.get("/").headers.get("Cache-Control") == "no-store"


def test_error_pages_are_in_italian(client, app):
    page = client.get("/non-esiste").get_data(as_text=True)
    assert "Pagina non trovata" in page
    assert client.get("/non-esiste").status_code == 404
