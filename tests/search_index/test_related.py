"""Related documents (more_like) for any text."""

from __future__ import annotations

from search_index.whoosh.analysis import analyze
from search_index.whoosh.related import key_terms
from search_index.whoosh.synonyms import default_thesaurus

from .factories import make_doc


def thesaurus_forms(word: str) -> tuple[str, ...]:
    """The key-term of ``word``: its set of word forms."""
    return default_thesaurus().forms_of(analyze(word)[0])


def _ids(hits):
    return [h.doc_id for h in hits]


DOCS = [
    make_doc("practice:1", "Micronidi in montagna",
             "Micronidi con coordinamento pedagogico unico e graduatoria d'unione.",
             themes=["servizi-educativi-0-6"]),
    make_doc("practice:2", "Graduatoria unica dei nidi",
             "Una graduatoria unica per i nidi dell'unione dei comuni, criteri ISEE.",
             theme="sostegno-economico", themes=["sostegno-economico"]),
    make_doc("practice:3", "Graduatoria unica dei nidi",
             "Una graduatoria unica per i nidi dell'unione dei comuni, criteri ISEE.",
             theme="servizi-educativi-0-6", themes=["servizi-educativi-0-6"]),
    make_doc("practice:4", "Casa rifugio", "Percorsi di uscita dalla violenza."),
    make_doc("practice:5", "Graduatoria nidi nascosta", "Graduatoria nidi ISEE.",
             visible=False),
    make_doc("question:6", "Graduatoria del nido con ISEE?", "Come fare la graduatoria?"),
]


def test_related_practices_for_a_question_being_typed(make_index):
    index = make_index(DOCS)
    hits = index.more_like("Come fare la graduatoria del nido con l'ISEE?")
    ids = _ids(hits)
    assert set(ids[:2]) == {"practice:2", "practice:3"}
    assert "practice:4" not in ids  # unrelated
    assert "practice:5" not in ids  # hidden
    assert all(h.type == "practice" for h in hits)
    assert "<" not in hits[0].snippet


def test_same_theme_is_preferred_not_required(make_index):
    index = make_index(DOCS)
    text = "graduatoria unica nidi unione comuni ISEE"
    first = _ids(index.more_like(text, theme="servizi-educativi-0-6"))
    second = _ids(index.more_like(text, theme="sostegno-economico"))
    assert first[0] == "practice:3" and second[0] == "practice:2"
    assert "practice:2" in first  # other themes still come


def test_exclude_type_and_limit(make_index):
    index = make_index(DOCS)
    text = "graduatoria nido ISEE"
    assert "practice:2" not in _ids(index.more_like(text, exclude=["practice:2"]))
    assert _ids(index.more_like(text, type="question")) == ["question:6"]
    assert len(index.more_like(text, limit=1)) == 1
    assert index.more_like(text, limit=0) == []


def test_empty_or_stop_word_text_gives_nothing(make_index):
    index = make_index(DOCS)
    assert index.more_like("") == []
    assert index.more_like("il della per") == []
    assert index.more_like("xylofonoquantico") == []


def test_the_whole_question_counts_not_its_rarest_leftovers(make_index):
    """A practice on the question's subject (its common topical words) beats one that
    only shares a rare incidental word."""
    filler = [make_doc(f"question:{i}", "Nido e famiglie", "Il nido per le famiglie.")
              for i in range(10, 40)]
    index = make_index([
        *filler,
        make_doc("practice:1", "Graduatoria del nido per le famiglie",
                 "Criteri della graduatoria del nido: famiglie, genitori che lavorano."),
        make_doc("practice:2", "Festa a Roccacannuccia", "Una festa di paese."),
        make_doc("practice:3", "Centro estivo", "Attività estive."),
    ])
    text = ("Graduatoria del nido: come aiutare le famiglie con genitori che lavorano? "
            "Scrivo da Roccacannuccia.")
    assert _ids(index.more_like(text))[0] == "practice:1"


def test_document_frequencies_count_only_what_can_be_returned(make_index):
    """'sportello' is in every question but in one practice only: for practices it is a
    distinctive word, not a common one."""
    questions = [make_doc(f"question:{i}", "Sportello", "Domanda allo sportello.")
                 for i in range(10, 60)]
    index = make_index([
        *questions,
        make_doc("practice:1", "Sportello per le famiglie", "Uno sportello informativo."),
        make_doc("practice:2", "Famiglie in rete", "Rete di famiglie."),
    ])
    engine = index._fresh()
    weights = dict(key_terms(engine, "sportello per le famiglie", "practice"))
    sportello = thesaurus_forms("sportello")
    famiglie = thesaurus_forms("famiglie")
    assert weights[sportello] > weights[famiglie] > 0
    assert _ids(index.more_like("sportello per le famiglie"))[0] == "practice:1"


def test_question_words_alone_relate_to_nothing(make_index):
    index = make_index(DOCS)
    assert index.more_like("Come possiamo fare? Avete esperienze? Grazie") == []


def test_word_forms_count_as_one_term(make_index):
    index = make_index([
        make_doc("practice:1", "Sostegno alla genitorialità", "Incontri per neogenitori."),
        make_doc("practice:2", "Orti urbani", "Coltivare insieme."),
    ])
    assert _ids(index.more_like("Come sostenere i genitori?")) == ["practice:1"]


def test_the_theme_prior_is_gentle(make_index):
    index = make_index([
        make_doc("practice:1", "Graduatoria del nido", "Graduatoria del nido e punteggi.",
                 themes=["sostegno-economico"]),
        make_doc("practice:2", "Nido estivo", "Un nido aperto d'estate.",
                 themes=["servizi-educativi-0-6"]),
    ])
    text = "Graduatoria del nido: quali punteggi?"
    # the strong match of another theme still comes first
    assert _ids(index.more_like(text, theme="servizi-educativi-0-6"))[0] == "practice:1"


def test_key_terms_are_a_list_of_weighted_terms(make_index):
    index = make_index(DOCS)
    terms = key_terms(index._fresh(), "Graduatoria del nido con l'ISEE", "practice")
    assert terms and all(isinstance(forms, tuple) and weight > 0 for forms, weight in terms)
    assert [w for _f, w in terms] == sorted((w for _f, w in terms), reverse=True)


def test_practices_in_any_segment_are_found_whatever_the_others_hold(make_index, monkeypatch):
    """A rebuild writes questions first: most segments then hold no practice, and related
    documents skip them; a practice hidden later, or one added in a new segment, counts
    at once."""
    from search_index.whoosh import bulk

    monkeypatch.setattr(bulk, "SEGMENT_DOCS", 3)
    index = make_index()
    questions = [make_doc(f"question:{n}", f"Graduatoria del nido {n}", "Tariffe del nido ISEE")
                 for n in range(10, 19)]
    index.rebuild(questions + DOCS[:5], procs=1)
    assert len(index._fresh().leaves) == 5
    text = "Come fare la graduatoria del nido con l'ISEE?"
    assert set(_ids(index.more_like(text))) == {"practice:1", "practice:2", "practice:3"}

    index.apply([make_doc("practice:7", "Graduatoria dei nidi e ISEE", "Nidi e graduatoria."),
                 make_doc("practice:3", "Graduatoria unica dei nidi", "Nidi.", visible=False)],
                [])
    hits = _ids(index.more_like(text))
    assert "practice:7" in hits and "practice:3" not in hits
    assert all(h.startswith("practice:") for h in hits)
