"""Two app servers sharing one Redis for their caches: a page stored by one is served by
the other, and an answer posted on one shows at once on the other's anonymous page."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from forum.extensions import db
from tests.conftest import second_app
from tests.factories import make_question, make_user

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="FORUM_TEST_REDIS_URL not set")
SHARED = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_URL,
          "CACHE_KEY_PREFIX": "officina-test-pages:", "PAGE_CACHE_SECONDS": 60,
          "RENDER_CACHE_SECONDS": 60}


@pytest.fixture
def app_overrides() -> dict:
    """Server A: both caches on, in Redis."""
    return dict(SHARED)


@pytest.fixture
def server_b(app: Flask) -> Iterator[Flask]:
    """A second app instance on the same database and the same Redis."""
    with second_app(app, **SHARED) as other:
        yield other


def _anonymous(server: Flask, path: str) -> tuple[str, str]:
    """A new visitor's GET, in an app context of its own as in production."""
    with server.app_context():
        response = server.test_client().get(path)
    assert response.status_code == 200
    return response.headers["X-Cache"], response.get_data(as_text=True)


def _signed_in(server: Flask, user_id: str) -> FlaskClient:
    client = server.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def test_an_answer_posted_on_a_shows_at_once_on_bs_anonymous_page(app, server_b) -> None:
    question = make_question(title="Chi firma la convenzione per i centri estivi?")
    author = make_user(display_name="Funzionaria del Comune")
    db.session.commit()
    path = f"/domande/{question.id}"
    assert _anonymous(app, path)[0] == "miss"
    state, html = _anonymous(server_b, path)
    assert state == "hit"  # B serves the page A stored in Redis
    assert question.title in html
    with app.app_context():
        posted = _signed_in(app, author.get_id()).post(f"{path}/risposte", data={
            "body": "La firma il dirigente del settore, dopo la delibera della giunta."})
    assert posted.status_code in (302, 303)
    state, html = _anonymous(server_b, path)
    assert state == "miss" and "dopo la delibera della giunta" in html
    assert _anonymous(app, path)[0] == "hit"  # and A now serves the page B stored
