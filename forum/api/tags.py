"""Tags over the API: the tags of public questions with their counts, by name or use."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields, validate

from forum.api.blueprints import api_blueprint
from forum.api.pagination import PageArgs, keyset_page
from forum.api.questions import SECURITY
from forum.api.schemas import page_schema
from forum.questions import queries

blp = api_blueprint("tags-api", __name__,
                    "Tag delle domande pubbliche, con quante domande ciascuno.")


class TagListArgs(PageArgs):
    """By name (alphabetical) or most used first; optionally the tags starting with
    `prefisso`."""

    ordina = fields.String(load_default="nome", validate=validate.OneOf(queries.TAG_SORTS))
    prefisso = fields.String(load_default=None, validate=validate.Length(max=30))


class TagSchema(Schema):
    """A tag and its number of public questions."""

    name = fields.String(required=True)
    question_count = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "le domande con il tag"})


TagPageSchema = page_schema(TagSchema, "TagPage")


@blp.route("/tags")
@blp.arguments(TagListArgs, location="query", as_kwargs=True)
@blp.response(200, TagPageSchema)
@blp.doc(security=SECURITY)
def list_tags(cursor: str | None, limit: int, ordina: str, prefisso: str | None) -> Any:
    """I tag usati nelle domande pubbliche, con quante domande ciascuno: per nome o dai più
    usati."""
    kinds: tuple[type, ...] = (int, str) if ordina == "domande" else (str,)
    prefix = (prefisso or "").strip().lower() or None
    return keyset_page(
        cursor, kinds, limit, lambda after, n: queries.tags_after(ordina, after, n, prefix),
        lambda row: queries.tag_sort_key(row, ordina),
        lambda row: {"name": row[0].name, "question_count": row[1],
                     "url": url_for("questions.index", tag=row[0].name, _external=True)})
