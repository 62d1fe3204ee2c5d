"""URL converters: ids in URLs stay within the database's integer columns."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` limited to 1..2**31-1: a larger number matches no route (404) instead of
    overflowing SQLite's INTEGER or PostgreSQL's int4 (a 500 found by schemathesis)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(url_map, *args, **kwargs)
