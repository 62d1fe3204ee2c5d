"""The PostgreSQL search backend in the app: chosen by SEARCH_BACKEND or by the database,
and changes indexed in the transaction that makes them (no outbox, nothing to wait for)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import SearchOutbox
from forum.search import service
from tests.conftest import PG_URL
from tests.factories import make_question

PG_ONLY = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (FORUM_TEST_DATABASE_URL)")


def _app(**config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    return app


@pytest.mark.parametrize(("uri", "setting", "expected"), [
    ("sqlite:///x.sqlite3", None, "whoosh"),
    ("postgresql+psycopg://u@h/db", None, "postgres"),
    ("postgresql://u@h/db", "", "postgres"),
    ("postgresql+psycopg://u@h/db", "whoosh", "whoosh"),
    ("sqlite:///x.sqlite3", "Postgres", "postgres"),
])
def test_the_backend_follows_the_setting_then_the_database(uri, setting, expected):
    app = _app(SQLALCHEMY_DATABASE_URI=uri, SEARCH_BACKEND=setting)
    assert service.backend_name(app) == expected


def test_an_unknown_backend_name_is_refused_clearly():
    with pytest.raises(ValueError, match="SEARCH_BACKEND"):
        service.backend_name(_app(SQLALCHEMY_DATABASE_URI="sqlite://", SEARCH_BACKEND="solr"))


@pytest.fixture
def app_overrides() -> dict:
    return {"SEARCH_SYNC": "inline"}


def titles(q: str) -> list[str]:
    return [h.title for h in service.search(q).hits]


def outbox() -> int:
    return db.session.scalar(select(func.count(SearchOutbox.id))) or 0


@PG_ONLY
def test_a_change_is_searchable_when_its_transaction_commits_and_not_before(app):
    from search_index import PostgresBackend

    assert isinstance(service.get_index(), PostgresBackend)
    question = make_question(title="Sportello unico per le rette del trasporto scolastico")
    assert titles("rette trasporto") == [question.title] and outbox() == 0
    question.title = "Sportello unico per le rette della mensa scolastica"
    db.session.flush()
    assert titles("mensa") == []  # another connection: the change is not committed yet
    db.session.commit()
    assert titles("mensa") == [question.title] and titles("trasporto") == []
    assert outbox() == 0


@PG_ONLY
def test_a_rolled_back_change_never_reaches_the_index(app):
    question = make_question(title="Calendario delle aperture del centro estivo comunale")
    question.title = "Calendario delle aperture della ludoteca comunale"
    db.session.flush()
    db.session.rollback()
    assert titles("ludoteca") == []
    assert titles("centro estivo") == ["Calendario delle aperture del centro estivo comunale"]
