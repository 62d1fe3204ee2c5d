"""The index schema and the mapping between ``SearchDocument`` and Whoosh fields.

Text fields:
    text      everything searchable (title + tags + body + accepted answer): matching, BM25F
    title     the title again, only to add a title bonus to the score
    tags      tags again, small bonus
    accepted  the accepted answer again, small bonus
Filter and sort fields: type, themes, region, solved, visible, group, created, votes.
``group`` holds the document's working group id, "0" for public documents; indexes
written before the field existed get it added by their next write (``add_group_field``):
their documents, all public then, have no group term and stay public.
Stored (small): doc_id, type, id, title, a ~2,000-character ``snippet`` source and the
display fields returned in ``Hit.fields``. The full body is not stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from whoosh import columns, fields

from ..documents import SearchDocument
from .analysis import italian_analyzer, normalize_text
from .codec import RawPositions

__all__ = [
    "GROUP_FIELD",
    "GROUP_PUBLIC",
    "REGION_NATIONAL",
    "SNIPPET_SOURCE_CHARS",
    "STORED_FIELDS",
    "as_datetime",
    "as_int",
    "add_group_field",
    "build_schema",
    "group_key",
    "hit_fields",
    "region_key",
    "to_whoosh",
]

SNIPPET_SOURCE_CHARS = 2000
REGION_NATIONAL = "00"  # indexed value for region "" (national scope)
GROUP_FIELD = "group"
GROUP_PUBLIC = "0"  # indexed value for group None (public)
STORED_FIELDS = (
    "theme", "themes", "region", "solved", "votes", "created", "updated", "tags",
    "level", "evidence", "stamp", "visible", "group",
)


def build_schema() -> fields.Schema:
    """A new schema object (Whoosh pickles it into the index's table of contents).

    Text fields store their positions as ``RawPositions`` (fast phrase checks); indexes
    built before keep Whoosh's ``Positions``, which the engine still reads.
    """
    ana = italian_analyzer()
    schema = fields.Schema(
        doc_id=fields.ID(stored=True, unique=True, sortable=True),
        type=fields.ID(stored=True),
        id=fields.STORED(),
        text=fields.TEXT(analyzer=ana, phrase=True),
        title=fields.TEXT(analyzer=ana, phrase=True, stored=True),
        tags=fields.TEXT(analyzer=ana, phrase=True, stored=False),
        accepted=fields.TEXT(analyzer=ana, phrase=True),
        snippet=fields.STORED(),
        themes=fields.KEYWORD(),
        region=fields.ID(),
        solved=fields.BOOLEAN(),
        visible=fields.BOOLEAN(),
        group=fields.ID(),
        solved_flag=fields.COLUMN(columns.NumericColumn("B", default=0)),
        votes=fields.NUMERIC(int, bits=32, signed=True, sortable=True),
        created=fields.DATETIME(sortable=True),
        stamp=fields.COLUMN(columns.VarBytesColumn()),
        display=fields.STORED(),
    )
    for name in ("text", "title", "tags", "accepted"):
        field = schema[name]
        field.format = RawPositions(field_boost=field.format.field_boost)
    return schema


def add_group_field(writer: Any) -> None:
    """Give an index written before working groups existed its ``group`` field, in the
    writer about to add documents (the schema is saved with the writer's commit)."""
    if GROUP_FIELD not in writer.schema:
        writer.add_field(GROUP_FIELD, fields.ID())


def group_key(group: int | None) -> str:
    """Indexed form of a document's group (None = public)."""
    return str(group) if group else GROUP_PUBLIC


def region_key(region: str | None) -> str:
    """Indexed form of a region code ("" = national)."""
    return (region or "").strip() or REGION_NATIONAL


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _str_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v not in (None, "")]


def as_datetime(value: Any) -> datetime | None:
    """A naive UTC datetime from a datetime (aware ones are converted) or a date."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


def to_whoosh(doc: SearchDocument) -> dict[str, Any]:
    """Whoosh field values for a document."""
    title = normalize_text(doc.title)
    body = normalize_text(doc.body)
    accepted = normalize_text(doc.accepted)
    tags = _str_list(doc.tags)
    theme = doc.theme or ""
    themes = _str_list(doc.themes)
    if theme and theme not in themes:
        themes.insert(0, theme)
    solved = bool(doc.solved)
    visible = bool(doc.visible)
    votes = as_int(doc.votes)
    created = as_datetime(doc.created)
    region = doc.region or ""
    stamp = doc.stamp or ""

    text_parts = [title, " ; ".join(tags), body]
    if accepted and accepted not in body:
        text_parts.append(accepted)
    display = {
        "theme": theme or (themes[0] if themes else ""),
        "themes": themes,
        "region": region,
        "solved": solved,
        "votes": votes,
        "created": created,
        "updated": as_datetime(doc.updated),
        "tags": tags,
        "level": doc.level or None,
        "evidence": doc.evidence or None,
        "stamp": stamp,
        "visible": visible,
        "group": doc.group,
    }
    out: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "type": doc.kind,
        "id": doc.id,
        "text": "\n".join(p for p in text_parts if p),
        "title": title,
        "snippet": (body or accepted)[:SNIPPET_SOURCE_CHARS],
        "region": region_key(region),
        "solved": solved,
        "visible": visible,
        "group": group_key(doc.group),
        "solved_flag": 1 if solved else 0,
        "votes": max(min(votes, 2**31 - 1), -(2**31)),
        "stamp": stamp.encode("utf-8"),
        "display": display,
    }
    if tags:
        out["tags"] = " ; ".join(tags)
    if accepted:
        out["accepted"] = accepted
    if themes:
        out["themes"] = " ".join(themes)
    if created is not None:
        out["created"] = created
    return out


def hit_fields(stored: dict[str, Any]) -> dict[str, Any]:
    """The ``Hit.fields`` dict from a document's stored fields."""
    display = dict(stored.get("display") or {})
    return {name: display.get(name) for name in STORED_FIELDS}
