"""Fixtures: an app per test on a fresh database (SQLite by default, PostgreSQL when
FORUM_TEST_DATABASE_URL is set), clients, sign-in helper and a SQL statement counter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import event

from forum import create_app
from forum.extensions import db
from forum.models import User
from forum.seed.themes import ensure_themes

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1... under pytest -n


def _worker_pg_url(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a database of its own (`test_gw0`...), created
    when missing: two workers dropping one schema would break each other's tests."""
    if not url or not WORKER:
        return url
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{WORKER}"
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def _worker_redis_url(url: str | None) -> str | None:
    """One Redis database per worker (0, 1, ...): `limiter.reset()` empties only its own."""
    if not url or not WORKER:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(WORKER.removeprefix('gw') or 0) + 1}"))


PG_URL = _worker_pg_url(os.environ.get("FORUM_TEST_DATABASE_URL"))
if PG_URL:
    os.environ["FORUM_TEST_DATABASE_URL"] = PG_URL  # modules reading it directly agree
if os.environ.get("FORUM_TEST_REDIS_URL"):
    os.environ["FORUM_TEST_REDIS_URL"] = _worker_redis_url(os.environ["FORUM_TEST_REDIS_URL"]) or ""


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the suite runs on."""
    return f"database: {'PostgreSQL (' + PG_URL + ')' if PG_URL else 'SQLite (file per test)'}"


@pytest.fixture
def app_overrides() -> dict:
    """Configuration overrides for `app`; a test module redefines it to change settings."""
    return {}


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole run: each test's new app would otherwise
    compile every template again (a third of the suite's time went there)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


BYTECODE = SharedBytecode()


@pytest.fixture
def app(tmp_path, app_overrides) -> Iterator[Flask]:
    """The app with a fresh, empty schema and the twelve themes."""
    url = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    application = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url, **app_overrides)
    application.jinja_env.bytecode_cache = BYTECODE
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
