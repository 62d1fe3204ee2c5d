"""Themes over the API: the /temi list with its counts and a theme's map (what the theme
page shows)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from marshmallow import Schema, fields

from forum.api.blueprints import api_blueprint
from forum.api.common import ItemRefSchema, event_ref, practice_ref, question_ref
from forum.api.questions import SECURITY
from forum.api.schemas import AuthorSchema
from forum.questions import queries
from forum.themes.queries import theme_map

blp = api_blueprint("themes-api", __name__,
                    "Temi delle politiche familiari, con i loro conteggi e la mappa "
                    "della pagina del tema.")


class ThemeSummarySchema(Schema):
    """A theme with its numbers of public and solved questions (as on /temi)."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    url = fields.String(required=True)
    question_count = fields.Integer(required=True)
    solved_count = fields.Integer(required=True)


class ThemeListSchema(Schema):
    """Every open theme, in the site's order."""

    items = fields.List(fields.Nested(ThemeSummarySchema), required=True)


class ThemeSchema(Schema):
    """A theme and the first items of each section of its page, as the caller sees them."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    url = fields.String(required=True)
    is_archived = fields.Boolean(required=True)
    priorities = fields.List(fields.Nested(ItemRefSchema), required=True)
    guidelines = fields.List(fields.Nested(ItemRefSchema), required=True)
    practices = fields.List(fields.Nested(ItemRefSchema), required=True)
    solved_questions = fields.List(fields.Nested(ItemRefSchema), required=True)
    unanswered_questions = fields.List(fields.Nested(ItemRefSchema), required=True)
    upcoming_events = fields.List(fields.Nested(ItemRefSchema), required=True)
    experts = fields.List(fields.Nested(AuthorSchema), required=True)


@blp.route("/themes")
@blp.response(200, ThemeListSchema)
@blp.doc(security=SECURITY)
def list_themes() -> Any:
    """I temi aperti con il numero di domande pubbliche e risolte (come /temi)."""
    return {"items": [{
        "slug": theme.slug, "name": theme.name, "description": theme.description,
        "url": url_for("themes.detail", slug=theme.slug, _external=True),
        "question_count": total, "solved_count": solved,
    } for theme, total, solved in queries.themes_with_counts()]}


def _priority(announcement: Any) -> dict[str, Any]:
    return {"id": announcement.id, "slug": announcement.slug, "title": announcement.title,
            "url": url_for("announcements.detail", slug=announcement.slug, _external=True)}


def _guideline(row: Any) -> dict[str, Any]:
    return {"id": None, "slug": row.slug, "title": row.title,
            "url": url_for("guidelines.detail", slug=row.slug, _external=True)}


@blp.route("/themes/<slug>")
@blp.response(200, ThemeSchema)
@blp.doc(security=SECURITY)
def get_theme(slug: str) -> Any:
    """Un tema: priorità valide, linee guida, buone pratiche, domande risolte e senza
    risposta, prossimi incontri e chi ne è esperto (i primi elementi di ogni sezione)."""
    theme = queries.theme_by_slug(slug)
    sections = theme_map(theme, current_user)
    return {
        "slug": theme.slug, "name": theme.name, "description": theme.description,
        "url": url_for("themes.detail", slug=theme.slug, _external=True),
        "is_archived": theme.is_archived,
        "priorities": [_priority(a) for a in sections.priorities],
        "guidelines": [_guideline(g) for g in sections.guidelines.items],
        "practices": [practice_ref(p) for p in sections.practices.items],
        "solved_questions": [question_ref(q) for q in sections.solved.items],
        "unanswered_questions": [question_ref(q) for q in sections.unanswered.items],
        "upcoming_events": [event_ref(e) for e in sections.events.items],
        "experts": sections.experts.items,
    }
