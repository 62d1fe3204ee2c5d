"""Self-assessment rules without HTTP: the checklist, one assessment per organisation and
version, colleagues' answers, all-or-nothing saves, results and the aggregate threshold."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.assessments import aggregates as agg
from forum.assessments import queries
from forum.assessments.scale import is_weak, scale_labels
from forum.assessments.services import (
    CriterionFields,
    add_criterion,
    edit_criterion,
    move_criterion,
    remove_criterion,
    save_answers,
)
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Assessment, AssessmentAnswer, GuidelineVersion, guideline_owners
from tests.assessments.helpers import all_scores, checklist
from tests.factories import make_guideline, make_user


def _fields(**overrides: str) -> CriterionFields:
    data = {"area": "Accesso", "title": "Criteri di accesso pubblicati",
            "explanation": "Il regolamento è online.", "scale_max": "4"}
    data.update(overrides)
    return CriterionFields(**data)  # type: ignore[arg-type]


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()
    return db.session.scalar(select(func.count(model.id))) or 0


@pytest.mark.parametrize(("field", "value"), [
    ("title", "   "), ("area", ""), ("scale_max", "0"), ("scale_max", "11"),
    ("scale_max", "quattro"), ("scale_max", "-1"), ("title", "x" * 201), ("area", "a" * 81),
    ("explanation", "e" * 2001),
])
def test_a_criterion_with_bad_input_is_refused_with_the_field_named(app, field, value):
    guideline = make_guideline()
    owner = make_user("editor")
    with pytest.raises(InvalidInput) as refused:
        add_criterion(owner, guideline.id, _fields(**{field: value}))
    assert field in refused.value.field_errors
    assert queries.criteria_of(guideline.id) == []


def test_unknown_themes_on_a_criterion_are_refused(app):
    guideline = make_guideline()
    with pytest.raises(InvalidInput) as refused:
        add_criterion(make_user("editor"), guideline.id,
                      CriterionFields("Accesso", "Titolo", themes=("non-esiste",)))
    assert "themes" in refused.value.field_errors


def test_only_who_may_edit_the_guideline_changes_its_criteria(app):
    guideline = make_guideline()
    with pytest.raises(NotAllowed):
        add_criterion(make_user(), guideline.id, _fields())
    assert add_criterion(make_user("moderator"), guideline.id, _fields()).id
    owner = make_user()  # a plain member who owns the guideline
    db.session.execute(guideline_owners.insert().values(guideline_id=guideline.id,
                                                        user_id=owner.id))
    db.session.commit()
    assert add_criterion(owner, guideline.id, _fields(title="Dal curatore")).id
    assert [g.id for g in queries.editable_guidelines(owner)] == [guideline.id]
    assert queries.editable_guidelines(make_user()) == []


def test_criteria_are_added_in_order_moved_and_removed(app):
    guideline, criteria = checklist(per_area=1)
    owner = make_user("editor")
    first, second = criteria[0].id, criteria[1].id
    move_criterion(owner, guideline.id, second, up=True)
    assert [c.id for c in queries.criteria_of(guideline.id)][:2] == [second, first]
    move_criterion(owner, guideline.id, second, up=True)  # already first: nothing moves
    assert queries.criteria_of(guideline.id)[0].id == second
    remove_criterion(owner, guideline.id, first)
    assert first not in [c.id for c in queries.criteria_of(guideline.id)]
    with pytest.raises(NotFound):
        remove_criterion(owner, make_guideline().id, second)  # another guideline's id


def test_the_scale_labels_name_both_ends_and_the_weak_rule_is_half_the_scale():
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        labels = dict(scale_labels(4))
        assert "Non presente" in labels[0] and "Pienamente realizzato" in labels[4]
        assert len(scale_labels(10)) == 11
    assert is_weak(2, 4) and not is_weak(3, 4) and is_weak(5, 10) and is_weak(0, 1)
    assert not is_weak(1, 1)


def test_one_assessment_per_organisation_colleagues_continue_it(app):
    guideline, criteria = checklist()
    first = make_user(organisation="Comune di Lago Verde")
    colleague = make_user(organisation="  comune di LAGO verde ")
    save_answers(first, guideline.id, {f"score-{criteria[0].id}": "1",
                                       f"note-{criteria[0].id}": "Da rivedere."})
    save_answers(colleague, guideline.id, {f"score-{criteria[1].id}": "3"})
    assert _count(Assessment) == 1
    assessment = db.session.scalars(select(Assessment)).one()
    assert assessment.organisation_key == "comune di lago verde"
    assert assessment.completed_at is None
    by_criterion = {a.criterion_id: a for a in db.session.scalars(select(AssessmentAnswer))}
    assert by_criterion[criteria[0].id].answered_by_id == first.id
    assert by_criterion[criteria[0].id].note == "Da rivedere."
    assert by_criterion[criteria[1].id].answered_by_id == colleague.id
    # the colleague saves the whole form again: unchanged answers keep who gave them
    save_answers(colleague, guideline.id, {f"score-{criteria[0].id}": "1",
                                           f"note-{criteria[0].id}": "Da rivedere.",
                                           f"score-{criteria[1].id}": "3"})
    db.session.expire_all()
    assert db.session.get(AssessmentAnswer, by_criterion[criteria[0].id].id
                          ).answered_by_id == first.id


def test_another_organisation_gets_its_own_assessment(app):
    guideline, criteria = checklist()
    save_answers(make_user(organisation="Comune A"), guideline.id, all_scores(criteria, 2))
    save_answers(make_user(organisation="Comune B"), guideline.id, all_scores(criteria, 2))
    assert _count(Assessment) == 2


def test_a_new_version_starts_a_new_assessment(app):
    guideline, criteria = checklist()
    member = make_user()
    save_answers(member, guideline.id, all_scores(criteria, 2))
    guideline.version = 2
    db.session.add(GuidelineVersion(guideline_id=guideline.id, version=2, title="v2",
                                    summary="s", body="b"))
    db.session.commit()
    save_answers(member, guideline.id, all_scores(criteria, 3))
    assert sorted(db.session.scalars(select(Assessment.guideline_version))) == [1, 2]


def test_completed_when_every_criterion_has_a_score_and_reopened_by_a_new_one(app):
    owner = make_user("editor")
    guideline, criteria = checklist(owner)
    member = make_user()
    assessment = save_answers(member, guideline.id, all_scores(criteria[:-1], 2))
    assert assessment.completed_at is None
    assessment = save_answers(member, guideline.id, {f"score-{criteria[-1].id}": "4"})
    assert assessment.completed_at is not None
    extra = add_criterion(owner, guideline.id, _fields(title="Un criterio in più"))
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).completed_at is None
    remove_criterion(owner, guideline.id, extra.id)
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).completed_at is not None


@pytest.mark.parametrize("bad", ["5", "-1", "due", "2.5", "", "9" * 40])
def test_an_invalid_score_saves_nothing_at_all(app, bad):
    guideline, criteria = checklist()
    form = {**all_scores(criteria[:3], 2), f"score-{criteria[3].id}": bad or "x"}
    with pytest.raises(InvalidInput) as refused:
        save_answers(make_user(), guideline.id, form)
    assert f"criterion-{criteria[3].id}" in refused.value.field_errors
    assert "da 0 a 4" in refused.value.field_errors[f"criterion-{criteria[3].id}"][0]
    assert _count(Assessment) == 0 and _count(AssessmentAnswer) == 0


def test_a_criterion_of_another_guideline_is_refused(app):
    guideline, criteria = checklist()
    _other, foreign = checklist()
    with pytest.raises(InvalidInput) as refused:
        save_answers(make_user(), guideline.id, {**all_scores(criteria[:2], 1),
                                                 f"score-{foreign[0].id}": "1"})
    assert "form" in refused.value.field_errors
    assert _count(Assessment) == 0


def test_a_note_without_a_score_is_refused_unless_the_criterion_has_one(app):
    guideline, criteria = checklist()
    member = make_user()
    with pytest.raises(InvalidInput):
        save_answers(member, guideline.id, {f"note-{criteria[0].id}": "Solo una nota."})
    save_answers(member, guideline.id, {f"score-{criteria[0].id}": "2"})
    save_answers(member, guideline.id, {f"note-{criteria[0].id}": "Ora va bene."})
    assert db.session.scalars(select(AssessmentAnswer.note)).one() == "Ora va bene."


def test_members_without_organisation_or_checklist_cannot_assess(app):
    guideline, criteria = checklist()
    without = make_user()
    without.organisation = "   "  # registration asks for one; an import may leave it blank
    db.session.commit()
    with pytest.raises(NotAllowed):
        save_answers(without, guideline.id, all_scores(criteria, 1))
    with pytest.raises(NotFound):
        save_answers(make_user(), make_guideline().id, {})
    draft = make_guideline(published=False)
    add_criterion(make_user("editor"), draft.id, _fields())
    with pytest.raises(NotFound):
        save_answers(make_user(), draft.id, {})


def test_a_smaller_scale_brings_stored_scores_down_to_its_top(app):
    owner = make_user("editor")
    guideline, criteria = checklist(owner)
    save_answers(make_user(), guideline.id, all_scores(criteria, 4))
    edit_criterion(owner, guideline.id, criteria[0].id, _fields(scale_max="2"))
    assert db.session.scalar(select(AssessmentAnswer.score).where(
        AssessmentAnswer.criterion_id == criteria[0].id)) == 2


def test_results_by_area_overall_and_weak_criteria(app):
    guideline, criteria = checklist()
    member = make_user()
    scores = [0, 4, 2, 2, 3, 4, 1, 1]  # Accesso 50%, Tariffe 50%, Qualità 87.5%, Part. 25%
    save_answers(member, guideline.id, {f"score-{c.id}": str(s)
                                        for c, s in zip(criteria, scores, strict=True)})
    found = queries.results(member, guideline)
    assert [round(a.percent) for a in found.areas] == [50, 50, 88, 25]
    assert round(found.overall) == round(100 * sum(scores) / 32)
    assert [c.id for c in found.weak] == [criteria[i].id for i in (0, 2, 3, 6, 7)]


def test_results_are_private_to_the_organisation(app):
    guideline, criteria = checklist()
    save_answers(make_user(organisation="Comune Riservato"), guideline.id,
                 all_scores(criteria, 2))
    for outsider in (make_user("admin"), make_user("editor"), make_user("moderator")):
        with pytest.raises(NotFound):
            queries.results(outsider, guideline)
    assert queries.results(make_user(organisation="comune riservato"), guideline)


def _organisations(guideline, criteria, n: int, *, region: str, kind: str, score: int):  # type: ignore[no-untyped-def]
    for i in range(n):
        save_answers(make_user(organisation=f"Ente {region}-{kind}-{i}-{score}",
                               region_code=region, organisation_type=kind),
                     guideline.id, all_scores(criteria, score))


def test_aggregates_show_a_group_only_from_five_organisations(app):
    guideline, criteria = checklist()
    _organisations(guideline, criteria, 5, region="08", kind="comune", score=4)
    _organisations(guideline, criteria, 4, region="09", kind="comune", score=0)
    figures = agg.aggregates(guideline, ("Per regione", "Per tipo"))
    regions = {g.key: g for g in figures.breakdowns[0].groups}
    assert regions["08"].shown and regions["08"].organisations == 5
    assert regions["08"].overall == pytest.approx(100.0)
    assert regions["08"].areas == {area: pytest.approx(100.0) for area in
                                   ("Accesso", "Tariffe", "Qualità", "Partecipazione")}
    assert not regions["09"].shown and regions["09"].organisations is None
    assert regions["09"].overall is None and regions["09"].areas == {}
    # 4 hidden organisations: total - region 08 would disclose them, so no total
    assert figures.total is None
    types = {g.key: g for g in figures.breakdowns[1].groups}
    assert types["comune"].shown and types["comune"].organisations == 9


def test_the_total_appears_when_hidden_groups_together_are_none_or_five(app):
    guideline, criteria = checklist()
    _organisations(guideline, criteria, 5, region="08", kind="comune", score=4)
    figures = agg.aggregates(guideline, ("r", "t"))
    assert figures.total is not None and figures.total.organisations == 5
    for region in ("01", "02", "03", "04", "05"):
        _organisations(guideline, criteria, 1, region=region, kind="comune", score=0)
    figures = agg.aggregates(guideline, ("r", "t"))
    assert figures.breakdowns[0].hidden_total == 5
    assert figures.total is not None and figures.total.organisations == 10
    assert figures.total.overall == pytest.approx(50.0)


def test_incomplete_assessments_stay_out_of_the_aggregates(app):
    guideline, criteria = checklist()
    _organisations(guideline, criteria[:-1], 6, region="08", kind="comune", score=3)
    figures = agg.aggregates(guideline, ("r", "t"))
    assert figures.breakdowns[0].groups == [] and figures.total is None
