"""The search page; its filters are shared with the API (forum/api/search.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.admin.queries import all_themes
from forum.models import Theme
from forum.models.base import utcnow
from forum.render_cache.pages import render_shared
from forum.render_cache.versions import PRACTICES, QUESTIONS
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


def params_from_args(themes: list[Theme]) -> dict[str, Any]:
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
    page = page_arg()

    def context() -> dict:
        themes = all_themes()
        params = params_from_args(themes)
        results = None
        if q.strip():
            results = service.search(q, viewer=current_user, page=page,
                                     per_page=current_app.config["SEARCH_PER_PAGE"], **params)
        return {"q": q, "results": results, "params": params, "themes": themes,
                "regions": REGIONS}

    # Results come from the index, which follows the database a moment later: shared only
    # when nothing waits in the outbox, so a stored page never predates a change it misses.
    return render_shared("search/index.html", page="search", scopes=(QUESTIONS, PRACTICES),
                         context=context, share=not service.index_behind())


def hit_url(hit) -> str:  # type: ignore[no-untyped-def]
    """The page of a search hit (a discussion or a practice), as an absolute address like
    every other `url` of the API (a script on another host follows it as it is)."""
    if hit.type == "question":
        return url_for("questions.detail", question_id=hit.id, _external=True)
    return url_for("practices.detail_by_id", practice_id=hit.id, _external=True)
