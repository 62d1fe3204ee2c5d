"""Several app servers: the factory refuses a search index kept in one server's folder."""

from __future__ import annotations

import pytest

from forum import create_app
from forum.search.service import search_backend_name

PG = "postgresql+psycopg://officina@db.example/officina"


def _production(tmp_path, **overrides):  # type: ignore[no-untyped-def]
    settings = {"SECRET_KEY": "x" * 32,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    return create_app("config.ProductionConfig", **{**settings, **overrides})


def test_production_with_three_nodes_refuses_whoosh_with_a_clear_message(tmp_path):
    with pytest.raises(RuntimeError, match="NODES=3 con la ricerca Whoosh") as raised:
        _production(tmp_path, NODES=3)
    assert "FORUM_SEARCH_BACKEND=postgres" in str(raised.value)
    with pytest.raises(RuntimeError, match="Whoosh"):
        _production(tmp_path, NODES=2, SQLALCHEMY_DATABASE_URI=PG, SEARCH_BACKEND="whoosh")


def test_nodes_from_the_environment_are_read_as_a_number(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_NODES", "2")
    with pytest.raises(RuntimeError, match="NODES=2"):
        _production(tmp_path)
    monkeypatch.setenv("FORUM_NODES", "due")
    with pytest.raises(RuntimeError, match="NODES non valido"):
        _production(tmp_path)


def test_one_node_keeps_whoosh_and_several_start_on_postgres(tmp_path):
    assert _production(tmp_path).config["NODES"] == 1
    app = _production(tmp_path, NODES=3, SQLALCHEMY_DATABASE_URI=PG)
    assert search_backend_name(app.config) == "postgres"


def test_backend_name_follows_the_setting_then_the_database():
    assert search_backend_name({"SQLALCHEMY_DATABASE_URI": PG}) == "postgres"
    assert search_backend_name({"SQLALCHEMY_DATABASE_URI": "sqlite:///x"}) == "whoosh"
    assert search_backend_name({"SEARCH_BACKEND": "whoosh",
                                "SQLALCHEMY_DATABASE_URI": PG}) == "whoosh"
    assert search_backend_name({"SEARCH_BACKEND": "postgres"}) == "postgres"
