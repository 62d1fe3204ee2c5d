"""Markdown to safe HTML: the only module that knows the sanitiser (bleach).

Rendered once at write time and stored in `body_html`; swapping the sanitiser
means changing this file alone.

Python-Markdown is not linear: unbalanced brackets, emphasis runs and deep nesting
make it quadratic or worse (a 26 KB body took 83 s), and no pre-check can list every
such shape. So the render runs in a small pool of helper processes (pebble) with a
hard budget of CPU time: a render that overruns is stopped (or its helper killed, past
a wall-clock backstop) and the writer told in their language to simplify the text.
Nothing is saved half-rendered, and callers render before they open a write
transaction, so a slow text never holds the database lock.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from html import unescape
from typing import Any

import bleach
import markdown
from bleach.linkifier import DEFAULT_CALLBACKS
from cachetools import LRUCache

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "th": ["align"],
    "td": ["align"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
# An ordinary text of the largest size a form accepts costs ~0.2 s of CPU here
# (bench/markdown_render.py); the pathological ones cost 5 s to 80 s and more. A budget of 1 s
# keeps ordinary texts five times below it on a busy, shared CI machine (at 0.5 s one in
# three CI runs refused them) and still stops the pathological ones.
DEFAULT_BUDGET_SECONDS = 1.0
WALL_FACTOR = 2  # wall-clock backstop: a helper stuck inside one C call is killed
HELPER_MEMORY_BYTES = 1024 * 1024 * 1024  # a helper that needs more is killed, not the app


def _link_rel(attrs: dict, new: bool = False) -> dict:
    """Every link is user content: tell crawlers and browsers so."""
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(bleach.linkifier.LinkifyFilter, callbacks=[*DEFAULT_CALLBACKS, _link_rel],
                     skip_tags={"pre", "code"})],
)


_BLOCK_END = re.compile(r"</(?:p|li|h[3-6]|blockquote|pre|tr|table)>|<br\s*/?>|<hr\s*/?>", re.I)
_CELL_END = re.compile(r"</t[dh]>", re.I)
_TAG = re.compile(r"<[^>]*>")


def plain_text(html: str) -> str:
    """The words of sanitised HTML (ours, from `render_markdown`), for search and snippets:
    no Markdown signs, no tags, entities decoded, one line per block."""
    text = _TAG.sub("", _CELL_END.sub(" ", _BLOCK_END.sub("\n", html or "")))
    return re.sub(r"\n{3,}", "\n\n", unescape(text)).strip()


def render_unbounded(text: str) -> str:
    """Render and sanitise in this process, with no time bound: helpers and tests only."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return _cleaner.clean(html)


class MarkupTooComplex(Exception):
    """The text could not be rendered within the budget (or crashed the helper)."""


def _over_budget(_signum: int, _frame: object) -> None:
    raise MarkupTooComplex("cpu budget")


def _render_batch(texts: Sequence[str], cpu_budget: float) -> list[str]:
    """Runs in a helper: the budget is CPU time (SIGPROF), so a busy machine does not
    refuse an ordinary text; the caller's wall-clock timeout is the backstop."""
    signal.signal(signal.SIGPROF, _over_budget)
    signal.setitimer(signal.ITIMER_PROF, cpu_budget)
    try:
        return [render_unbounded(text) for text in texts]
    except BaseException:
        # An interrupted render leaves a large tree of garbage: collect it now, off the
        # budget, or the next writer's render pays for it in a garbage-collection pass.
        signal.setitimer(signal.ITIMER_PROF, 0)
        gc.collect()
        raise
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


_WARM_UP = ("# t\n\n**a** [l](https://example.org) `c`\n\n- x\n\n> q\n\n"
            "| a |\n|---|\n| 1 |\n\n```\nz\n```")


