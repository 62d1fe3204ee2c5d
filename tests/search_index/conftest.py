"""Fixtures for the search library: indexes in temporary folders, never a Flask app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search_index import SearchDocument, WhooshBackend

from .relevance import DOCS


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
