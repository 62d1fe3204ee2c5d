"""Backup while the forum writes, restore into a fresh database, and check the copy.

A backup is only useful if it is one consistent snapshot: a score that counts a vote
the copy does not contain would be silently wrong after a restore. On SQLite and, when
FORUM_TEST_DATABASE_URL is set, on PostgreSQL (databases named after the process id,
created and dropped here).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from bench.load import derive_pg_url, drop_pg_database, recreate_pg_database
from forum import backup, create_app
from forum.answers.services import post_answer
from forum.database import write_intent
from forum.errors import DomainError
from forum.extensions import db
from forum.models import Answer, User, Vote
from forum.seed.themes import ensure_themes
from forum.votes.services import cast_vote
from tests.factories import make_answer, make_question, make_user

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
# The SQLite run covers SQLite; the PostgreSQL run tries only PostgreSQL.
BACKENDS = ["postgres"] if PG_URL else ["sqlite"]
NO_PROBLEMS = {"question_scores": 0, "answer_scores": 0, "answer_counts": 0,
               "duplicate_votes": 0, "reputation_drift": 0}


@pytest.fixture(params=BACKENDS)
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A source database with the current schema and an empty restore target."""
    if request.param == "sqlite":
        source, target = (f"sqlite:///{tmp_path / name}"
                          for name in ("source.sqlite3", "restored.sqlite3"))
    else:
        assert PG_URL is not None
        source, target = (derive_pg_url(PG_URL, f"{name}_{os.getpid()}")
                          for name in ("officina_backup_src", "officina_restore"))
        recreate_pg_database(source)
        recreate_pg_database(target)
    try:
        yield source, target
    finally:
        if request.param == "postgres":
            drop_pg_database(source)
            drop_pg_database(target)


@contextmanager
def app_on(url: str, *, create: bool = False) -> Iterator[Flask]:
    """The test app bound to `url`, inside an app context; `create` builds the schema."""
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if create:
            db.create_all()
            ensure_themes()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def seed() -> tuple[list[int], list[int], list[int]]:
    """Ten users, three questions with two answers each; returns their ids."""
    users = [make_user() for _ in range(10)]
    questions = [make_question(users[i]) for i in range(3)]
    answers = [make_answer(q, users[3 + 2 * i + j]) for i, q in enumerate(questions)
               for j in range(2)]
    ids = [u.id for u in users], [q.id for q in questions], [a.id for a in answers]
    db.session.commit()  # end the read snapshot the ids were loaded in
    return ids


class Writers:
    """Threads voting and answering through the services, each in its own app context."""

    def __init__(self, app: Flask, users: list[int], questions: list[int],
                 answers: list[int], threads: int = 3) -> None:
        self.app, self.users, self.questions, self.answers = app, users, questions, answers
        self.ops = 0
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(threads)]

    def __enter__(self) -> Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)

    def wait_for(self, ops: int, timeout: float = 30.0) -> None:
        """Block until `ops` writes are committed (or refused by a rule)."""
        deadline = time.monotonic() + timeout
        while self.ops < ops and not self.errors:
            assert time.monotonic() < deadline, f"writers stuck at {self.ops} operations"
            time.sleep(0.01)

    def _run(self, n: int) -> None:
        rng = random.Random(n)
        with self.app.app_context():
            try:
                while not self._stop.is_set():
                    self._one(rng)
                    with self._lock:
                        self.ops += 1
            except Exception as error:  # reported by the test, never lost in the thread
                self.errors.append(f"{type(error).__name__}: {error}"[:3000])
            finally:
                db.session.remove()

    def _one(self, rng: random.Random) -> None:
        try:
            # Read the user inside the write transaction: a plain read first would open a
            # deferred SQLite transaction that the service could not upgrade to a write.
            with write_intent():
                user = db.session.get(User, rng.choice(self.users))
                assert user is not None
                if rng.random() < 0.3:
                    post_answer(user, rng.choice(self.questions),
                                body=f"Risposta scritta durante il backup, numero {rng.random()}.")
                    return
                kind = rng.choice(("question", "answer"))
                post_id = rng.choice(self.questions if kind == "question" else self.answers)
                cast_vote(user, kind, post_id, rng.choice((1, -1, 0)))
        except DomainError:
            pass  # own post (403) or the same vote again (409): refused, nothing written


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _counts() -> tuple[int, int]:
    answers = db.session.execute(select(func.count(Answer.id))).scalar_one()
    votes = db.session.execute(select(func.count(Vote.id))).scalar_one()
    return answers, votes


