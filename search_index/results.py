"""Values returned by the search library (plain dataclasses, no Whoosh objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Hit", "IndexBusy", "SearchResults"]


class IndexBusy(Exception):
    """The index writer lock was not obtained within ``writer_timeout`` seconds."""


@dataclass
class Hit:
    """One matching document."""

    doc_id: str  # "question:12"
    type: str  # "question" | "practice"
    id: int
    title: str  # plain text (escape it when rendering)
    snippet: str  # HTML: escaped text with <mark>...</mark> around matched words
    score: float
    fields: dict[str, Any] = field(default_factory=dict)  # theme, themes, region, solved, ...


@dataclass
class SearchResults:
    """A page of results plus what the UI needs around it."""

    total: int  # matches for the query and all filters
    counts_by_type: dict[str, int]  # matches per type, ignoring the `type` filter
    hits: list[Hit]
    page: int
    pages: int
    suggestion: str | None = None  # "Forse cercavi: <suggestion>"
    corrected: str | None = None  # set when the results are those of `suggestion`
    error: str | None = None  # Italian message when the query could not be used
    estimated: bool = False  # True when total and counts are estimates (a huge match)
    partial: bool = False  # True when no document had every word: results match some words
