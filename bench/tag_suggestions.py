"""Tag suggestions benchmark: what the ask form's tags field asks while typing
(`/api/v1/tags?prefisso=...&ordina=domande&limit=8`), against the whole tag list by use
(no prefix) and the theme list `/temi`, measured in the same run on the dataset of
bench/pages.py (300 tags over 10,000 questions by default).

Run: .venv/bin/python bench/tag_suggestions.py [--questions 10000 --repeat 200]
Prints the median and 95th percentile in milliseconds and the SQL statements per request.
Prints figures only: no verdict on absolute times.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import _get, build_app, count_statements  # noqa: E402
from config import Config  # noqa: E402
from forum.extensions import db  # noqa: E402

API = "/api/v1/tags?ordina=domande&limit=8"
PATHS = (("theme list (baseline)", "/temi"),
         ("all tags by use (baseline)", API),
         ("prefix of 2 letters", f"{API}&prefisso=co"),
         ("prefix of 4 letters", f"{API}&prefisso=cont"),
         ("prefix matching nothing", f"{API}&prefisso=zzz"))


def main() -> None:
    """Build the dataset, time each path, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    for name, default in (("questions", 10_000), ("answers", 2_000), ("comments", 0),
                          ("votes", 0), ("users", 200), ("seed", 2026), ("repeat", 200)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    args.page_cache = 0
    args.answers = max(args.answers, 32)
    tmp = Path(tempfile.mkdtemp(prefix="officina-bench-"))
    try:
        app, _viewer, counts = build_app(args, tmp / "bench.sqlite3")
        print("Dataset: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        with app.app_context():
            engine = db.engine
        client = app.test_client()
        print(f"\n{'request':<30} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4}")
        for label, path in PATHS:
            statements = count_statements(engine, client, path)
            for _ in range(10):
                _get(client, path)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                _get(client, path)
                times.append((time.perf_counter() - start) * 1000)
            p95 = quantiles(times, n=20)[-1]
            print(f"{label:<30} {median(times):>8.2f} {p95:>8.2f} {statements:>4}")
        print(f"\nPage cache off (production default {Config.PAGE_CACHE_SECONDS} s); "
              "SQLite file; the API's limiter as configured for tests.")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
