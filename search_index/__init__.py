"""Officina's full-text search: a plain library with a typed API (no Flask, no ``forum``).

``SearchDocument`` in, ``SearchResults``/``Hit`` out, ``doc_id`` the one spelling of a
document id, and ``SearchBackend`` the protocol each engine implements::

    backend = open_backend("instance/search")      # one per process, kept open
    backend.apply([SearchDocument("question", 1, "Asili nido", body="...")], [])
    results = backend.search("asili nido", theme="servizi-educativi-0-6")

Engines live in subpackages (``search_index.whoosh``, ``search_index.postgres``),
imported on first use: importing this package loads no engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .backend import SearchBackend, open_backend
from .documents import SearchDocument, doc_id, parse_doc_id
from .results import Hit, IndexBusy, SearchResults

if TYPE_CHECKING:
    from .postgres import PostgresBackend
    from .whoosh import WhooshBackend

__all__ = ["Hit", "IndexBusy", "PostgresBackend", "SearchBackend", "SearchDocument",
           "SearchResults", "WhooshBackend", "doc_id", "open_backend", "parse_doc_id"]


def __getattr__(name: str) -> Any:
    """``WhooshBackend`` and ``PostgresBackend``, imported only when asked for (Whoosh takes
    ~0.3 s to load)."""
    if name == "WhooshBackend":
        from .whoosh import WhooshBackend

        return WhooshBackend
    if name == "PostgresBackend":
        from .postgres import PostgresBackend

        return PostgresBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
