"""``SearchBackend``: what the app may ask of a search engine, whichever engine it is.

The app holds a ``SearchBackend`` and nothing more specific, so an engine (Whoosh in a
folder, or PostgreSQL full-text in the app's database) is swapped by ``open_backend``
alone. The methods are exactly those the app calls;
``tests/search_index/test_backend_protocol.py`` runs one set of behaviour tests against
every engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from .documents import SearchDocument
from .results import Hit, SearchResults

__all__ = ["SearchBackend", "open_backend"]


@runtime_checkable
class SearchBackend(Protocol):
    """A full-text index of ``SearchDocument``s, safe to share between threads.

    Writes may raise ``IndexBusy`` when another writer holds the index too long; reads
    never raise on any query text.
    """

    def search(self, q: str, *, type: str | None = None, theme: str | None = None,
               region: str | None = None, solved: bool | None = None,
               since: datetime | None = None, until: datetime | None = None,
               sort: str = "relevance", page: int = 1, per_page: int = 10,
               include_hidden: bool = False,
               groups: frozenset[int] = frozenset()) -> SearchResults:
        """A page of visible documents matching ``q`` and the filters.

        ``sort`` is "relevance", "newest" or "votes"; ``region=""`` selects national
        documents; ``theme`` matches any of a document's themes; an empty ``q`` lists the
        documents matching the filters, newest first. A document of a working group is
        returned only when its group is in ``groups`` (fail-closed: by default none is);
        public documents always are. The others count nowhere: not in ``total``, pages,
        ``counts_by_type``, snippets, nor in the words a ``suggestion`` offers.
        """
        ...

    def more_like(self, text: str, *, type: str | None = "practice",
                  theme: str | None = None, exclude: Iterable[str] = (),
                  limit: int = 5, groups: frozenset[int] = frozenset()) -> list[Hit]:
        """Up to ``limit`` visible documents of ``type`` related to ``text``, documents of
        ``theme`` preferred, the doc ids in ``exclude`` left out, documents of working
        groups only when their group is in ``groups``."""
        ...

    def apply(self, upserts: Sequence[SearchDocument], deletes: Sequence[str]) -> None:
        """Add or replace ``upserts`` and delete the doc ids ``deletes``, in one commit;
        a doc id in both is deleted. Later searches see the change."""
        ...

    def rebuild(self, docs: Iterable[SearchDocument], *,
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole content with ``docs`` (searches keep working meanwhile);
        ``progress`` gets the running count. Returns how many documents were indexed."""
        ...

    def stamps(self) -> Mapping[str, str]:
        """doc id -> stamp of every indexed document, hidden ones included (drift checks)."""
        ...

    def close(self) -> None:
        """Release the files or connections; the backend is unusable afterwards."""
        ...


def open_backend(location: str | os.PathLike[str], *,
                 writer_timeout: float = 5.0) -> SearchBackend:
    """The search backend stored at ``location``: a PostgreSQL URL ("postgresql://...",
    "postgresql+psycopg://...") holds the PostgreSQL full-text index (its tables created
    when missing); a folder holds a Whoosh index (created when missing). Raises
    ``ValueError`` for any other URL."""
    where = os.fspath(location)
    if where.startswith(("postgresql://", "postgresql+", "postgres://")):
        from .postgres import PostgresBackend

        if where.startswith("postgres://"):
            where = "postgresql://" + where.removeprefix("postgres://")
        return PostgresBackend(where)
    if "://" in where:
        raise ValueError(f"no search backend for {where!r}")
    from .whoosh import WhooshBackend

    return WhooshBackend(location, writer_timeout=writer_timeout)
