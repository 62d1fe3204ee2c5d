"""Practice benchmark: the faceted `/buone-pratiche` list and a practice page against bare Flask.

Run: .venv/bin/python bench/practices.py [--practices 5000 --seconds 5] [--profile]
Fills a temporary SQLite file with practices through Core bulk inserts, then measures
requests per second through the Werkzeug test client (in process, single thread, each
request in its own app context) and SQL statements per page, with the method, the bare
Flask+Jinja baseline and the helpers of bench/pages.py.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask, before_render_template, has_app_context, template_rendered
from flask.testing import FlaskClient
from flask_login import AnonymousUserMixin
from sqlalchemy import insert
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dataset import generate_practices as generate  # noqa: E402
from bench.pages import _get, bare_app, count_statements, measure  # noqa: E402
from config import Config  # noqa: E402
from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.practices.queries import (  # noqa: E402
    FILTERS,
    PracticeFilters,
    facet_counts,
    list_practices,
    practice_page,
)
from forum.seed.themes import ensure_themes  # noqa: E402

SPEED_TARGET, SQL_LIMIT = 0.4, 12
SMALL_TARGET, LARGE_TARGET = 10, 2000
EXAMPLE_FACETS = {"tema": "servizi-educativi-0-6", "regione": "08", "evidenza": "promettente"}

def build_app(count: int, seed: int, path: Path, page_cache: float = 0.0
              ) -> tuple[Flask, list[dict[str, Any]], list[dict[str, Any]]]:
    """The Officina app on a fresh SQLite file (search index beside it), filled in bulk."""
    app = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                     SEARCH_INDEX_PATH=str(path.parent / "search_index"),
                     PAGE_CACHE_SECONDS=page_cache)
    rng = random.Random(seed)
    with app.app_context():
        db.create_all()
        ensure_themes()
        db.session.commit()
        pw_hash = generate_password_hash("benchmark-password", method="pbkdf2:sha256:1000")
        users = [{"id": i, "username": f"redazione{i}", "display_name": f"Redattrice {i}",
                  "email": f"redazione{i}@example.it", "password_hash": pw_hash, "bio": "",
                  "organisation": "Redazione di Officina", "organisation_type": "altro",
                  "region_code": "12", "role": "moderator", "reputation": 1,
                  "session_version": 1, "created_at": datetime(2024, 1, 1)} for i in range(1, 6)]
        practices, facets = generate(count, rng)
        tables = db.metadata.tables
        with db.engine.begin() as conn:
            conn.execute(insert(tables["users"]), users)
            for name, rows in (("practices", practices), ("practice_facets", facets)):
                for i in range(0, len(rows), 5000):
                    conn.execute(insert(tables[name]), rows[i:i + 5000])
        db.session.remove()
    return app, practices, facets


def pick_filters(practices: list[dict[str, Any]], facets: list[dict[str, Any]]
                 ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Three-facet filter with a second page, and filters with ~10 and ~2,000 results."""
    published = {p["id"]: p for p in practices if p["status"] == "pubblicata"}
    names = {target: name for name, (kind, target) in FILTERS.items() if kind == "facet"}
    ids: dict[tuple[str, str], set[int]] = {}
    for f in facets:
        if f["practice_id"] in published and f["facet"] in names:
            ids.setdefault((names[f["facet"]], f["value"]), set()).add(f["practice_id"])
    for pid, p in published.items():
        for name, (kind, target) in FILTERS.items():
            if kind == "column":
                ids.setdefault((name, str(p[target.key] or "nazionale")), set()).add(pid)

    def total(selected: dict[str, str]) -> int:
        return len(set.intersection(*(ids.get(item, set()) for item in selected.items())))

    def nearest(candidates: list[dict[str, str]], goal: int) -> dict[str, str]:
        return min(candidates, key=lambda s: (abs(total(s) - goal), sorted(s.items())))

    keys = sorted(ids)
    large = nearest([{name: val} for name, val in keys], LARGE_TARGET)
    small = nearest([{a[0]: a[1], b[0]: b[1]} for a, b in itertools.combinations(keys, 2)
                     if a[0] != b[0]], SMALL_TARGET)
    three = dict(EXAMPLE_FACETS)
    if total(three) <= 40:
        by_name = {n: [val for name, val in keys if name == n] for n in EXAMPLE_FACETS}
        three = nearest([dict(zip(EXAMPLE_FACETS, combo, strict=True))
                         for combo in itertools.product(*by_name.values())], 60)
    return three, small, large


def _path(selected: dict[str, str], **extra: Any) -> str:
    return "/buone-pratiche?" + urlencode({**selected, **extra})


def app_total(app: Flask, selected: dict[str, str]) -> int:
    """Results of a filter, counted by the app's own query."""
    with app.app_context():
        _items, total = list_practices(
            PracticeFilters(selected={k: [val] for k, val in selected.items()}), 1, 1)
        db.session.remove()
    return total


def _filters(query: str) -> PracticeFilters:
    """The app's filter object for a list URL's query string."""
    args = parse_qs(query)
    sort = args.pop("ordina", ["recenti"])[0]
    args.pop("page", None)
    return PracticeFilters(selected={k: vals for k, vals in args.items() if k in FILTERS},
                           sort=sort)


