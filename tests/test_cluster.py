"""Short form of bench/cluster.py: three servers on one PostgreSQL and one Redis behave as one.

Needs both FORUM_TEST_DATABASE_URL and FORUM_TEST_REDIS_URL (skipped, visibly, otherwise).
Its database, `<test database>_cluster_<pid>`, is created and dropped here; the Redis
database of FORUM_TEST_REDIS_URL is flushed first.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench import cluster, load

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG_URL and REDIS_URL),
                       reason="needs FORUM_TEST_DATABASE_URL and FORUM_TEST_REDIS_URL"),
]


def test_three_servers_share_limits_search_pages_and_survive_a_kill(tmp_path: Path) -> None:
    """No 5xx, exact scores, 5 log-ins per minute across servers, search and edits fresh
    on every server, and nothing accepted lost when one server is killed mid-load."""
    assert PG_URL is not None and REDIS_URL is not None
    url = load.derive_pg_url(PG_URL, f"{make_url(PG_URL).database}_cluster_{os.getpid()}")
    ports = tuple(load.free_port() for _ in range(3))
    opts = cluster.Options.quick(ports=ports, workers=1, clients=4, warmup_seconds=1.0,
                                 seconds=2.0, kill_seconds=3.0, scaling=False,
                                 index_seed=False)
    try:
        report = cluster.run(url, REDIS_URL, opts, tmp_path / "run")
    finally:
        load.drop_pg_database(url)

    assert report["failures"] == [], report["failures"]
    for phase in [report["warmup"], *report["throughput"], report["kill"]]:
        assert phase["server_errors"] == 0 and phase["unexpected_count"] == 0, phase
    login = report["login_limit"]
    assert login["not_429"] <= cluster.LOGIN_LIMIT and login["statuses"].get("429"), login
    assert report["search"]["worst"] is not None
    assert report["search"]["worst"] <= cluster.SEARCH_WITHIN, report["search"]
    assert report["edits"]["reads_after_edit"] == 6 and report["edits"]["stale"] == []
    kill = report["kill"]
    assert kill["killed_dead"] and kill["survivors_answered"] > 0, kill
    assert report["answers"]["accepted"] > 0 and report["answers"]["lost"] == 0
    assert not any(report["votes"]["invariants"].values()), report["votes"]
    assert report["votes"]["rows_vs_clients"] == 0
    assert report["worker_alive_at_end"] and report["jobs"]["pending_due"] == 0
    assert not any(load.group_alive(int(p)) for p in report["pids"]), "processes left running"
