"""Pages rendered once per version and viewer class, with the viewer's parts filled in.

`versions` keeps a version per scope in the database, bumped with each change;
`slots` marks the parts of a page that differ by viewer; `pages` stores and fills.
"""

from __future__ import annotations

from flask import Flask, Response, g

from forum.extensions import cache


def init_render_cache(app: Flask, session_class: type) -> None:
    """Wire the cache (Flask-Caching), the version hooks, the slot kinds and `slot()`."""
    from forum.questions import slots as _question_slots  # noqa: F401 - registers kinds
    from forum.render_cache import common, slots, versions  # noqa: F401 - registers kinds

    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_THRESHOLD", 2000)
    cache.init_app(app)
    versions.install(session_class)
    app.jinja_env.globals["slot"] = slots.slot
    app.after_request(_say_hit_or_miss)


def _say_hit_or_miss(response: Response) -> Response:
    """`X-Render-Cache: hit|miss` on shared pages, to read hit rates from outside."""
    state = g.get("render_cache")
    if state:
        response.headers["X-Render-Cache"] = state
    return response
