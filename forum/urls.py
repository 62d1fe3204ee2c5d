"""Links built once per process: a thread page builds a hundred `url_for`s, mostly the
same ones on every render (profiles, vote forms, the icon sprite), and Werkzeug quotes
every argument each time.

A link depends only on the endpoint, its arguments and the script root (no
`url_defaults` are registered in this app), so inside a request the result is
remembered in a bounded dict; external links, unhashable arguments and calls outside a
request go to Flask's `url_for` unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, url_for

LIMIT = 50_000  # links kept per process; the dict starts afresh when full
_LINKS: dict[tuple[Any, ...], str] = {}


def link_for(endpoint: str, **values: Any) -> str:
    """`url_for`, remembered for internal links within a request."""
    if not has_request_context() or "_external" in values or "_scheme" in values:
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        found = _LINKS.get(key)
    except TypeError:  # an unhashable or unorderable argument
        return url_for(endpoint, **values)
    if found is None:
        found = url_for(endpoint, **values)
        if len(_LINKS) >= LIMIT:
            _LINKS.clear()
        _LINKS[key] = found
    return found


def icon_href(name: str) -> str:
    """The Bootstrap Italia sprite's fragment for icon `name`."""
    return link_for("static", filename="vendor/bootstrap-italia/svg/sprites.svg") + "#" + name
