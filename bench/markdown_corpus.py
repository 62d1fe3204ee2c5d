"""Pathological Markdown: the shapes that make Python-Markdown quadratic or worse.

Shared by `bench/markdown_render.py` (worst render time) and the test that holds the bound.
Each family is built at any size, so both can ask for the largest text a form accepts.
Mixed inputs are drawn from a seeded random generator, so a run is repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator


def _fill(unit: str, size: int) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def _lines(make: Callable[[int], str], size: int) -> str:
    out: list[str] = []
    total, depth = 0, 0
    while total < size:
        line = make(depth)
        out.append(line)
        total += len(line) + 1
        depth += 1
    return "\n".join(out)[:size]


TOKENS = ["[", "]", "(", ")", "![", "*", "_", "**", "__", "`", "<", ">", "&", "#", "|", "\\",
          "[a](", "](", "<http://", "<!--", "&#", "> ", "- ", "1. ", "\n", "\n\n", "    ",
          "[x][y]", "*a", "_a", "a*", "a_", "```", "~~~", "---", "==="]

FAMILIES: dict[str, Callable[[int], str]] = {
    "brackets": lambda n: _fill("[", n),
    "image brackets": lambda n: _fill("![", n),
    "brackets then emphasis": lambda n: ("[" * (n * 5 // 13) + "*_" * n)[:n],
    "bracket emphasis pairs": lambda n: _fill("[*", n),
    "bracket underscore pairs": lambda n: _fill("[_", n),
    "open links": lambda n: _fill("[a](", n),
    "nested link text": lambda n: ("[" * (n // 2) + "a" + "]" * (n // 2))[:n],
    "link openers and closers": lambda n: ("[" * (n // 3) + "](" * (n // 3))[:n],
    "angle links": lambda n: _fill("[a](<", n),
    "reference links": lambda n: _fill("[a][b]", n),
    "parenthesised destination": lambda n: ("[a](" + "(" * n)[:n],
    "emphasis pairs": lambda n: _fill("*_", n),
    "strong runs": lambda n: _fill("**a ", n),
    "emphasis words": lambda n: ("*a " * (n // 6) + " a*" * (n // 6))[:n],
    "underscore words": lambda n: _fill("_a_ ", n),
    "backticks": lambda n: _fill("`a", n),
    "html openers": lambda n: _fill("<a ", n),
    "html comments": lambda n: _fill("<!--", n),
    "autolinks": lambda n: _fill("<http://", n),
    "entities": lambda n: _fill("&#", n),
    "escapes": lambda n: _fill("\\[", n),
    "nested quotes": lambda n: _lines(lambda d: ">" * (d + 1) + " x", n),
    "deep quote": lambda n: _fill(">", n),
    "nested lists": lambda n: _lines(lambda d: "  " * d + "- x", n),
    "nested ordered lists": lambda n: _lines(lambda d: "   " * d + "1. x", n),
    "nested lists of four": lambda n: _lines(lambda d: "    " * d + "- x", n),
    "quoted lists": lambda n: _lines(lambda d: "> " * d + "- x", n),
    "list in quote runs": lambda n: _fill("> - ", n),
    "long table": lambda n: ("|a|b|\n|-|-|\n" + _fill("|x|[y|\n", n))[:n],
    "wide table": lambda n: ("|" * (n // 3) + "\n" + "|-" * (n // 6) + "\n" + "|[" * (n // 6))[:n],
    "setext headings": lambda n: _fill("a\n=\n", n),
    "fences": lambda n: _fill("```\n[", n),
}


def mixed(size: int, seed: int) -> str:
    """Random runs of hostile tokens: shapes nobody listed."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        token = rng.choice(TOKENS) * rng.choice([1, 1, 2, 5, 50, 400])
        parts.append(token)
        total += len(token)
    return "".join(parts)[:size]


def corpus(size: int, *, mixed_count: int = 12) -> Iterator[tuple[str, str]]:
    """(name, text) pairs of the given size: every family, then random mixes."""
    for name, make in FAMILIES.items():
        yield name, make(size)
    for seed in range(mixed_count):
        yield f"mixed #{seed}", mixed(size, seed)
