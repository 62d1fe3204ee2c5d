"""Connection set-up: SQLite pragmas, write transactions that take the lock up front."""

from __future__ import annotations

import contextvars
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from forum.extensions import db

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def committed_rows(statement: Any, params: dict[str, Any]) -> list[Any]:
    """Rows of a prebuilt read statement on a pooled DBAPI connection: for the one query
    of a cached page (content versions, the search outbox probe), where the ORM session
    and SQLAlchemy's transaction events (SQLite's explicit BEGIN) cost three times the
    query itself. One autocommit SELECT reads a consistent set; it sees committed rows
    only. `statement` is compiled once per process and database (keep it a constant)."""
    engine = db.engine
    sql, order, bound = _compiled(engine, statement)
    values = {**bound, **params}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql, tuple(values[name] for name in order) if order is not None
                       else values)
        rows = cursor.fetchall()
        cursor.close()
    finally:
        raw.close()  # back to the pool, rolled back
    return list(rows)


_COMPILED: dict[tuple[str, int], tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}


def _compiled(engine: Engine, statement: Any
              ) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """The SQL text of `statement` for this database, the order of its positional
    parameters (None: named) and the values it binds itself (a LIMIT...)."""
    key = (engine.dialect.name, id(statement))
    if key not in _COMPILED:
        compiled = statement.compile(dialect=engine.dialect)
        order = compiled.positiontup
        _COMPILED[key] = (str(compiled), tuple(order) if order is not None else None,
                          dict(compiled.params))
    return _COMPILED[key]


@contextmanager
def write_intent(session: Session | None = None) -> Iterator[None]:
    """Mark the transactions opened inside as writers (SQLite: BEGIN IMMEDIATE).

    On any exception the transaction is rolled back, so a refused action leaves
    nothing half-written and does not keep the lock. A deferred SQLite transaction
    that reads and then writes fails at once with "database is locked" when another
    writer got in between; taking the write lock at BEGIN makes writers queue on the
    busy timeout instead. `session` defaults to the app's scoped session.
    """
    session = session if session is not None else db.session()
    _end_deferred_read(session)
    token = _write_intent.set(True)
    try:
        yield
    except BaseException:
        session.rollback()  # release the write lock at once, never commit half
        raise
    finally:
        _write_intent.reset(token)


def in_write_intent() -> bool:
    """Whether the caller is inside `write_intent`: its writes join the transaction it
    is about to commit (used by `forum.jobs.enqueue`)."""
    return _write_intent.get()


def commit_or_conflict(message: str) -> None:
    """Commit; a unique constraint hit by a concurrent request becomes a 409, not a 500."""
    from sqlalchemy.exc import IntegrityError

    from forum.errors import Conflict

    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None


def upsert_insert(session: Session) -> Any:
    """`insert` with ON CONFLICT for the session's database (PostgreSQL or SQLite): the one
    way to write a row that a concurrent request may be writing too."""
    from sqlalchemy.dialects import postgresql, sqlite

    conn = session.connection()
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def flush_or_conflict(message: str) -> None:
    """Flush now; a unique constraint hit by a concurrent request becomes a 409 (used when
    more work must follow the insert in the same transaction)."""
    from sqlalchemy.exc import IntegrityError

    from forum.errors import Conflict

    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None


def _end_deferred_read(session: Session) -> None:
    """A read-only SQLite transaction begun without the write lock cannot take it later:
    end it so the next statement begins IMMEDIATE (CLI and background code read first)."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    conn = session.connection()
    if conn.dialect.name == "sqlite" and not conn.info.get("immediate"):
        session.commit()


def _wants_immediate() -> bool:
    """Only `write_intent` takes the write lock: a POST that loads the member, renders
    Markdown or checks a password before it writes must not hold the lock meanwhile."""
    return _write_intent.get()


class WriteOutsideIntent(RuntimeError):
    """A SQLite write in a transaction begun without the write lock (see `write_intent`)."""


def _without_lock(session: Session) -> bool:
    """True when this session's next write would run in a SQLite transaction begun without
    the write lock."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    if not session.in_transaction():
        return not _write_intent.get()
    return not session.connection().info.get("immediate")


def _complain(what: str) -> None:
    from flask import current_app

    if not has_request_context():
        return  # CLI commands and seeds run alone; requests are where writers queue
    message = f"{what} fuori da write_intent(): la transazione SQLite non ha il lock"
    if current_app.config.get("WRITE_INTENT_STRICT"):
        raise WriteOutsideIntent(message)
    logging.getLogger(__name__).warning(message)


def _before_flush(session: Session, _ctx: object, _instances: object) -> None:
    if (session.new or session.dirty or session.deleted) and _without_lock(session):
        _complain("Scrittura")


def _on_execute(state) -> None:  # type: ignore[no-untyped-def]
    if (state.is_update or state.is_delete or state.is_insert) and _without_lock(state.session):
        _complain("Aggiornamento")


def guard_writes() -> None:
    """Writes outside `write_intent` fail at once under contention on SQLite ("database is
    locked" on the lock upgrade): in tests they raise, elsewhere they are logged."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)


def configure_engine(app: Flask, engine: Engine) -> None:
    """Attach the SQLite pragmas and the BEGIN IMMEDIATE rule to one engine."""
    guard_writes()
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        immediate = _wants_immediate()
        conn.info["immediate"] = immediate
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
