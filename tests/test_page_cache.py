"""Anonymous micro-cache: hits carry this response's nonce and this visitor's CSRF token;
signed-in users, flashes, other cookies, errors and pages not opted in are never cached."""

from __future__ import annotations

import re

import pytest
from flask import Flask, flash, make_response, render_template_string
from flask.testing import FlaskClient

from forum.page_cache import CachedPage, PageCache, cacheable
from tests.factories import make_question, make_user


@pytest.fixture
def app_overrides() -> dict:
    """Cache on with a long TTL (the clock is patched where time matters), CSRF on."""
    return {"PAGE_CACHE_SECONDS": 60, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def other_client(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second visitor with its own cookies (same isolated client class as `client`)."""
    return app.test_client()


def _nonce_from_header(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def _csrf_from_page(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_second_anonymous_get_is_a_hit_with_a_fresh_nonce(client, app):
    question = make_question(title="Come calcolare le tariffe del nido comunale?")
    first = client.get(f"/domande/{question.id}")
    second = client.get(f"/domande/{question.id}")
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    body = second.get_data(as_text=True)
    assert question.title in body
    old, new = _nonce_from_header(first), _nonce_from_header(second)
    assert old != new
    assert f'nonce="{new}"' in body and old not in body
    assert body.count(f'nonce="{new}"') == first.get_data(as_text=True).count(f'nonce="{old}"')
    assert second.headers["X-Frame-Options"] == "DENY"
    assert "charset=utf-8" in second.headers["Content-Type"]


def test_hit_carries_the_visitors_own_csrf_token_and_its_forms_work(client, other_client, app):
    first = client.get("/domande")
    first_token = _csrf_from_page(first.get_data(as_text=True))
    hit = other_client.get("/domande")
    assert hit.headers["X-Cache"] == "hit"
    html = hit.get_data(as_text=True)
    token = _csrf_from_page(html)
    assert token != first_token and first_token not in html
    assert f'name="csrf_token" value="{token}"' in html  # the language switch form
    foreign = other_client.post("/lingua", data={"lingua": "en", "csrf_token": first_token})
    assert foreign.status_code == 400
    switched = other_client.post(
        "/lingua", data={"lingua": "en", "next": "/domande", "csrf_token": token}
    )
    assert switched.status_code == 303
    english = other_client.get("/domande")
    assert english.headers["X-Cache"] == "miss" and '<html lang="en">' in english.get_data(
        as_text=True
    )
    assert '<html lang="it">' in client.get("/domande").get_data(as_text=True)


def test_signed_in_users_are_never_served_from_the_cache(client, other_client, login, app):
    user = make_user(display_name="Lettrice Registrata")
    other_client.get("/")
    assert other_client.get("/").headers["X-Cache"] == "hit"
    login(user)
    for _ in range(2):
        response = client.get("/")
        assert "X-Cache" not in response.headers
        assert "Lettrice Registrata" in response.get_data(as_text=True)
    assert "Lettrice Registrata" not in other_client.get("/").get_data(as_text=True)


def test_a_remember_cookie_alone_bypasses_the_cache(client, other_client, app):
    other_client.get("/temi")
    client.set_cookie("remember_token", "qualcosa")
    assert "X-Cache" not in client.get("/temi").headers


def test_pending_flash_is_neither_served_from_nor_stored_in_the_cache(client, other_client, app):
    other_client.get("/temi")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Messaggio solo per te")]
    response = client.get("/temi")
    assert "X-Cache" not in response.headers
    assert "Messaggio solo per te" in response.get_data(as_text=True)
    assert "Messaggio solo per te" not in other_client.get("/temi").get_data(as_text=True)


def test_a_message_flashed_while_rendering_is_not_stored(client, other_client, app):
    @app.route("/prova/flash")
    @cacheable
    def flashing() -> str:
        flash("Avviso di passaggio", "info")
        return render_template_string("{{ get_flashed_messages()|join }}")

    assert "Avviso di passaggio" in client.get("/prova/flash").get_data(as_text=True)
    again = other_client.get("/prova/flash")
    assert again.headers["X-Cache"] == "miss"


def test_cache_expires_after_its_ttl(client, app):
    cache: PageCache = app.extensions["page_cache"]
    now = [1000.0]
    cache.clock = lambda: now[0]
    client.get("/temi")
    now[0] += 59
    assert client.get("/temi").headers["X-Cache"] == "hit"
    now[0] += 2
    assert client.get("/temi").headers["X-Cache"] == "miss"
    assert client.get("/temi").headers["X-Cache"] == "hit"


def test_endpoints_not_opted_in_are_never_cached(client, app):
    for _ in range(2):
        response = client.get("/accedi")
        assert response.status_code == 200 and "X-Cache" not in response.headers


def test_decorator_opts_a_view_in(client, app):
    @app.route("/prova/pubblica")
    @cacheable
    def public() -> str:
        return render_template_string("<p>pagina pubblica</p>")

    assert client.get("/prova/pubblica").headers["X-Cache"] == "miss"
    assert client.get("/prova/pubblica").headers["X-Cache"] == "hit"


def test_errors_and_pages_setting_other_cookies_are_not_stored(client, app):
    @app.route("/prova/biscotto")
    @cacheable
    def with_cookie():  # type: ignore[no-untyped-def]
        response = make_response(render_template_string("<p>biscotto</p>"))
        response.set_cookie("preferenza", "1")
        return response

    for path, status in (("/domande/999999", 404), ("/prova/biscotto", 200)):
        assert client.get(path).status_code == status
        assert client.get(path).headers["X-Cache"] == "miss"


def test_query_string_and_language_are_part_of_the_key(client, app):
    client.get("/domande?ordina=voti")
    assert client.get("/domande?ordina=recenti").headers["X-Cache"] == "miss"
    assert client.get("/domande?ordina=voti").headers["X-Cache"] == "hit"


def test_an_answer_shows_at_once_on_a_cached_page(client, login, app):
    """The stored page is checked against the content versions on every hit."""
    question = make_question(title="Come si rinnova la convenzione con il nido?")
    path = f"/domande/{question.id}"
    assert client.get(path).headers["X-Cache"] == "miss"
    assert client.get(path).headers["X-Cache"] == "hit"
    author = make_user(display_name="Autrice della Risposta")
    writer = app.test_client()
    with writer.session_transaction() as session:
        session["_user_id"] = author.get_id()
        session["_fresh"] = True
    token = _csrf_from_page(writer.get(path).get_data(as_text=True))
    posted = writer.post(f"{path}/risposte", data={
        "body": "Serve una delibera di giunta entro marzo, con il piano tariffario.",
        "csrf_token": token})
    assert posted.status_code in (302, 303)
    fresh = client.get(path)
    assert fresh.headers["X-Cache"] == "miss"
    assert "delibera di giunta entro marzo" in fresh.get_data(as_text=True)
    assert client.get("/").headers["X-Cache"] == "miss"  # home lists the new activity


def test_a_page_rendered_outside_shared_renders_follows_every_global_scope(client, app):
    client.get("/temi")
    assert client.get("/temi").headers["X-Cache"] == "hit"
    make_question(title="Una domanda nuova cambia i conteggi dei temi")
    assert client.get("/temi").headers["X-Cache"] == "miss"


def test_split_puts_fresh_values_everywhere():
    body = b'<meta content="TOK"><script nonce="NON"></script><input value="TOK">'
    page = CachedPage.split(body, "NON", "TOK", "text/html", expires=0)
    assert page.render("n2", "t2") == (
        b'<meta content="t2"><script nonce="n2"></script><input value="t2">'
    )


def test_filtered_list_counts_without_joins_or_eager_loads(client, app, query_counter):
    question = make_question(title="Domanda del tema giusto per il conteggio")
    make_question(theme_slug="affido-adozione")
    with query_counter.counting():
        page = client.get("/domande?tema=servizi-educativi-0-6&stato=non-risolte&tag=nido")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert question.title in html and "1 domanda" in html
    counts = [s for s in query_counter.statements if "count(" in s.lower()]
    assert len(counts) == 1
    assert "users" not in counts[0] and "body_html" not in counts[0]
    assert counts[0].count("JOIN") == 1  # only the theme join the filter needs
