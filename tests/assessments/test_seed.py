"""The demo self-assessment: skipped quietly without its guideline, then a checklist of 8
criteria in 4 areas and two organisations' assessments, once."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Assessment, Criterion, User
from forum.seed.assessments import GUIDELINE_SLUG, seed_assessments
from forum.seed.demo import seed_demo
from tests.factories import make_guideline


def test_the_demo_checklist_and_two_assessments_are_seeded_once(app, client, login):
    seed_demo(app.config["DEMO_PASSWORD"])  # without the guideline: nothing, no error
    assert db.session.scalar(select(func.count(Criterion.id))) == 0
    users = {u.username: u for u in db.session.scalars(select(User))}
    guideline = make_guideline(users["chiara.lombardo"], slug=GUIDELINE_SLUG)
    assert seed_assessments(users) == 2
    assert seed_assessments(users) == 0
    seed_demo(app.config["DEMO_PASSWORD"])
    criteria = db.session.scalars(select(Criterion)).all()
    assert len(criteria) == 8 and len({c.area for c in criteria}) == 4
    assessments = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
    assert [a.organisation_name for a in assessments] == [
        "Comune di Valverde (fittizio)", "Comune di Portoselva (fittizio)"]
    assert assessments[0].completed_at is not None and assessments[1].completed_at is None
    login(users["giulia.ferraris"])
    page = client.get(f"/autovalutazione/{guideline.slug}/risultati").get_data(as_text=True)
    assert "Il simulatore manca ancora." in page
