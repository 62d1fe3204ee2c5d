"""Anonymous micro-cache: read-only pages rendered once every few seconds for everyone.

Most readers are anonymous visitors looking up past solutions, and for them a page
depends only on its URL and language, plus two per-response values: the CSP nonce and
the visitor's CSRF token. The first anonymous GET renders the page and stores the body
split around those two values; later anonymous GETs within `PAGE_CACHE_SECONDS` get
the stored body with their own fresh nonce and token put back in. Signed-in users,
pages with flashed messages and responses setting cookies other than the session are
never served from or stored in the cache.

Pages live in the app's cache (`forum.extensions.cache`: Redis when several servers
share it) with the content versions (`forum/render_cache/versions.py`) read before the
page was rendered: the scopes a shared render recorded, every global scope otherwise.
A hit costs one query that reads those versions again; a change on any server bumps
one of them in its transaction, so the page is rendered anew at once, everywhere.
What no version covers (site settings, announcements) may be `PAGE_CACHE_SECONDS` old.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

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

from forum.extensions import cache, db
from forum.i18n import select_locale
from forum.render_cache import versions
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
# What a page not rendered through `render_shared` may show: every scope but one thread's
# or one member's, so any change to questions, people, practices... renders it anew.
GLOBAL_SCOPES = (versions.ALL, versions.QUESTIONS, versions.PEOPLE, versions.PRACTICES,
                 versions.GUIDELINES, versions.GROUPS, versions.TAXONOMY)

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
    scopes: tuple[str, ...] = ()
    versions: tuple[int, ...] = ()

    @classmethod
    def split(
        cls, body: bytes, nonce: str | None, token: str | None, content_type: str, expires: float,
        scopes: tuple[str, ...] = (), found: tuple[int, ...] = (),
    ) -> CachedPage:
        """Record where `nonce` and `token` occur so a hit can put in fresh ones."""
        values = {v.encode(): slot for slot, v in ((_NONCE, nonce), (_CSRF, token)) if v}
        if not values:
            return cls((body,), (), content_type, expires, scopes, found)
        parts = re.split(b"(" + b"|".join(re.escape(v) for v in values) + b")", body)
        return cls(
            tuple(parts[0::2]), tuple(values[p] for p in parts[1::2]), content_type, expires,
            scopes, found,
        )

    def current(self) -> bool:
        """Still what the page shows: no scope it was rendered from has changed since."""
        return not self.scopes or versions.read_committed(self.scopes) == self.versions

    def render(self, nonce: str, token: str) -> bytes:
        """The body with this request's nonce and this visitor's CSRF token."""
        fresh = {_NONCE: nonce.encode(), _CSRF: token.encode()}
        out = [self.segments[0]]
        for slot, segment in zip(self.slots, self.segments[1:], strict=True):
            out += (fresh[slot], segment)
        return b"".join(out)


class PageCache:
    """Pages with a time to live in the app's cache, shared by every process using it."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        # wall time: entries written by one server are read by another; tests replace it
        self.clock: Callable[[], float] = time.time

    def get(self, key: CacheKey) -> CachedPage | None:
        """The live entry for `key`, or None when missing, expired or out of date."""
        entry = cache.get(_storage_key(key))
        if not isinstance(entry, CachedPage) or entry.expires <= self.clock():
            return None
        return entry if entry.current() else None

    def put(self, key: CacheKey, entry: CachedPage) -> None:
        """Store `entry` until it expires (the cache's own bound evicts beyond that)."""
        cache.set(_storage_key(key), entry, timeout=max(1, int(self.ttl + 0.999)))

    def clear(self) -> None:
        """Forget every page (and the shared renders kept in the same cache)."""
        cache.clear()


def _storage_key(key: CacheKey) -> str:
    return "pc:" + hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()


def init_page_cache(app: Flask) -> None:
    """Install the cache when `PAGE_CACHE_SECONDS` > 0; otherwise add no hooks at all."""
    ttl = float(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if ttl <= 0:
        return
    app.extensions[EXTENSION_KEY] = PageCache(ttl)
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
        # read before the view runs: a change committed while it renders makes it stale
        g.page_cache_versions = versions.read_versions(db.session, GLOBAL_SCOPES)
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
    pages: PageCache = sender.extensions[EXTENSION_KEY]
    scopes, found = g.get("content_versions") or (GLOBAL_SCOPES, g.page_cache_versions)
    entry = CachedPage.split(
        response.get_data(), nonce, token, response.content_type, pages.clock() + pages.ttl,
        tuple(scopes), tuple(found),
    )
    pages.put(key, entry)
