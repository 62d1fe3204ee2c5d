"""The SVG charts: text stays text, gaps for missing figures, the same drawing from
concurrent requests, and the CSV writer's formula guard."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from forum.dashboard import charts
from forum.dashboard.charts import Series, bar_chart, line_chart
from forum.dashboard.report import safe_cell

LABELS = [f"{m:02d}/2026" for m in range(1, 13)]


def test_chart_is_svg_with_its_title_and_labels_as_text():
    chart = line_chart("Risposte per mese (%)", LABELS,
                       [Series("Tasso di risposta", [50, None, *[60] * 10])], percent=True)
    assert chart.svg.lstrip().startswith("<?xml")
    assert "<title>Risposte per mese (%)</title>" in chart.svg
    assert ">03/2026<" in chart.svg  # tick labels are <text>, not glyph paths
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_concurrent_draws_of_the_same_figures_give_the_same_svg():
    charts._drawn.clear()
    series = [Series("Pubblicate", list(range(12))), Series("Replicate", list(range(12, 0, -1)))]
    with ThreadPoolExecutor(max_workers=8) as pool:
        drawn = list(pool.map(lambda _n: bar_chart("Buone pratiche", LABELS, series).svg,
                              range(8)))
    assert len(set(drawn)) == 1


def test_changed_figures_are_drawn_again_not_served_from_the_cache():
    first = bar_chart("Membri attivi", LABELS, [Series("Membri", [1] * 12)])
    second = bar_chart("Membri attivi", LABELS, [Series("Membri", [2] * 12)])
    assert first.svg != second.svg


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+39 051", "'+39 051"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("Giovani", "Giovani"), (None, ""), (12, "12"),
])
def test_csv_cells_that_look_like_formulas_are_neutralised(value, cell):
    assert safe_cell(value) == cell
