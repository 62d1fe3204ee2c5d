"""Policy priorities (/indirizzi) over the API: those valid today, the archive as cursor
pages, the coming ones for the editorial board, and one priority."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum import permissions
from forum.announcements import queries
from forum.api.blueprints import api_blueprint
from forum.api.common import theme_ref
from forum.api.pagination import PageArgs, keyset_page
from forum.api.questions import SECURITY
from forum.api.schemas import ThemeRefSchema, UtcDateTime, page_schema
from forum.errors import NotAllowed

blp = api_blueprint("announcements-api", __name__,
                    "Priorità della redazione (indirizzi): valide oggi, archivio, "
                    "in arrivo (solo redazione).")

STATES = ("valide", "archivio", "future")


class AnnouncementListArgs(PageArgs):
    """`valide`: valid today (one page); `archivio`: ended, most recently ended first
    (cursor pages); `future`: not valid yet, for the editorial board."""

    stato = fields.String(load_default="valide", validate=validate.OneOf(STATES))


class AnnouncementSummarySchema(Schema):
    """A priority and its validity (dates in Rome; `valid_until` null: open-ended)."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(allow_none=True, required=True)
    is_valid = fields.Boolean(required=True, metadata={"description": "valida oggi"})
    themes = fields.List(fields.Nested(ThemeRefSchema), required=True)


class AnnouncementSchema(AnnouncementSummarySchema):
    """A priority with its text."""

    body = fields.String(required=True, metadata={"description": "Markdown"})
    body_html = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(allow_none=True, required=True)


AnnouncementPageSchema = page_schema(AnnouncementSummarySchema, "AnnouncementPage")


def _summary(announcement: Any) -> dict[str, Any]:
    return {"id": announcement.id, "slug": announcement.slug, "title": announcement.title,
            "url": url_for("announcements.detail", slug=announcement.slug, _external=True),
            "valid_from": announcement.valid_from, "valid_until": announcement.valid_until,
            "is_valid": queries.is_valid(announcement),
            "themes": [theme_ref(t) for t in announcement.themes]}


@blp.route("/announcements")
@blp.arguments(AnnouncementListArgs, location="query", as_kwargs=True)
@blp.response(200, AnnouncementPageSchema)
@blp.doc(security=SECURITY)
def list_announcements(cursor: str | None, limit: int, stato: str) -> Any:
    """Le priorità valide oggi (tutte, senza cursore), l'archivio (a pagine) o, per la
    redazione, quelle in arrivo."""
    if stato == "archivio":
        return keyset_page(cursor, (datetime, int), limit, queries.archive_after,
                           queries.archive_sort_key, _summary)
    if stato == "future":
        if not permissions.can_manage_announcements(current_user):
            raise NotAllowed(_("Solo la redazione vede le priorità non ancora valide."))
        items = queries.future_announcements()
    else:
        items = queries.current_announcements()
    return {"items": [_summary(a) for a in items], "next_cursor": None}


@blp.route("/announcements/<slug>")
@blp.response(200, AnnouncementSchema)
@blp.doc(security=SECURITY)
def get_announcement(slug: str) -> Any:
    """Una priorità (quelle non ancora valide solo per la redazione)."""
    found = queries.announcement_by_slug(current_user, slug)
    return {**_summary(found), "body": found.body, "body_html": found.body_html,
            "created_at": found.created_at, "updated_at": found.updated_at}
