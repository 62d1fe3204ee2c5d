"""Anonymous micro-cache: read-only pages rendered once every few seconds per process.

Most readers are anonymous visitors looking up past solutions, and for them a page
depends only on its URL and language, plus two per-response values: the CSP nonce and
the visitor's CSRF token. The first anonymous GET renders the page and stores the body
split around those two values; later anonymous GETs within `PAGE_CACHE_SECONDS` get
the stored body with their own fresh nonce and token put back in. Signed-in users,
pages with flashed messages and responses setting cookies other than the session are
never served from or stored in the cache. The cache is per process, so with several
workers a page can be up to `PAGE_CACHE_SECONDS` stale in each of them.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import cachetools
from flask import (
    Flask,
    Response,
    current_app,
    g,
    message_flashed,
    request,
    request_finished,
    session,
)
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE_DEFAULT
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from forum.i18n import select_locale
from forum.security import csp_nonce

# Read-only pages whose output depends only on URL, language, nonce and CSRF token.
CACHEABLE_ENDPOINTS = frozenset({
    "main.home",
    "questions.index",
    "questions.detail",
    "themes.index",
    "themes.detail",
    "users.profile",
    "practices.index",
    "practices.detail",
    "search.index",
})
EXTENSION_KEY = "page_cache"
_CACHEABLE_ATTR = "page_cacheable"
_NONCE, _CSRF = 0, 1  # slots in a stored body

CacheKey = tuple[str, str, str]
View = TypeVar("View", bound=Callable[..., Any])


def cacheable(view: View) -> View:
    """Opt a view into the anonymous cache; only for pages that never vary by visitor."""
    setattr(view, _CACHEABLE_ATTR, True)
    return view


@dataclass(frozen=True)
class CachedPage:
    """A stored body cut around the nonce and CSRF token of the request that rendered it."""

    segments: tuple[bytes, ...]
    slots: tuple[int, ...]
    content_type: str
    expires: float

    @classmethod
    def split(
        cls, body: bytes, nonce: str | None, token: str | None, content_type: str, expires: float
    ) -> CachedPage:
        """Record where `nonce` and `token` occur so a hit can put in fresh ones."""
        values = {v.encode(): slot for slot, v in ((_NONCE, nonce), (_CSRF, token)) if v}
        if not values:
            return cls((body,), (), content_type, expires)
        parts = re.split(b"(" + b"|".join(re.escape(v) for v in values) + b")", body)
        return cls(
            tuple(parts[0::2]), tuple(values[p] for p in parts[1::2]), content_type, expires
        )

    def render(self, nonce: str, token: str) -> bytes:
        """The body with this request's nonce and this visitor's CSRF token."""
        fresh = {_NONCE: nonce.encode(), _CSRF: token.encode()}
        out = [self.segments[0]]
        for slot, segment in zip(self.slots, self.segments[1:], strict=True):
            out += (fresh[slot], segment)
        return b"".join(out)


class PageCache:
    """A bounded LRU of pages with a time to live, shared by the threads of one process."""

    def __init__(self, ttl: float, max_entries: int) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock: Callable[[], float] = time.monotonic
        # each page carries its own expiry; the timer reads `clock`, which tests replace
        self._entries: cachetools.TLRUCache[CacheKey, CachedPage] = cachetools.TLRUCache(
            maxsize=max_entries, ttu=lambda _key, entry, _now: entry.expires,
            timer=lambda: self.clock())
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> CachedPage | None:
        """The live entry for `key`, marked most recently used; expired ones are dropped."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: CacheKey, entry: CachedPage) -> None:
        """Store `entry`, evicting the least recently used pages beyond the bound."""
        with self._lock:
            self._entries[key] = entry

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def init_page_cache(app: Flask) -> None:
    """Install the cache when `PAGE_CACHE_SECONDS` > 0; otherwise add no hooks at all."""
    ttl = float(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if ttl <= 0:
        return
    max_entries = int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 512))
    app.extensions[EXTENSION_KEY] = PageCache(ttl, max_entries)
    app.before_request(_serve_from_cache)
    app.after_request(_mark_miss)
    # After process_response, so the session cookie and every other hook's headers are set.
    request_finished.connect(_store, app)
    message_flashed.connect(_on_flash, app)


def _is_cacheable_endpoint() -> bool:
    """On the allow-list or opted in with @cacheable: anything else may vary by visitor."""
    endpoint = request.endpoint
    if endpoint is None:
        return False
    if endpoint in CACHEABLE_ENDPOINTS:
        return True
    return getattr(current_app.view_functions.get(endpoint), _CACHEABLE_ATTR, False)


def _is_anonymous_reader() -> bool:
    """Decided from the session and cookies alone, without loading a user."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE_DEFAULT)
    return (
        "_user_id" not in session
        and remember not in request.cookies
        and "_flashes" not in session
    )


def _serve_from_cache() -> Response | None:
    """before_request: answer from the cache; a returned response still gets after_request."""
    if request.method != "GET" or not _is_cacheable_endpoint() or not _is_anonymous_reader():
        return None
    key: CacheKey = (request.host, request.full_path, select_locale())
    g.page_cache_key = key
    # Fix both values now: on a miss the template reuses them, on a hit they go in the body.
    nonce, token = csp_nonce(), generate_csrf()
    g.page_cache_values = (nonce, token)
    entry = current_app.extensions[EXTENSION_KEY].get(key)
    if entry is None:
        return None
    g.page_cache_hit = True
    response = Response(entry.render(nonce, token), content_type=entry.content_type)
    response.headers["X-Cache"] = "hit"
    return response


def _mark_miss(response: Response) -> Response:
    """after_request: say when a cacheable request was rendered, to debug hit rates."""
    if "page_cache_key" in g and not g.get("page_cache_hit"):
        response.headers["X-Cache"] = "miss"
    return response


def _on_flash(sender: Flask, **extra: Any) -> None:
    """A page rendered after a flash may show the message: never store it."""
    g.page_cache_flashed = True


def _only_session_cookie(response: Response) -> bool:
    """Any other cookie means the view did something for this visitor alone."""
    allowed = current_app.config["SESSION_COOKIE_NAME"]
    return all(
        header.split("=", 1)[0].strip() == allowed
        for header in response.headers.getlist("Set-Cookie")
    )


def _storable(response: Response) -> bool:
    """Re-checked at the end: the view may have flashed, set cookies or signed someone in."""
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and not response.direct_passthrough
        and not g.get("page_cache_flashed")
        and not response.cache_control.no_store
        and not response.cache_control.private
        and _is_anonymous_reader()
        and not current_user.is_authenticated
        and _only_session_cookie(response)
    )


def _store(sender: Flask, response: Response, **extra: Any) -> None:
    """request_finished: keep a fresh anonymous 200 page for the next visitors."""
    key = g.get("page_cache_key")
    if key is None or g.get("page_cache_hit") or not _storable(response):
        return
    nonce, token = g.page_cache_values
    if str(escape(nonce)) != nonce or str(escape(token)) != token:
        return  # the page would hold an escaped form that the split cannot find
    cache: PageCache = sender.extensions[EXTENSION_KEY]
    entry = CachedPage.split(
        response.get_data(), nonce, token, response.content_type, cache.clock() + cache.ttl
    )
    cache.put(key, entry)
