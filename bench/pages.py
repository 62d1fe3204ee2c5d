"""Page benchmark: Officina's question page and list against a bare Flask+Jinja page.

Run: .venv/bin/python bench/pages.py [--questions 10000 --answers 40000 --seconds 5]
Builds a dataset in a temporary SQLite file, then measures requests per second through
each app's Werkzeug test client (in process, single thread) and SQL statements per page.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context, render_template
from flask.testing import FlaskClient
from jinja2 import DictLoader
from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Engine
from werkzeug.security import generate_password_hash

from config import Config
from forum import create_app
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Acceptance, Answer, Comment, Question, Tag, Theme, User, Vote
from forum.models import question_tags as QuestionTags
from forum.models.base import utcnow
from forum.seed.themes import ensure_themes
from forum.taxonomy import ORGANISATION_TYPES, REGIONS

BIG, SMALL = 1, 2  # question ids forced to exactly 30 and exactly 2 answers
SENTENCES = (
    "Il nostro Comune ha avviato un servizio di sostegno per le famiglie con figli piccoli.",
    "Vorremmo capire come calcolare le tariffe in base all'**ISEE** senza penalizzare nessuno.",
    "La Regione ha pubblicato un bando, ma i tempi di rendicontazione sono molto stretti.",
    "Abbiamo coinvolto i consultori e i centri per la famiglia dell'ambito sociale.",
    "Qualcuno ha già esperienza con la *coprogettazione* insieme al terzo settore?",
    "Le domande si presentano online tramite il portale dei servizi con `SPID`.",
    "Vedi anche la guida su [il portale nazionale](https://www.example.gov.it/guida).",
    "I dati di monitoraggio mostrano un aumento delle richieste del venti per cento.",
)
OPENERS = ("Come gestire", "Chi ha esperienza con", "Dubbi su", "Modello per", "Scadenze per")
TOPICS = ("le tariffe dei nidi", "l'assegno unico", "i centri estivi", "l'affido familiare",
          "i caregiver familiari", "il bando regionale", "la mediazione familiare",
          "i servizi integrativi 0-6", "il progetto di vita", "il welfare aziendale")
PLACES = ("nei piccoli comuni", "nell'ambito sociale", "in unione di comuni", "con fondi PNRR",
          "per il 2026", "con il terzo settore")
TAG_ROOTS = ("isee nidi bandi caregiver affido adozione consultori pnrr tariffe anziani disabilita "
             "giovani scuola mense trasporti welfare conciliazione natalita contributi povertà "
             "casa sport cultura dati privacy appalti personale formazione rete sanità").split()
TAG_SUFFIXES = ("regole moduli scadenze fondi rendiconto progetti buone-pratiche faq normativa "
                "monitoraggio").split()

BARE_TEMPLATE = """<!doctype html><html lang="it"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><main><h1>{{ title }}</h1><ul>
{% for item in items %}<li><a href="{{ item.url }}">{{ item.title }}</a>
<span class="author">{{ item.author }}</span> <span class="score">{{ item.score }}</span></li>
{% endfor %}</ul></main></body></html>"""


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _bodies(rng: random.Random, count: int, sentences: int) -> list[tuple[str, str]]:
    """A few dozen distinct Markdown bodies with their HTML, rendered once."""
    out = []
    for i in range(count):
        parts = [" ".join(rng.sample(SENTENCES, sentences))]
        if i % 3 == 0:
            parts.append("- Verificare i requisiti\n- Sentire gli uffici\n- Pubblicare l'avviso")
        if i % 4 == 1:
            parts.append(" ".join(rng.sample(SENTENCES, 2)))
        body = "\n\n".join(parts)
        out.append((body, render_markdown(body)))
    return out


def generate(args: argparse.Namespace, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """All rows, in Python, with scores, counters and acceptances kept consistent."""
    now = utcnow()
    start = now - timedelta(days=730)
    nq, na = args.questions, args.answers
    themes = [t.id for t in db.session.execute(select(Theme)).scalars()]
    pw_hash = generate_password_hash("benchmark-password", method="pbkdf2:sha256:1000")
    users = [{"id": i, "username": f"utente{i:04d}", "display_name": f"Operatore {i}",
              "email": f"utente{i}@example.it", "password_hash": pw_hash, "bio": "",
              "organisation": f"Comune di Prova {i}", "region_code": rng.choice(list(REGIONS)),
              "organisation_type": rng.choice(list(ORGANISATION_TYPES)),
              "role": "moderator" if i <= 5 else "member", "reputation": 1,
              "session_version": 1, "created_at": start} for i in range(1, args.users + 1)]
    tags = [{"id": i, "name": f"{root}-{suffix}"} for i, (root, suffix) in enumerate(
        ((r, s) for r in TAG_ROOTS for s in TAG_SUFFIXES), start=1)]
    long_bodies, short_bodies = _bodies(rng, 40, 4), _bodies(rng, 30, 1)
    questions = []
    for qid in range(1, nq + 1):
        body, html = rng.choice(long_bodies)
        created = _between(rng, start, now - timedelta(days=1))
        title = f"{rng.choice(OPENERS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}? (#{qid})"
        questions.append({"id": qid, "title": title, "body": body, "body_html": html,
                          "theme_id": rng.choice(themes), "author_id": rng.randint(1, args.users),
                          "score": 0, "answer_count": 0, "accepted_answer_id": None,
                          "created_at": created, "updated_at": None, "last_activity_at": created})
    weights = [1.0 / (i + 1) for i in range(len(tags))]
    qtags = [{"question_id": q["id"], "tag_id": tag_id} for q in questions
             for tag_id in {t["id"] for t in rng.choices(tags, weights, k=rng.randint(1, 3))}]
    targets = [BIG] * 30 + [SMALL] * 2 + [rng.randint(3, nq) for _ in range(na - 32)]
    answers, by_question = [], defaultdict(list)
    for aid, qid in enumerate(targets, start=1):
        q = questions[qid - 1]
        body, html = rng.choice(long_bodies)
        created = _between(rng, q["created_at"], now)
        answers.append({"id": aid, "question_id": qid, "author_id": rng.randint(1, args.users),
                        "body": body, "body_html": html, "score": 0, "created_at": created,
                        "updated_at": None})
        by_question[qid].append(aid)
        q["answer_count"] += 1
        q["last_activity_at"] = max(q["last_activity_at"], created)
    comments: list[dict[str, Any]] = []
    for cid in range(1, args.comments + 1):
        replyable = comments[-200:]
        parent = rng.choice(replyable) if replyable and rng.random() < 0.3 else None
        if parent is not None and parent["depth"] < 2:
            qid, aid, after = parent["question_id"], parent["answer_id"], parent["created_at"]
        elif rng.random() < 0.2:
            parent, qid, aid = None, rng.randint(1, nq), None
            after = questions[qid - 1]["created_at"]
        else:
            parent, a = None, rng.choice(answers)
            qid, aid, after = a["question_id"], a["id"], a["created_at"]
        body, html = rng.choice(short_bodies)
        created = _between(rng, after, now)
        comments.append({"id": cid, "question_id": qid, "answer_id": aid,
                         "parent_id": parent["id"] if parent else None,
                         "depth": parent["depth"] + 1 if parent else 0,
                         "author_id": rng.randint(1, args.users), "body": body,
                         "body_html": html, "created_at": created})
        q = questions[qid - 1]
        q["last_activity_at"] = max(q["last_activity_at"], created)
    votes: dict[tuple[int, str, int], int] = {}
    limit = min(args.votes, args.users * (nq + na) // 2)
    while len(votes) < limit:
        kind = "question" if rng.random() < 0.2 else "answer"
        post = rng.choice(questions) if kind == "question" else rng.choice(answers)
        user = rng.randint(1, args.users)
        if user != post["author_id"]:
            votes.setdefault((user, kind, post["id"]), 1 if rng.random() < 0.75 else -1)
    for (_user, kind, pid), value in votes.items():
        (questions if kind == "question" else answers)[pid - 1]["score"] += value
    vote_rows = [{"id": i, "user_id": u, "question_id": pid if kind == "question" else None,
                  "answer_id": pid if kind == "answer" else None, "value": value,
                  "created_at": now} for i, ((u, kind, pid), value) in enumerate(votes.items(), 1)]
    acceptances, accepted = [], []
    for qid, aids in by_question.items():
        if qid in (BIG, SMALL) or rng.random() < 0.41:
            q, answer = questions[qid - 1], answers[rng.choice(aids) - 1]
            moderator = rng.random() < 0.1
            acceptances.append({
                "id": len(acceptances) + 1, "question_id": qid, "answer_id": answer["id"],
                "accepted_by_id": rng.randint(1, 5) if moderator else q["author_id"],
                "as_moderator": moderator, "accepted_at": _between(rng, answer["created_at"], now),
                "withdrawn_at": None, "withdrawn_by_id": None})
            accepted.append({"id": qid, "accepted_answer_id": answer["id"]})
    return {"users": users, "tags": tags, "questions": questions, "question_tags": qtags,
            "answers": answers, "comments": comments, "votes": vote_rows,
            "acceptances": acceptances, "accepted": accepted}


def build_app(args: argparse.Namespace, path: Path) -> tuple[Flask, str, dict[str, int]]:
    """The Officina app on a fresh database filled in bulk; returns the viewer's session id."""
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                     PAGE_CACHE_SECONDS=args.page_cache)
    with app.app_context():
        db.create_all()
        ensure_themes()
        data = generate(args, random.Random(args.seed))
        for model, key in ((User, "users"), (Tag, "tags"), (Question, "questions"),
                           (QuestionTags, "question_tags"), (Answer, "answers"),
                           (Comment, "comments"), (Vote, "votes"), (Acceptance, "acceptances")):
            for i in range(0, len(data[key]), 5000):
                db.session.execute(insert(model), data[key][i:i + 5000])
        db.session.execute(update(Question), data["accepted"])
        db.session.commit()
        viewer_id = db.session.get(User, min(42, args.users)).get_id()  # type: ignore[union-attr]
        counts = {k: len(v) for k, v in data.items() if k != "accepted"}
        db.session.remove()
    return app, viewer_id, counts


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
    """SQL statements (not BEGIN/PRAGMA/SAVEPOINT) sent by one request."""
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


