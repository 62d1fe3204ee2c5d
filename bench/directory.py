"""Directory benchmark: /rete with a three-facet query, at 1,000 and at 10,000 members.

Run: .venv/bin/python bench/directory.py [--small 1000 --large 10000 --repeat 15]

Each size gets its own temporary SQLite database filled through bulk inserts: members
spread over regions, organisation types and levels, one to three expertise themes each,
and answers (some accepted) by one member in five. The same signed-in request
(region + organisation type + "ha risposto su questo tema", sorted by accepted answers) is
timed `--repeat` times per size, and its SQL statements counted. Targets: the statement
count is the same at both sizes (it does not grow with members); the time ratio is
printed for the record. Prints a last line ``RESULT <json>``; exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean, median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Answer, Expertise, Question, Theme, User  # noqa: E402
from forum.models.base import utcnow  # noqa: E402
from forum.seed.themes import ensure_themes  # noqa: E402
from forum.taxonomy import ORGANISATION_TYPES, REGIONS  # noqa: E402

QUERY = ("/rete?regione=08&tipo=comune&risposto=servizi-educativi-0-6&ordina=accettate"
         "&q=comune")


def _fill(members: int, seed: int = 7) -> int:
    """Members, expertise, questions and answers; returns the id of a reader."""
    rng = random.Random(seed)
    now = utcnow()
    regions, kinds = list(REGIONS), list(ORGANISATION_TYPES)
    db.session.execute(insert(User), [{
        "username": f"membro{n}", "display_name": f"Membro {n} Cognome{n % 97}",
        "email": f"membro{n}@ente.example", "password_hash": "x",
        "organisation": f"Comune di Prova {n % 500} (fittizio)",
        "organisation_type": rng.choice(kinds), "region_code": rng.choice(regions),
        "level_of_government": "comunale", "competences": rng.choice(
            ("gare per nidi", "tariffe ISEE", "affido familiare", "piano di zona")),
        "reputation": rng.randint(1, 3000), "created_at": now,
        "vis_place": rng.choice(("public", "members", "members", "hidden")),
    } for n in range(members)])
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    theme_ids = list(db.session.scalars(select(Theme.id)))
    db.session.execute(insert(Expertise), [
        {"user_id": u, "theme_id": t} for u in user_ids
        for t in rng.sample(theme_ids, rng.randint(1, 3))])
    askers = user_ids[: max(10, members // 50)]
    db.session.execute(insert(Question), [{
        "title": f"Domanda {n} su come organizzare il servizio?", "body": "Contesto.",
        "body_html": "<p>Contesto.</p>", "theme_id": rng.choice(theme_ids),
        "author_id": rng.choice(askers), "created_at": now, "last_activity_at": now,
    } for n in range(members // 5)])
    question_ids = list(db.session.scalars(select(Question.id)))
    answerers = user_ids[:: 5]
    db.session.execute(insert(Answer), [{
        "question_id": rng.choice(question_ids), "author_id": a, "body": "Risposta.",
        "body_html": "<p>Risposta.</p>", "created_at": now,
    } for a in answerers for _ in range(2)])
    db.session.flush()
    for question_id, answer_id in db.session.execute(
            select(Answer.question_id, Answer.id).where(Answer.id % 3 == 0)):
        db.session.execute(Question.__table__.update().where(Question.id == question_id)
                           .values(accepted_answer_id=answer_id))
    db.session.commit()
    return user_ids[0]


def _measure(members: int, repeat: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="officina-bench-rete-"))
    try:
        app = create_app("config.DevelopmentConfig",
                         SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite3'}",
                         SEARCH_SYNC="off", RATELIMIT_ENABLED=False, JOBS_RUNNER="inline",
                         MAIL_SMTP_HOST=None)
        app.instance_path = str(folder)
        with app.app_context():
            db.create_all()
            ensure_themes()
            reader = _fill(members)
            engine = db.engine
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = f"{reader}:1"
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        client.get(QUERY)  # warm-up: templates compiled, caches filled
        event.listen(engine, "before_cursor_execute", count)
        response = client.get(QUERY)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(QUERY)
            times.append(time.perf_counter() - started)
        return {"members": members, "statements": statements,
                "mean_ms": round(mean(times) * 1000, 1), "p50_ms": round(median(times) * 1000, 1)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    small = _measure(args.small, args.repeat)
    large = _measure(args.large, args.repeat)
    for row in (small, large):
        print(f"/rete three facets, {row['members']:>6} members: {row['statements']} SQL "
              f"statements, {row['mean_ms']} ms mean, {row['p50_ms']} ms p50")
    verdict = "ok" if small["statements"] == large["statements"] else "GROWS"
    ratio = round(large["mean_ms"] / small["mean_ms"], 2)
    print(f"statements {verdict}; time ratio {args.large}/{args.small} members: {ratio}x")
    print("RESULT " + json.dumps({"small": small, "large": large, "statements": verdict,
                                  "time_ratio": ratio}))


if __name__ == "__main__":
    main()
