"""Registration benchmark: N members register at once for an event with C seats, on SQLite
and (when FORUM_TEST_DATABASE_URL is set) PostgreSQL.

Run: .venv/bin/python bench/registrations.py [--members 50 --seats 20 --rounds 3]

Each round creates a published event and N members, then starts N threads that wait on a
barrier and register together through the service. Target: exactly C confirmed and N-C
waiting every round, with distinct waiting-list positions (the counters on the event
agree). On PostgreSQL the run creates and drops its tables in the URL's database: give it
a database for tests only. Prints the wall time per round and per registration (the first round is a
baseline for the next: compare, never trust one absolute), and a last line
``RESULT <json>``; exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from forum import create_app  # noqa: E402
from forum.auth.services import register_user  # noqa: E402
from forum.events.registrations import Answers, register  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Event, Registration, User  # noqa: E402
from forum.seed.themes import ensure_themes  # noqa: E402


def _round(app: Any, n: int, members: int, seats: int) -> dict[str, Any]:
    from tests.events.helpers import published_event

    with app.app_context():
        organiser = register_user(
            username=f"org{n}", display_name=f"Organizzatrice {n}", email=f"org{n}@b.example",
            password="una-password-robusta-2026", organisation="Comune di Prova",
            organisation_type="comune", region_code="08")
        organiser.role = "moderator"
        db.session.commit()
        event_id = published_event(organiser, capacity=seats).id
        people = []
        for m in range(members):
            user = register_user(
                username=f"m{n}x{m}", display_name=f"Membro {m}", email=f"m{n}x{m}@b.example",
                password="una-password-robusta-2026", organisation="Comune di Prova",
                organisation_type="comune", region_code="08")
            people.append(user)
        for user in people:  # loaded now, then used detached by the threads
            assert user.is_authenticated and user.organisation and user.status
        db.session.expunge_all()
        db.session.remove()
    barrier = threading.Barrier(members)
    errors: list[BaseException] = []

    def go(member: User) -> None:
        try:
            barrier.wait(60)
            with app.app_context():
                register(member, event_id, Answers())
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported in the result
            errors.append(error)
            if len(errors) == 1:
                print(f"first error: {error!r}", file=sys.stderr)

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    elapsed = time.perf_counter() - started
    with app.app_context():
        counts = dict(db.session.execute(select(Registration.status, func.count()).where(
            Registration.event_id == event_id).group_by(Registration.status)).all())
        positions = len(set(db.session.scalars(select(Registration.position).where(
            Registration.event_id == event_id))))
        event = db.session.get(Event, event_id)
        assert event is not None
        counters = (event.confirmed_count, event.waiting_count)
        db.session.remove()
    exact = (counts == {"confirmed": seats, "waiting": members - seats}
             and counters == (seats, members - seats) and positions == members and not errors)
    return {"round": n, "seconds": round(elapsed, 3),
            "ms_per_registration": round(1000 * elapsed / members, 1),
            "counts": counts, "errors": len(errors), "exact": exact}


def _database(url: str | None, folder: Path) -> tuple[str, str]:
    if url:
        return "postgresql", url
    return "sqlite", f"sqlite:///{folder / 'bench.sqlite3'}"


def main() -> None:
    """Run the rounds on each database available and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict[str, Any]]] = {}
    urls = [None] + ([os.environ["FORUM_TEST_DATABASE_URL"]]
                     if os.environ.get("FORUM_TEST_DATABASE_URL") else [])
    for url in urls:
        folder = Path(tempfile.mkdtemp(prefix="officina-bench-reg-"))
        try:
            name, uri = _database(url, folder)
            app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=uri,
                             SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 60})
            app.instance_path = str(folder)
            with app.app_context():
                db.drop_all()
                db.create_all()
                ensure_themes()
                db.session.remove()
            results[name] = [_round(app, n, args.members, args.seats)
                             for n in range(1, args.rounds + 1)]
            if url:
                with app.app_context():
                    db.drop_all()
            with app.app_context():
                db.engine.dispose()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.members} members at once for {args.seats} seats, {args.rounds} rounds")
    for name, rounds in results.items():
        for r in rounds:
            ratio = r["seconds"] / rounds[0]["seconds"] if rounds[0]["seconds"] else 0
            print(f"{name:<11} round {r['round']}: {r['seconds']:.2f} s "
                  f"({r['ms_per_registration']} ms each, {ratio:.2f}x round 1) "
                  f"{r['counts']} {'EXACT' if r['exact'] else 'WRONG'}")
    verdict = all(r["exact"] for rounds in results.values() for r in rounds)
    print(f"Overall: {'PASS' if verdict else 'FAIL'}")
    print("RESULT " + json.dumps({"members": args.members, "seats": args.seats,
                                  "results": results, "pass": verdict}))


if __name__ == "__main__":
    main()
