"""Dashboard benchmark: `/cruscotto` at 1k and 10k questions, against the theme list.

Run: .venv/bin/python bench/dashboard.py [--sizes 1000,10000 --repeat 5]
For each size, fills a temporary SQLite file in bulk (questions, answers, comments, votes
and acceptances as bench/pages.py makes them, plus practices, replications, past events
and registrations with attendance), then, signed in as a moderator, counts the SQL
statements of the dashboard and of its CSV (they must not grow with the data) and times
them against the theme list `/temi` measured in the same run; the page is timed with
its charts drawn (a first view) and with them cached (same figures, same drawings).
Prints figures only: no verdict on absolute times.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.pages import _get, build_app, count_statements  # noqa: E402
from forum.dashboard import charts  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import (  # noqa: E402
    Event,
    Practice,
    PracticeReplication,
    Registration,
    RegistrationStatus,
    event_themes,
)
from forum.models.base import utcnow  # noqa: E402
from forum.seed.themes import ensure_themes  # noqa: E402
from forum.taxonomy import REGIONS, THEMES  # noqa: E402

MODERATOR_SESSION = "1:1"  # bench/pages.py makes users 1-5 moderators
# "drawn": the chart cache is emptied before each request (a first view); "cached": the
# figures are queried again but the unchanged charts come from the cache.
PATHS = (("theme list (baseline)", "/temi", False), ("dashboard, charts drawn", "/cruscotto", True),
         ("dashboard, charts cached", "/cruscotto", False),
         ("dashboard CSV", "/cruscotto.csv", False),
         ("dashboard, 24 months, one theme", "/cruscotto?da={start}&tema=giovani", True))


def _extras(app: Flask, questions: int, users: int, rng: random.Random) -> dict[str, int]:
    """Practices (one per ten questions), replications, past events and registrations."""
    now = utcnow()
    themes = [slug for slug, _name, _description in THEMES]
    with app.app_context():
        ensure_themes()
        practices = [{
            "id": n, "slug": f"pratica-{n}", "title": f"Pratica di prova {n}",
            "summary": "Una pratica di prova.", "description": "Descrizione.",
            "lead_organisation": f"Comune di Prova {n}", "organisation_type": "comune",
            "level_of_government": "comunale", "main_theme": rng.choice(themes),
            "region_code": rng.choice(list(REGIONS)), "start_year": 2020, "stage": "a-regime",
            "status": "pubblicata", "published_at": now - timedelta(days=rng.randint(1, 700)),
        } for n in range(1, questions // 10 + 1)]
        replications = [{
            "practice_id": rng.randint(1, len(practices)), "user_id": rng.randint(1, users),
            "organisation": f"Ente {n}", "organisation_key": f"ente-{n}",
            "created_at": now - timedelta(days=rng.randint(1, 700)),
        } for n in range(questions // 20)]
        events, registrations = [], []
        for n in range(1, max(questions // 100, 1) + 1):
            starts = now - timedelta(days=rng.randint(2, 700), hours=rng.randint(0, 12))
            events.append({"id": n, "slug": f"incontro-{n}", "title": f"Incontro {n}",
                           "kind": "webinar", "summary": "Un incontro di prova.",
                           "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                           "organiser": "Officina", "status": "pubblicato",
                           "region_code": rng.choice(list(REGIONS))})
            for user in rng.sample(range(1, users + 1), min(20, users)):
                registrations.append({
                    "event_id": n, "user_id": user, "status": RegistrationStatus.CONFIRMED.value,
                    "attended_at": starts if rng.random() < 0.7 else None})
        theme_ids = dict(db.session.execute(db.select(db.text("slug"), db.text("id"))
                                            .select_from(db.text("themes"))).all())
        links = [{"event_id": e["id"], "theme_id": theme_ids[rng.choice(themes)]} for e in events]
        for model, rows in ((Practice, practices), (PracticeReplication, replications),
                            (Event, events), (event_themes, links),
                            (Registration, registrations)):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i:i + 5000])  # type: ignore[arg-type]
        db.session.commit()
        db.session.remove()
    return {"practices": len(practices), "replications": len(replications),
            "events": len(events), "registrations": len(registrations)}


def _timed(client: FlaskClient, path: str, repeat: int, cold: bool) -> float:
    """Median seconds of one request, after one warm-up request (with the chart cache
    emptied before each request when `cold`)."""
    _get(client, path)
    times = []
    for _ in range(repeat):
        if cold:
            charts._drawn.clear()
        start = time.perf_counter()
        _get(client, path)
        times.append(time.perf_counter() - start)
    return median(times)


def measure_size(questions: int, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Build one data set and measure every path on it."""
    build = argparse.Namespace(questions=questions, answers=questions * 3,
                               comments=questions * 2, votes=questions * 5, users=args.users,
                               seed=args.seed, page_cache=0)
    started = time.perf_counter()
    app, _viewer, counts = build_app(build, folder / f"dashboard-{questions}.sqlite3")
    counts.update(_extras(app, questions, args.users, random.Random(args.seed)))
    built = time.perf_counter() - started
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = MODERATOR_SESSION
        session["_fresh"] = True
    start24 = (utcnow() - timedelta(days=700)).strftime("%Y-%m")
    pages = {}
    for label, template, cold in PATHS:
        path = template.format(start=start24)
        pages[label] = {"path": path, "statements": count_statements(engine, client, path),
                        "seconds": _timed(client, path, args.repeat, cold)}
    baseline = pages[PATHS[0][0]]["seconds"]
    for page in pages.values():
        page["ratio"] = page["seconds"] / baseline
    engine.dispose()
    return {"questions": questions, "build_seconds": built, "dataset": counts, "pages": pages}


