"""Page benchmark: Officina's main pages against a bare Flask+Jinja page, as users get them.

Run: .venv/bin/python bench/pages.py [--questions 10000 --seconds 3 --clients 4]

Builds the bench data set (bench/dataset.py) in a temporary SQLite file, then measures:
1. under gunicorn (2 sync workers each, free local ports), driven by a threaded
   http.client loop: requests per second of each page, signed in and anonymous, beside
   the bare page served the same way in the same run (the load client's own CPU competes
   with the workers on this machine: the ratio is the figure to read), and the workers'
   CPU milliseconds per request, which other load on the machine does not change;
2. in process through the Werkzeug test client (single thread): req/s, req per CPU
   second and SQL statements per page, beside the bare page's test client;
3. the uncached anonymous 30-answer page: CPU milliseconds of work per request.
The last line printed is `RESULT <json>`; the exit status is 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context, render_template
from flask.testing import FlaskClient
from jinja2 import DictLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset  # noqa: E402
from bench.load import (  # noqa: E402
    BIN,
    ROOT,
    Client,
    free_port,
    server_env,
    stop_process_group,
    wait_ready,
)
from config import Config  # noqa: E402
from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import User  # noqa: E402
from forum.seed.themes import ensure_themes  # noqa: E402

BIG, SMALL = dataset.BIG, dataset.SMALL
VIEWER = "utente0042"  # the signed-in member (an ordinary member, not a moderator)
SPEED_TARGET, WORK_TARGET_MS = 0.5, 15.0
PAGES = (
    ("question page (30 answers)", f"/domande/{BIG}"),
    ("question page (2 answers)", f"/domande/{SMALL}"),
    ("question list", "/domande"),
    ("filtered list", "/domande?stato=risolte&ordina=voti&page=3"),
    ("search", "/cerca?q=tariffe+nidi"),
    ("practice list", "/buone-pratiche"),
    ("profile", f"/utenti/{VIEWER}"),
)

BARE_TEMPLATE = """<!doctype html><html lang="it"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><main><h1>{{ title }}</h1><ul>
{% for item in items %}<li><a href="{{ item.url }}">{{ item.title }}</a>
<span class="author">{{ item.author }}</span> <span class="score">{{ item.score }}</span></li>
{% endfor %}</ul></main></body></html>"""


def bare_app() -> Flask:
    """A bare Flask app: one page of 50 items rendered by a (cached) Jinja template."""
    app = Flask("bare")
    app.jinja_loader = DictLoader({"page.html": BARE_TEMPLATE})

    @app.route("/")
    def page() -> str:
        items = [{"title": f"Domanda numero {i} sulle politiche familiari", "url": f"/d/{i}",
                  "author": f"Operatore {i % 7}", "score": i * 3 % 17} for i in range(50)]
        return render_template("page.html", title="Domande", items=items)

    return app


def build(sizes: dataset.Sizes, folder: Path) -> dict[str, int]:
    """The data set in `folder`/bench.sqlite3, with a search index beside it."""
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=database_url(folder),
                     SEARCH_INDEX_PATH=str(folder / "search_index"))
    app.instance_path = str(folder)
    with app.app_context():
        db.create_all()
        ensure_themes()
        db.session.commit()
        counts = dataset.fill(sizes)
        counts["indexed"] = dataset.index_for_search(500, 300)
        db.session.remove()
        db.engine.dispose()
    return counts


def database_url(folder: Path) -> str:
    """Where the data set lives."""
    return f"sqlite:///{folder / 'bench.sqlite3'}"


def in_process_app(folder: Path, page_cache: float, render_cache: int | None = None) -> Flask:
    """The app on the data set, as the test client drives it (`render_cache` 0 turns the
    shared render of forum/render_cache off: every request renders the whole page)."""
    overrides: dict[str, Any] = {} if render_cache is None else {
        "RENDER_CACHE_SECONDS": render_cache}
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=database_url(folder),
                     SEARCH_INDEX_PATH=str(folder / "search_index"),
                     PAGE_CACHE_SECONDS=page_cache, **overrides)
    app.instance_path = str(folder)
    return app


# --------------------------------------------------------------------------- in process


def _get(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"


def measure(client: FlaskClient, path: str, seconds: float) -> tuple[float, float]:
    """Requests per wall-clock second and per CPU second on `path`, after a short warm-up."""
    warm_until = time.perf_counter() + min(0.5, seconds / 5)
    while time.perf_counter() < warm_until:
        _get(client, path)
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        _get(client, path)
        count += 1
    return count / elapsed, count / max(time.process_time() - cpu_start, 1e-9)


def count_statements(engine: Engine, client: FlaskClient, path: str) -> int:
    """SQL statements (not BEGIN/PRAGMA/SAVEPOINT) sent by one request rendering the page
    from scratch: the shared render's cache is emptied first, so every page is counted alike."""
    from forum.extensions import cache

    with client.application.app_context():
        cache.clear()
    seen: list[str] = []

    def _on_execute(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", _on_execute)
    try:
        _get(client, path)
    finally:
        event.remove(engine, "before_cursor_execute", _on_execute)
    return len(seen)


def signed_in_client(app: Flask) -> FlaskClient:
    """A test client holding the viewer's session."""
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username=VIEWER)).scalar_one()
        user_id = user.get_id()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def run_in_process(app: Flask, seconds: float) -> list[dict[str, Any]]:
    """The bare page, then each page anonymous and signed in (SQL count first, then req/s)."""
    with app.app_context():
        engine = db.engine
    assert not has_app_context(), "requests must run in their own app context"
    clients = {"anon": app.test_client(), "signed": signed_in_client(app)}
    bare_rps, bare_cpu = measure(bare_app().test_client(), "/", seconds)
    rows: list[dict[str, Any]] = [{"page": "bare Flask+Jinja (50 items)", "path": "/",
                                   "viewer": "-", "rps": bare_rps, "cpu_rps": bare_cpu,
                                   "ratio": 1.0, "statements": None}]
    for viewer in ("signed", "anon"):
        for label, path in PAGES:
            client = clients[viewer]
            statements = count_statements(engine, client, path)
            rps, cpu_rps = measure(client, path, seconds)
            rows.append({"page": label, "path": path, "viewer": viewer, "rps": rps,
                         "cpu_rps": cpu_rps, "ratio": rps / bare_rps, "statements": statements})
    return rows


