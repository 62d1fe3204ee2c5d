"""Working-groups benchmark: what the group rule costs the signed-in pages that list
questions, measured before and after a fifth of the questions move into groups.

Run: .venv/bin/python bench/groups.py [--questions 10000 --groups 50 --seconds 3]

One dataset (bench/pages.py's generator, in a temporary SQLite file). First the signed-in
question list, a filtered list and a theme page are measured with no group at all (the
baseline); then 20 % of the questions go into `--groups` groups (a third open, a third on
request, a third private), the viewer joins five of them, and the same pages are measured
again, plus a group page. Target: each page keeps at least 0.8 x its baseline requests per
second and the same number of SQL statements. Prints a last line ``RESULT <json>``; exits
0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update  # noqa: E402

from bench.pages import build_app, count_statements, measure  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Group, GroupKind, GroupMember, Question, User  # noqa: E402

PAGES = (("question list", "/domande"),
         ("filtered list", "/domande?stato=risolte&ordina=voti&page=3"),
         ("theme page", "/temi/servizi-educativi-0-6"))


def _measure_all(app: Any, viewer_id: str, seconds: float,
                 extra: tuple[tuple[str, str], ...] = ()) -> dict[str, dict[str, float]]:
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = viewer_id
        session["_fresh"] = True
    out = {}
    for label, path in (*PAGES, *extra):
        statements = count_statements(engine, client, path)
        rps, _cpu = measure(client, path, seconds)
        out[label] = {"rps": rps, "statements": statements}
    return out


def _into_groups(app: Any, viewer_id: str, groups: int, rng: random.Random) -> str:
    """Move a fifth of the questions into groups; the viewer joins five. Returns a slug of
    a group the viewer is in."""
    kinds = (GroupKind.OPEN, GroupKind.ON_REQUEST, GroupKind.PRIVATE)
    with app.app_context():
        viewer = int(viewer_id.split(":")[0])
        owner = db.session.scalar(select(User.id).where(User.id != viewer).limit(1))
        db.session.execute(insert(Group), [
            {"name": f"Tavolo di prova {n}", "slug": f"tavolo-{n}", "kind": kinds[n % 3],
             "description": "", "description_html": "", "listed": True,
             "created_by_id": owner, "member_count": 1} for n in range(groups)])
        ids = list(db.session.scalars(select(Group.id).order_by(Group.id)))
        db.session.execute(insert(GroupMember), [
            {"group_id": g, "user_id": owner, "role": "facilitator"} for g in ids]
            + [{"group_id": g, "user_id": viewer, "role": "member"} for g in ids[:5]])
        questions = list(db.session.scalars(select(Question.id)))
        chosen = rng.sample(questions, len(questions) // 5)
        db.session.execute(update(Question), [
            {"id": q, "group_id": rng.choice(ids)} for q in chosen])
        db.session.commit()
        return f"tavolo-{0}"


def main() -> None:
    """Build, measure the baseline, add groups, measure again, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    for name, default in (("questions", 10_000), ("answers", 20_000), ("comments", 10_000),
                          ("votes", 30_000), ("users", 200), ("seed", 2026), ("groups", 50)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--page-cache", type=float, default=0.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="officina-bench-groups-"))
    try:
        app, viewer_id, counts = build_app(args, folder / "bench.sqlite3")
        print(f"Dataset: {counts}")
        before = _measure_all(app, viewer_id, args.seconds)
        slug = _into_groups(app, viewer_id, args.groups, random.Random(args.seed))
        after = _measure_all(app, viewer_id, args.seconds,
                             extra=(("group page", f"/tavoli/{slug}"),))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = []
    print(f"\n{'page':<16} {'before req/s':>12} {'after req/s':>12} {'ratio':>6} "
          f"{'SQL before':>10} {'SQL after':>9}  verdict")
    for label, result in after.items():
        base = before.get(label)
        ratio = result["rps"] / base["rps"] if base else None
        ok = None if base is None else (ratio is not None and ratio >= 0.8
                                        and result["statements"] == base["statements"])
        rows.append({"page": label, "after_rps": round(result["rps"], 1),
                     "before_rps": round(base["rps"], 1) if base else None,
                     "ratio": round(ratio, 3) if ratio else None,
                     "statements_before": base["statements"] if base else None,
                     "statements_after": result["statements"], "ok": ok})
        print(f"{label:<16} {base['rps'] if base else float('nan'):>12.1f} "
              f"{result['rps']:>12.1f} {ratio or float('nan'):>6.2f} "
              f"{base['statements'] if base else '-':>10} {result['statements']:>9}  "
              f"{ {True: 'PASS', False: 'FAIL', None: '-'}[ok]}")
    print("\nTarget: >= 0.8 x the baseline req/s and the same SQL statements per page.")
    print("RESULT " + json.dumps({"dataset": counts, "groups": args.groups, "pages": rows}))


if __name__ == "__main__":
    main()
