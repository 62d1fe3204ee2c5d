"""Guidelines over the API: the /linee-guida list (theme and status filters) as cursor
pages, and one guideline as its page shows it: the last published version, its sections
and what links to it. Drafts only for whom the site shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum.api.blueprints import api_blueprint
from forum.api.common import ItemRefSchema, event_ref, practice_ref, question_ref, theme_ref
from forum.api.pagination import PageArgs, keyset_page
from forum.api.questions import SECURITY
from forum.api.schemas import ThemeRefSchema, UtcDateTime, page_schema
from forum.guidelines import queries

blp = api_blueprint("guidelines-api", __name__,
                    "Linee guida: elenco per tema e stato, una linea guida nella sua "
                    "ultima versione pubblicata, con sezioni e collegamenti.")


class GuidelineListArgs(PageArgs):
    """The filters of /linee-guida, with the same names and values."""

    tema = fields.String(load_default=None, validate=validate.Length(max=80),
                         metadata={"description": "slug del tema"})
    stato = fields.String(load_default=None,
                          validate=validate.OneOf([str(s) for s in queries.STATUS_FILTERS]))


class GuidelineSummarySchema(Schema):
    """A guideline as in the list; `version` 0 means never published."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    url = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    review_by = fields.Date(required=True)
    published_at = UtcDateTime(allow_none=True, required=True)
    themes = fields.List(fields.Nested(ThemeRefSchema), required=True)


class SectionSchema(Schema):
    """A section heading and its anchor in the page (`url#anchor`)."""

    anchor = fields.String(required=True)
    title = fields.String(required=True)


class LegalReferenceSchema(Schema):
    """A law or act the guideline rests on (Normattiva URN when known)."""

    label = fields.String()
    urn = fields.String()
    url = fields.String()


class GuidelineSchema(GuidelineSummarySchema):
    """What the page shows: the last published version (or, never published, the working
    copy for its editors), its table of contents and linked items the caller may see."""

    shown_version = fields.Integer(allow_none=True, required=True,
                                   metadata={"description": "null: copia di lavoro"})
    body_html = fields.String(required=True)
    sections = fields.List(fields.Nested(SectionSchema), required=True)
    legal_references = fields.List(fields.Nested(LegalReferenceSchema), required=True)
    consultation_ends_at = UtcDateTime(allow_none=True, required=True)
    has_unpublished_changes = fields.Boolean(required=True)
    has_checklist = fields.Boolean(required=True)
    threads = fields.List(fields.Nested(ItemRefSchema), required=True)
    practices = fields.List(fields.Nested(ItemRefSchema), required=True)
    events = fields.List(fields.Nested(ItemRefSchema), required=True)


GuidelinePageSchema = page_schema(GuidelineSummarySchema, "GuidelinePage")


def _summary(guideline: Any) -> dict[str, Any]:
    return {"id": guideline.id, "slug": guideline.slug, "title": guideline.title,
            "summary": guideline.summary,
            "url": url_for("guidelines.detail", slug=guideline.slug, _external=True),
            "status": guideline.status, "version": guideline.version,
            "review_by": guideline.review_by, "published_at": guideline.published_at,
            "themes": [theme_ref(t) for t in guideline.themes]}


@blp.route("/guidelines")
@blp.arguments(GuidelineListArgs, location="query", as_kwargs=True)
@blp.response(200, GuidelinePageSchema)
@blp.doc(security=SECURITY)
def list_guidelines(cursor: str | None, limit: int, tema: str | None,
                    stato: str | None) -> Any:
    """Linee guida visibili a chi chiama (le bozze solo a chi le scrive), per tema e stato."""
    filters = queries.GuidelineFilters(theme=(tema or "").strip() or None, status=stato)
    return keyset_page(
        cursor, (datetime, int), limit,
        lambda after, n: queries.guidelines_after(filters, current_user, after, n),
        queries.guideline_sort_key, _summary)


@blp.route("/guidelines/<slug>")
@blp.response(200, GuidelineSchema)
@blp.doc(security=SECURITY)
def get_guideline(slug: str) -> Any:
    """Una linea guida nell'ultima versione pubblicata, con indice delle sezioni,
    riferimenti normativi, discussioni, buone pratiche e incontri collegati."""
    page = queries.guideline_page(slug, current_user)
    return {
        **_summary(page.guideline), "title": page.title, "summary": page.summary,
        "shown_version": page.shown.version if page.shown else None,
        "body_html": page.body_html,
        "sections": [{"anchor": anchor, "title": title} for anchor, title in page.toc.items()],
        "legal_references": page.legal_references,
        "consultation_ends_at": page.guideline.consultation_ends_at,
        "has_unpublished_changes": page.has_unpublished_changes,
        "has_checklist": page.has_checklist,
        "threads": [question_ref(q) for q in page.threads],
        "practices": [practice_ref(p) for p in page.practices],
        "events": [event_ref(e) for e in page.events],
    }
