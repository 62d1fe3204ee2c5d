"""Marshmallow schemas shared by the API's resources: people, themes, dates, pages.

Each resource module declares its own schemas next to its routes; what several of them
show (an author, a theme, a page of items) is declared once here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for
from marshmallow import Schema, fields


class UtcDateTime(fields.DateTime):
    """Our datetimes are naive UTC: dumped as RFC 3339 with the offset, as OpenAPI's
    `date-time` requires."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class AuthorSchema(Schema):
    """A member as shown beside a post: public name and profile link."""

    username = fields.String(required=True)
    display_name = fields.String(required=True)
    url = fields.Function(lambda user: url_for("users.profile", username=user.username,
                                               _external=True), required=True)


class ThemeRefSchema(Schema):
    """A policy theme as a reference (slug and name)."""

    slug = fields.String(required=True)
    name = fields.String(required=True)


class PageSchema(Schema):
    """A cursor page: `next_cursor` is null on the last page."""

    next_cursor = fields.String(allow_none=True, required=True)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A page of `item`s, as a named schema (the OpenAPI document names it)."""
    return type(name, (PageSchema,), {
        "items": fields.List(fields.Nested(item), required=True),
        "__doc__": f"A page of {item.__name__.removesuffix('Schema')} items.",
    })
