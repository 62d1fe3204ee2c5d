"""Load test through gunicorn: concurrent votes and posts on SQLite and PostgreSQL.

Run: .venv/bin/python bench/load.py [--clients 32 --requests 100 --post-seconds 60]
     [--db auto|sqlite|postgres|both] [--pg-url URL] [--quick] [--counterexamples]

Why: the vote and post services promise exact scores, one vote per user and post and no
"database is locked" under concurrency. This drives real HTTP clients (sign-in, CSRF token
from the page, session cookie) against gunicorn workers, then checks those promises in the
database. `--counterexamples` shows what the services avoid: a naive read-then-write update
loses increments, and deferred SQLite transactions fail with "database is locked".
The last line printed is `RESULT <json>`; the exit status is 1 when an invariant fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import URL, make_url

from forum import create_app
from forum.answers.services import post_answer
from forum.auth.services import register_user
from forum.backup import consistency_problems
from forum.extensions import db
from forum.models import Theme, User, Vote
from forum.questions.services import ask_question
from forum.seed.themes import ensure_themes

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "password-di-carico-2026"
FAST_HASH = "pbkdf2:sha256:1000"  # sign-ins stay cheap: the test is about the database
CSRF_RE = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')
LOCATION_RE = re.compile(r"/domande/(\d+)(?:#(risposta|commento)-(\d+))?$")
VOTE_WORDS = {1: "su", -1: "giu", 0: "annulla"}
HTTP_TIMEOUT = 30.0
DEFAULT_PG_DATABASE = "officina_load"
ACCESS_LOG = "access.log"
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"  # %(D)s: time inside the worker, in microseconds


class LoadError(RuntimeError):
    """The run could not be carried out (server did not start, sign-in refused...)."""


@dataclass
class Options:
    """What to run; `quick` shrinks the defaults for a smoke run."""

    clients: int = 32
    requests: int = 100
    post_seconds: float = 60.0
    users: int = 40
    workers: int = 4
    worker_class: str = "sync"
    counterexamples: bool = False
    rate_limits: bool = False
    keep: bool = False
    env: dict[str, str] = field(default_factory=dict)  # more FORUM_* settings for gunicorn

    @classmethod
    def quick(cls, **overrides: Any) -> Options:
        """A short run: 8 clients x 20 votes, 10 s of posting."""
        values: dict[str, Any] = {"clients": 8, "requests": 20, "post_seconds": 10.0}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


# --------------------------------------------------------------------------- database set-up


def backend_of(url: str) -> str:
    """'sqlite' or 'postgres'."""
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgres"


def libpq_conninfo(url: str | URL) -> str:
    """A libpq URI for psycopg from a SQLAlchemy URL (driver suffix removed)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def derive_pg_url(server_url: str, database: str) -> str:
    """The same server and credentials, another database: never the suite's own `test`."""
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