@pytest.mark.slow
def test_backup_during_writes_restores_a_consistent_copy(
    urls: tuple[str, str], tmp_path: Path
) -> None:
    """The copy taken mid-way satisfies every invariant and holds part of the writes."""
    source, target = urls
    dump = tmp_path / "officina.backup"
    with app_on(source, create=True) as app:
        users, questions, answers = seed()
        with Writers(app, users, questions, answers) as writers:
            writers.wait_for(40)
            report = backup.backup_database(source, dump)
            writers.wait_for(writers.ops + 40)
        assert writers.errors == []
        db.session.commit()
        assert backup.consistency_problems() == NO_PROBLEMS
        final_answers, _final_votes = _counts()

    restored = backup.restore_database(target, dump)
    with app_on(target):
        assert backup.consistency_problems() == NO_PROBLEMS
        copied_answers, copied_votes = _counts()
    assert len(answers) < copied_answers < final_answers, "not a mid-way snapshot"
    assert copied_votes > 0
    assert restored.rows["answers"] == copied_answers
    if report.backend == "SQLite":
        assert report.rows == restored.rows
        assert _integrity(dump) == ["ok"]
        assert _integrity(tmp_path / "restored.sqlite3") == ["ok"]
        assert not Path(f"{dump}-wal").exists(), "the backup must be one self-contained file"
    else:
        assert report.tables >= 10


def test_cli_backup_and_restore_asks_before_replacing(
    urls: tuple[str, str], tmp_path: Path
) -> None:
    """`flask restore` changes nothing unless confirmed, interactively or with --yes."""
    source, target = urls
    dump = tmp_path / "officina.backup"
    with app_on(source, create=True) as app:
        users, _questions, _answers = seed()
        runner = app.test_cli_runner()
        result = runner.invoke(args=["backup", str(dump)])
        assert result.exit_code == 0, result.output
        assert "Backup completato" in result.output
        again = runner.invoke(args=["backup", str(dump)])
        assert again.exit_code == 1 and "esiste già" in again.output

    with app_on(target) as app:
        runner = app.test_cli_runner()
        for answer in ("n\n", ""):
            refused = runner.invoke(args=["restore", str(dump)], input=answer)
            assert refused.exit_code == 1, refused.output
            assert "Ripristino annullato" in refused.output
        assert "users" not in backup._row_counts(db.engine.url)
        done = runner.invoke(args=["restore", str(dump), "--yes"])
        assert done.exit_code == 0, done.output
        assert "Ripristino completato" in done.output
        assert "coerenti" in done.output
        assert db.session.execute(select(func.count(User.id))).scalar_one() == len(users)


def test_missing_postgres_client_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pg_dump / pg_restore on PATH the operator is told what to install."""
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    url = "postgresql+psycopg://officina@127.0.0.1/officina"
    with pytest.raises(backup.BackupError, match="pg_dump non trovato nel PATH"):
        backup.backup_database(url, tmp_path / "x.dump")
    fake = tmp_path / "y.dump"
    fake.write_bytes(b"PGDMP-not-really")
    with pytest.raises(backup.BackupError, match="pg_restore non trovato nel PATH"):
        backup.restore_database(url, fake)
    assert not (tmp_path / "x.dump").exists()


def test_restore_refuses_a_file_of_the_wrong_kind(tmp_path: Path) -> None:
    """A restore never starts from something that is not a backup for that database."""
    bogus = tmp_path / "note.txt"
    bogus.write_text("non è un database")
    target = tmp_path / "target.sqlite3"
    with pytest.raises(backup.BackupError, match="non è un backup SQLite"):
        backup.restore_database(f"sqlite:///{target}", bogus)
    with pytest.raises(backup.BackupError, match="non trovato"):
        backup.restore_database(f"sqlite:///{target}", tmp_path / "missing.backup")
    assert not target.exists()
