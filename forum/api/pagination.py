"""Cursor pagination: an opaque, URL-safe cursor holding the last item's sort key.

Keyset pages stay correct while new posts arrive (an offset would repeat or skip items)
and cost the same on page 1 and page 1,000.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from forum.errors import InvalidRequest

LIMIT_DEFAULT = 20
LIMIT_MAX = 100
CURSOR_MAX = 400


class PageArgs(Schema):
    """`cursor` from the previous page's `next_cursor`; `limit` items per page."""

    cursor = fields.String(load_default=None, validate=validate.Length(max=CURSOR_MAX),
                           metadata={"description": "next_cursor della pagina precedente"})
    limit = fields.Integer(load_default=LIMIT_DEFAULT,
                           validate=validate.Range(min=1, max=LIMIT_MAX))


def encode_cursor(values: Sequence[Any]) -> str:
    """The cursor after an item whose sort key is `values` (datetimes, ints, strings)."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: Sequence[type]) -> tuple[Any, ...] | None:
    """The sort key in a cursor, typed as `kinds`; a malformed or forged cursor is a 400
    with a clear message (never a 500 on a bad comparison)."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        typed: list[Any] = []
        for value, kind in zip(values, kinds, strict=True):
            if kind is datetime:
                typed.append(datetime.fromisoformat(value).replace(tzinfo=None))
            elif kind is int and isinstance(value, int) and not isinstance(value, bool) and (
                    abs(value) < 2**62):
                typed.append(value)
            elif kind is str and isinstance(value, str):
                typed.append(value)
            else:
                raise ValueError
    except (ValueError, TypeError, UnicodeError, binascii.Error, json.JSONDecodeError):
        raise InvalidRequest(_("Cursore di paginazione non valido: usa il valore next_cursor "
                             "restituito dalla pagina precedente."),
                           field_errors={"cursor": [_("Cursore non valido.")]}) from None
    return tuple(typed)


def keyset_page(cursor: str | None, kinds: Sequence[type], limit: int,
                fetch: Callable[[tuple[Any, ...] | None, int], list[Any]],
                key: Callable[[Any], Sequence[Any]],
                shape: Callable[[Any], Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A whole list response: decode the cursor, fetch `limit` + 1 items after it, keep
    `limit` of them shaped for the response, and the next cursor (body and Link header)."""
    body = page_of(fetch(decode_cursor(cursor, kinds), limit + 1), limit, key)
    body["items"] = [shape(item) for item in body["items"]]
    return body, 200, next_link(body["next_cursor"])


def page_of(items: list[Any], limit: int, key: Any) -> dict[str, Any]:
    """The page body: `limit` items and the cursor after the last one (None at the end).
    `items` were fetched with limit + 1 to know whether another page follows."""
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(key(items[-1])) if more and items else None
    return {"items": items, "next_cursor": next_cursor}


def next_link(next_cursor: str | None) -> dict[str, str]:
    """A `Link: <...>; rel="next"` header for clients that follow links."""
    if not next_cursor:
        return {}
    args = {**request.args.to_dict(), "cursor": next_cursor}
    url = url_for(request.endpoint or "", **(request.view_args or {}), **args, _external=True)
    return {"Link": f'<{url}>; rel="next"'}
