"""Short form of bench/load.py: real clients through gunicorn must leave the data exact.

Runs on SQLite, and on PostgreSQL when FORUM_TEST_DATABASE_URL is set, in a database of
its own (`officina_load_test_<pid>`): the suite's tables in `test` are never touched, and
two runs at once do not drop each other's database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import load

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
# The SQLite run covers SQLite; the PostgreSQL run tries only PostgreSQL.
BACKENDS = ["postgres"] if PG_URL else ["sqlite"]
CLIENTS, VOTES = 8, 20


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_votes_and_posts_keep_every_invariant(backend: str, tmp_path: Path) -> None:
    """Exact scores, one vote per user and post, no drift, no 5xx, no 'database is locked'."""
    opts = load.Options.quick(clients=CLIENTS, requests=VOTES, post_seconds=3,
                              counterexamples=True)
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
    else:
        assert PG_URL is not None
        url = load.derive_pg_url(PG_URL, f"officina_load_test_{os.getpid()}")
    try:
        report = load.run_database(backend, url, opts, tmp_path / "run")
    finally:
        if backend == "postgres":
            load.drop_pg_database(url)

    assert not load.group_alive(report["gunicorn_pid"]), "gunicorn left running"
    votes, posts = report["votes"], report["posts"]
    assert votes["requests"] == CLIENTS * VOTES
    assert {"200", "403", "404", "409"} <= set(votes["statuses"]), votes["statuses"]
    assert set(votes["accepted"]) == {"vote", "unvote", "change"}, votes["accepted"]
    assert votes["server_errors"] == 0 and posts["server_errors"] == 0
    assert votes["unexpected"] == 0 and posts["unexpected"] == 0, report["failures"]
    assert votes["rows_vs_clients"] == 0, "vote rows differ from what the clients were told"
    for when, problems in report["invariants"].items():
        assert not any(problems.values()), (when, problems)
    assert set(posts["created"]) == {"question", "answer", "comment"}, posts["created"]
    assert posts["unreadable"] == 0
    assert posts["redirect_get"]["statuses"] == {"200": posts["requests"]}
    assert report["log"]["database_locked"] == 0
    assert report["failures"] == []

    examples = report["counterexamples"]
    assert examples["atomic_update"]["lost"] == 0
    assert examples["naive_read_then_write"]["lost"] >= 0
    if backend == "sqlite":
        deferred, immediate = examples["sqlite_deferred_begin"], examples["sqlite_begin_immediate"]
        assert deferred["committed"] + deferred["database_locked"] == deferred["attempts"]
        assert deferred["final_score"] == deferred["committed"]
        assert immediate["database_locked"] == 0
        assert immediate["final_score"] == immediate["attempts"]