def run(app: Flask, viewer_id: str, seconds: float) -> list[dict[str, Any]]:
    """Measure the bare page, then each Officina page (SQL count first, then req/s)."""
    with app.app_context():
        engine = db.engine
    assert not has_app_context(), "requests must run in their own app context"
    anon, signed = app.test_client(), app.test_client()
    with signed.session_transaction() as session:
        session["_user_id"] = viewer_id
        session["_fresh"] = True
    pages = [(f"question page ({n} answers)", f"/domande/{qid}", who, client)
             for qid, n in ((BIG, 30), (SMALL, 2)) for who, client in (("anon", anon),
                                                                       ("signed", signed))]
    pages += [("question list", "/domande", "anon", anon),
              ("filtered list", "/domande?stato=risolte&ordina=voti&page=3", "anon", anon)]
    bare_rps, bare_cpu = measure(bare_app().test_client(), "/", seconds)
    rows: list[dict[str, Any]] = [{"page": "bare Flask+Jinja (50 items)", "path": "/",
                                   "viewer": "-", "rps": bare_rps, "cpu_rps": bare_cpu,
                                   "ratio": 1.0, "statements": None, "speed_ok": None,
                                   "sql_ok": None}]
    for label, path, viewer, client in pages:
        statements = count_statements(engine, client, path)
        rps, cpu_rps = measure(client, path, seconds)
        rows.append({"page": label, "path": path, "viewer": viewer, "rps": rps,
                     "cpu_rps": cpu_rps, "ratio": rps / bare_rps, "statements": statements,
                     "speed_ok": rps / bare_rps >= 0.5, "sql_ok": statements <= 12})
    engine.dispose()
    return rows


