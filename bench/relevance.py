"""Relevance benchmark: nDCG@5 and recall@10 of search queries and of related practices on
the project's judged set (``tests/search_index/relevance.py``), for the code of this
tree beside the code of a baseline commit, in the same run; plus the latency of related
practices and of searches on a synthetic corpus (``bench/search.py``'s generator) for
both.

Run: .venv/bin/python bench/relevance.py [--baseline REF] [--timing-size 20000] [-v]
     [--backend whoosh|postgres|both] [--pg-url postgresql+psycopg://.../db]

``--backend both`` measures the PostgreSQL full-text backend beside the Whoosh one in the
same run and prints both with their difference (the issue's bar: within 0.03 nDCG@5).
The PostgreSQL backend needs a database whose search tables it may empty: ``--pg-url``,
default ``FORUM_BENCH_PG_URL``; without one it is skipped with a line saying so. The
baseline commit is measured with Whoosh only.

The baseline's ``search_index`` package is taken from ``git archive REF`` into a
temporary folder and measured in a child process with the same judged set and corpus.
The default baseline is the commit where this branch left ``main``. Prints a table and a
last line ``RESULT <json>``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE_ENV = "RELEVANCE_BENCH_CODE"  # folder holding the ``search_index`` to measure
if os.environ.get(CODE_ENV):
    sys.path.insert(0, os.environ[CODE_ENV])
sys.path.insert(1 if os.environ.get(CODE_ENV) else 0, str(ROOT))

import search_index  # noqa: E402  (first: the baseline's copy when CODE_ENV is set)
from search_index import WhooshBackend  # noqa: E402
from tests.search_index.relevance import (  # noqa: E402
    DOCS,
    QUERIES,
    RELATED,
    evaluate_queries,
    evaluate_related,
)

RELATED_CALLS = 100


def _bench_search() -> Any:
    """``bench/search.py`` as a module (its corpus generator and timing helpers)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def open_index(backend: str, folder: Path, pg_url: str | None) -> Any:
    """An empty index of ``backend`` (the PostgreSQL one emptied first)."""
    if backend == "postgres":
        from search_index import PostgresBackend

        index = PostgresBackend(pg_url or "")
        index.apply([], list(index.stamps()))
        return index
    return WhooshBackend(folder / "ix")


def related_timing(size: int, seed: int, backend: str = "whoosh",
                   pg_url: str | None = None) -> dict[str, float]:
    """p50/p95 wall and CPU milliseconds of ``more_like`` (question text -> 5 practices)
    over ``size`` synthetic documents, as ``bench/search.py`` calls it; p50/p95 of the
    judged queries as searches over the same documents."""
    bench = _bench_search()
    docs = bench.Corpus(seed).docs(size)
    folder = Path(tempfile.mkdtemp(prefix="officina-relevance-bench-"))
    try:
        index = open_index(backend, folder, pg_url)
        index.rebuild(docs)
        questions = [d for d in docs if d.kind == "question"][: RELATED_CALLS + 10]

        def related(doc: Any) -> list:
            text = "\n".join([doc.title, doc.title, doc.body])
            return index.more_like(text, type="practice", theme=doc.theme, limit=5)

        bench.timed(related, questions[:10])
        times, cpu, _results = bench.timed(related, questions[10:])
        queries = list(QUERIES)
        bench.timed(lambda q: index.search(q, per_page=10), queries[:10])
        search_times, _cpu, _found = bench.timed(lambda q: index.search(q, per_page=10),
                                                 queries)
        index.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"related_p50_ms": median(times), "related_p95_ms": bench.percentile(times, 0.95),
            "related_cpu_p95_ms": bench.percentile(cpu, 0.95),
            "search_p50_ms": median(search_times),
            "search_p95_ms": bench.percentile(search_times, 0.95)}


def measure(timing_size: int, seed: int, verbose: bool, backend: str = "whoosh",
            pg_url: str | None = None) -> dict[str, Any]:
    """The figures of the ``search_index`` this process imported, on ``backend``."""
    folder = Path(tempfile.mkdtemp(prefix="officina-relevance-"))
    try:
        index = open_index(backend, folder, pg_url)
        index.rebuild(DOCS)
        queries, related = evaluate_queries(index), evaluate_related(index)
        index.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if verbose:
        print(f"== {backend}", file=sys.stderr)
        print(queries.report("queries"), file=sys.stderr)
        print(related.report("related"), file=sys.stderr)
    out: dict[str, Any] = {
        "code": str(Path(search_index.__file__).parent),
        "queries": len(QUERIES), "related_items": len(RELATED), "docs": len(DOCS),
        "query_ndcg5": queries.ndcg, "query_recall10": queries.recall,
        "related_ndcg5": related.ndcg, "related_recall10": related.recall,
        "per_query": {q: round(n, 3) for q, n, _r, _t in queries.rows},
        "per_related": {t[:50]: round(n, 3) for t, n, _r, _t in related.rows},
    }
    if timing_size:
        out.update(related_timing(timing_size, seed, backend, pg_url))
    return out


