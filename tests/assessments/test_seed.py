"""The demo self-assessment: a checklist of 8 criteria in 4 areas on the fees guideline and
two organisations' assessments, seeded once (after the guidelines)."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Assessment, Criterion, Guideline, User
from forum.seed.assessments import GUIDELINE_SLUG, seed_assessments
from forum.seed.demo import seed_demo


def test_the_demo_checklist_and_two_assessments_are_seeded_once(app, client, login):
    seed_demo(app.config["DEMO_PASSWORD"])
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert seed_assessments(users) == 0
    criteria = db.session.scalars(select(Criterion)).all()
    assert len(criteria) == 8 and len({c.area for c in criteria}) == 4
    assessments = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
    assert [a.organisation_name for a in assessments] == [
        "Comune di Valverde (fittizio)", "Comune di Portoselva (fittizio)"]
    assert assessments[0].completed_at is not None and assessments[1].completed_at is None
    login(users["giulia.ferraris"])
    page = client.get(f"/autovalutazione/{GUIDELINE_SLUG}/risultati").get_data(as_text=True)
    assert "Il simulatore manca ancora." in page


def test_without_its_guideline_the_seed_adds_nothing(app):
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert db.session.scalar(select(Guideline.id).where(Guideline.slug == GUIDELINE_SLUG)) is None
    assert seed_assessments(users) == 0
    assert db.session.scalar(select(func.count(Criterion.id))) == 0
