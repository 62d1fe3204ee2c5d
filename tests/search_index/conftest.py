"""Fixtures for the search library: indexes in temporary folders, never a Flask app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search_index import SearchIndex

from .relevance import DOCS


@pytest.fixture
def make_index(tmp_path: Path) -> Iterator[Callable[..., SearchIndex]]:
    """Factory: ``make_index(docs=(), name="ix", **kwargs)`` -> an open SearchIndex."""
    opened: list[SearchIndex] = []

    def make(docs: list[dict] | tuple = (), name: str = "ix", **kwargs) -> SearchIndex:
        index = SearchIndex(tmp_path / name, **kwargs)
        opened.append(index)
        if docs:
            index.apply(list(docs), [])
        return index

    yield make
    for index in opened:
        index.close()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The relevance documents, indexed once for read-only tests."""
    index = SearchIndex(tmp_path_factory.mktemp("corpus"))
    index.rebuild(DOCS)
    yield index
    index.close()
