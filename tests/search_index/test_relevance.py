"""Relevance on the judged set of ``relevance.py``: nDCG@5 and recall@10, for queries and
for related practices.

Measured on 80 documents, 74 queries and 24 question-to-practice items (Whoosh-Reloaded
2.7.5, this analyzer, synonyms and word forms), before and after the ranking work
(``bench/relevance.py`` prints both):

    queries  nDCG@5 0.954 -> 0.951, recall@10 0.966 -> 0.979
    related  nDCG@5 0.837 -> 0.939, recall@10 0.722 -> 0.972

The floors sit a little under the figures reached; results are deterministic (ties
broken by document number), so a regression of two or three items trips them (one
answer dropping from rank 1 to 3 in one query costs about 0.5 / 74 = 0.007, in one
related item 0.5 / 24 = 0.02). They are means over the whole set, never a per-query
expectation.
"""

from __future__ import annotations

import pytest

from .relevance import evaluate_queries, evaluate_related, ndcg_at, recall_at

QUERY_NDCG_FLOOR = 0.94
QUERY_RECALL_FLOOR = 0.97
RELATED_NDCG_FLOOR = 0.92
RELATED_RECALL_FLOOR = 0.95


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
