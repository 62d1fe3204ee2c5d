"""Search and related content over the API: the search page's service and filters."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum.admin.queries import all_themes
from forum.api.blueprints import api_blueprint
from forum.api.questions import SECURITY
from forum.search import service
from forum.search.routes import (
    PERIODS,
    QUERY_MAX,
    SORTS,
    TYPES,
    hit_url,
    params_from_args,
)
from forum.taxonomy import REGIONS
from forum.views import page_arg

blp = api_blueprint("search-api", __name__,
                    "Ricerca nelle discussioni e nelle buone pratiche; contenuti "
                            "correlati a un testo.")


class SearchArgs(Schema):
    """The search page's parameters (Italian names, as in /cerca)."""

    q = fields.String(load_default="", validate=validate.Length(max=QUERY_MAX))
    tipo = fields.String(load_default=None, validate=validate.OneOf(sorted(TYPES)))
    tema = fields.String(load_default=None, validate=validate.Length(max=60))
    regione = fields.String(load_default=None, validate=validate.OneOf(sorted(REGIONS)))
    risolte = fields.String(load_default=None, validate=validate.OneOf(("si", "no")))
    ordina = fields.String(load_default=None, validate=validate.OneOf(sorted(SORTS)))
    periodo = fields.String(load_default=None, validate=validate.OneOf(sorted(PERIODS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=999_999))


class HitSchema(Schema):
    """One result: a discussion (question) or a best practice."""

    type = fields.String(required=True, validate=validate.OneOf(("question", "practice")))
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    snippet = fields.String(required=True, metadata={"description": "HTML con <mark>"})
    score = fields.Float(required=True)


class SearchResultsSchema(Schema):
    """A page of results, with the spelling suggestion ("Forse cercavi")."""

    total = fields.Integer(required=True)
    estimated = fields.Boolean(required=True, metadata={
        "description": "vero quando total è una stima (oltre 2.000 risultati, PostgreSQL)"})
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    suggestion = fields.String(allow_none=True, required=True)
    corrected = fields.String(allow_none=True, required=True,
                              metadata={"description": "la query corretta, se usata"})
    results = fields.List(fields.Nested(HitSchema), required=True)


class RelatedArgs(Schema):
    """Any text (a question being typed) and optionally its theme."""

    text = fields.String(load_default="", validate=validate.Length(max=QUERY_MAX))
    tema = fields.String(load_default=None, validate=validate.Length(max=60))


class RelatedHitSchema(Schema):
    """A related discussion or practice."""

    type = fields.String(required=True)
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    score = fields.Float(required=True)


class RelatedSchema(Schema):
    """Up to five related items, best first."""

    results = fields.List(fields.Nested(RelatedHitSchema), required=True)


@blp.route("/search")
@blp.arguments(SearchArgs, location="query", as_kwargs=True)
@blp.response(200, SearchResultsSchema)
@blp.doc(security=SECURITY)
def search(q: str, **_filters: Any) -> Any:
    """Cerca come la pagina /cerca: filtri per tipo, tema, regione, risolte, periodo."""
    params = params_from_args(all_themes())
    page = page_arg()
    if not q.strip():
        return {"total": 0, "estimated": False, "page": page, "pages": 0, "suggestion": None,
                "corrected": None, "results": []}
    results = service.search(q, viewer=current_user, page=page,
                             per_page=current_app.config["SEARCH_PER_PAGE"], **params)
    return {"total": results.total, "estimated": results.estimated, "page": results.page,
            "pages": results.pages,
            "suggestion": results.suggestion, "corrected": results.corrected,
            "results": [{"type": h.type, "id": h.id, "title": h.title, "url": hit_url(h),
                         "snippet": h.snippet, "score": round(h.score, 4)}
                        for h in results.hits]}


def _related(kind: str, text: str, tema: str | None) -> dict[str, Any]:
    if tema and tema not in {t.slug for t in all_themes()}:
        abort(400, description=_("Tema non valido."))
    hits = service.related_for_text(text, viewer=current_user, kind=kind, theme=tema, limit=5)
    return {"results": [{"type": h.type, "id": h.id, "title": h.title, "url": hit_url(h),
                         "score": round(h.score, 4)} for h in hits]}


@blp.route("/related-practices")
@blp.arguments(RelatedArgs, location="query", as_kwargs=True)
@blp.response(200, RelatedSchema)
@blp.doc(security=SECURITY)
def related_practices(text: str, tema: str | None) -> Any:
    """Buone pratiche pubblicate correlate a un testo (la pagina «Fai una domanda»)."""
    return _related("practice", text, tema)


@blp.route("/similar-questions")
@blp.arguments(RelatedArgs, location="query", as_kwargs=True)
@blp.response(200, RelatedSchema)
@blp.doc(security=SECURITY)
def similar_questions(text: str, tema: str | None) -> Any:
    """Discussioni simili a un testo."""
    return _related("question", text, tema)
