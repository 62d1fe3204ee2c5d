"""Backup and restore of the whole database, consistent while the forum keeps writing.

SQLite: the online backup API copies one read snapshot in a single step (with WAL the
writers carry on meanwhile; copying page by page would restart on every write). The copy
is switched to a rollback journal so the backup is one self-contained file.
PostgreSQL: `pg_dump --format=custom` (one snapshot) and `pg_restore --clean --if-exists
--no-owner` in a single transaction, so a failed restore changes nothing.
Messages are in Italian: they are shown to the operator by `flask backup` / `flask restore`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Subquery, create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.pool import NullPool

from forum import reputation
from forum.extensions import db
from forum.models import Answer, Question, Vote

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
SUMMARY_TABLES = {
    "users": "utenti", "questions": "domande", "answers": "risposte",
    "comments": "commenti", "votes": "voti",
}
Echo = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore could not be done; the message is meant for the operator."""


@dataclass(frozen=True)
class Report:
    """What a backup or restore did, for the summary line."""

    action: str
    backend: str
    path: Path
    size_bytes: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    tables: int = 0

    def summary(self) -> str:
        """One Italian line: file, size, time and the main row counts."""
        what = "Backup" if self.action == "backup" else "Ripristino"
        size = f"{self.size_bytes / 1_048_576:.2f} MB".replace(".", ",")
        counts = ", ".join(
            f"{SUMMARY_TABLES[name]} {self.rows[name]}" for name in SUMMARY_TABLES
            if name in self.rows
        )
        tables = f", {self.tables} tabelle" if self.tables else ""
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        return (f"{what} completato ({self.backend}): {self.path}, {size}, {seconds} s"
                f"{tables}{': ' + counts if counts else ''}.")


def _silent(_message: str) -> None:
    return None


def backend_name(url: str | URL) -> str:
    """'SQLite' or 'PostgreSQL'; anything else is refused."""
    name = make_url(url).get_backend_name()
    if name == "sqlite":
        return "SQLite"
    if name == "postgresql":
        return "PostgreSQL"
    raise BackupError(f"Database non supportato per backup e ripristino: {name}.")


def backup_database(url: str | URL, path: str | os.PathLike[str], *, overwrite: bool = False,
                    echo: Echo = _silent, busy_timeout: float = 10.0) -> Report:
    """Copy the database at `url` to the file `path`; the file appears only when complete."""
    target = make_url(url)
    backend = backend_name(target)
    dest = Path(path)
    if dest.exists() and not overwrite:
        raise BackupError(f"Il file {dest} esiste già: scegli un altro nome o usa --force.")
    if not dest.parent.is_dir():
        raise BackupError(f"La cartella {dest.parent} non esiste.")
    partial = dest.with_name(f".{dest.name}.parziale")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        if backend == "SQLite":
            rows, tables = _sqlite_backup(_sqlite_path(target), partial, echo, busy_timeout), 0
        else:
            rows, tables = {}, _pg_dump(target, partial, echo)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return Report("backup", backend, dest, dest.stat().st_size,
                  time.perf_counter() - started, rows, tables)


def restore_database(url: str | URL, path: str | os.PathLike[str], *, echo: Echo = _silent,
                     busy_timeout: float = 10.0) -> Report:
    """Replace the content of the database at `url` with the backup file `path`."""
    target = make_url(url)
    backend = backend_name(target)
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"File di backup non trovato: {source}.")
    started = time.perf_counter()
    if backend == "SQLite":
        _check_magic(source, SQLITE_MAGIC, "un backup SQLite")
        _sqlite_restore(source, _sqlite_path(target), echo, busy_timeout)
    else:
        _check_magic(source, PGDUMP_MAGIC, "un backup PostgreSQL (pg_dump --format=custom)")
        _pg_restore(target, source, echo)
    return Report("restore", backend, source, source.stat().st_size,
                  time.perf_counter() - started, _row_counts(target))


def consistency_problems() -> dict[str, int]:
    """Rows breaking the kept counters (all 0 on a sound database); needs an app context.

    Scores must equal the sum of their votes, answer counts the number of answers, one vote
    per user and post, and reputations their recomputation: a restored copy taken while
    the forum was writing must satisfy all of them, or the snapshot was not consistent.
    """
    question_votes = _totals(Vote.question_id, func.sum(Vote.value))
    answer_votes = _totals(Vote.answer_id, func.sum(Vote.value))
    answers = _totals(Answer.question_id, func.count(Answer.id))
    return {
        "question_scores": _mismatching(Question, Question.score, question_votes),
        "answer_scores": _mismatching(Answer, Answer.score, answer_votes),
        "answer_counts": _mismatching(Question, Question.answer_count, answers),
        "duplicate_votes": _duplicates(Vote.question_id) + _duplicates(Vote.answer_id),
        "reputation_drift": len(reputation.find_drift()),
    }


