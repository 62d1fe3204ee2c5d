"""Cluster bench: three app servers, one PostgreSQL, one Redis and an RQ worker, as deployed.

Run: .venv/bin/python bench/cluster.py [--quick] [--seconds 20] [--clients 12]
     [--pg-url URL] [--redis-url URL] [--ports 8001,8002,8003]

Why: Officina promises it can run on several servers behind a load balancer. This starts
gunicorn servers (2 sync workers each) on one PostgreSQL database and one Redis database
(shared render cache, rate-limit counters, RQ job queue) plus `flask jobs worker`, all
with production settings, then drives signed-in clients that move round-robin from server
to server (80 % page reads, 10 % votes, 5 % answers, 5 % searches) and checks:

- no 5xx anywhere; scores equal the sums of votes, vote rows equal what clients were told;
- 24 concurrent wrong passwords on one account, spread over the servers, against a limit
  of 5 per minute: at most 5 get past the limit (the counters live in Redis);
- a new answer is found by search on every server within 2 s (index sync via RQ);
- an edited answer is shown with its new text by the very next request on every other
  server (render cache in Redis, keyed by versions kept in PostgreSQL);
- one server killed with SIGKILL mid-load: the others go on answering, and every answer
  that got its 303 exists afterwards;
- requests/s of the same load over 1, 2 and 3 servers.

The Redis database given is flushed at the start (rate limits of earlier runs would
refuse the log-ins). The last line printed is `RESULT <json>`; exit status 1 when a check
fails.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from bench.login_storm import storm  # noqa: E402

DEFAULT_PORTS = (8001, 8002, 8003)
DEFAULT_DATABASE = "officina_cluster"
LOGIN_LIMIT, BAD_LOGINS = 5, 24
SEARCH_WITHIN = 2.0  # seconds from an answer's 303 to its being found on every server
MIX = (("read", 80), ("vote", 10), ("answer", 5), ("search", 5))
SEARCH_TERMS = ("tariffe", "procedura regionale", "servizio", "domanda di carico")
HIGH = "100000 per minute"  # writing limits out of the way: one address, busy members
EXPECTED = {"read": {200}, "vote": {200, 403, 404, 409}, "answer": {303}, "search": {200}}


@dataclass
class Options:
    """What to run; `quick` is the CI size (a few seconds per phase)."""

    servers: int = 3
    workers: int = 2
    ports: tuple[int, ...] = DEFAULT_PORTS
    clients: int = 12
    warmup_seconds: float = 5.0  # every worker renders each page once before measuring
    seconds: float = 20.0  # each throughput phase
    scaling: bool = True  # measure 1 and 2 servers too (else only all of them)
    kill_seconds: float = 20.0  # the phase during which one server is killed
    users: int = 40
    questions: int = 30
    index_seed: bool = True  # index the seeded posts, so the load's searches find some

    @classmethod
    def quick(cls, **overrides: Any) -> Options:
        """Six clients, 3 s per phase."""
        values: dict[str, Any] = {"clients": 6, "warmup_seconds": 2.0, "seconds": 3.0,
                                  "kill_seconds": 4.0, "users": 10, "questions": 10}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


# --------------------------------------------------------------------------- processes


def cluster_env(redis_url: str, secret: str, nodes: int) -> dict[str, str]:
    """Settings every process of the cluster shares on top of `load.server_env`: one
    PostgreSQL (search included: indexed in the writer's transaction), one Redis."""
    return {
        "FORUM_NODES": str(nodes),  # the app refuses a per-server Whoosh index then
        "FORUM_SECRET_KEY": secret,  # one key: a session signed on one server is valid on all
        "FORUM_CACHE_TYPE": "RedisCache",
        "FORUM_CACHE_REDIS_URL": redis_url,
        "FORUM_RATELIMIT_STORAGE_URI": redis_url,
        "FORUM_JOBS_URL": redis_url,
        "FORUM_JOBS_RUNNER": "rq",
        "FORUM_SEARCH_BACKEND": "postgres",
        "FORUM_LOGIN_LIMIT_PER_ACCOUNT": f"{LOGIN_LIMIT} per minute",
        "FORUM_LOGIN_LIMIT_PER_ADDRESS": HIGH,  # every client comes from 127.0.0.1
        "FORUM_POST_LIMIT": HIGH,
        "FORUM_VOTE_LIMIT": HIGH,
        "FORUM_EDIT_LIMIT": HIGH,
        "FORUM_COMMENT_LIMIT": HIGH,
    }


def flush_redis(redis_url: str) -> None:
    """Empty the one Redis database the run uses (limits, cache and queue of earlier runs)."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()


def run_flask(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    """A `flask` command with the cluster's settings; its output, or LoadError."""
    done = subprocess.run([str(load.BIN / "flask"), *args], cwd=load.ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise load.LoadError(f"flask {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


@dataclass
class Cluster:
    """The running servers (by port) and the RQ worker."""

    servers: dict[int, load.Server]
    worker: subprocess.Popen[bytes]
    worker_log: Path

    @property
    def ports(self) -> list[int]:
        return list(self.servers)

    def wait_ready(self) -> None:
        """Until every server answers; LoadError when one or the worker exited."""
        for server in self.servers.values():
            load.wait_ready(server.proc, server.port, server.log_path)
        if self.worker.poll() is not None:
            raise load.LoadError(f"RQ worker exited:\n{self.worker_log.read_text()[-2000:]}")


@contextlib.contextmanager
def cluster(url: str, workdir: Path, opts: Options, env: dict[str, str]) -> Iterator[Cluster]:
    """Start the servers and the worker together (booting meanwhile: the caller seeds, then
    calls `wait_ready`); always stop them all."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        servers: dict[int, load.Server] = {}
        for i, port in enumerate(opts.ports[: opts.servers]):
            folder = workdir / f"server{i + 1}"
            folder.mkdir(parents=True, exist_ok=True)
            server = load.start_gunicorn(
                url, folder, load.Options(workers=opts.workers, rate_limits=True, env=env),
                port=port)
            started.append(server.proc)
            servers[port] = server
        folder = workdir / "worker"
        folder.mkdir(parents=True, exist_ok=True)
        worker_log = folder / "worker.log"
        with open(worker_log, "wb") as log:
            worker = subprocess.Popen(
                [str(load.BIN / "flask"), "jobs", "worker"], cwd=load.ROOT,
                env={**load.server_env(url, folder, rate_limits=True), **env},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(worker)
        yield Cluster(servers, worker, worker_log)
    finally:
        for proc in started:
            load.stop_process_group(proc)


def kill_server(server: load.Server) -> None:
    """SIGKILL the master and its workers at once: a machine gone, not a clean stop."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait(timeout=10)


# --------------------------------------------------------------------------- clients


class Roamer:
    """One person with one session whose requests a load balancer sends to any server."""

    def __init__(self, ports: list[int]) -> None:
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.clients: dict[int, load.Client] = {}
        for port in ports:
            client = load.Client(port)
            client.cookies = self.cookies  # one cookie jar for every server
            self.clients[port] = client

    def on(self, port: int) -> load.Client:
        """The connection to the server on `port`, carrying this session's token."""
        client = self.clients[port]
        client.csrf = self.csrf
        return client

    def login(self, port: int, username: str) -> None:
        """Sign in through the form on one server; the session is then valid on all."""
        client = self.clients[port]
        client.login(username)
        self.csrf = client.csrf

    def get(self, port: int, path: str) -> load.Reply:
        return self.on(port).request("GET", path)

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def signed_in(ports: list[int], username: str, via: int | None = None) -> Roamer:
    """A member signed in on the server `via` (default the first), roaming over `ports`."""
    roamer = Roamer(ports)
    roamer.login(ports[0] if via is None else via, username)
    return roamer


# --------------------------------------------------------------------------- mixed load


@dataclass
class Accepted:
    """An answer the cluster accepted (303): it must exist at the end."""

    answer_id: int
    question_id: int
    marker: str


@dataclass
class Member:
    """One load client: its session, its votes as it was told, what it saw."""

    idx: int
    username: str
    roamer: Roamer
    voter: load.VoteClient
    uncertain: set[tuple[str, int]] = field(default_factory=set)  # votes lost in flight


@dataclass
class Phase:
    """One bounded run of the mixed load over some servers."""

    name: str
    ports: list[int]
    deadline: float
    dead: set[int] = field(default_factory=set)  # killed servers: the balancer skips them
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: dict[str, Counter[str]] = field(
        default_factory=lambda: {kind: Counter() for kind, _w in MIX})
    unexpected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped: int = 0  # requests in flight to a server when it was killed
    accepted: list[Accepted] = field(default_factory=list)
    after_kill: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    seconds: float = 0.0

    def live(self) -> list[int]:
        with self.lock:
            return [p for p in self.ports if p not in self.dead]


def _pick(rng: random.Random) -> str:
    roll = rng.randrange(100)
    for kind, weight in MIX:
        if roll < weight:
            return kind
        roll -= weight
    return MIX[0][0]


def _one(member: Member, port: int, kind: str, rng: random.Random, data: load.Seed,
         missing_id: int, phase: Phase) -> tuple[int, str, int]:
    """Send one request of `kind`; returns its status, a description and the requests sent
    (an accepted answer is followed by the GET of its page)."""
    client = member.roamer.on(port)
    if kind == "read":
        path = rng.choice([f"/domande/{rng.choice(data.question_ids)}"] * 3
                          + ["/domande", "/"])
        return client.request("GET", path).status, f"GET {path}", 1
    if kind == "search":
        path = f"/cerca?q={quote_plus(rng.choice(SEARCH_TERMS))}"
        return client.request("GET", path).status, f"GET {path}", 1
    if kind == "vote":
        post_kind, post_id, value, post = load._choose_vote(
            rng, data.posts, missing_id, member.voter.state)
        expected = load._expected_status(member.voter, post, value)
        what = f"vote {post_kind} {post_id} {load.VOTE_WORDS[value]}"
        try:
            reply = client.request("POST", f"/voti/{post_kind}/{post_id}",
                                   {"voto": load.VOTE_WORDS[value]}, accept="application/json")
        except (OSError, http.client.HTTPException):
            member.uncertain.add((post_kind, post_id))  # stored or not: nobody can tell
            raise
        if reply.status >= 500:
            member.uncertain.add((post_kind, post_id))
        if reply.status == 200 and post is not None:
            member.voter.state[(post_kind, post_id)] = value
        if reply.status != expected and reply.status < 500:
            with phase.lock:
                phase.unexpected.append(f"{what}: {reply.status}, expected {expected}")
        return reply.status, what, 1
    question_id = rng.choice(data.question_ids)
    marker = f"cl{member.idx:02d}{secrets.token_hex(5)}"
    reply = client.request("POST", f"/domande/{question_id}/risposte",
                           {"body": f"Risposta {marker}: nel nostro ente abbiamo seguito la "
                                    "procedura regionale per le tariffe."})
    match = load.LOCATION_RE.search(reply.location)
    if reply.status == 303 and match and match.group(3):
        with phase.lock:
            phase.accepted.append(Accepted(int(match.group(3)), question_id, marker))
        # as a browser does: the page shows (and so removes) the flash message
        path = urlsplit(reply.location)._replace(scheme="", netloc="", fragment="").geturl()
        follow = client.request("GET", path)
        if follow.status != 200:
            with phase.lock:
                phase.unexpected.append(f"GET {path} after the answer: {follow.status}")
        return reply.status, f"answer to {question_id}", 2
    return reply.status, f"answer to {question_id}", 1


def mixed_worker(member: Member, phase: Phase, data: load.Seed, missing_id: int) -> None:
    """Requests until the deadline, each to the next live server; never raises."""
    rng = random.Random(f"{phase.name}-{member.idx}")
    turn = member.idx
    try:
        while time.monotonic() < phase.deadline:
            live = phase.live()
            port = live[turn % len(live)]
            turn += 1
            kind = _pick(rng)
            try:
                status, what, sent = _one(member, port, kind, rng, data, missing_id, phase)
            except (OSError, http.client.HTTPException) as error:
                with phase.lock:
                    phase.requests += 1
                    if port in phase.dead:
                        phase.dropped += 1
                    else:
                        phase.statuses[kind]["error"] += 1
                        phase.errors.append(f"{kind} on {port}: {type(error).__name__} {error}")
                continue
            with phase.lock:
                phase.requests += sent
                phase.statuses[kind][str(status)] += 1
                if phase.dead:
                    phase.after_kill[str(status)] += 1
                if status not in EXPECTED[kind] and kind != "vote":
                    phase.unexpected.append(f"{what} on {port}: {status}")
    except Exception as error:  # a bug in this script must not hang the run
        with phase.lock:
            phase.errors.append(f"{member.username}: {type(error).__name__} {error}")


def run_phase(name: str, members: list[Member], ports: list[int], seconds: float,
              data: load.Seed, kill: load.Server | None = None) -> Phase:
    """All members load `ports` for `seconds`; `kill` is SIGKILLed half-way."""
    phase = Phase(name, ports, time.monotonic() + seconds)
    missing_id = max(p.id for p in data.posts) + 100_000
    threads = [threading.Thread(target=mixed_worker, args=(m, phase, data, missing_id),
                                daemon=True) for m in members]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if kill is not None:
        time.sleep(seconds / 2)
        with phase.lock:
            phase.dead.add(kill.port)  # new requests avoid it; those in flight are dropped
        kill_server(kill)
    load._join(threads, timeout=seconds + 120)
    phase.seconds = time.perf_counter() - started
    return phase


def phase_report(phase: Phase) -> dict[str, Any]:
    statuses = {kind: dict(sorted(c.items())) for kind, c in phase.statuses.items()}
    server_errors = sum(load._server_errors(c) for c in phase.statuses.values())
    return {
        "servers": len(phase.ports), "seconds": round(phase.seconds, 2),
        "requests": phase.requests, "rps": round(phase.requests / phase.seconds, 1),
        "statuses": statuses, "server_errors": server_errors,
        "unexpected": phase.unexpected[:5], "unexpected_count": len(phase.unexpected),
        "errors": phase.errors[:5], "answers_accepted": len(phase.accepted),
        "dropped_by_killed_server": phase.dropped,
        "after_kill": dict(phase.after_kill),
    }


# --------------------------------------------------------------------------- checks


def check_login_limit(ports: list[int], username: str) -> dict[str, Any]:
    """Concurrent wrong passwords on one account, spread over every server."""
    statuses, seconds = storm(ports, [(username, "sbagliata-davvero")] * BAD_LOGINS)
    through = sum(n for status, n in statuses.items() if status != 429)
    return {"attempts": BAD_LOGINS, "servers": len(ports), "limit": LOGIN_LIMIT,
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "not_429": through, "seconds": round(seconds, 2),
            "ok": through <= LOGIN_LIMIT and 0 not in statuses
            and not any(s >= 500 for s in statuses)}


def _answer(author: Roamer, port: int, question_id: int, body: str) -> int:
    reply = author.on(port).request("POST", f"/domande/{question_id}/risposte", {"body": body})
    match = load.LOCATION_RE.search(reply.location)
    if reply.status != 303 or not match or not match.group(3):
        raise load.LoadError(f"answer on {port} answered {reply.status}")
    author.get(port, f"/domande/{question_id}")  # the flash message is shown and gone
    return int(match.group(3))


def _found(reader: Roamer, port: int, word: str, question_id: int) -> bool:
    page = reader.get(port, f"/cerca?q={word}")
    return page.status == 200 and f'href="/domande/{question_id}' in page.body.decode(
        "utf-8", "replace")


def check_search(author: Roamer, reader: Roamer, ports: list[int],
                 question_id: int) -> dict[str, Any]:
    """A new answer posted on the first server, searched for on each until found."""
    word = f"grappolo{secrets.token_hex(4)}z"
    answer_id = _answer(author, ports[0], question_id,
                        f"Risposta con la parola {word}, per la ricerca.")
    posted = time.monotonic()
    seconds: dict[str, float | None] = {}
    for port in ports:
        found_at = None
        while time.monotonic() - posted < SEARCH_WITHIN + 3:
            if _found(reader, port, word, question_id):
                found_at = time.monotonic() - posted
                break
            time.sleep(0.05)
        seconds[str(port)] = None if found_at is None else round(found_at, 2)
    worst = max((s for s in seconds.values() if s is not None), default=None)
    ok = all(s is not None and s <= SEARCH_WITHIN for s in seconds.values())
    return {"found_after_seconds": seconds, "worst": worst, "within": SEARCH_WITHIN, "ok": ok,
            "answer": [answer_id, question_id, word]}


def _shows(roamer: Roamer, port: int, question_id: int, new: str, old: str) -> bool:
    page = roamer.get(port, f"/domande/{question_id}")
    body = page.body.decode("utf-8", "replace")
    return page.status == 200 and new in body and old not in body


def check_edits(author: Roamer, reader: Roamer, anonymous: Roamer, ports: list[int],
                question_id: int) -> dict[str, Any]:
    """Edit an answer through each server in turn; read it right after on the others.

    The readers look first (so every server has the old page cached), then the edit,
    then one request each: the signed-in reader must get the new text; anonymous readers
    are counted apart (a per-process micro-cache may keep a page PAGE_CACHE_SECONDS).
    """
    old = f"versione{secrets.token_hex(4)}z"
    answer_id = _answer(author, ports[0], question_id, f"Risposta da modificare: {old}.")
    stale, anonymous_stale, reads = [], [], 0
    for round_no, editor in enumerate(ports):
        others = [p for p in ports if p != editor]
        for port in others:
            reader.get(port, f"/domande/{question_id}")
            anonymous.get(port, f"/domande/{question_id}")
        new = f"versione{secrets.token_hex(4)}z"
        reply = author.on(editor).request("POST", f"/risposte/{answer_id}/modifica",
                                          {"body": f"Risposta modificata ({round_no}): {new}.",
                                           "summary": "prova del gruppo di server"})
        if reply.status != 303:
            raise load.LoadError(f"edit on {editor} answered {reply.status}")
        author.get(editor, f"/domande/{question_id}")
        for port in others:
            reads += 1
            if not _shows(reader, port, question_id, new, old):
                stale.append(f"edited on {editor}, stale on {port}")
            if not _shows(anonymous, port, question_id, new, old):
                anonymous_stale.append(f"edited on {editor}, stale on {port}")
        old = new
    return {"edits": len(ports), "reads_after_edit": reads, "stale": stale,
            "anonymous_stale": anonymous_stale, "ok": not stale,
            "answer": [answer_id, question_id, old]}


def check_answers_kept(url: str, accepted: list[Accepted]) -> dict[str, Any]:
    """Every answer that got its 303 is in the database with its text."""
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import Answer

    with load.app_on(url):
        rows = dict(db.session.execute(
            select(Answer.id, Answer.body).where(Answer.id.in_([a.answer_id for a in accepted]))
        ).all())
    lost = [a.answer_id for a in accepted if a.marker not in rows.get(a.answer_id, "")]
    return {"accepted": len(accepted), "lost": len(lost), "lost_ids": lost[:10],
            "ok": not lost}


def check_votes(url: str, members: list[Member]) -> dict[str, Any]:
    """Scores equal the sums of votes; vote rows equal what the clients were told."""
    found = load.invariants(url)
    uncertain = {(m.voter.user_id, *key) for m in members for key in m.uncertain}
    expected = {(m.voter.user_id, kind, post_id): value for m in members
                for (kind, post_id), value in m.voter.state.items() if value}
    differ = sum(1 for key in expected.keys() | found["votes"].keys()
                 if key not in uncertain and expected.get(key) != found["votes"].get(key))
    broken = {k: v for k, v in found["problems"].items() if v}
    return {"invariants": found["problems"], "vote_rows": len(found["votes"]),
            "rows_vs_clients": differ, "uncertain_in_flight": len(uncertain),
            "ok": not broken and differ == 0}


def job_counts(url: str) -> dict[str, int]:
    """Background jobs by status at the end, pending ones split into due and later
    (reminders days ahead): due ones are what the RQ worker has not caught up with."""
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.models import Job, JobStatus
    from forum.models.base import utcnow

    with load.app_on(url):
        counts = {str(status): n for status, n in db.session.execute(
            select(Job.status, func.count()).group_by(Job.status)).all()}
        counts["pending_due"] = db.session.execute(
            select(func.count()).select_from(Job).where(
                Job.status == JobStatus.PENDING, Job.run_after <= utcnow())).scalar_one()
    return counts


# --------------------------------------------------------------------------- the run


def _progress(started: float, message: str) -> None:
    print(f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True)


def run(url: str, redis_url: str, opts: Options, workdir: Path) -> dict[str, Any]:
    """Prepare the database, start the cluster, load it, check it; a JSON-friendly report."""
    started = time.perf_counter()
    workdir.mkdir(parents=True, exist_ok=True)
    load.recreate_pg_database(url)
    flush_redis(redis_url)
    env = cluster_env(redis_url, secrets.token_hex(24), len(opts.ports))
    load.migrate(url, workdir)
    _progress(started, "schema migrated")
    report: dict[str, Any] = {"servers": opts.servers, "workers_per_server": opts.workers,
                              "clients": opts.clients, "cpus": os.cpu_count()}
    with cluster(url, workdir, opts, env) as running:
        data = load.seed(url, max(opts.users, opts.clients + 3), opts.questions)
        if opts.index_seed:
            run_flask(["search", "reindex"], {**load.server_env(url, workdir), **env})
        running.wait_ready()
        ports = running.ports
        _progress(started, f"{len(data.users)} members, {len(data.question_ids)} questions "
                           f"and the search index ready; servers on {ports} and the RQ "
                           "worker answering")
        members = [Member(i, name, signed_in(ports, name, via=ports[i % len(ports)]),
                          load.VoteClient(uid, name))
                   for i, (uid, name) in enumerate(data.users[: opts.clients])]
        phases: list[Phase] = []
        try:
            phases.append(run_phase("warm-up", members, ports, opts.warmup_seconds, data))
            counts = range(1, len(ports) + 1) if opts.scaling else [len(ports)]
            for n in counts:
                phases.append(run_phase(f"{n}-servers", members, ports[:n], opts.seconds, data))
                _progress(started, f"{n} server(s): {phases[-1].requests} requests, "
                                   f"{phase_report(phases[-1])['rps']} req/s")
            report["warmup"] = phase_report(phases[0])
            report["throughput"] = [phase_report(p) for p in phases[1:]]
            report.update(run_checks(ports, data, opts, started))
            victim = running.servers[ports[-1]]
            phases.append(run_phase("kill", members, ports, opts.kill_seconds, data,
                                    kill=victim))
        finally:
            for member in members:
                member.roamer.close()
        kill = phases[-1]
        report["kill"] = {**phase_report(kill), "killed_port": victim.port,
                          "killed_dead": victim.proc.poll() is not None,
                          "survivors_answered": sum(
                              n for s, n in kill.after_kill.items() if s.isdigit()
                              and int(s) < 500)}
        _progress(started, f"kill -9 of the server on {victim.port} half-way: "
                           f"{report['kill']['survivors_answered']} answers after it, "
                           f"{kill.dropped} requests dropped in flight")
        report["jobs"] = settled_jobs(url, {**load.server_env(url, workdir), **env})
        report["worker_alive_at_end"] = running.worker.poll() is None
        report["pids"] = [*(s.proc.pid for s in running.servers.values()), running.worker.pid]
    checked = [Accepted(*report[check]["answer"]) for check in ("search", "edits")]
    report["answers"] = check_answers_kept(url, [a for p in phases for a in p.accepted]
                                           + checked)
    report["votes"] = check_votes(url, members)
    report["log"] = {str(port): log_counts(server.log_path)
                     for port, server in running.servers.items()}
    report["log"]["worker"] = log_counts(running.worker_log)
    report["failures"] = failures(report, opts)
    report["warnings"] = warnings(report, opts)
    report["ok"] = not report["failures"]
    report["seconds_total"] = round(time.perf_counter() - started, 1)
    return report


def log_counts(path: Path) -> dict[str, Any]:
    """`load.log_counts` and the first error line, to tell what went wrong from the report."""
    text = path.read_text(errors="replace") if path.exists() else ""
    first = re.search(r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)*.*$", text,
                      re.MULTILINE)
    return {**load.log_counts(path), "first_error": first.group(0)[-1500:] if first else None}


def settled_jobs(url: str, env: dict[str, str], patience: float = 10.0) -> dict[str, Any]:
    """Job counts once the worker has caught up with the due ones. A server killed between
    its commit and the hand-off to Redis leaves its jobs pending in the database: the
    scheduled sweep (`flask jobs worker --burst` in deploy/scheduled.sh) hands them over,
    so the bench runs it when `patience` runs out, as cron would, and says how many."""
    waited = time.monotonic()
    counts = job_counts(url)
    while counts["pending_due"] and time.monotonic() - waited < patience:
        time.sleep(0.5)
        counts = job_counts(url)
    swept = counts["pending_due"]
    if swept:
        run_flask(["jobs", "worker", "--burst"], env)
        counts = job_counts(url)
    return {**counts, "waited_seconds": round(time.monotonic() - waited, 1),
            "left_for_the_sweep": swept}


def run_checks(ports: list[int], data: load.Seed, opts: Options,
               started: float) -> dict[str, Any]:
    """Log-in limit, search and edit freshness across the servers, with members of their own."""
    extra = [name for _uid, name in data.users[opts.clients: opts.clients + 3]]
    author, reader = signed_in(ports, extra[0]), signed_in(ports, extra[1], via=ports[-1])
    anonymous = Roamer(ports)
    out: dict[str, Any] = {}
    try:
        out["login_limit"] = check_login_limit(ports, extra[2])
        _progress(started, f"log-in limit: {out['login_limit']['not_429']} of {BAD_LOGINS} "
                           "attempts got past it")
        out["search"] = check_search(author, reader, ports, data.question_ids[1])
        _progress(started, f"search: found after {out['search']['found_after_seconds']} s")
        out["edits"] = check_edits(author, reader, anonymous, ports, data.question_ids[2])
        _progress(started, f"edits: {len(out['edits']['stale'])} stale reads of "
                           f"{out['edits']['reads_after_edit']} (anonymous: "
                           f"{len(out['edits']['anonymous_stale'])})")
    finally:
        for roamer in (author, reader, anonymous):
            roamer.close()
    return out


def failures(report: dict[str, Any], opts: Options) -> list[str]:
    """The broken promises, in words."""
    out: list[str] = []
    if report["edits"]["anonymous_stale"]:
        out.append(f"anonymous readers saw stale pages: {report['edits']['anonymous_stale']}")
    for phase in [report["warmup"], *report["throughput"], report["kill"]]:
        name = f"{phase['servers']} servers" + (" (kill)" if phase is report["kill"] else "")
        if phase["server_errors"]:
            out.append(f"{name}: {phase['server_errors']} 5xx/connection errors, "
                       f"e.g. {phase['errors'][:2]}")
        elif phase["errors"]:
            out.append(f"{name}: client errors {phase['errors'][:2]}")
        if phase["unexpected_count"]:
            out.append(f"{name}: {phase['unexpected_count']} unexpected answers, "
                       f"e.g. {phase['unexpected'][:2]}")
    for check in ("login_limit", "search", "edits", "answers", "votes"):
        if not report[check]["ok"]:
            out.append(f"{check}: {json.dumps(report[check], sort_keys=True)[:400]}")
    kill = report["kill"]
    if not kill["killed_dead"] or not kill["survivors_answered"]:
        out.append("kill: the killed server lives on or the others stopped answering")
    if not report["worker_alive_at_end"]:
        out.append("the RQ worker died")
    return out


def warnings(report: dict[str, Any], opts: Options) -> list[str]:
    """Worth a look, not a broken promise."""
    out: list[str] = []
    for where, counts in report["log"].items():
        if counts["tracebacks"]:
            out.append(f"{counts['tracebacks']} tracebacks in the log of {where}, first: "
                       f"{counts['first_error']}")
    if report["jobs"].get("failed"):
        out.append(f"{report['jobs']['failed']} background jobs failed")
    if report["jobs"]["pending_due"]:
        out.append(f"{report['jobs']['pending_due']} due jobs still pending at the end")
    return out


def scaling_note(throughput: list[dict[str, Any]], cpus: int | None) -> str:
    """The ratios against one server, and why they stay far from 1:2:3 on a small machine."""
    first = throughput[0]
    base = first["rps"] or 1.0
    ratios = ", ".join(f"{t['servers']}: {t['rps'] / base:.2f}x" for t in throughput)
    return (f"Requests/s against {first['servers']} server(s): {ratios}. On this machine "
            f"({cpus} CPUs) every server, the RQ worker, PostgreSQL, Redis and the load "
            "clients share the same cores: a second "
            "or third server adds processes but no CPU, so once one server's 2 workers keep "
            "the cores busy the total cannot grow; on separate machines each server brings "
            "its own cores and the shared PostgreSQL and Redis become the limit.")


def print_report(report: dict[str, Any]) -> None:
    """Tables and one line per check."""
    print("\nThroughput (same clients and mix, round-robin over the servers)")
    head = f"{'servers':>7} {'requests':>8} {'req/s':>7} {'5xx':>4}  statuses"
    print(head)
    print("-" * len(head))
    for t in report["throughput"]:
        print(f"{t['servers']:>7} {t['requests']:>8} {t['rps']:>7} {t['server_errors']:>4}  "
              f"{t['statuses']}")
    print(scaling_note(report["throughput"], report["cpus"]))
    login = report["login_limit"]
    print(f"\nlog-in limit: {login['attempts']} concurrent wrong passwords over "
          f"{login['servers']} servers, {login['not_429']} got past the limit of "
          f"{login['limit']} per minute; statuses {login['statuses']}")
    search = report["search"]
    print(f"search: new answer found after {search['found_after_seconds']} s per server "
          f"(target {search['within']} s)")
    edits = report["edits"]
    print(f"edits: {edits['edits']} edits, {edits['reads_after_edit']} signed-in reads on the "
          f"other servers right after, stale: {len(edits['stale'])}; anonymous stale: "
          f"{len(edits['anonymous_stale'])}")
    kill = report["kill"]
    print(f"kill -9 of the server on {kill['killed_port']}: {kill['requests']} requests in "
          f"{kill['seconds']} s, {kill['dropped_by_killed_server']} dropped in flight, "
          f"{kill['survivors_answered']} answered after it, 5xx {kill['server_errors']}")
    answers = report["answers"]
    print(f"answers: {answers['accepted']} accepted (303), {answers['lost']} missing afterwards")
    votes = report["votes"]
    print(f"votes: invariants {votes['invariants']}; {votes['vote_rows']} vote rows, "
          f"{votes['rows_vs_clients']} differ from the clients' view "
          f"({votes['uncertain_in_flight']} in flight at the kill left out)")
    print(f"jobs: {report['jobs']}; RQ worker alive at the end: {report['worker_alive_at_end']}")
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    print(f"{'OK' if report['ok'] else 'FAILED: ' + '; '.join(report['failures'])} "
          f"({report['seconds_total']} s)")


def parse_args(argv: list[str] | None = None) -> tuple[Options, argparse.Namespace]:
    """Command line to Options; --quick changes the defaults, explicit flags still win."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size: 6 clients, 3 s phases")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float, help="each throughput phase")
    parser.add_argument("--kill-seconds", type=float, help="the phase with the kill")
    parser.add_argument("--ports", default=",".join(map(str, DEFAULT_PORTS)),
                        help="one port per server (default 8001,8002,8003)")
    parser.add_argument("--pg-url", default=os.environ.get("FORUM_TEST_DATABASE_URL"),
                        help="server and credentials (default FORUM_TEST_DATABASE_URL)")
    parser.add_argument("--pg-database", default=DEFAULT_DATABASE,
                        help="database created (dropped first) on that server")
    parser.add_argument("--redis-url", default=os.environ.get("FORUM_TEST_REDIS_URL"),
                        help="Redis database, FLUSHED first (default FORUM_TEST_REDIS_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args(argv)
    ports = tuple(int(p) for p in args.ports.split(","))
    given = {"clients": args.clients, "seconds": args.seconds,
             "kill_seconds": args.kill_seconds}
    fixed: dict[str, Any] = {"ports": ports, "servers": len(ports)}
    if args.quick:
        return Options.quick(**given, **fixed), args
    return Options(**{k: v for k, v in given.items() if v is not None}, **fixed), args


def main(argv: list[str] | None = None) -> int:
    """Run once, print the summary and the RESULT line."""
    opts, args = parse_args(argv)
    if not args.pg_url or not args.redis_url:
        print("needs --pg-url and --redis-url (or FORUM_TEST_DATABASE_URL and "
              "FORUM_TEST_REDIS_URL)", file=sys.stderr)
        return 2
    url = load.derive_pg_url(args.pg_url, args.pg_database)
    workdir = Path(tempfile.mkdtemp(prefix="officina-cluster-"))
    print(f"== {opts.servers} servers x {opts.workers} workers on {url}, Redis {args.redis_url}; "
          f"{opts.clients} clients, {opts.seconds:g} s per phase", flush=True)
    try:
        report = run(url, args.redis_url, opts, workdir)
    finally:
        if args.keep:
            print(f"kept: {workdir} and the database")
        else:
            load.drop_pg_database(url)
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(report)
    print("RESULT " + json.dumps(report, sort_keys=True))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
