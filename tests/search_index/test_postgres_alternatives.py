"""A concept's alternatives without those another one implies (pure text: no database)."""

from __future__ import annotations

from search_index.postgres.query import _unsubsumed


def test_a_phrase_holding_a_plain_alternative_is_dropped():
    assert _unsubsumed(["'caregiver'", "'caregiver' <-> 'famil'", "'prestator' <2> 'assistent'"]
                       ) == ["'caregiver'", "'prestator' <2> 'assistent'"]


def test_a_plain_conjunction_holding_a_plainer_one_is_dropped():
    assert _unsubsumed(["'asil' & 'nid'", "'nid'", "'asil' <-> 'nid'"]) == ["'nid'"]


def test_phrases_alone_and_quoted_lexemes_stay():
    assert _unsubsumed(["'a' <-> 'b'", "'b' <-> 'a'"]) == ["'a' <-> 'b'", "'b' <-> 'a'"]
    assert _unsubsumed(["'l''asil'", "'l''asil' <-> 'nid'"]) == ["'l''asil'"]
    assert _unsubsumed(["'nid'"]) == ["'nid'"]
