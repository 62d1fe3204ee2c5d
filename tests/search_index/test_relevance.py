"""Relevance on the judged set of ``relevance.py``: nDCG@5 and recall@10, for queries and
for related practices.

The floors sit a little under the figures measured after tuning (see ``bench/relevance.py``
for before/after); results are deterministic (ties broken by document number), so a
regression of one or two items trips them. They are means over the whole set, never a
per-query expectation.
"""

from __future__ import annotations

import pytest

from .relevance import evaluate_queries, evaluate_related, ndcg_at, recall_at

QUERY_NDCG_FLOOR = 0.95
QUERY_RECALL_FLOOR = 0.96
RELATED_NDCG_FLOOR = 0.83
RELATED_RECALL_FLOOR = 0.72


def test_metric_helpers():
    assert ndcg_at(5, ["a", "b"], {"a": 2, "b": 1}) == pytest.approx(1.0)
    assert ndcg_at(5, ["b", "a"], {"a": 2, "b": 1}) < 1.0
    assert recall_at(10, ["x", "a"], {"a": 2, "b": 1}) == 0.5


def test_query_relevance_floors(corpus):
    figures = evaluate_queries(corpus)
    print(figures.report("queries"))
    assert figures.ndcg >= QUERY_NDCG_FLOOR
    assert figures.recall >= QUERY_RECALL_FLOOR


def test_related_relevance_floors(corpus):
    figures = evaluate_related(corpus)
    print(figures.report("related"))
    assert figures.ndcg >= RELATED_NDCG_FLOOR
    assert figures.recall >= RELATED_RECALL_FLOOR
