"""Tags over the API: the tags of public questions with their counts, by name or use."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields, validate

from forum.api.blueprints import api_blueprint
from forum.api.pagination import PageArgs, decode_cursor, next_link, page_of
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
    after = decode_cursor(cursor, kinds)
    prefix = (prefisso or "").strip().lower() or None
    rows = queries.tags_after(ordina, after, limit + 1, prefix)
    body = page_of(rows, limit, lambda row: queries.tag_sort_key(row, ordina))
    body["items"] = [{"name": tag.name, "question_count": count,
                      "url": url_for("questions.index", tag=tag.name, _external=True)}
                     for tag, count in body["items"]]
    return body, 200, next_link(body["next_cursor"])
