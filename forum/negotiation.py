"""Content negotiation shared by views and the error handler (which must not import views)."""

from __future__ import annotations

from flask import request


def wants_json() -> bool:
    """True for requests made by our scripts (fetch with Accept: application/json)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]
