"""Suggestions for weak criteria: published practices and solved public threads, by theme
and by the search index; never a draft, a hidden thread or a working group's thread."""

from __future__ import annotations

import pytest

from forum.answers.services import accept_answer
from forum.assessments.services import CriterionFields, add_criterion, save_answers
from forum.extensions import db
from forum.models.base import utcnow
from tests.factories import make_answer, make_guideline, make_practice, make_question, make_user
from tests.groups.test_visibility import into_group, make_group

TEXT = "Rette del nido calcolate con l'ISEE e simulatore delle tariffe"


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """Search kept in sync inline, in a temporary index."""
    return {"SEARCH_SYNC": "inline", "SEARCH_INDEX_PATH": str(tmp_path / "index")}


def _solved(title: str, theme: str = "servizi-educativi-0-6"):  # type: ignore[no-untyped-def]
    asker = make_user()
    question = make_question(asker, title=title, theme_slug=theme,
                             body=f"{TEXT}: come avete fatto? Contesto del nostro comune.")
    accept_answer(asker, make_answer(question, body=f"Noi: {TEXT}, delibera annuale.").id)
    return question


def test_weak_criteria_get_only_public_practices_and_solved_threads(client, login):
    owner = make_user("editor")
    guideline = make_guideline(owner, themes=("servizi-educativi-0-6",))
    weak = add_criterion(owner, guideline.id, CriterionFields(
        "Tariffe", "Tariffe del nido con ISEE", "Un simulatore delle rette pubblicato."))
    own_theme = add_criterion(owner, guideline.id, CriterionFields(
        "Accesso", "Sostegno economico alle famiglie", themes=("sostegno-economico",)))
    strong = add_criterion(owner, guideline.id, CriterionFields("Qualità", "Criterio forte"))
    published = make_practice(title="Simulatore delle rette del nido con ISEE",
                              themes=["servizi-educativi-0-6"])
    by_text = make_practice(title="Tariffe del nido e ISEE: il simulatore",
                            summary=TEXT, themes=["giovani"])
    draft = make_practice(status="bozza", title="Bozza sulle tariffe del nido con ISEE",
                          themes=["servizi-educativi-0-6"])
    economic = make_practice(title="Contributi alle famiglie numerose",
                             themes=["sostegno-economico"])
    solved = _solved("Tariffe del nido con ISEE: come le calcolate?")
    open_question = make_question(title="Tariffe del nido con ISEE senza risposta",
                                  theme_slug="servizi-educativi-0-6")
    hidden = _solved("Tariffe del nido con ISEE, discussione nascosta")
    hidden.hidden_at = utcnow()
    db.session.commit()
    secret = _solved("Tariffe del nido con ISEE nel tavolo riservato")
    into_group(secret, make_group("Tavolo riservato", "private", {make_user(): "facilitator"}))
    member = make_user()
    save_answers(member, guideline.id, {f"score-{weak.id}": "1", f"score-{own_theme.id}": "0",
                                        f"score-{strong.id}": "4"})
    page = login(member).get(f"/autovalutazione/{guideline.slug}/risultati"
                             ).get_data(as_text=True)
    weak_part = page[page.find('id="debole-' + str(weak.id)):page.find(
        'id="debole-' + str(own_theme.id))]
    assert f"/buone-pratiche/{published.slug}" in weak_part
    assert f"/buone-pratiche/{by_text.slug}" in weak_part  # from the search index
    assert f"/domande/{solved.id}" in weak_part
    assert f"/buone-pratiche/{economic.slug}" not in weak_part
    own_part = page[page.find('id="debole-' + str(own_theme.id)):]
    assert f"/buone-pratiche/{economic.slug}" in own_part
    assert "Criterio forte" not in page.split("Criteri da rafforzare")[1]
    for never in (f"/buone-pratiche/{draft.slug}", f"/domande/{open_question.id}",
                  f"/domande/{hidden.id}", f"/domande/{secret.id}", "tavolo riservato",
                  "discussione nascosta", "Bozza sulle tariffe"):
        assert never not in page, never
