"""Worst Markdown render time over a generated corpus of pathological inputs.

For each input (every family of `bench/markdown_corpus.py` plus random mixes, at the
largest size a form accepts) it prints the time of the bounded render the app uses
(`forum.markup.render_markdown`: helper process, hard budget) and whether the text was
rendered or refused; with `--unbounded` also the plain Python-Markdown time, capped. The
baseline, measured in the same run, is an ordinary text of the same size.

    .venv/bin/python bench/markdown_render.py [--size 30000] [--unbounded] [--cap 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.markdown_corpus import corpus  # noqa: E402
from forum import create_app  # noqa: E402
from forum.errors import InvalidInput  # noqa: E402
from forum.markup import render_markdown, render_unbounded  # noqa: E402

ORDINARY = (
    "## Come abbiamo finanziato il nido\n\nIl comune ha usato **il fondo nazionale** e una "
    "quota regionale; le tariffe seguono l'ISEE ([delibera](https://example.org/d)).\n\n"
    "- prima fascia: esenzione\n- seconda fascia: 120 euro\n\n> Una sola graduatoria aperta "
    "tutto l'anno ha ridotto le attese.\n\n| Fascia | Quota |\n|---|---|\n| A | 0 |\n\n"
)


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        fn(*args)
        outcome = "rendered"
    except InvalidInput:
        outcome = "refused"
    return time.perf_counter() - started, outcome


def _unbounded(text: str, cap: float) -> str:
    """Plain Python-Markdown in a helper process, stopped at `cap` seconds."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from pebble import ProcessPool

    with ProcessPool(max_workers=1) as pool:
        started = time.perf_counter()
        future = pool.schedule(render_unbounded, args=(text,), timeout=cap)
        try:
            future.result()
        except FutureTimeout:
            return f"> {cap:.0f} s"
        return f"{time.perf_counter() - started:.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30_000, help="characters per input")
    parser.add_argument("--unbounded", action="store_true",
                        help="also time plain Python-Markdown (slow: capped per input)")
    parser.add_argument("--cap", type=float, default=20.0, help="cap for --unbounded, seconds")
    parser.add_argument("--mixed", type=int, default=24, help="random mixed inputs")
    args = parser.parse_args()

    app = create_app("config.DevelopmentConfig", SQLALCHEMY_DATABASE_URI="sqlite://",
                     SEARCH_SYNC="off")
    with app.app_context():
        ordinary = (ORDINARY * (args.size // len(ORDINARY) + 1))[: args.size]
        render_markdown("warm-up")  # starts the helpers
        baseline = [_timed(render_markdown, ordinary + str(i))[0] for i in range(5)]
        base = statistics.median(baseline)
        print(f"baseline: ordinary text of {args.size} characters, median of 5: "
              f"{base * 1000:.1f} ms (budget {app.config['MARKDOWN_RENDER_SECONDS']} s)")
        print(f"{'input':32} {'bounded':>10} {'x base':>8}  {'outcome':9}"
              + ("  unbounded" if args.unbounded else ""))
        worst = (0.0, "")
        outcomes: dict[str, int] = {}
        for name, text in corpus(args.size, mixed_count=args.mixed):
            seconds, outcome = _timed(render_markdown, text)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            worst = max(worst, (seconds, name))
            extra = f"  {_unbounded(text, args.cap)}" if args.unbounded else ""
            print(f"{name:32} {seconds * 1000:8.1f} ms {seconds / base:7.1f}x  {outcome:9}{extra}",
                  flush=True)
        print(f"worst bounded render: {worst[0] * 1000:.1f} ms ({worst[1]}), "
              f"{worst[0] / base:.1f}x the ordinary text; "
              + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))


if __name__ == "__main__":
    main()
