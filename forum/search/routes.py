"""Search page and the public JSON API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.admin.queries import all_themes
from forum.models import Theme
from forum.models.base import utcnow
from forum.search import service
from forum.taxonomy import REGIONS
from forum.views import page_arg

bp = Blueprint("search", __name__)

TYPES = {"discussioni": "question", "buone-pratiche": "practice",
         "question": "question", "practice": "practice"}
SORTS = {"rilevanza": "relevance", "recenti": "newest", "voti": "votes",
         "relevance": "relevance", "newest": "newest", "votes": "votes"}
PERIODS = {"mese": 31, "anno": 366, "tre-anni": 3 * 366}
QUERY_MAX = 5_000


def _params(themes: list[Theme]) -> dict[str, Any]:
    """Filters from the query string; unknown values are a 400 with a clear message.

    Themes are those of the database (an admin's new theme included, archived ones too:
    their threads stay findable)."""
    args = request.args
    kind = args.get("tipo") or args.get("type") or ""
    if kind and kind not in TYPES:
        abort(400, description=_("Tipo di contenuto non valido."))
    theme = args.get("tema") or args.get("theme") or None
    if theme and theme not in {t.slug for t in themes}:
        abort(400, description=_("Tema non valido."))
    region = args.get("regione") or args.get("region") or None
    if region and region not in REGIONS:
        abort(400, description=_("Regione non valida."))
    solved = {"si": True, "no": False, "": None}.get(args.get("risolte", ""), "bad")
    if solved == "bad":
        abort(400, description=_("Filtro «risolte» non valido."))
    sort = SORTS.get(args.get("ordina") or "rilevanza")
    if sort is None:
        abort(400, description=_("Ordinamento non valido."))
    period = args.get("periodo") or ""
    if period and period not in PERIODS:
        abort(400, description=_("Periodo non valido."))
    since: datetime | None = utcnow() - timedelta(days=PERIODS[period]) if period else None
    return {"type": TYPES.get(kind), "theme": theme, "region": region, "solved": solved,
            "sort": sort, "since": since}


@bp.route("/cerca")
def index():
    """One box over discussions and best practices, with filters and highlighted snippets."""
    q = (request.args.get("q") or "")[:QUERY_MAX]
    themes = all_themes()
    params = _params(themes)
    page = page_arg()
    results = None
    if q.strip():
        results = service.search(q, viewer=current_user, page=page,
                                 per_page=current_app.config["SEARCH_PER_PAGE"], **params)
    return render_template("search/index.html", q=q, results=results, params=params,
                           themes=themes, regions=REGIONS)


def _hit_url(hit) -> str:  # type: ignore[no-untyped-def]
    if hit.type == "question":
        return url_for("questions.detail", question_id=hit.id, _external=False)
    return url_for("practices.detail_by_id", practice_id=hit.id)


@bp.route("/api/v1/search")
def api_search():
    """Public JSON search: {"total", "results": [{"type","id","title","url","snippet","score"}]}."""
    q = (request.args.get("q") or "")[:QUERY_MAX]
    themes = all_themes()
    params = _params(themes)
    page = page_arg()
    if not q.strip():
        return jsonify(total=0, results=[], page=page)
    results = service.search(q, viewer=current_user, page=page,
                             per_page=current_app.config["SEARCH_PER_PAGE"], **params)
    return jsonify(
        total=results.total, page=results.page, pages=results.pages,
        suggestion=results.suggestion, corrected=results.corrected,
        results=[{"type": h.type, "id": h.id, "title": h.title, "url": _hit_url(h),
                  "snippet": h.snippet, "score": round(h.score, 4)} for h in results.hits],
    )


def _related_json(kind: str):  # type: ignore[no-untyped-def]
    text = (request.args.get("text") or "")[:QUERY_MAX]
    theme = request.args.get("tema") or request.args.get("theme") or None
    if theme and theme not in {t.slug for t in all_themes()}:
        abort(400, description=_("Tema non valido."))
    hits = service.related_for_text(text, viewer=current_user, kind=kind, theme=theme, limit=5)
    return jsonify(results=[{"type": h.type, "id": h.id, "title": h.title, "url": _hit_url(h),
                             "score": round(h.score, 4)} for h in hits])


@bp.route("/api/v1/related-practices")
def api_related_practices():
    """Published practices related to any text (what the ask page uses)."""
    return _related_json("practice")


@bp.route("/api/v1/similar-questions")
def api_similar_questions():
    """Discussions similar to any text (the ask page's "Domande simili")."""
    return _related_json("question")
