"""Related documents (more_like) for any text."""

from __future__ import annotations

from .factories import make_doc


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
