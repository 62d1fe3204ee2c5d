"""Document dicts for search tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

BASE = datetime(2024, 3, 1, 12, 0)


def make_doc(doc_id: str, title: str, body: str = "", **overrides: Any) -> dict[str, Any]:
    """A complete document dict; ``doc_id`` is "question:<n>" or "practice:<n>"."""
    kind, _, num = doc_id.partition(":")
    doc: dict[str, Any] = {
        "doc_id": doc_id,
        "type": kind,
        "id": int(num),
        "title": title,
        "body": body,
        "accepted": "",
        "tags": [],
        "theme": "servizi-educativi-0-6",
        "themes": ["servizi-educativi-0-6"],
        "region": "08",
        "solved": False,
        "votes": 0,
        "created": BASE + timedelta(days=int(num)),
        "updated": BASE + timedelta(days=int(num), hours=1),
        "visible": True,
        "stamp": f"s1-{doc_id}",
    }
    doc.update(overrides)
    return doc