def _totals(group: InstrumentedAttribute[Any], value: ColumnElement[Any]) -> Subquery:
    """Per-id totals (`id`, `total`) over the rows where `group` is set."""
    return (select(group.label("id"), value.label("total"))
            .where(group.is_not(None)).group_by(group).subquery())


def _mismatching(model: type[Any], column: InstrumentedAttribute[int], sub: Subquery) -> int:
    """How many rows of `model` have `column` different from their total (0 when absent)."""
    return db.session.execute(
        select(func.count()).select_from(model)
        .outerjoin(sub, sub.c.id == model.id)
        .where(column != func.coalesce(sub.c.total, 0))
    ).scalar_one()


def _duplicates(column: InstrumentedAttribute[Any]) -> int:
    """(user, post) pairs with more than one vote row: the unique constraints forbid them."""
    groups = (select(Vote.user_id).where(column.is_not(None))
              .group_by(Vote.user_id, column).having(func.count() > 1).subquery())
    return db.session.execute(select(func.count()).select_from(groups)).scalar_one()


# --------------------------------------------------------------------------- SQLite


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Il database SQLite in memoria non si può salvare né ripristinare.")
    return Path(url.database)


def _sqlite_check(conn: sqlite3.Connection, what: str) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"Controllo di integrità fallito su {what}: {'; '.join(result[:5])}")


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in SUMMARY_TABLES if name in names}


def _sqlite_backup(db_path: Path, partial: Path, echo: Echo, busy_timeout: float) -> dict[str, int]:
    if not db_path.is_file():
        raise BackupError(f"Database SQLite non trovato: {db_path}.")
    src = sqlite3.connect(db_path, timeout=busy_timeout)
    try:
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        echo(f"Copia di {db_path} ({pages} pagine) in corso…")
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # one step: one read snapshot, writers are not blocked under WAL
            dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            echo("Verifica dell'integrità della copia…")
            _sqlite_check(dst, "la copia")
            return _sqlite_counts(dst)
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise BackupError(f"Backup SQLite non riuscito: {error}") from error
    finally:
        src.close()


def _sqlite_restore(source: Path, db_path: Path, echo: Echo, busy_timeout: float) -> None:
    try:
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"Impossibile aprire il backup {source}: {error}") from error
    try:
        echo(f"Verifica del backup {source}…")
        _sqlite_check(src, "il backup")
        names = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"users", "questions"} <= names:
            raise BackupError(f"{source} non sembra un backup di Officina: mancano le tabelle.")
        db_path.parent.mkdir(parents=True, exist_ok=True)
        echo(f"Ripristino in {db_path}…")
        dst = sqlite3.connect(db_path, timeout=busy_timeout)
        try:
            src.backup(dst)  # replaces every page under the write lock
            dst.execute("PRAGMA journal_mode = WAL")  # as the app runs it
            _sqlite_check(dst, "il database ripristinato")
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise BackupError(f"Ripristino SQLite non riuscito: {error}") from error
    finally:
        src.close()


# --------------------------------------------------------------------------- PostgreSQL


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} non trovato nel PATH: installa il client di PostgreSQL (pacchetto "
            "postgresql-client, stessa versione principale del server) e riprova."
        )
    return path


def _pg_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password (visible in `ps`) and the environment carrying it."""
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False
    )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        details = done.stderr.strip() or done.stdout.strip()
        raise BackupError(f"{what} non riuscito (codice {done.returncode}): {details[-2000:]}")
    return done.stdout


def _pg_dump(url: URL, partial: Path, echo: Echo) -> int:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    conninfo, env = _pg_connection(url)
    echo(f"pg_dump di {url.database} in corso…")
    _run([pg_dump, "--format=custom", "--no-password", f"--file={partial}",
          f"--dbname={conninfo}"], env, "pg_dump")
    listing = _run([pg_restore, "--list", str(partial)], env, "pg_restore --list")
    return sum(1 for line in listing.splitlines() if " TABLE DATA " in line)


def _pg_restore(url: URL, source: Path, echo: Echo) -> None:
    pg_restore = _pg_tool("pg_restore")
    conninfo, env = _pg_connection(url)
    listing = _run([pg_restore, "--list", str(source)], env, "pg_restore --list")
    if not all(f" TABLE public {name} " in listing for name in ("users", "questions")):
        raise BackupError(f"{source} non sembra un backup di Officina: mancano le tabelle.")
    echo(f"pg_restore in {url.database} in corso (una sola transazione)…")
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", "--no-password", f"--dbname={conninfo}", str(source)],
         env, "pg_restore")


# --------------------------------------------------------------------------- shared


def _check_magic(path: Path, magic: bytes, expected: str) -> None:
    with open(path, "rb") as handle:
        if handle.read(len(magic)) != magic:
            raise BackupError(f"{path} non è {expected}.")


def _row_counts(url: URL) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    for name in SUMMARY_TABLES if name in present}
    finally:
        engine.dispose()
