"""Viewer slots: the few places of a shared page that differ from one member to another.

A template writes `{{ slot("vote", "answer-12-su") }}` where the output depends on who
looks (own vote, follow level, the header's counters, a reputation that changes with every
vote). While a page is rendered to be shared (`g.shared_render`), a slot writes a marker;
`pages.py` stores the page cut at its markers and fills them for each request. Each kind
loads what all its markers need in one go (`prepare`), so a page of 30 answers costs one
query for the viewer's votes, not 30. Outside a shared render a slot renders at once.

Markers are HTML comments: user text can never produce one (Markdown is sanitised with
comments stripped; everything else is escaped, so `<!--` arrives as `&lt;!--`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import g
from markupsafe import Markup

MARKER = re.compile(r"<!--slot:([a-z][a-z-]*):([A-Za-z0-9_.-]*)-->")
_ARG = re.compile(r"[A-Za-z0-9_.-]*")


def no_scopes(_args: Sequence[str]) -> tuple[str, ...]:
    """Nothing beyond the page's scopes and the viewer's own (`user:ID`, `viewer:ID`)."""
    return ()


def never(_prepared: Any) -> bool:
    return False


@dataclass(frozen=True)
class SlotKind:
    """`prepare(args)` loads what the page's markers of this kind need (one query);
    `fill(arg, prepared)` gives one marker's HTML. A member's filled copy of a page is
    kept (`pages.py`) only when `keep(prepared)` says so for every kind, under the
    versions of `scopes(args)` besides the page's and the viewer's own: those must name
    everything else the HTML depends on, and are read before `prepare` runs."""

    prepare: Callable[[Sequence[str]], Any]
    fill: Callable[[str, Any], str]
    scopes: Callable[[Sequence[str]], Sequence[str]] = no_scopes
    keep: Callable[[Any], bool] = never


KINDS: dict[str, SlotKind] = {}


def slot_kind(name: str, prepare: Callable[[Sequence[str]], Any], *,
              scopes: Callable[[Sequence[str]], Sequence[str]] = no_scopes,
              keep: Callable[[Any], bool] = never
              ) -> Callable[[Callable[[str, Any], str]], Callable[[str, Any], str]]:
    """Register a kind of slot: `@slot_kind("vote", load_votes) def vote(arg, votes): ...`;
    without `keep` a member's filled copy of a page holding it is never kept."""
    def register(fill: Callable[[str, Any], str]) -> Callable[[str, Any], str]:
        KINDS[name] = SlotKind(prepare, fill, scopes, keep)
        return fill
    return register


def slot(name: str, arg: object = "") -> Markup:
    """Jinja global: a marker in a shared render, the viewer's HTML otherwise."""
    text = str(arg)
    if name not in KINDS or not _ARG.fullmatch(text):
        raise ValueError(f"slot {name!r} with argument {text!r}")
    if g.get("shared_render"):
        return Markup(f"<!--slot:{name}:{text}-->")
    kind = KINDS[name]
    return Markup(kind.fill(text, kind.prepare([text])))


def _by_kind(wanted: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    by_kind: dict[str, list[str]] = {}
    for name, arg in wanted:
        by_kind.setdefault(name, []).append(arg)
    return by_kind


def scopes_of(wanted: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The scopes the markers' HTML depends on besides the page's and the viewer's."""
    return tuple(sorted({s for name, args in _by_kind(wanted).items()
                         for s in KINDS[name].scopes(args)}))


def fill_all(wanted: Sequence[tuple[str, str]]) -> tuple[dict[tuple[str, str], str], bool]:
    """The HTML of every (kind, arg) marker of a page, one `prepare` per kind, and whether
    every kind lets the filled page be kept."""
    out: dict[tuple[str, str], str] = {}
    keep = True
    for name, args in _by_kind(wanted).items():
        kind = KINDS[name]
        prepared = kind.prepare(args)
        for arg in args:
            out[(name, arg)] = str(kind.fill(arg, prepared))
        keep = keep and kind.keep(prepared)
    return out, keep
