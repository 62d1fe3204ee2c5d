"""Wire the REST API v1: OpenAPI 3.1 document, token authentication, limits, ETags."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from forum.api.blueprints import API_PREFIX
from forum.api.problems import is_api_request


def _configure(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Officina API")
    app.config.setdefault("API_VERSION", "1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {
            "description": (
                "API REST di Officina, la comunità di pratica delle politiche familiari "
                "nella PA. Letture pubbliche senza autenticazione (vedi ciò che vede un "
                "visitatore); con un token personale (Authorization: Bearer) vedi e fai "
                "ciò che puoi fare tu sul sito. Errori in application/problem+json "
                "(RFC 9457), in italiano o inglese secondo Accept-Language."),
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": "/", "description": "Questa installazione"}],
    })


def _security_scheme(spec: Any) -> None:
    spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "Token personale creato nel profilo (/profilo/token)."})


def _conditional(response: Response) -> Response:
    """GETs answer an ETag and honour If-None-Match; the body depends on the caller and
    the language, so shared caches must keep them apart."""
    if not is_api_request() or request.method not in ("GET", "HEAD"):
        return response
    response.vary.update(("Authorization", "Cookie", "Accept-Language"))
    if response.status_code == 200 and response.mimetype == "application/json":
        response.headers.setdefault("Cache-Control", "private, no-cache")
        response.add_etag()
        response.make_conditional(request)
    return response


def _resources() -> tuple[Any, ...]:
    """Every resource's blueprint, in the order of the documentation (each made by
    `api_blueprint`, which exempts it from CSRF and limits it once, at import)."""
    from forum.api import (
        announcements,
        events,
        follows,
        guidelines,
        members,
        practices,
        questions,
        search,
        tags,
        themes,
    )

    return (questions.blp, search.blp, practices.blp, themes.blp, tags.blp, events.blp,
            guidelines.blp, announcements.blp, members.blp, follows.blp)


def init_api(app: Flask) -> None:
    """Register the API blueprints with their documentation, limits and authentication."""
    from forum.api import auth, docs
    from forum.extensions import rest_api

    _configure(app)
    rest_api.init_app(app)
    _security_scheme(rest_api.spec)
    for blueprint in _resources():
        rest_api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)

    def _authenticate() -> None:
        if is_api_request():
            auth.authenticate_request()

    # first of all before_request functions: the limiter must already know the token
    app.before_request_funcs.setdefault(None, []).insert(0, _authenticate)
    app.after_request(_conditional)