def recreate_pg_database(url: str) -> None:
    """Drop and create the database named in `url` (connected to the `postgres` database)."""
    import psycopg
    from psycopg import sql

    target = make_url(url)
    admin = libpq_conninfo(target.set(database="postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        name = sql.Identifier(target.database or "")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_pg_database(url: str) -> None:
    """Remove a database this script created."""
    import psycopg
    from psycopg import sql

    target = make_url(url)
    with psycopg.connect(libpq_conninfo(target.set(database="postgres")), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(target.database or "")
            )
        )


def server_env(url: str, workdir: Path, *, rate_limits: bool = False) -> dict[str, str]:
    """Environment for `flask db upgrade` and gunicorn: production config over plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        FLASK_APP="forum:create_app",
        FORUM_CONFIG="config.ProductionConfig",
        FORUM_SECRET_KEY=secrets.token_hex(24),
        FORUM_DATABASE_URL=url,
        FORUM_INSTANCE_PATH=str(workdir),
        FORUM_SESSION_COOKIE_SECURE="false",
        FORUM_REMEMBER_COOKIE_SECURE="false",
        FORUM_PASSWORD_HASH_METHOD=FAST_HASH,
        # New accounts would need reputation to vote down or comment; the load is about concurrency.
        FORUM_PRIVILEGE_VOTE_DOWN="0",
        FORUM_PRIVILEGE_COMMENT_EVERYWHERE="0",
        PYTHONUNBUFFERED="1",
    )
    if not rate_limits:
        env["FORUM_RATELIMIT_ENABLED"] = "false"  # 32 clients share one IP address
    return env


def migrate(url: str, workdir: Path) -> None:
    """Build the schema the way production does: `flask db upgrade`."""
    done = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"],
        cwd=ROOT, env=server_env(url, workdir), capture_output=True, text=True, timeout=120,
    )
    if done.returncode != 0:
        raise LoadError(f"flask db upgrade failed:\n{done.stderr[-2000:]}")


@contextlib.contextmanager
def app_on(url: str) -> Iterator[Flask]:
    """An in-process app on `url` with an app context, for seeding and checking.

    Search indexing is off here: this helper must not become one more writer racing the
    server (the server's own indexing is part of what is measured). Jobs (the seed's
    notifications and their mail) run inline, at commit: a job thread would outlive this
    helper and poll a database the run then drops.
    """
    app = create_app(
        "config.ProductionConfig",
        SQLALCHEMY_DATABASE_URI=url,
        SECRET_KEY="bench-load",
        PASSWORD_HASH_METHOD=FAST_HASH,
        SEARCH_SYNC="off",
        JOBS_RUNNER="inline",
    )
    app.instance_path = tempfile.mkdtemp(prefix="officina-load-")  # the seed's mail outbox
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
            shutil.rmtree(app.instance_path, ignore_errors=True)


@dataclass(frozen=True)
class Post:
    """A votable post and its author (votes on one's own post must be refused)."""

    kind: str
    id: int
    author_id: int


@dataclass
class Seed:
    """What the load clients need to know about the prepared data."""

    users: list[tuple[int, str]]
    posts: list[Post]
    question_ids: list[int]
    theme_slugs: list[str]


def seed(url: str, users: int, n_questions: int = 3) -> Seed:
    """Users, `n_questions` questions (at least 3) and three answers, through the services."""
    with app_on(url):
        ensure_themes()
        accounts = [
            register_user(
                username=f"carico{n:03d}", display_name=f"Utente di carico {n}",
                email=f"carico{n:03d}@ente.example", password=PASSWORD,
                organisation=f"Comune di Carico {n} (fittizio)", organisation_type="comune",
                region_code="08",
            )
            for n in range(users)
        ]
        slugs = list(db.session.execute(select(Theme.slug).order_by(Theme.position)).scalars())
        questions = [
            ask_question(
                accounts[i], title=f"Domanda di carico numero {i + 1} sulle tariffe",
                body=f"Testo della domanda di carico {i + 1}, con i dettagli del contesto.",
                theme_slug=slugs[i % len(slugs)], tags="carico, prova",
            )
            for i in range(max(3, n_questions))
        ]
        answers = [
            post_answer(
                accounts[3 + i], questions[0].id,
                body=f"Risposta di carico {i + 1}: abbiamo seguito la procedura regionale.",
            )
            for i in range(3)
        ]
        return Seed(
            users=[(u.id, u.username) for u in accounts],
            posts=[Post("question", q.id, q.author_id) for q in questions]
            + [Post("answer", a.id, a.author_id) for a in answers],
            question_ids=[q.id for q in questions],
            theme_slugs=slugs,
        )


def invariants(url: str) -> dict[str, Any]:
    """The consistency counters (all zero when sound) and the vote rows, read afresh."""
    with app_on(url):
        problems = consistency_problems()
        rows = db.session.execute(
            select(Vote.user_id, Vote.question_id, Vote.answer_id, Vote.value)
        ).all()
    votes = {
        (r.user_id, "question" if r.question_id else "answer", r.question_id or r.answer_id):
        r.value for r in rows
    }
    return {"problems": problems, "votes": votes}


# --------------------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn and where its log goes."""

    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    worker_class: str
    workers: int


def _log_tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the master (it stops its workers), SIGKILL its group if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_alive(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group we started still exists."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def gunicorn(url: str, workdir: Path, opts: Options) -> Iterator[Server]:
    """Start gunicorn on a free port, wait until it answers, always stop it afterwards."""
    server = start_gunicorn(url, workdir, opts)
    try:
        wait_ready(server.proc, server.port, server.log_path)
        yield server
    finally:
        stop_process_group(server.proc)


def start_gunicorn(url: str, workdir: Path, opts: Options, port: int | None = None) -> Server:
    """Launch gunicorn (a free port unless given) without waiting: several start at once.

    The caller waits with `wait_ready` and stops it with `stop_process_group`.
    """
    port = port or free_port()
    log_path = workdir / f"gunicorn-{backend_of(url)}.log"
    cmd = [str(BIN / "gunicorn"), "-w", str(opts.workers), "-b", f"127.0.0.1:{port}",
           "--timeout", "60", "--graceful-timeout", "5", "--no-control-socket",
           "--access-logfile", str(workdir / ACCESS_LOG), "--access-logformat", ACCESS_FORMAT]
    if opts.worker_class != "sync":
        cmd += ["-k", opts.worker_class, "--threads", "4"]
    cmd.append("wsgi:app")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**server_env(url, workdir, rate_limits=opts.rate_limits),
                                **opts.env},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return Server(proc, port, log_path, opts.worker_class, opts.workers)


def wait_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    """Until gunicorn answers 200 on / (it exited or stayed silent: the log's tail, raised)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LoadError(f"gunicorn exited ({proc.returncode}):\n{_log_tail(log_path)}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise LoadError(f"gunicorn did not answer within 30 s:\n{_log_tail(log_path)}")


# --------------------------------------------------------------------------- HTTP client


@dataclass
class Reply:
    """One HTTP response as the load clients need it."""

    status: int
    location: str
    body: bytes
    seconds: float


class Client:
    """One browser-like user: its own connection, cookies and CSRF token (stdlib only)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def close(self) -> None:
        """Release the socket."""
        self.conn.close()

    def request(self, method: str, path: str, form: dict[str, Any] | None = None,
                accept: str = "text/html") -> Reply:
        """Send one request with cookies (and the CSRF header on POST); keep new cookies."""
        headers = {"Accept": accept}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            headers["Origin"] = self.origin  # as a browser does; the app checks it
            headers["X-CSRFToken"] = self.csrf
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form or {})
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # a fresh connection for the next request
            raise
        elapsed = time.perf_counter() - started
        for raw in response.headers.get_all("Set-Cookie") or []:
            self._store(raw)
        return Reply(response.status, response.headers.get("Location", ""), data, elapsed)

    def _store(self, raw: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except CookieError:
            return
        for name, morsel in jar.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def refresh_csrf(self, path: str = "/") -> None:
        """Take the token from the page's <meta name="csrf-token">, as the site's JS does."""
        page = self.request("GET", path)
        match = CSRF_RE.search(page.body)
        if page.status != 200 or match is None:
            raise LoadError(f"no CSRF token on {path} (status {page.status})")
        self.csrf = match.group(1).decode()

    def login(self, username: str) -> None:
        """Sign in through the form; sign-in starts a new session, so take a new token."""
        self.refresh_csrf("/accedi")
        reply = self.request("POST", "/accedi", {"login": username, "password": PASSWORD})
        if reply.status != 303:
            raise LoadError(f"sign-in of {username} answered {reply.status}")
        self.refresh_csrf("/")


# --------------------------------------------------------------------------- vote load


@dataclass
class Tally:
    """What one phase observed: statuses, latencies, surprises."""

    statuses: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Merge another client's tally."""
        self.statuses.update(other.statuses)
        self.latencies.extend(other.latencies)
        self.unexpected.extend(other.unexpected)
        self.errors.extend(other.errors)


@dataclass
class VoteClient:
    """One voter: its tally and the votes it believes it holds (it is their only writer)."""

    user_id: int
    username: str
    tally: Tally = field(default_factory=Tally)
    state: dict[tuple[str, int], int] = field(default_factory=dict)
    actions: Counter[str] = field(default_factory=Counter)
    uncertain: bool = False


def _choose_vote(rng: random.Random, posts: list[Post], missing_id: int,
                 state: dict[tuple[str, int], int]) -> tuple[str, int, int, Post | None]:
    """A vote, an unvote or a change; sometimes a repeat (409) or a missing post (404)."""
    if rng.random() < 0.05:
        return rng.choice(("question", "answer")), missing_id + rng.randrange(1000), 1, None
    post = rng.choice(posts)
    current = state.get((post.kind, post.id), 0)
    if rng.random() < 0.15:
        value = current  # the same vote again: 409
    elif current == 0:
        value = rng.choice((1, -1))
    else:
        value = rng.choice((0, -current))
    return post.kind, post.id, value, post


def _expected_status(client: VoteClient, post: Post | None, value: int) -> int:
    if post is None:
        return 404
    if post.author_id == client.user_id:
        return 403
    return 409 if client.state.get((post.kind, post.id), 0) == value else 200


def vote_worker(port: int, voter: VoteClient, posts: list[Post], missing_id: int,
                requests: int, barrier: threading.Barrier, seed_value: int) -> None:
    """Sign in, wait for everybody, then vote `requests` times; never raises."""
    rng = random.Random(seed_value)
    client = Client(port)
    try:
        try:
            client.login(voter.username)
        except (LoadError, OSError, http.client.HTTPException) as error:
            voter.tally.errors.append(f"{voter.username}: {error}")
            barrier.abort()
            return
        barrier.wait(timeout=120)
        for _ in range(requests):
            kind, post_id, value, post = _choose_vote(rng, posts, missing_id, voter.state)
            expected = _expected_status(voter, post, value)
            try:
                reply = client.request("POST", f"/voti/{kind}/{post_id}",
                                       {"voto": VOTE_WORDS[value]}, accept="application/json")
            except (OSError, http.client.HTTPException) as error:
                voter.tally.statuses["error"] += 1
                voter.tally.errors.append(f"{voter.username}: {type(error).__name__} {error}")
                voter.uncertain = True
                continue
            voter.tally.statuses[str(reply.status)] += 1
            voter.tally.latencies.append(reply.seconds)
            if reply.status >= 500:
                voter.uncertain = True  # the vote may or may not have been stored
            if reply.status == 200 and post is not None:
                old = voter.state.get((kind, post_id), 0)
                voter.actions["vote" if old == 0 else "unvote" if value == 0 else "change"] += 1
                voter.state[(kind, post_id)] = value
                payload = json.loads(reply.body)
                if payload.get("value") != value or not isinstance(payload.get("score"), int):
                    voter.tally.unexpected.append(f"{kind} {post_id}: body {payload}")
            if reply.status != expected:
                voter.tally.unexpected.append(
                    f"{voter.username} {kind} {post_id} {VOTE_WORDS[value]}: "
                    f"{reply.status}, expected {expected}"
                )
    except threading.BrokenBarrierError:
        voter.tally.errors.append(f"{voter.username}: another client could not sign in")
    except Exception as error:  # a bug in this script must not hang the run
        voter.tally.errors.append(f"{voter.username}: {type(error).__name__} {error}")
    finally:
        client.close()


def run_votes(server: Server, data: Seed, opts: Options) -> tuple[Tally, float, list[VoteClient]]:
    """All clients sign in, then vote at the same time; returns the tally and wall time."""
    voters = [VoteClient(uid, name) for uid, name in data.users[: opts.clients]]
    missing_id = max(p.id for p in data.posts) + 100_000
    barrier = threading.Barrier(len(voters) + 1)
    threads = [
        threading.Thread(
            target=vote_worker,
            args=(server.port, v, data.posts, missing_id, opts.requests, barrier, 1000 + i),
            daemon=True,
        )
        for i, v in enumerate(voters)
    ]
    for thread in threads:
        thread.start()
    tally = Tally()
    try:
        barrier.wait(timeout=120)
    except threading.BrokenBarrierError:
        tally.errors.append("sign-in phase failed")
    started = time.perf_counter()
    _join(threads, timeout=max(120.0, opts.requests * 2.0))
    elapsed = time.perf_counter() - started
    for voter in voters:
        tally.add(voter.tally)
    return tally, elapsed, voters


def _join(threads: list[threading.Thread], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() for t in threads):
        raise LoadError("client threads still running after the time limit")


# --------------------------------------------------------------------------- posting load


@dataclass
class Created:
    """A post made during the posting phase and the text that proves it is readable."""

    kind: str
    question_id: int
    marker: str


class Pool:
    """Questions and answers known so far, shared by the posting clients."""

    def __init__(self, question_ids: list[int]) -> None:
        self.lock = threading.Lock()
        self.questions = list(question_ids)
        self.answers: dict[int, list[int]] = defaultdict(list)

    def pick(self, rng: random.Random) -> tuple[int, int | None]:
        """A question and, when it has some, one of its answers."""
        with self.lock:
            question_id = rng.choice(self.questions)
            answers = self.answers.get(question_id)
            return question_id, (rng.choice(answers) if answers else None)


def post_worker(port: int, username: str, idx: int, pool: Pool, themes: list[str],
                deadline: float, tally: Tally, follow: Tally, created: list[Created]) -> None:
    """Ask, answer and comment until the deadline, following each redirect; never raises.

    Following the 303 as a browser does also shows (and so removes) the flash message:
    without it every post would add one to the session cookie, which would grow without end.
    """
    rng = random.Random(5000 + idx)
    client = Client(port)
    n = 0
    try:
        client.login(username)
        while time.monotonic() < deadline:
            n += 1
            marker = f"mk{idx:03d}x{n:06d}"
            # each client's first post is of a kind given by its number, so a short run
            # with few posts still asks, answers and comments; then the random mix
            roll = (0.1, 0.4, 0.8)[idx % 3] if n == 1 else rng.random()
            question_id, answer_id = pool.pick(rng)
            if roll < 0.25:
                kind, path = "question", "/domande/nuova"
                form: dict[str, Any] = {
                    "title": f"Domanda {marker} sulle tariffe dei servizi",
                    "body": f"Testo {marker}: come avete organizzato il servizio nel vostro ente?",
                    "theme": rng.choice(themes), "tags": "carico, prova",
                }
            elif roll < 0.6:
                kind, path = "answer", f"/domande/{question_id}/risposte"
                form = {"body": f"Risposta {marker}: noi abbiamo seguito la procedura regionale."}
            else:
                kind, path = "comment", f"/domande/{question_id}/commenti"
                form = {"body": f"Commento {marker} utile."}
                if answer_id is not None and rng.random() < 0.5:
                    form["answer_id"] = str(answer_id)
            try:
                reply = client.request("POST", path, form)
            except (OSError, http.client.HTTPException) as error:
                tally.statuses["error"] += 1
                tally.errors.append(f"{username} {kind}: {type(error).__name__} {error}")
                continue
            tally.statuses[str(reply.status)] += 1
            tally.latencies.append(reply.seconds)
            match = LOCATION_RE.search(reply.location)
            if reply.status != 303 or match is None:
                tally.unexpected.append(f"{username} {kind} {path}: {reply.status}")
                continue
            target = int(match.group(1))
            created.append(Created(kind, target, marker))
            _follow(client, reply.location, follow, username)
            with pool.lock:
                if kind == "question":
                    pool.questions.append(target)
                elif kind == "answer" and match.group(3):
                    pool.answers[target].append(int(match.group(3)))
    except Exception as error:
        tally.errors.append(f"{username}: {type(error).__name__} {error}")
    finally:
        client.close()


def _follow(client: Client, location: str, follow: Tally, username: str) -> None:
    path = urlsplit(location)._replace(scheme="", netloc="", fragment="").geturl()
    try:
        reply = client.request("GET", path)
    except (OSError, http.client.HTTPException) as error:
        follow.statuses["error"] += 1
        follow.errors.append(f"{username} GET {path}: {type(error).__name__} {error}")
        return
    follow.statuses[str(reply.status)] += 1
    follow.latencies.append(reply.seconds)
    if reply.status != 200:
        follow.unexpected.append(f"{username} GET {path}: {reply.status}")


def run_posts(server: Server, data: Seed,
              opts: Options) -> tuple[Tally, Tally, list[Created], float]:
    """Clients post for `post_seconds`; returns the POST and redirect tallies and the posts."""
    pool = Pool(data.question_ids)
    tallies = [Tally() for _ in range(opts.clients)]
    follows = [Tally() for _ in range(opts.clients)]
    created: list[list[Created]] = [[] for _ in range(opts.clients)]
    deadline = time.monotonic() + opts.post_seconds
    threads = [
        threading.Thread(
            target=post_worker,
            args=(server.port, data.users[i][1], i, pool, data.theme_slugs, deadline,
                  tallies[i], follows[i], created[i]),
            daemon=True,
        )
        for i in range(opts.clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    _join(threads, timeout=opts.post_seconds + 120)
    elapsed = time.perf_counter() - started
    tally, follow = Tally(), Tally()
    for item, followed in zip(tallies, follows, strict=True):
        tally.add(item)
        follow.add(followed)
    return tally, follow, [c for group in created for c in group], elapsed


def check_readable(port: int, created: list[Created], threads: int = 8) -> tuple[int, list[str]]:
    """GET every question page that got a post; each marker must be on its page."""
    by_question: dict[int, list[str]] = defaultdict(list)
    for item in created:
        by_question[item.question_id].append(item.marker)
    ids = sorted(by_question)
    missing: list[str] = []
    lock = threading.Lock()

    def worker(chunk: list[int]) -> None:
        client = Client(port)
        try:
            for question_id in chunk:
                try:
                    reply = client.request("GET", f"/domande/{question_id}")
                    page = reply.body.decode("utf-8", "replace")
                    lost = [m for m in by_question[question_id] if m not in page]
                    problem = f"{reply.status}" if reply.status != 200 else ""
                except (OSError, http.client.HTTPException) as error:
                    lost, problem = by_question[question_id], type(error).__name__
                if problem or lost:
                    with lock:
                        missing.append(f"question {question_id}: {problem} {lost[:3]}".strip())
        finally:
            client.close()

    workers = [threading.Thread(target=worker, args=(ids[i::threads],), daemon=True)
               for i in range(threads)]
    for thread in workers:
        thread.start()
    _join(workers, timeout=300)
    return len(ids), missing


# --------------------------------------------------------------------------- one database


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile in milliseconds (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(pct / 100 * len(ordered))))
    return round(ordered[rank - 1] * 1000, 1)


def _server_errors(statuses: Counter[str]) -> int:
    return sum(n for s, n in statuses.items() if s == "error" or s.startswith("5"))


def server_times(access_log: Path) -> dict[str, dict[str, float]]:
    """p50/p95 of the time spent inside a worker, by kind of request.

    Compared with the client's figures it separates processing from waiting for a free
    worker: when the two differ a lot, latency is queueing on a saturated CPU.
    """
    times: dict[str, list[float]] = defaultdict(list)
    try:
        lines = access_log.read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        method, path, micros = parts[0], parts[1], int(parts[3]) / 1e6
        if method == "POST" and path.startswith("/voti/"):
            kind = "vote"
        elif method == "POST":
            kind = "sign-in" if path == "/accedi" else "post"
        else:
            kind = "question page" if path.startswith("/domande/") else "other page"
        times[kind].append(micros)
    return {kind: {"n": len(values), "p50_ms": percentile(values, 50),
                   "p95_ms": percentile(values, 95)} for kind, values in sorted(times.items())}


def log_counts(log_path: Path) -> dict[str, int]:
    """Lines in the gunicorn log that betray a problem."""
    text = _log_tail(log_path, chars=50_000_000)
    return {
        "database_locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


def _progress(started: float, message: str) -> None:
    print(f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True)


def run_database(backend: str, url: str, opts: Options, workdir: Path) -> dict[str, Any]:
    """Prepare, load and check one database; returns a JSON-friendly report."""
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if backend == "postgres":
        recreate_pg_database(url)
    migrate(url, workdir)
    data = seed(url, max(opts.users, opts.clients))
    _progress(started, f"schema migrated, {len(data.users)} users and 6 posts seeded")
    report: dict[str, Any] = {"backend": backend, "workers": opts.workers,
                              "worker_class": opts.worker_class, "clients": opts.clients}
    with gunicorn(url, workdir, opts) as server:
        report["gunicorn_pid"] = server.proc.pid
        _progress(started, f"gunicorn answering on port {server.port}")
        votes, vote_seconds, voters = run_votes(server, data, opts)
        _progress(started, f"{sum(votes.statuses.values())} votes in {vote_seconds:.1f} s")
        after_votes = invariants(url)
        posts, follow, created, post_seconds = run_posts(server, data, opts)
        _progress(started, f"{len(created)} posts in {post_seconds:.1f} s")
        pages, unreadable = check_readable(server.port, created)
        _progress(started, f"{pages} question pages read back")
    report["log"] = log_counts(server.log_path)
    report["server_times"] = server_times(workdir / ACCESS_LOG)
    final = invariants(url)
    expected_votes = {
        (v.user_id, kind, post_id): value
        for v in voters for (kind, post_id), value in v.state.items() if value
    }
    certain = not any(v.uncertain for v in voters)
    vote_mismatch = sum(
        1 for key in expected_votes.keys() | after_votes["votes"].keys()
        if expected_votes.get(key) != after_votes["votes"].get(key)
    ) if certain else -1
    n_votes = sum(votes.statuses.values())
    n_posts = sum(posts.statuses.values())
    report["votes"] = {
        "requests": n_votes, "seconds": round(vote_seconds, 2),
        "rps": round(n_votes / vote_seconds, 1) if vote_seconds else 0.0,
        "p50_ms": percentile(votes.latencies, 50), "p95_ms": percentile(votes.latencies, 95),
        "statuses": dict(sorted(votes.statuses.items())),
        "server_errors": _server_errors(votes.statuses),
        "accepted": dict(sum((v.actions for v in voters), Counter())),
        "unexpected": len(votes.unexpected), "rows_vs_clients": vote_mismatch,
        "vote_rows": len(after_votes["votes"]),
    }
    report["posts"] = {
        "requests": n_posts, "seconds": round(post_seconds, 2),
        "rps": round(n_posts / post_seconds, 1) if post_seconds else 0.0,
        "p50_ms": percentile(posts.latencies, 50), "p95_ms": percentile(posts.latencies, 95),
        "statuses": dict(sorted(posts.statuses.items())),
        "server_errors": _server_errors(posts.statuses),
        "unexpected": len(posts.unexpected),
        "created": dict(Counter(c.kind for c in created)),
        "pages_checked": pages, "unreadable": len(unreadable),
        "p95_under_1s": percentile(posts.latencies, 95) < 1000,
        "redirect_get": {
            "requests": sum(follow.statuses.values()),
            "p50_ms": percentile(follow.latencies, 50),
            "p95_ms": percentile(follow.latencies, 95),
            "statuses": dict(sorted(follow.statuses.items())),
            "server_errors": _server_errors(follow.statuses),
        },
    }
    report["invariants"] = {"after_votes": after_votes["problems"], "final": final["problems"]}
    report["failures"] = _failures(report, votes, posts, follow, unreadable)
    report["warnings"] = _warnings(report, server.log_path)
    report["ok"] = not report["failures"]
    if opts.counterexamples:
        report["counterexamples"] = counterexamples(url, quick=opts.requests < 100)
        _progress(started, "counter-examples done")
    report["seconds_total"] = round(time.perf_counter() - started, 1)
    return report


def _failures(report: dict[str, Any], votes: Tally, posts: Tally, follow: Tally,
              unreadable: list[str]) -> list[str]:
    out: list[str] = []
    for phase, tally in (("votes", votes), ("posts", posts), ("redirect GET", follow)):
        errors = _server_errors(tally.statuses)
        if errors:
            out.append(f"{phase}: {errors} 5xx/connection errors")
        if tally.unexpected:
            out.append(f"{phase}: {len(tally.unexpected)} unexpected, e.g. {tally.unexpected[:3]}")
        if tally.errors:
            out.append(f"{phase}: client errors {tally.errors[:3]}")
    if report["votes"]["rows_vs_clients"] != 0:
        out.append(f"vote rows differ from the clients' view: {report['votes']['rows_vs_clients']}")
    for when, problems in report["invariants"].items():
        broken = {k: v for k, v in problems.items() if v}
        if broken:
            out.append(f"invariants {when}: {broken}")
    if unreadable:
        out.append(f"posts not readable: {len(unreadable)}, e.g. {unreadable[:3]}")
    if report["log"]["database_locked"]:
        out.append(f"'database is locked' in the log: {report['log']['database_locked']}")
    return out


def _warnings(report: dict[str, Any], log_path: Path) -> list[str]:
    """Worth a look, but not a broken promise: slow posts, errors the app logged and handled."""
    out: list[str] = []
    if not report["posts"]["p95_under_1s"]:
        out.append(f"posting p95 {report['posts']['p95_ms']} ms is above the 1 s target")
    if report["log"]["tracebacks"]:
        first = re.search(r"^\w*Error: .*$", _log_tail(log_path, 50_000_000), re.MULTILINE)
        out.append(f"{report['log']['tracebacks']} tracebacks in the gunicorn log, first: "
                   f"{first.group(0) if first else '?'}")
    return out


# --------------------------------------------------------------------------- counter-examples


def _scratch_question(url: str) -> int:
    """A question with score 0 and no votes, the counter the counter-examples race on."""
    with app_on(url):
        user = db.session.execute(select(User).order_by(User.id).limit(1)).scalar_one()
        question = ask_question(
            user, title="Domanda di prova per il contatore concorrente",
            body="Usata solo dal controesempio: il punteggio viene aumentato da molti thread.",
            theme_slug=db.session.execute(select(Theme.slug).limit(1)).scalar_one(),
        )
        return question.id


def _connect(url: str) -> tuple[Any, str]:
    """A raw DB-API connection in autocommit mode and its placeholder."""
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        conn = sqlite3.connect(target.database or "", timeout=10, isolation_level=None,
                               check_same_thread=False)
        return conn, "?"
    import psycopg

    return psycopg.connect(libpq_conninfo(target), autocommit=True), "%s"


def _hammer(url: str, threads: int, body: Any) -> list[str]:
    """Run `body(conn, ph)` in `threads` threads at once, each on its own connection."""
    errors: list[str] = []
    barrier = threading.Barrier(threads)

    def run() -> None:
        conn, ph = _connect(url)
        try:
            barrier.wait(timeout=60)
            body(conn, ph)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            conn.close()

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    _join(workers, timeout=300)
    return errors


def _score(url: str, question_id: int) -> int:
    conn, ph = _connect(url)
    try:
        return int(conn.execute(f"SELECT score FROM questions WHERE id = {ph}",
                                (question_id,)).fetchone()[0])
    finally:
        conn.close()


def naive_counter(url: str, threads: int, per_thread: int, *, atomic: bool) -> dict[str, Any]:
    """Read the score, write score+1 in a second statement (or one atomic UPDATE)."""
    question_id = _scratch_question(url)

    def body(conn: Any, ph: str) -> None:
        for _ in range(per_thread):
            if atomic:
                conn.execute(f"UPDATE questions SET score = score + 1 WHERE id = {ph}",
                             (question_id,))
                continue
            score = conn.execute(f"SELECT score FROM questions WHERE id = {ph}",
                                 (question_id,)).fetchone()[0]
            conn.execute(f"UPDATE questions SET score = {ph} WHERE id = {ph}",
                         (score + 1, question_id))

    errors = _hammer(url, threads, body)
    expected, actual = threads * per_thread, _score(url, question_id)
    return {"threads": threads, "increments": expected, "final_score": actual,
            "lost": expected - actual, "lost_pct": round(100 * (expected - actual) / expected, 1),
            "errors": len(errors)}


def sqlite_transactions(url: str, threads: int, per_thread: int, *,
                        immediate: bool) -> dict[str, Any]:
    """Read-then-write transactions on SQLite, opened with BEGIN or BEGIN IMMEDIATE."""
    question_id = _scratch_question(url)
    outcome: Counter[str] = Counter()
    lock = threading.Lock()

    def body(conn: Any, ph: str) -> None:
        for _ in range(per_thread):
            try:
                conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
                score = conn.execute(f"SELECT score FROM questions WHERE id = {ph}",
                                     (question_id,)).fetchone()[0]
                conn.execute(f"UPDATE questions SET score = {ph} WHERE id = {ph}",
                             (score + 1, question_id))
                conn.execute("COMMIT")
                key = "committed"
            except sqlite3.OperationalError as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                key = "database is locked" if "locked" in str(error) else str(error)
            with lock:
                outcome[key] += 1

    errors = _hammer(url, threads, body)
    attempts = threads * per_thread
    locked = outcome["database is locked"]
    return {"threads": threads, "attempts": attempts, "committed": outcome["committed"],
            "database_locked": locked, "locked_pct": round(100 * locked / attempts, 1),
            "final_score": _score(url, question_id), "errors": len(errors)}


def counterexamples(url: str, *, quick: bool = False) -> dict[str, Any]:
    """The failures the services are written to avoid, measured on this database."""
    per_thread = 20 if quick else 50
    result: dict[str, Any] = {
        "naive_read_then_write": naive_counter(url, 32, per_thread, atomic=False),
        "atomic_update": naive_counter(url, 32, per_thread, atomic=True),
    }
    if backend_of(url) == "sqlite":
        tx = 10 if quick else 20
        result["sqlite_deferred_begin"] = sqlite_transactions(url, 32, tx, immediate=False)
        result["sqlite_begin_immediate"] = sqlite_transactions(url, 32, tx, immediate=True)
    return result


# --------------------------------------------------------------------------- report


def print_report(reports: list[dict[str, Any]]) -> None:
    """A table per phase and the counter-example figures."""
    print("\nSummary")
    head = (f"{'db':<9} {'phase':<6} {'req':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'5xx':>4}  statuses")
    print(head)
    print("-" * len(head))
    for r in reports:
        for phase in ("votes", "posts"):
            s = r[phase]
            print(f"{r['backend']:<9} {phase:<6} {s['requests']:>6} {s['rps']:>7} "
                  f"{s['p50_ms']:>8} {s['p95_ms']:>8} {s['server_errors']:>4}  {s['statuses']}")
    for r in reports:
        inv = r["invariants"]["final"]
        print(f"\n{r['backend']}: gunicorn {r['workers']} x {r['worker_class']} workers, "
              f"{r['clients']} clients, {r['seconds_total']} s in all")
        print(f"  votes: accepted {r['votes']['accepted']}; {r['votes']['vote_rows']} vote "
              f"rows, rows vs clients' view: "
              f"{r['votes']['rows_vs_clients']} differences, unexpected statuses: "
              f"{r['votes']['unexpected']}")
        print(f"  posts: created {r['posts']['created']}, {r['posts']['pages_checked']} pages "
              f"checked, unreadable {r['posts']['unreadable']}, POST p95 < 1 s: "
              f"{r['posts']['p95_under_1s']}")
        print(f"  redirects followed after each post: {r['posts']['redirect_get']}")
        print(f"  time inside the workers: {r['server_times']}")
        print(f"  invariants: {inv}")
        print(f"  gunicorn log: {r['log']}")
        for warning in r["warnings"]:
            print(f"  warning: {warning}")
        print(f"  {'OK' if r['ok'] else 'FAILED: ' + '; '.join(r['failures'])}")
        for name, figures in r.get("counterexamples", {}).items():
            print(f"  counter-example {name}: {figures}")


def parse_args(argv: list[str] | None = None) -> tuple[Options, argparse.Namespace]:
    """Command line to Options; --quick changes the defaults, explicit flags still win."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int)
    parser.add_argument("--requests", type=int, help="votes per client")
    parser.add_argument("--post-seconds", type=float)
    parser.add_argument("--users", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--worker-class", choices=("sync", "gthread"))
    parser.add_argument("--db", choices=("auto", "sqlite", "postgres", "both"), default="auto")
    parser.add_argument("--pg-url", default=os.environ.get("FORUM_TEST_DATABASE_URL"),
                        help="server and credentials (default FORUM_TEST_DATABASE_URL)")
    parser.add_argument("--pg-database", default=DEFAULT_PG_DATABASE,
                        help="database created (dropped first) on that server")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--counterexamples", action="store_true")
    parser.add_argument("--rate-limits", action="store_true",
                        help="keep the app's rate limits on (off by default: one client IP)")
    parser.add_argument("--keep", action="store_true", help="keep databases and logs")
    args = parser.parse_args(argv)
    given = {k: getattr(args, k) for k in ("clients", "requests", "post_seconds", "users",
                                           "workers", "worker_class")}
    flags = {"counterexamples": args.counterexamples, "rate_limits": args.rate_limits,
             "keep": args.keep}
    if args.quick:
        return Options.quick(**given, **flags), args
    return Options(**{k: v for k, v in given.items() if v is not None}, **flags), args


def main(argv: list[str] | None = None) -> int:
    """Run on the chosen databases, print the table and the RESULT line."""
    opts, args = parse_args(argv)
    backends = {"auto": ["sqlite"] + (["postgres"] if args.pg_url else []),
                "both": ["sqlite", "postgres"]}.get(args.db, [args.db])
    if "postgres" in backends and not args.pg_url:
        print("PostgreSQL needs --pg-url or FORUM_TEST_DATABASE_URL", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="officina-load-"))
    reports: list[dict[str, Any]] = []
    try:
        for backend in backends:
            url = (f"sqlite:///{workdir / 'load.sqlite3'}" if backend == "sqlite"
                   else derive_pg_url(args.pg_url, args.pg_database))
            print(f"== {backend}: {opts.clients} clients x {opts.requests} votes, "
                  f"{opts.post_seconds:g} s posting, gunicorn {opts.workers} x "
                  f"{opts.worker_class}", flush=True)
            try:
                reports.append(run_database(backend, url, opts, workdir / backend))
            finally:
                if backend == "postgres" and not opts.keep:
                    drop_pg_database(url)
    finally:
        if opts.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(reports)
    ok = all(r["ok"] for r in reports)
    print("RESULT " + json.dumps({"ok": ok, "databases": reports}, sort_keys=True))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