def report(rows: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    """The table, the targets with PASS/FAIL, and the machine-readable RESULT line."""
    verdict = {True: "PASS", False: "FAIL", None: "-"}
    print(f"\n{'page':<28} {'path':<42} {'viewer':<7} {'req/s':>8} {'x bare':>7} "
          f"{'SQL':>4}  {'speed':<5} {'SQL<=12':<8} {'req/CPU-s':>9}")
    for r in rows:
        sql = "-" if r["statements"] is None else str(r["statements"])
        print(f"{r['page']:<28} {r['path']:<42} {r['viewer']:<7} {r['rps']:>8.1f} "
              f"{r['ratio']:>7.2f} {sql:>4}  {verdict[r['speed_ok']]:<5} "
              f"{verdict[r['sql_ok']]:<8} {r['cpu_rps']:>9.1f}")
    if any(r["rps"] < 0.85 * r["cpu_rps"] for r in rows):
        print("Warning: wall-clock req/s well below req/CPU-s: the machine was busy, re-run.")
    print("\nTargets: question page >= 0.5 x bare, list page >= 0.5 x bare, "
          "at most 12 SQL statements per page.")
    passed = all(r["speed_ok"] is not False and r["sql_ok"] is not False for r in rows)
    print(f"Overall: {'PASS' if passed else 'FAIL'}")
    pages = [{**r, "rps": round(r["rps"], 1), "cpu_rps": round(r["cpu_rps"], 1),
              "ratio": round(r["ratio"], 3)} for r in rows]
    print("RESULT " + json.dumps({**extra, "pages": pages}))


def main() -> None:
    """Generate the dataset, measure, report; exit 0 whatever the verdict."""
    parser = argparse.ArgumentParser(description=__doc__)
    for name, default in (("questions", 10_000), ("answers", 40_000), ("comments", 40_000),
                          ("votes", 100_000), ("users", 200), ("seed", 2026)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--page-cache", type=float, default=Config.PAGE_CACHE_SECONDS,
                        help="anonymous page cache TTL as in production (0 = off)")
    args = parser.parse_args()
    args.questions, args.answers = max(args.questions, 3), max(args.answers, 32)
    tmp = Path(tempfile.mkdtemp(prefix="officina-bench-"))
    try:
        start = time.perf_counter()
        app, viewer_id, counts = build_app(args, tmp / "bench.sqlite3")
        gen_seconds = time.perf_counter() - start
        print(f"Dataset generated in {gen_seconds:.1f} s: "
              + ", ".join(f"{v} {k}" for k, v in counts.items()))
        rows = run(app, viewer_id, args.seconds)
        report(rows, {"generation_seconds": round(gen_seconds, 2), "dataset": counts,
                      "seconds": args.seconds})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