def page_queries(app: Flask, path: str) -> Callable[[], None]:
    """The app's own query functions behind one page (list or detail), as one call."""
    url = urlsplit(path)
    if url.path != "/buone-pratiche":
        slug = url.path.rsplit("/", 1)[-1]

        def detail() -> None:
            practice_page(slug, AnonymousUserMixin())
        return detail
    filters = _filters(url.query)
    page = int(parse_qs(url.query).get("page", ["1"])[0])

    def work() -> None:
        list_practices(filters, page, app.config["PRACTICES_PER_PAGE"])
        facet_counts(filters)
    return work


def breakdown(app: Flask, client: FlaskClient, path: str, n: int) -> dict[str, float]:
    """Median ms per request: total, in the query functions (SQL), in template rendering.

    Requests and direct query calls alternate, so a busy machine skews both alike.
    """
    work = page_queries(app, path)
    spent, marks = [0.0], [0.0, 0]
    totals: list[float] = []
    templates: list[float] = []
    queries: list[float] = []

    def started(*_args: Any, **_kw: Any) -> None:
        if not marks[1]:
            marks[0] = time.perf_counter()
        marks[1] += 1

    def finished(*_args: Any, **_kw: Any) -> None:
        marks[1] -= 1
        if not marks[1]:
            spent[0] += time.perf_counter() - marks[0]

    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    try:
        for _ in range(n):
            spent[0], start = 0.0, time.perf_counter()
            _get(client, path)
            totals.append(time.perf_counter() - start)
            templates.append(spent[0])
            with app.app_context():
                start = time.perf_counter()
                work()
                queries.append(time.perf_counter() - start)
                db.session.remove()
    finally:
        before_render_template.disconnect(started, app)
        template_rendered.disconnect(finished, app)
    total, sql, template = (1000 * median(x) for x in (totals, queries, templates))
    return {"total_ms": total, "queries_ms": sql, "template_ms": template,
            "rest_ms": max(total - sql - template, 0.0)}


def _area(filename: str, name: str) -> str:
    if "sqlite3" in name or "sqlite3" in filename:
        return "sqlite3 (SQL execution)"
    for marker, area in (("sqlalchemy", "SQLAlchemy (SQL build/ORM)"),
                         ("templates/", "Jinja template code"), ("jinja2", "Jinja runtime"),
                         ("markupsafe", "Jinja runtime"), ("babel", "Babel/i18n"),
                         ("werkzeug", "Flask/Werkzeug"), ("flask", "Flask/Werkzeug"),
                         ("/forum/", "app code")):
        if marker in filename:
            return area
    return "other"


