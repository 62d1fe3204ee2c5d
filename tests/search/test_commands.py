"""`flask search reindex` as a user at a terminal sees it: a progress bar that advances as
documents are indexed, then a summary line."""

from __future__ import annotations

import re

import click._termui_impl
import pytest

from search_index.postgres import backend as pg_backend
from search_index.whoosh import bulk
from tests.factories import make_practice, make_question


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """An index in this test's folder, kept current at commit."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def test_reindex_shows_a_progress_bar_that_reaches_every_document(app, runner, monkeypatch):
    for n in range(3):
        make_question(title=f"Domanda numero {n} sulle tariffe del nido comunale")
    make_practice(title="Pratica sul centro per le famiglie di Forlì")
    monkeypatch.setattr(click._termui_impl, "isatty", lambda _stream: True)  # a terminal
    monkeypatch.setattr(bulk, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(pg_backend, "PROGRESS_EVERY", 1)

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    frames = result.output.split("\r")
    positions = [m.group(1) for f in frames if (m := re.search(r"Indicizzazione.*?(\d+/4)", f))]
    assert positions[0] == "0/4" and positions[-1] == "4/4"
    assert {"1/4", "2/4", "3/4"} <= set(positions)
    assert re.search(r"Indicizzati 4 documenti in [\d.]+ s \(\d+ doc/s\)", result.output)


def test_reindex_without_a_terminal_prints_the_label_once_and_the_summary(app, runner):
    make_question(title="Domanda sulla graduatoria del micronido")

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert result.output.count("Indicizzazione") == 1
    assert "Indicizzati 1 documenti" in result.output