def baseline(ref: str, args: argparse.Namespace) -> dict[str, Any]:
    """``measure`` in a child process with ``search_index`` as of ``ref``."""
    folder = Path(tempfile.mkdtemp(prefix="officina-relevance-base-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "search_index"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        env = {**os.environ, CODE_ENV: str(folder)}
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child",
               "--timing-size", str(args.timing_size), "--seed", str(args.seed)]
        if args.verbose:
            cmd.append("-v")
        done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        if args.verbose:
            print(done.stderr, file=sys.stderr)
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _default_ref() -> str:
    found = subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
                           capture_output=True, text=True)
    return found.stdout.strip() or "HEAD"


ROWS = (("query nDCG@5", "query_ndcg5"), ("query recall@10", "query_recall10"),
        ("related nDCG@5", "related_ndcg5"), ("related recall@10", "related_recall10"),
        ("related p50 ms", "related_p50_ms"), ("related p95 ms", "related_p95_ms"),
        ("related CPU p95 ms", "related_cpu_p95_ms"), ("search p50 ms", "search_p50_ms"),
        ("search p95 ms", "search_p95_ms"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=None,
                        help="git ref of the code to compare with (default: merge-base "
                             "with main); 'none' to skip")
    parser.add_argument("--timing-size", type=int, default=20_000,
                        help="synthetic documents for the related latency (0: skip)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("-v", "--verbose", action="store_true", help="per-item figures")
    parser.add_argument("--backend", choices=("whoosh", "postgres", "both"), default="whoosh",
                        help="engine(s) of this tree to measure")
    parser.add_argument("--pg-url", default=os.environ.get("FORUM_BENCH_PG_URL"),
                        help="PostgreSQL database for the postgres backend (its search "
                             "tables are emptied); default FORUM_BENCH_PG_URL")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.timing_size, args.seed, args.verbose)))
        return
    began = time.perf_counter()
    ref = args.baseline or _default_ref()
    before = None if ref == "none" else baseline(ref, args)
    after = measure(args.timing_size, args.seed, args.verbose)
    pg = None
    if args.backend in ("postgres", "both"):
        if args.pg_url:
            pg = measure(args.timing_size, args.seed, args.verbose, "postgres", args.pg_url)
        else:
            print("postgres backend skipped: no database (--pg-url or FORUM_BENCH_PG_URL)")
    print(f"Judged set: {after['docs']} documents, {after['queries']} queries, "
          f"{after['related_items']} question-to-practice items; related latency over "
          f"{args.timing_size} synthetic documents")
    print(f"{'':22} {'baseline ' + ref[:10] if before else '':>20} {'this tree':>12}"
          + (f" {'postgres':>12} {'pg - whoosh':>12}" if pg else ""))
    for label, key in ROWS:
        if key not in after:
            continue
        old = f"{before[key]:.3f}" if before and key in before else ""
        line = f"{label:22} {old:>20} {after[key]:>12.3f}"
        if pg and key in pg:
            line += f" {pg[key]:>12.3f} {pg[key] - after[key]:>+12.3f}"
        print(line)
    if pg:
        gap = pg["query_ndcg5"] - after["query_ndcg5"]
        print(f"postgres vs whoosh query nDCG@5: {pg['query_ndcg5']:.3f} vs "
              f"{after['query_ndcg5']:.3f} ({gap:+.3f}; "
              f"{'within' if abs(gap) <= 0.03 else 'OUTSIDE'} 0.03)")
        worse = [q for q, n in pg["per_query"].items() if n < after["per_query"].get(q, 0)]
        print(f"queries worse on postgres: {worse}")
    if before:
        changed = [(q, before["per_query"].get(q), n) for q, n in after["per_query"].items()
                   if before["per_query"].get(q) != n]
        print(f"queries changed: {len(changed)}; worse: "
              f"{[q for q, b, n in changed if b is not None and n < b]}")
        worse = [t for t, n in after["per_related"].items()
                 if n < before["per_related"].get(t, 0.0)]
        print(f"related items worse: {worse}")
    print(f"Total time {time.perf_counter() - began:.0f} s")
    result = {"baseline": before, "after": after, "postgres": pg, "ref": ref}
    for side in (before, after, pg):
        if side:
            side.pop("per_query"), side.pop("per_related")
    print("RESULT " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