def profile(client: FlaskClient, path: str, n: int = 50) -> dict[str, float]:
    """cProfile `n` requests; print the top functions and the self time per area."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        _get(client, path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    print(f"\ncProfile of {n} requests to {path} (top 15 by own time):")
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))
    areas: Counter[str] = Counter()
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        areas[_area(filename, name)] += own
    whole = sum(areas.values()) or 1.0
    print("Own time by area: " + ", ".join(
        f"{area} {100 * t / whole:.0f}%" for area, t in areas.most_common()))
    return {area: round(100 * t / whole, 1) for area, t in areas.most_common()}


def run(app: Flask, paths: dict[str, str], seconds: float) -> tuple[list[dict[str, Any]],
                                                                    dict[str, Any]]:
    """Bare page, then each practice page (SQL count, then req/s), then the SQL-constancy pair."""
    with app.app_context():
        engine = db.engine
    assert not has_app_context(), "requests must run in their own app context"
    client = app.test_client()
    bare_rps, bare_cpu = measure(bare_app().test_client(), "/", seconds)
    rows: list[dict[str, Any]] = [{"page": "bare Flask+Jinja (50 items)", "path": "/",
                                   "rps": bare_rps, "cpu_rps": bare_cpu, "ratio": 1.0,
                                   "cpu_ratio": 1.0, "statements": None, "speed_ok": None,
                                   "sql_ok": None}]
    for label in ("list, no filter", "list, three facets", "three facets, sorted p.2",
                  "practice page"):
        statements = count_statements(engine, client, paths[label])
        rps, cpu_rps = measure(client, paths[label], seconds)
        rows.append({"page": label, "path": paths[label], "rps": rps, "cpu_rps": cpu_rps,
                     "ratio": rps / bare_rps, "cpu_ratio": cpu_rps / bare_cpu,
                     "statements": statements,
                     "speed_ok": rps / bare_rps >= SPEED_TARGET if "three" in label else None,
                     "sql_ok": statements <= SQL_LIMIT})
    small = count_statements(engine, client, paths["~10 results"])
    large = count_statements(engine, client, paths["~2,000 results"])
    for label, statements in (("~10 results", small), ("~2,000 results", large)):
        rows.append({"page": f"list, {label}", "path": paths[label], "rps": None,
                     "cpu_rps": None, "ratio": None, "cpu_ratio": None,
                     "statements": statements,
                     "speed_ok": None, "sql_ok": small == large and statements <= SQL_LIMIT})
    extra: dict[str, Any] = {"statements_by_results": {"small": small, "large": large},
                             "breakdown_ms": {
        label: {k: round(val, 2) for k, val in breakdown(app, client, paths[label], 30).items()}
        for label in ("list, no filter", "list, three facets", "practice page")}}
    engine.dispose()
    return rows, extra


def _fmt(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def report(rows: list[dict[str, Any]], extra: dict[str, Any]) -> bool:
    """The table, the targets with PASS/FAIL and the timing breakdown; True if all pass."""
    verdict = {True: "PASS", False: "FAIL", None: "-"}
    print(f"\n{'page':<28} {'req/s':>8} {'x bare':>7} {'SQL':>4}  {'speed':<5} {'SQL':<5} "
          f"{'req/CPU-s':>9} {'x bare CPU':>10}  path")
    for r in rows:
        print(f"{r['page']:<28} {_fmt(r['rps'], '.1f'):>8} {_fmt(r['ratio'], '.3f'):>7} "
              f"{_fmt(r['statements'], 'd'):>4}  {verdict[r['speed_ok']]:<5} "
              f"{verdict[r['sql_ok']]:<5} {_fmt(r['cpu_rps'], '.1f'):>9} "
              f"{_fmt(r['cpu_ratio'], '.3f'):>10}  {r['path']}")
    if any(r["rps"] is not None and r["rps"] < 0.85 * r["cpu_rps"] for r in rows):
        print("Warning: wall-clock req/s well below req/CPU-s: the machine was busy, re-run.")
    print("\nMedian ms per request: total = app query functions (SQL) + template rendering "
          "+ rest")
    for label, b in extra["breakdown_ms"].items():
        print(f"  {label:<22} {b['total_ms']:7.2f} = {b['queries_ms']:7.2f} + "
              f"{b['template_ms']:6.2f} + {b['rest_ms']:6.2f}")
    same = extra["statements_by_results"]
    print(f"\nStatements per list page: {same['small']} for ~10 results, {same['large']} for "
          f"~2,000 results ({'equal' if same['small'] == same['large'] else 'NOT equal'}).")
    print(f"Targets: three-facet list pages >= {SPEED_TARGET} x bare; at most {SQL_LIMIT} SQL "
          "statements per page; the ~10 and ~2,000 result filters send the same number.")
    passed = all(r["speed_ok"] is not False and r["sql_ok"] is not False for r in rows)
    print(f"Overall: {'PASS' if passed else 'FAIL'}")
    return passed


def main() -> None:
    """Generate the practices, measure, report; exit 0 whatever the verdict."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--practices", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true",
                        help="profile the three-facet list even when it meets the target")
    parser.add_argument("--page-cache", type=float, default=Config.PAGE_CACHE_SECONDS,
                        help="anonymous page cache TTL as in production (0 = off)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="officina-bench-practices-"))
    try:
        start = time.perf_counter()
        app, practices, facets = build_app(max(args.practices, 50), args.seed,
                                           tmp / "bench.sqlite3", args.page_cache)
        gen_seconds = time.perf_counter() - start
        published = sum(p["status"] == "pubblicata" for p in practices)
        print(f"Dataset generated in {gen_seconds:.2f} s: {len(practices)} practices "
              f"({published} published), {len(facets)} facet rows")
        three, small, large = pick_filters(practices, facets)
        detail = next(p for p in practices if p["status"] == "pubblicata" and p["partners"]
                      and p["budget_eur"] is not None and p["evidence_level"] != "non-valutata")
        paths = {"list, no filter": "/buone-pratiche", "list, three facets": _path(three),
                 "three facets, sorted p.2": _path(three, ordina="evidenza", page=2),
                 "practice page": f"/buone-pratiche/{detail['slug']}",
                 "~10 results": _path(small), "~2,000 results": _path(large)}
        totals = {"three_facets": app_total(app, three), "small": app_total(app, small),
                  "large": app_total(app, large)}
        print(f"Three-facet filter {three}: {totals['three_facets']} results")
        print(f"Statement-constancy filters: {small} -> {totals['small']} results, "
              f"{large} -> {totals['large']} results")
        rows, extra = run(app, paths, args.seconds)
        passed = report(rows, extra)
        faceted = next(r for r in rows if r["page"] == "list, three facets")
        if args.profile or not faceted["speed_ok"]:
            extra["profile_areas_pct"] = profile(app.test_client(), faceted["path"])
        counts = {"practices": len(practices), "published": published, "facets": len(facets)}
        pages = [{**r, **{k: round(r[k], 3) for k in ("rps", "cpu_rps", "ratio", "cpu_ratio")
                          if r[k] is not None}} for r in rows]
        print("RESULT " + json.dumps({
            "generation_seconds": round(gen_seconds, 2), "dataset": counts,
            "seconds": args.seconds, "filters": {"three_facets": three, "small": small,
                                                 "large": large},
            "results": totals, "passed": passed, **extra, "pages": pages}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
