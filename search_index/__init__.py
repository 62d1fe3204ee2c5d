"""Officina's full-text search: a plain library over Whoosh (no Flask, no ``forum``).

Documents go in as dicts, results come out as dataclasses::

    index = SearchIndex("instance/search")          # one per process, kept open
    index.apply([{"doc_id": "question:1", "type": "question", "id": 1, ...}], [])
    results = index.search("asili nido", theme="servizi-educativi-0-6")

Every Whoosh call stays inside this package, so the engine can be replaced.
"""

from .documents import SearchDocument, doc_id, parse_doc_id
from .indexer import SearchIndex
from .results import Hit, IndexBusy, SearchResults

__all__ = ["Hit", "IndexBusy", "SearchDocument", "SearchIndex", "SearchResults", "doc_id",
           "parse_doc_id"]
