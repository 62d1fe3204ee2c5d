"""Notification fan-out benchmark: answering a thread with many watchers against one with
none, through the app's default job runner (a thread in the process).

Run: .venv/bin/python bench/notifications.py [--watchers 200 --posts 30]

Both threads live in one temporary SQLite database. Answers are posted through the test
client, alternating between the watched and the unwatched thread, each after the runner
has caught up; the figures are the mean and median request times of each side and their
ratio (target <= 1.1: the watchers cost the request nothing), then how long after the last
answer's response all its notifications exist (target <= 5 s). Prints a last line
``RESULT <json>``; exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean, median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from forum import create_app  # noqa: E402
from forum.database import write_intent  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Follow, FollowTarget, Level, Notification, User  # noqa: E402
from forum.models.base import utcnow  # noqa: E402
from forum.questions.services import ask_question  # noqa: E402
from forum.seed.themes import ensure_themes  # noqa: E402

RATIO_MAX, CATCH_UP_MAX = 1.1, 5.0


def _members(count: int, password_hash: str) -> list[int]:
    now = utcnow()
    db.session.execute(insert(User), [{
        "username": f"membro{n}", "display_name": f"Membro {n}",
        "email": f"membro{n}@ente.example", "password_hash": password_hash,
        "organisation": "Comune di Prova (fittizio)", "organisation_type": "comune",
        "region_code": "08", "created_at": now} for n in range(count)])
    db.session.commit()
    return list(db.session.scalars(select(User.id).order_by(User.id)))


def _notifications(question_id: int) -> int:
    db.session.commit()
    return int(db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.subject_id == question_id, Notification.kind == "new_answer")) or 0)


def _wait_idle(app) -> None:  # type: ignore[no-untyped-def]
    """Until the job thread has nothing queued (the previous fan-out is done)."""
    runner = app.extensions["jobs_runners"].get("thread")
    while runner is not None and not runner.queue.empty():
        time.sleep(0.01)
    time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument("--posts", type=int, default=30, help="answers per thread")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="officina-bench-notifiche-"))
    try:
        app = create_app("config.DevelopmentConfig",
                         SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite3'}",
                         SEARCH_SYNC="off", RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False,
                         JOBS_RUNNER="thread", MAIL_SMTP_HOST=None)
        app.instance_path = str(folder)
        with app.app_context():
            db.create_all()
            ensure_themes()
            ids = _members(args.watchers + 2, generate_password_hash("x", method="pbkdf2:sha256:1"))
            asker = db.session.get_one(User, ids[0])
            watched = ask_question(asker, title="Una discussione molto seguita: come fate?",
                                   body="Un contesto abbastanza lungo per la domanda.",
                                   theme_slug="servizi-educativi-0-6", tags="nido").id
            quiet = ask_question(asker, title="Una discussione che nessuno segue: come fate?",
                                 body="Un contesto abbastanza lungo per la domanda.",
                                 theme_slug="servizi-educativi-0-6", tags="nido").id
            now = utcnow()
            with write_intent():  # the job thread may be writing the askers' notifications
                db.session.execute(insert(Follow), [{
                    "user_id": user_id, "target_type": FollowTarget.QUESTION,
                    "target_id": watched, "level": Level.WATCHING, "chosen": True,
                    "created_at": now, "updated_at": now} for user_id in ids[2:]])
                db.session.commit()
            answerer = ids[1]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = f"{answerer}:1"
        times: dict[str, list[float]] = {"watched": [], "quiet": []}
        catch_up = 0.0
        for n in range(args.posts * 2):
            side, question = ("watched", watched) if n % 2 == 0 else ("quiet", quiet)
            with app.app_context():
                _wait_idle(app)
                before = _notifications(watched)
            started = time.perf_counter()
            response = client.post(f"/domande/{question}/risposte",
                                   data={"body": f"Risposta numero {n}, con abbastanza testo."})
            elapsed = time.perf_counter() - started
            assert response.status_code == 303, response.status_code
            times[side].append(elapsed)
            if side == "watched":
                with app.app_context():
                    while _notifications(watched) < before + args.watchers + 1:
                        if time.perf_counter() - started > 60:
                            break
                        time.sleep(0.01)
                    catch_up = max(catch_up, time.perf_counter() - started)
        with app.app_context():
            total = _notifications(watched)
        runner = app.extensions["jobs_runners"].get("thread")
        if runner is not None:
            runner.stop()
        ratio = mean(times["watched"]) / mean(times["quiet"])
        result = {
            "watchers": args.watchers, "posts_per_side": args.posts,
            "watched_mean_ms": round(mean(times["watched"]) * 1000, 2),
            "watched_p50_ms": round(median(times["watched"]) * 1000, 2),
            "quiet_mean_ms": round(mean(times["quiet"]) * 1000, 2),
            "quiet_p50_ms": round(median(times["quiet"]) * 1000, 2),
            "ratio_mean": round(ratio, 3),
            "ratio_p50": round(median(times["watched"]) / median(times["quiet"]), 3),
            "worst_all_notified_s": round(catch_up, 3),
            "notifications_written": total,
            "expected": args.posts * (args.watchers + 1),
        }
        print(f"answer POST, thread with {args.watchers} watchers: "
              f"{result['watched_mean_ms']} ms mean, {result['watched_p50_ms']} ms p50")
        print(f"answer POST, thread with no watchers:   "
              f"{result['quiet_mean_ms']} ms mean, {result['quiet_p50_ms']} ms p50")
        print(f"ratio (mean) {result['ratio_mean']}x  (p50 {result['ratio_p50']}x)  "
              f"target <= {RATIO_MAX}x: {'PASS' if ratio <= RATIO_MAX else 'FAIL'}")
        print(f"all notifications of an answer written within {result['worst_all_notified_s']} s"
              f" (worst of {args.posts})  target <= {CATCH_UP_MAX} s: "
              f"{'PASS' if catch_up <= CATCH_UP_MAX else 'FAIL'}; "
              f"{total} of {result['expected']} written")
        print("RESULT " + json.dumps(result))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
