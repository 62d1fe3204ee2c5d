"""Fixtures: one app for the session on a fresh database per test (SQLite by default,
PostgreSQL when FORUM_TEST_DATABASE_URL is set), clients, sign-in helper, SQL counter."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import event, text

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


# Modules that never open the application's database: the PostgreSQL run leaves them to the
# SQLite run instead of repeating them (search library, Markdown, file checks, catalogue).
DATABASE_FREE = ("search_index/", "test_markup.py", "test_architecture.py", "test_i18n.py")


# The longest modules, longest first. Under `--dist loadfile` a module runs whole on one
# worker, handed out in collection order: one of these collected last kept one worker busy
# for minutes after the other had finished (the SQLite run's last 4 % took 5 of its 16).
SLOW_FIRST = (
    "security/test_hostile_input.py", "browser/test_layout.py", "api/test_openapi.py",
    "browser/test_xss.py", "test_html_validity.py", "browser/test_accessibility.py",
    "test_cluster.py", "test_load.py", "security/test_markdown_budget.py",
    "browser/test_conversations.py", "test_app.py", "conversations/test_hostile.py",
    "browser/test_flows.py", "consultations/test_hostile.py",
)


def _where(item: pytest.Item) -> str:
    return Path(str(item.fspath)).relative_to(Path(__file__).parent).as_posix()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest modules first; in the PostgreSQL run, skip (visibly) what does not
    depend on the database."""
    rank = {where: n for n, where in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(_where(item), len(SLOW_FIRST)))  # stable
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="does not use the database: covered by the SQLite run")
    for item in items:
        uses_database = ("app" in getattr(item, "fixturenames", ())
                         or item.get_closest_marker("database") is not None)
        if not uses_database and _where(item).startswith(DATABASE_FREE):
            item.add_marker(skip)


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


def _new_app(url: str, overrides: dict, instance: str) -> Flask:
    application = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url, **overrides)
    application.jinja_env.bytecode_cache = BYTECODE
    application.instance_path = instance
    return application


def _fresh_schema() -> None:
    db.drop_all()
    db.create_all()
    ensure_themes()
    db.session.commit()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema and the twelve themes, built once per worker; each test gets a copy
    (a file copy costs ~2 ms, create_all plus the themes ~60 ms)."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    application = _new_app(f"sqlite:///{path}", {}, str(folder))
    with application.app_context():
        _fresh_schema()
        db.session.remove()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()
    return path


_PG_SCHEMA_BUILT = False
# The PostgreSQL search backend's documents: not a model (search_index.postgres owns them),
# so emptied here with the tables.
CLEAR_SEARCH_DOCUMENTS = ("DO $$ BEGIN IF to_regclass('search_documents') IS NOT NULL"
                          " THEN DELETE FROM search_documents; END IF; END $$")
_PG_SEQUENCES: list[str] = []


def _reset_postgresql() -> None:
    """Empty every table and restart ids, then the themes: like a new database.

    DELETE with the foreign-key triggers off (`session_replication_role = replica`) and the
    sequences set back costs ~15 ms; TRUNCATE of the 71 tables cost ~300 ms a test, most of
    the PostgreSQL run. A test that dropped the schema (the migration tests) leaves it to be
    rebuilt."""
    from sqlalchemy.exc import DBAPIError

    global _PG_SCHEMA_BUILT
    if not _PG_SCHEMA_BUILT:  # a database left by an older checkout may lack new columns
        _PG_SCHEMA_BUILT = True
        _fresh_schema()
        with db.engine.begin() as conn:
            conn.exec_driver_sql(CLEAR_SEARCH_DOCUMENTS)
        _PG_SEQUENCES[:] = db.session.scalars(text(
            "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = 'public'"))
        return
    try:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in db.metadata.sorted_tables:
                conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
            conn.exec_driver_sql(CLEAR_SEARCH_DOCUMENTS)
            if _PG_SEQUENCES:
                conn.exec_driver_sql("SELECT " + ", ".join(
                    f"setval('{name}', 1, false)" for name in _PG_SEQUENCES))
        ensure_themes()
        db.session.commit()
    except DBAPIError:
        db.session.rollback()
        _PG_SCHEMA_BUILT = False
        _reset_postgresql()


def _reset_sqlite(template: Path, path: Path) -> None:
    db.engine.dispose()
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(template, path)


_SHARED: dict[str, Flask] = {}


@pytest.fixture
def app(tmp_path: Path, app_overrides: dict, _sqlite_template: Path,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a database holding only the schema and the twelve themes.

    One application serves every test that keeps the default settings (creating one
    costs ~70 ms); its configuration, caches, limits and search index are reset after
    each test. A test module that overrides settings gets an application of its own.
    The database is a copy of a template (SQLite) or emptied tables (PostgreSQL).
    """
    shared = not app_overrides
    if PG_URL:
        url = PG_URL
    elif shared:
        url = f"sqlite:///{tmp_path_factory.getbasetemp() / 'shared.sqlite3'}"
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    application = _SHARED.get(url) if shared else None
    if application is None:
        application = _new_app(url, app_overrides, str(tmp_path))
        if shared:
            _SHARED[url] = application
    application.instance_path = str(tmp_path)
    # Flask-Limiter keeps `enabled` on its one global object, set by the last app created:
    # a module whose own app turns limits on would otherwise leave them on for the next.
    from forum.extensions import limiter
    limiter.enabled = bool(application.config.get("RATELIMIT_ENABLED", True))
    saved_config = dict(application.config)
    with application.app_context():
        if PG_URL:
            _reset_postgresql()
        else:
            _reset_sqlite(_sqlite_template, Path(url.removeprefix("sqlite:///")))
        try:
            yield application
        finally:
            db.session.remove()
            _release(application)
            if not shared:
                db.engine.dispose()
    application.config.clear()
    application.config.update(saved_config)


@contextmanager
def second_app(app: Flask, **config: Any) -> Iterator[Flask]:
    """Another instance of the app on the same database and instance folder (a second
    server or node), with `config` on top of the testing configuration; released after."""
    from forum import create_app

    other = create_app("config.TestingConfig",
                       SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **config)
    other.instance_path = app.instance_path
    try:
        yield other
    finally:
        busy = _dispose(other)
    assert not busy, (
        f"{busy} connection(s) of the second app still checked out: an object of the first "
        "app's session was loaded inside the second's context (read ids before entering)")


def _dispose(other: Flask) -> int:
    """Release a second app and close its pool; returns the connections still checked out.
    Such a connection is not closed by `dispose`: the garbage collector finds it open later,
    in whatever test runs then (PostgreSQL's driver warns, and warnings are errors here)."""
    with other.app_context():
        db.session.remove()
        _release(other)
        busy = int(getattr(db.engine.pool, "checkedout", lambda: 0)())
        db.engine.dispose()
    return busy


def _release(application: Flask) -> None:
    """What a test may leave in the application: an open index, job runners, cached pages,
    counted limits. Removed, so the next test starts as on a new application."""
    from forum.extensions import limiter

    index = application.extensions.pop("search_index", None)
    if index is not None:
        index.close()  # its segment files stay open until closed
    for runner in application.extensions.pop("jobs_runners", {}).values():
        stop = getattr(runner, "stop", None)
        if stop is not None:
            stop()
    application.extensions.pop("search_worker", None)
    cache = application.extensions.get("page_cache")
    if cache is not None:
        cache.clear()
    from forum.extensions import cache as render_cache

    render_cache.clear()  # keyed by versions, which restart with each test's database
    try:
        limiter.reset()
    except Exception:  # noqa: BLE001 - a limiter without storage has nothing to reset
        pass


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
