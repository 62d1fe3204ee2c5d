"""Schemas and helpers shared by the API's catalogue resources (practices, themes, tags,
events, guidelines, priorities, members, follows): small references to other items."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields

from forum.errors import Unauthenticated


class ItemRefSchema(Schema):
    """Another item named by its id, slug (when it has one), title and page."""

    id = fields.Integer(allow_none=True, required=True,
                        metadata={"description": "null dove la mappa del tema non lo legge"})
    slug = fields.String(allow_none=True, required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)


def question_ref(question: Any) -> dict[str, Any]:
    """A discussion as a reference."""
    return {"id": question.id, "slug": None, "title": question.title,
            "url": url_for("questions.detail", question_id=question.id, _external=True)}


def practice_ref(practice: Any) -> dict[str, Any]:
    """A practice as a reference."""
    return {"id": practice.id, "slug": practice.slug, "title": practice.title,
            "url": url_for("practices.detail", slug=practice.slug, _external=True)}


def event_ref(event: Any) -> dict[str, Any]:
    """An event as a reference."""
    return {"id": event.id, "slug": event.slug, "title": event.title,
            "url": url_for("events.detail", slug=event.slug, _external=True)}


def theme_ref(theme: Any) -> dict[str, str]:
    """A theme as ThemeRefSchema dumps it."""
    return {"slug": theme.slug, "name": theme.name}


def require_signed_in() -> None:
    """Reads about the caller themselves (their follows, their registration) need to know
    who calls: 401 otherwise, as for writes."""
    if not getattr(current_user, "is_authenticated", False):
        raise Unauthenticated(_("Serve un token di accesso (Authorization: Bearer) o una "
                                "sessione attiva."))
