"""Sign-in under a crowd, through gunicorn (4 workers) sharing one limit store.

1. 24 concurrent wrong passwords on one account, typed as its username and as its
   e-mail: how many reached the password check (every 401 did; a 429 did not), against
   the configured limit (5 per account), measured in the same run.
2. 64 concurrent correct sign-ins of 64 accounts with the real password hash (scrypt):
   every one must succeed, with no 5xx and no "database is locked".

    .venv/bin/python bench/login_storm.py [--db sqlite|postgres|both] [--redis URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402

WRONG, CROWD, ACCOUNT_LIMIT = 24, 64, 5


def _slow_hashes(url: str) -> None:
    """Give every seeded account a real (scrypt) hash: the check costs what it does live."""
    from sqlalchemy import update
    from werkzeug.security import generate_password_hash

    from forum.extensions import db
    from forum.models import User

    with load.app_on(url):
        db.session.execute(update(User).values(password_hash=generate_password_hash(
            load.PASSWORD)))
        db.session.commit()


def storm(ports: list[int], attempts: list[tuple[str, str]]) -> tuple[Counter[int], float]:
    """All clients fetch the form first, then post at the same instant (spread over the
    servers on `ports` in turn; a connection error counts as status 0)."""
    clients = [load.Client(ports[i % len(ports)]) for i in range(len(attempts))]
    for client in clients:
        client.refresh_csrf("/accedi")
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)

    def go(client: load.Client, login: str, password: str) -> None:
        barrier.wait()
        try:
            status = client.request("POST", "/accedi", {"login": login,
                                                        "password": password}).status
        except OSError:
            status = 0
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=go, args=(c, *a), daemon=True)
               for c, a in zip(clients, attempts, strict=True)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(120)
    for client in clients:
        client.close()
    return statuses, time.perf_counter() - started


def run(backend: str, url: str, redis_url: str | None, workdir: Path) -> dict[str, Any]:
    """One database: the wrong-password storm, then the crowd of good sign-ins."""
    workdir.mkdir(parents=True, exist_ok=True)
    if backend == "postgres":
        load.recreate_pg_database(url)
    load.migrate(url, workdir)
    data = load.seed(url, CROWD + 1)  # the first account is stormed, the others sign in
    _slow_hashes(url)
    env = {"FORUM_LOGIN_LIMIT_PER_ACCOUNT": f"{ACCOUNT_LIMIT} per 15 minutes",
           "FORUM_LOGIN_LIMIT_PER_ADDRESS": "1000 per 15 minutes"}  # one IP for every client
    if redis_url:  # a prefix of this run's own: counters of earlier runs stay apart
        env["FORUM_RATELIMIT_STORAGE_URI"] = redis_url
        env["FORUM_RATELIMIT_KEY_PREFIX"] = f"login-bench-{os.getpid()}-{time.time_ns()}:"
    opts = load.Options(workers=4, rate_limits=True, env=env)
    with load.gunicorn(url, workdir, opts) as server:
        _uid, name = data.users[0]
        spellings = [name, f"{name}@ente.example", name.upper(), f"{name}@ENTE.EXAMPLE "]
        wrong, wrong_s = storm([server.port], [(spellings[i % 4], "sbagliata-davvero")
                                              for i in range(WRONG)])
        crowd, crowd_s = storm([server.port], [(u, load.PASSWORD) for _i, u in data.users[1:]])
    logs = load.log_counts(server.log_path)
    return {"backend": backend, "storage": "redis" if redis_url else "memory (per worker)",
            "wrong": dict(wrong), "reached_check": wrong.get(401, 0), "limit": ACCOUNT_LIMIT,
            "wrong_seconds": round(wrong_s, 2), "crowd": dict(crowd),
            "crowd_seconds": round(crowd_s, 2),
            "server_errors": sum(v for k, v in {**wrong, **crowd}.items() if k >= 500 or k == 0),
            **logs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("FORUM_TEST_DATABASE_URL"))
    parser.add_argument("--redis", default=os.environ.get("FORUM_TEST_REDIS_URL"),
                        help="limit store shared by the workers (without it: per worker)")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    workdir = Path(tempfile.mkdtemp(prefix="officina-login-"))
    ok = True
    try:
        for backend in backends:
            url = (f"sqlite:///{workdir / 'login.sqlite3'}" if backend == "sqlite"
                   else load.derive_pg_url(args.pg_url, "officina_login_bench"))
            try:
                r = run(backend, url, args.redis, workdir / backend)
            finally:
                if backend == "postgres":
                    load.drop_pg_database(url)
            print(f"{r['backend']}, limits in {r['storage']}:")
            print(f"  {WRONG} concurrent wrong passwords on one account (4 spellings): "
                  f"{r['reached_check']} reached the password check (limit {r['limit']}, "
                  f"{r['reached_check'] / r['limit']:.2f}x), statuses {r['wrong']}")
            print(f"  {CROWD} concurrent good sign-ins (scrypt): statuses {r['crowd']} in "
                  f"{r['crowd_seconds']} s; 5xx or dropped: {r['server_errors']}; "
                  f"'database is locked' in the log: {r['database_locked']}")
            ok &= (r["reached_check"] <= r["limit"] and r["server_errors"] == 0
                   and r["database_locked"] == 0 and r["crowd"].get(303, 0) == CROWD)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