def report(results: list[dict[str, Any]]) -> None:
    """The table by size, whether the statement counts stayed equal, the RESULT line."""
    print(f"\n{'questions':>9}  {'page':<34} {'SQL':>4} {'ms':>9} {'x /temi':>8}")
    for result in results:
        for label, page in result["pages"].items():
            print(f"{result['questions']:>9}  {label:<34} {page['statements']:>4} "
                  f"{page['seconds'] * 1000:>9.1f} {page['ratio']:>8.2f}")
    for label, _template, _cold in PATHS[1:]:
        counts = {r["questions"]: r["pages"][label]["statements"] for r in results}
        same = len(set(counts.values())) == 1
        print(f"SQL statements of {label!r} by size: {counts} -> "
              f"{'constant' if same else 'NOT constant'}")
    if len(results) > 1:
        first, last = results[0], results[-1]
        for label in ("dashboard, charts drawn", "dashboard CSV"):
            grow = last["pages"][label]["seconds"] / first["pages"][label]["seconds"]
            print(f"{label}: time x{grow:.2f} from {first['questions']} to "
                  f"{last['questions']} questions")
    print("RESULT " + json.dumps([{**r, "build_seconds": round(r["build_seconds"], 1),
                                   "pages": {k: {**v, "seconds": round(v["seconds"], 4),
                                                 "ratio": round(v["ratio"], 2)}
                                             for k, v in r["pages"].items()}}
                                  for r in results]))


def main() -> None:
    """Build each size, measure, report; exit 0 whatever the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000",
                        help="numbers of questions, comma-separated")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sizes = [max(int(s), 40) for s in args.sizes.split(",") if s.strip()]
    folder = Path(tempfile.mkdtemp(prefix="officina-bench-dashboard-"))
    try:
        results = []
        for size in sizes:
            result = measure_size(size, args, folder)
            print(f"{size} questions: data set built in {result['build_seconds']:.1f} s: "
                  + ", ".join(f"{v} {k}" for k, v in result["dataset"].items()))
            results.append(result)
        report(results)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