def _prepare_helper() -> None:
    """Runs in each new helper, before its first text: a memory ceiling, so a runaway render
    hits it instead of the machine; and one render of every construct, so the extensions'
    lazy imports and set-up are not charged to a writer's budget."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (HELPER_MEMORY_BYTES, HELPER_MEMORY_BYTES))
    render_unbounded(_WARM_UP)
    gc.collect()
    gc.freeze()


class _Renderer:
    """A per-process pool of render helpers, created on first use and after a fork."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: Any = None  # pebble.ProcessPool, imported when first needed
        self._pid = 0

    def _get_pool(self, workers: int):  # type: ignore[no-untyped-def]
        from pebble import ProcessPool

        with self._lock:
            if self._pool is None or self._pid != os.getpid() or not self._pool.active:
                # forkserver: helpers are forked from a clean server process, never from a
                # threaded app process, and start fast because this module is preloaded
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([__name__])
                self._pool = ProcessPool(max_workers=workers, context=context,
                                         initializer=_prepare_helper)
                if self._pid == 0:  # after pebble's own exit hook, so this one runs first
                    atexit.register(self.close)
                self._pid = os.getpid()
            return self._pool

    def render(self, texts: Sequence[str], *, budget: float, workers: int) -> list[str]:
        future = self._get_pool(workers).schedule(
            _render_batch, args=(list(texts), budget), timeout=budget * WALL_FACTOR + 0.5)
        try:
            return future.result()
        except FutureTimeout:
            raise MarkupTooComplex("timeout") from None
        except Exception as error:  # noqa: BLE001 - a crash in the helper is the text's fault
            raise MarkupTooComplex(type(error).__name__) from error

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.stop()
                self._pool.join()
            self._pool = None


_renderer = _Renderer()
# Recent renders by text: a service that renders before its write transaction, then calls
# another service that renders the same text inside it (rollbacks, approved suggestions),
# pays once and never inside the lock.
_recent: LRUCache[str, str] = LRUCache(maxsize=256)
_recent_lock = threading.Lock()


def _cached(text: str) -> str | None:
    with _recent_lock:
        return _recent.get(text)


def _remember(texts: Sequence[str], htmls: Sequence[str]) -> None:
    with _recent_lock:
        for text, html in zip(texts, htmls, strict=True):
            _recent[text] = html


def render_many(texts: Sequence[str], *, fields: Sequence[str] = ()) -> list[str]:
    """Render several texts within one time budget (a practice's five fields, say).

    Raises `InvalidInput` with a message for the writer (shown beside `fields` in the
    form) when the budget runs out.
    """
    if not any(text.strip() for text in texts):
        return [render_unbounded(text) for text in texts]
    from flask import current_app, has_app_context

    config = current_app.config if has_app_context() else {}
    budget = float(config.get("MARKDOWN_RENDER_SECONDS", DEFAULT_BUDGET_SECONDS))
    workers = int(config.get("MARKDOWN_RENDER_WORKERS", 2))
    known = [_cached(text) for text in texts]
    if all(html is not None for html in known):
        return [html for html in known if html is not None]
    try:
        htmls = _renderer.render(texts, budget=budget, workers=workers)
    except MarkupTooComplex:
        from flask_babel import gettext as _

        from forum.errors import InvalidInput

        message = _(
            "Il testo è troppo complesso da formattare (per esempio molte parentesi quadre, "
            "simboli di enfasi o elenchi annidati senza chiusura): semplificalo e riprova."
        )
        raise InvalidInput(message, field_errors={f: [message] for f in fields}) from None
    _remember(texts, htmls)
    return htmls


def render_markdown(text: str, *, field: str = "body") -> str:
    """Render user Markdown to sanitised HTML (no scripts, handlers or unsafe URLs).

    Bounded in time (see the module docstring): call it before a write transaction.
    """
    return render_many([text], fields=[field])[0]


def prerender(texts: Sequence[str]) -> None:
    """Render `texts` now, before a write transaction whose services will render them again
    (rollbacks, approved suggestions): inside it they are found in the recent renders.
    A text that cannot be rendered is left for that service to refuse, with its form."""
    from forum.errors import InvalidInput

    try:
        render_many(texts)
    except InvalidInput:
        pass
