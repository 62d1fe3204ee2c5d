"""Fixtures for the search library: indexes in temporary folders, never a Flask app."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search_index import SearchBackend, SearchDocument, WhooshBackend

from .relevance import DOCS

PG_URL = os.environ.get("FORUM_TEST_DATABASE_URL")


@pytest.fixture
def pg() -> Iterator[SearchBackend]:
    """An emptied PostgreSQL backend on the test database (tests using it carry
    `factories.NEEDS_PG`: skipped, visibly, without FORUM_TEST_DATABASE_URL)."""
    from search_index import PostgresBackend

    backend = PostgresBackend(PG_URL or "")
    backend.apply([], list(backend.stamps()))
    yield backend
    backend.close()


@pytest.fixture
def make_index(tmp_path: Path) -> Iterator[Callable[..., WhooshBackend]]:
    """Factory: ``make_index(docs=(), name="ix", **kwargs)`` -> an open WhooshBackend."""
    opened: list[WhooshBackend] = []

    def make(docs: list[SearchDocument] | tuple = (), name: str = "ix", **kwargs) -> WhooshBackend:
        index = WhooshBackend(tmp_path / name, **kwargs)
        opened.append(index)
        if docs:
            index.apply(list(docs), [])
        return index

    yield make
    for index in opened:
        index.close()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhooshBackend]:
    """The relevance documents, indexed once for read-only tests."""
    index = WhooshBackend(tmp_path_factory.mktemp("corpus"))
    index.rebuild(DOCS)
    yield index
    index.close()
