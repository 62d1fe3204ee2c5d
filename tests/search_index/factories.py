"""Documents for search tests."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

import pytest

from search_index import SearchDocument, parse_doc_id

# Marks of the tests that need the PostgreSQL backend (fixture `pg` in conftest.py).
NEEDS_PG = [pytest.mark.database,
            pytest.mark.skipif(not os.environ.get("FORUM_TEST_DATABASE_URL"),
                               reason="needs FORUM_TEST_DATABASE_URL")]

BASE = datetime(2024, 3, 1, 12, 0)


def make_doc(doc_id: str, title: str, body: str = "", **overrides: Any) -> SearchDocument:
    """A complete document; ``doc_id`` is "question:<n>" or "practice:<n>"."""
    kind, num = parse_doc_id(doc_id)
    fields: dict[str, Any] = {
        "accepted": "",
        "tags": (),
        "theme": "servizi-educativi-0-6",
        "themes": ("servizi-educativi-0-6",),
        "region": "08",
        "solved": False,
        "votes": 0,
        "created": BASE + timedelta(days=num),
        "updated": BASE + timedelta(days=num, hours=1),
        "visible": True,
        "stamp": f"s1-{doc_id}",
    }
    fields.update(overrides)
    for name in ("tags", "themes"):
        fields[name] = tuple(fields[name])
    return SearchDocument(kind, num, title, body, **fields)
