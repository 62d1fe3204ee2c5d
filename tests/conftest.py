"""Fixtures: an app per test on a fresh database (SQLite by default, PostgreSQL when
FORUM_TEST_DATABASE_URL is set), clients, sign-in helper and a SQL statement counter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from forum import create_app
from forum.extensions import db
from forum.models import User
from forum.seed.themes import ensure_themes

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the suite runs on."""
    return f"database: {'PostgreSQL (' + PG_URL + ')' if PG_URL else 'SQLite (file per test)'}"


@pytest.fixture
def app_overrides() -> dict:
    """Configuration overrides for `app`; a test module redefines it to change settings."""
    return {}


@pytest.fixture
def app(tmp_path, app_overrides) -> Iterator[Flask]:
    """The app with a fresh, empty schema and the twelve themes."""
    url = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    application = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url, **app_overrides)
    application.instance_path = str(tmp_path)
    with application.app_context():
        db.drop_all()
        db.create_all()
        ensure_themes()
        yield application
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    index = application.extensions.pop("search_index", None)
    if index is not None:
        index.close()  # its segment files stay open until closed


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (own `g`, own database session), as in
    production; the test's session ends its transaction first and reloads afterwards."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client whose requests are isolated from the test's own session."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def login(client: FlaskClient):
    """Sign a user in on the shared client: `login(user)`."""

    def _login(user: User) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return _login


@pytest.fixture
def runner(app: Flask):
    """A CLI runner of the app."""
    return app.test_cli_runner()


class QueryCounter:
    """Counts SQL statements sent to the database inside `counting()`."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    @contextmanager
    def counting(self) -> Iterator[QueryCounter]:
        self.count = 0
        self.statements = []

        def _count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT")):
                self.count += 1
                self.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _count)
        try:
            yield self
        finally:
            event.remove(db.engine, "before_cursor_execute", _count)


@pytest.fixture
def query_counter(app: Flask) -> QueryCounter:
    """A statement counter bound to the test's engine."""
    return QueryCounter()