def work_per_request(folder: Path, seconds: float) -> float:
    """CPU milliseconds per request of the anonymous 30-answer page with both caches off
    (the anonymous page cache and the shared render): the whole page, every time."""
    client = in_process_app(folder, 0, render_cache=0).test_client()
    _, cpu_rps = measure(client, f"/domande/{BIG}", seconds)
    return 1000 / cpu_rps


# --------------------------------------------------------------------------- gunicorn


@contextlib.contextmanager
def gunicorn(target: str, env: dict[str, str], folder: Path, name: str
             ) -> Iterator[tuple[int, int]]:
    """gunicorn with 2 sync workers serving `target` on a free port; stopped afterwards."""
    port = free_port()
    log_path = folder / f"gunicorn-{name}.log"
    cmd = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60",
           "--graceful-timeout", "5", "--no-control-socket", target]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            wait_ready(proc, port, log_path)
            yield port, proc.pid
        finally:
            stop_process_group(proc)


def sign_in(port: int) -> str:
    """Sign the viewer in through the form; the Cookie header of that session."""
    client = Client(port)
    try:
        client.refresh_csrf("/accedi")
        reply = client.request("POST", "/accedi", {"login": VIEWER, "password": dataset.PASSWORD})
        if reply.status != 303:
            raise RuntimeError(f"sign-in answered {reply.status}")
        # Land on a page as a browser does: it shows (and so removes) the welcome message,
        # and the cookie that comes back is the one a member's later requests carry.
        client.request("GET", "/")
    finally:
        client.close()
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def worker_cpu(master: int) -> float:
    """CPU seconds used so far by the gunicorn workers of `master` (Linux /proc)."""
    total = 0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def load(port: int, path: str, cookie: str, seconds: float, clients: int
         ) -> tuple[float, int]:
    """Requests per second from `clients` threads, each looping GET on its own connection
    (reopened when a sync worker closes it), and the requests counted; any status but 200
    stops the run."""
    headers = {"Accept": "text/html", **({"Cookie": cookie} if cookie else {})}
    counts = [0] * clients
    failures: list[str] = []
    start = time.perf_counter()
    end_at = start + seconds

    def loop(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < end_at and not failures:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failures.append(f"{path}: HTTP {response.status}")
                else:
                    counts[slot] += 1
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{path}: {error}")
        finally:
            conn.close()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(failures[0])
    return sum(counts) / (time.perf_counter() - start), sum(counts)


def measure_served(master: int, port: int, path: str, cookie: str, args: argparse.Namespace
                   ) -> tuple[float, float]:
    """req/s seen by the client, and the workers' CPU milliseconds per request: the second
    does not depend on what else the machine runs. A warm-up first, in both workers."""
    load(port, path, cookie, min(0.5, args.seconds / 5), args.clients)
    before = worker_cpu(master)
    rps, count = load(port, path, cookie, args.seconds, args.clients)
    return rps, 1000 * (worker_cpu(master) - before) / max(count, 1)


def run_gunicorn(folder: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The bare page before and after the Officina pages, each server with 2 sync workers."""
    env = server_env(database_url(folder), folder)
    env.update(FORUM_PAGE_CACHE_SECONDS=str(args.page_cache),
               FORUM_SEARCH_INDEX_PATH=str(folder / "search_index"),
               FORUM_SEARCH_SYNC="off", FORUM_JOBS_RUNNER="inline")
    bare_env = {k: v for k, v in env.items() if not k.startswith("FORUM_")}
    measured: list[tuple[str, str, str, float, float]] = []
    with gunicorn("bench.pages:bare_app()", bare_env, folder, "bare") as (bare_port, bare_pid), \
            gunicorn("wsgi:app", env, folder, "officina") as (port, pid):
        cookies = {"anon": "", "signed": sign_in(port)}
        bare_before = measure_served(bare_pid, bare_port, "/", "", args)
        for viewer in ("signed", "anon"):
            for label, path in PAGES:
                rps, cpu_ms = measure_served(pid, port, path, cookies[viewer], args)
                measured.append((label, path, viewer, rps, cpu_ms))
        bare_after = measure_served(bare_pid, bare_port, "/", "", args)
    bare, bare_ms = ((a + b) / 2 for a, b in zip(bare_before, bare_after, strict=True))
    rows: list[dict[str, Any]] = [{"page": "bare Flask+Jinja (50 items)", "path": "/",
                                   "viewer": "-", "rps": bare, "ratio": 1.0, "cpu_ms": bare_ms,
                                   "cpu_ratio": 1.0, "bare_before": bare_before[0],
                                   "bare_after": bare_after[0]}]
    rows += [{"page": label, "path": path, "viewer": viewer, "rps": rps, "ratio": rps / bare,
              "cpu_ms": cpu_ms, "cpu_ratio": bare_ms / cpu_ms}
             for label, path, viewer, rps, cpu_ms in measured]
    return rows


# --------------------------------------------------------------------------- report


def _verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "-"}[ok]


def print_gunicorn(rows: list[dict[str, Any]], clients: int) -> None:
    """Table 1: served by gunicorn. `x bare` compares req/s as the client saw them; `x bare
    CPU` compares the workers' CPU per request (the same ratio on a quiet machine)."""
    print(f"\n1. gunicorn, 2 sync workers each, {clients} client threads "
          f"(bare before {rows[0]['bare_before']:.0f}, after {rows[0]['bare_after']:.0f} req/s)")
    print(f"{'page':<28} {'path':<42} {'viewer':<7} {'req/s':>8} {'x bare':>7} "
          f"{'CPU ms':>7} {'x bare CPU':>10}  target")
    for r in rows:
        target = SPEED_TARGET <= r["ratio"] if r["viewer"] == "signed" else None
        print(f"{r['page']:<28} {r['path']:<42} {r['viewer']:<7} {r['rps']:>8.1f} "
              f"{r['ratio']:>7.2f} {r['cpu_ms']:>7.2f} {r['cpu_ratio']:>10.3f}  "
              f"{_verdict(target)}")


def print_in_process(rows: list[dict[str, Any]]) -> None:
    """Table 2: in process through the test client."""
    print("\n2. in process (Werkzeug test client, one thread)")
    print(f"{'page':<28} {'path':<42} {'viewer':<7} {'req/s':>8} {'x bare':>7} {'SQL':>4} "
          f"{'req/CPU-s':>9}")
    for r in rows:
        sql = "-" if r["statements"] is None else str(r["statements"])
        print(f"{r['page']:<28} {r['path']:<42} {r['viewer']:<7} {r['rps']:>8.1f} "
              f"{r['ratio']:>7.2f} {sql:>4} {r['cpu_rps']:>9.1f}")
    if any(r["rps"] < 0.85 * r["cpu_rps"] for r in rows):
        print("Warning: wall-clock req/s well below req/CPU-s: the machine was busy.")


def sql_constant(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Statements of the 30-answer page against the 2-answer page, per viewer."""
    by = {(r["path"], r["viewer"]): r["statements"] for r in rows}
    out: dict[str, Any] = {}
    for viewer in ("signed", "anon"):
        big, small = by[(f"/domande/{BIG}", viewer)], by[(f"/domande/{SMALL}", viewer)]
        out[viewer] = {"30_answers": big, "2_answers": small, "constant": big == small}
    return out


def _rounded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def main() -> None:
    """Generate the data set, measure, report; exit 0 whatever the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = dataset.Sizes()
    for name in ("questions", "answers", "comments", "votes", "users", "practices", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--seconds", type=float, default=3.0, help="per page and table")
    parser.add_argument("--clients", type=int, default=4, help="load client threads")
    parser.add_argument("--page-cache", type=float, default=Config.PAGE_CACHE_SECONDS,
                        help="anonymous page cache TTL as in production (0 = off)")
    parser.add_argument("--skip-gunicorn", action="store_true")
    args = parser.parse_args()
    sizes = dataset.Sizes(questions=max(args.questions, 3), answers=max(args.answers, 32),
                          comments=args.comments, votes=args.votes, users=max(args.users, 42),
                          practices=args.practices, seed=args.seed)
    folder = Path(tempfile.mkdtemp(prefix="officina-bench-"))
    try:
        start = time.perf_counter()
        counts = build(sizes, folder)
        gen_seconds = time.perf_counter() - start
        print(f"Data set built in {gen_seconds:.1f} s: "
              + ", ".join(f"{v} {k}" for k, v in counts.items()), flush=True)
        served = [] if args.skip_gunicorn else run_gunicorn(folder, args)
        app = in_process_app(folder, args.page_cache)
        local = run_in_process(app, args.seconds)
        work_ms = work_per_request(folder, args.seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if served:
        print_gunicorn(served, args.clients)
    print_in_process(local)
    sql = sql_constant(local)
    print(f"\n3. uncached anonymous 30-answer page: {work_ms:.1f} ms of work per request "
          f"(CPU, in process; target <= {WORK_TARGET_MS:g} ms: "
          f"{_verdict(work_ms <= WORK_TARGET_MS)})")
    print("SQL statements per question page, 30 vs 2 answers: " + ", ".join(
        f"{v} {s['30_answers']} vs {s['2_answers']} "
        f"({'constant' if s['constant'] else 'NOT constant'})" for v, s in sql.items()))
    speed_ok = all(r["ratio"] >= SPEED_TARGET for r in served if r["viewer"] == "signed")
    passed = speed_ok and work_ms <= WORK_TARGET_MS and all(s["constant"] for s in sql.values())
    print(f"\nTargets: every signed-in page >= {SPEED_TARGET} x bare under gunicorn, "
          f"<= {WORK_TARGET_MS:g} ms of work per uncached page, SQL constant in answers.")
    print(f"Overall: {'PASS' if passed and served else 'FAIL' if not passed else 'PARTIAL'}")
    print("RESULT " + json.dumps({
        "generation_seconds": round(gen_seconds, 2), "dataset": counts,
        "seconds": args.seconds, "clients": args.clients, "page_cache": args.page_cache,
        "gunicorn": _rounded(served), "in_process": _rounded(local),
        "uncached_work_ms": round(work_ms, 2), "sql_per_question_page": sql,
        "passed": passed}))


if __name__ == "__main__":
    main()
