"""Practice rules: evidence derivation, validation, workflow rights, replication, citations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.answers.services import accept_answer, edit_answer, post_answer
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Practice, PracticeCitation, PracticeReplication, Revision
from forum.practices import links
from forum.practices.queries import practice_for_edit
from forum.practices.services import change_status, edit_practice, propose_practice
from forum.practices.validation import check_practice, derive_evidence_level
from tests.factories import make_answer, make_practice, make_question, make_user, practice_data


@pytest.mark.parametrize("scores,level", [
    ((None, None, None), "non-valutata"),
    (("0", "++", "+"), "non-valutata"),
    (("+", None, None), "emergente"),
    (("++", "0", "0"), "emergente"),
    (("+", "+", None), "promettente"),
    (("+", "0", "+"), "promettente"),
    (("+", "+", "+"), "comprovata"),
    (("++", "++", "+"), "comprovata"),
])
def test_evidence_level_follows_the_epic_rule(scores, level):
    assert derive_evidence_level(*scores) == level


def test_evidence_level_is_derived_never_typed(app):
    practice = propose_practice(make_user(), practice_data(
        evidence_effectiveness="+", evidence_transferability="+", evidence_level="comprovata"))
    assert practice.evidence_level == "promettente"


@pytest.mark.parametrize("field,value,fragment", [
    ("themes", ["tema-inventato"], "Valori sconosciuti"),
    ("themes", [], "da 1 a 3 temi"),
    ("region_code", "99", "Codice regione ISTAT sconosciuto"),
    ("end_year", 2010, "non può precedere"),
    ("budget_eur", "-5", "non può essere negativo"),
    ("budget_eur", "tanti soldi", "Budget non valido"),
    ("evidence_effectiveness", "+++", "fuori scala"),
    ("autonomous_province", "trento", "solo con la regione Trentino"),
    ("links", [{"label": "x", "url": "javascript:alert(1)"}], "solo indirizzi http"),
    ("contacts", [{"name": "A", "email": "non-email"}], "email non valida"),
    ("start_year", "duemila", "Anno di avvio non valido"),
])
def test_bad_fields_are_refused_naming_the_field(app, field, value, fragment):
    with pytest.raises(InvalidInput) as info:
        propose_practice(make_user(), practice_data(**{field: value}))
    assert field in info.value.field_errors
    assert fragment in " ".join(info.value.field_errors[field])
    assert db.session.scalar(select(func.count(Practice.id))) == 0


def test_budget_accepts_italian_formats():
    assert check_practice(practice_data(budget_eur="120.000")).values["budget_eur"] == 120000
    assert str(check_practice(practice_data(budget_eur="1.234,50")).values["budget_eur"]) == (
        "1234.50")
    assert check_practice(practice_data(budget_eur="€ 40000")).values["budget_eur"] == 40000


def test_autonomous_province_with_trentino_is_fine(app):
    practice = propose_practice(make_user(), practice_data(region_code="04",
                                                           autonomous_province="trento"))
    assert practice.autonomous_province == "trento"


def test_workflow_rights(app):
    author, stranger = make_user(), make_user()
    moderator, admin = make_user("moderator"), make_user("admin")
    practice = propose_practice(author, practice_data())
    assert practice.status == "bozza"
    with pytest.raises(NotAllowed):
        change_status(stranger, practice.id, "in-revisione")
    change_status(author, practice.id, "in-revisione")
    with pytest.raises(NotAllowed):
        change_status(author, practice.id, "pubblicata")
    with pytest.raises(InvalidInput):
        change_status(moderator, practice.id, "bozza", note="")
    change_status(moderator, practice.id, "bozza", note="Aggiungi i costi.")
    assert db.session.get(Practice, practice.id).review_note == "Aggiungi i costi."
    change_status(author, practice.id, "in-revisione")
    published = change_status(moderator, practice.id, "pubblicata")
    assert published.published_at is not None and published.curated_by_id == moderator.id
    with pytest.raises(Conflict):
        change_status(moderator, practice.id, "pubblicata")
    change_status(moderator, practice.id, "archiviata")
    with pytest.raises(NotAllowed):
        change_status(moderator, practice.id, "pubblicata")
    change_status(admin, practice.id, "pubblicata")


def test_incomplete_practice_cannot_be_published(app):
    author, moderator = make_user(), make_user("moderator")
    practice = propose_practice(author, practice_data(results="", funding_sources=[],
                                                      contacts=[]))
    change_status(author, practice.id, "in-revisione")
    with pytest.raises(InvalidInput) as info:
        change_status(moderator, practice.id, "pubblicata")
    assert {"results", "funding_sources", "contacts"} <= set(info.value.field_errors)
    assert db.session.get(Practice, practice.id).status == "in-revisione"


def test_members_cannot_claim_external_evaluation(app):
    with pytest.raises(InvalidInput) as info:
        propose_practice(make_user(), practice_data(evidence_assessed_by="valutatore-esterno"))
    assert "evidence_assessed_by" in info.value.field_errors
    practice = propose_practice(make_user("moderator"),
                                practice_data(evidence_assessed_by="valutatore-esterno"))
    assert practice.evidence_assessed_by == "valutatore-esterno"


def test_edit_keeps_revisions_and_strangers_cannot_edit(app):
    author = make_user()
    practice = propose_practice(author, practice_data(title="Titolo della prima versione"))
    with pytest.raises(NotAllowed):
        edit_practice(make_user(), practice.id, practice_data())
    edit_practice(author, practice.id, practice_data(title="Titolo della seconda versione"))
    revision = db.session.scalars(select(Revision)).one()
    assert revision.snapshot["title"] == "Titolo della prima versione"
    assert revision.snapshot["themes"] == ["centri-famiglia-consultori"]


def test_replication_once_per_administration(app):
    practice = make_practice()
    first = make_user(organisation="Comune di Collina (fittizio)")
    colleague = make_user(organisation="comune di  COLLINA (fittizio)")
    links.record_replication(first, practice.id, note="Avviata nel 2024.")
    with pytest.raises(Conflict):
        links.record_replication(colleague, practice.id)
    assert db.session.scalar(select(func.count(PracticeReplication.id))) == 1
    same_org = make_user(organisation=practice.lead_organisation)
    with pytest.raises(Conflict):
        links.record_replication(same_org, practice.id)


def test_replication_of_unpublished_practice_is_not_found(app):
    draft = make_practice(status="bozza")
    with pytest.raises(NotFound):
        links.record_replication(make_user(), draft.id)


def test_answer_citations_link_both_ways(app):
    practice = make_practice()
    draft = make_practice(status="bozza")
    question = make_question()
    answer = post_answer(make_user(), question.id,
                         body=f"Vedete https://officina.example/buone-pratiche/{practice.slug} "
                              f"e /buone-pratiche/{draft.slug}")
    cited = db.session.scalars(select(PracticeCitation)).all()
    assert [(c.practice_id, c.question_id) for c in cited] == [(practice.id, question.id)]
    edit_answer(_author(answer), answer.id,
                body="Nessun link in questa versione della risposta.", practice=practice.slug)
    assert db.session.scalar(select(func.count(PracticeCitation.id))) == 1
    edit_answer(_author(answer), answer.id, body="Ancora nessun link nella risposta.")
    assert db.session.scalar(select(func.count(PracticeCitation.id))) == 0


def _author(answer):
    from forum.models import User

    return db.session.get(User, answer.author_id)


def test_moderator_turns_solved_thread_into_linked_draft(app):
    asker = make_user()
    question = make_question(asker, theme_slug="giovani")
    answer = make_answer(question, make_user(organisation="Unione Valle (fittizia)",
                                             region_code="05"))
    with pytest.raises(Conflict):
        links.draft_from_question(make_user("moderator"), question.id)
    accept_answer(asker, answer.id)
    with pytest.raises(NotAllowed):
        links.draft_from_question(asker, question.id)
    practice = links.draft_from_question(make_user("moderator"), question.id)
    assert practice.status == "bozza" and practice.source_question_id == question.id
    assert practice.lead_organisation == "Unione Valle (fittizia)"
    reloaded = practice_for_edit(practice.slug)
    assert reloaded.region_code == "05" and reloaded.values("theme") == ["giovani"]
    with pytest.raises(Conflict):
        links.draft_from_question(make_user("moderator"), question.id)
