"""Read paths of self-assessment: the checklists, my organisation's assessments, the form
with the current answers and the results. Each runs a fixed number of statements, and
only ever reads the viewer's own organisation's assessment."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.assessments.scale import is_weak, percent
from forum.assessments.services import assessable_guideline, organisation_key
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    Assessment,
    AssessmentAnswer,
    Criterion,
    Guideline,
    GuidelineStatus,
    User,
    guideline_owners,
)


def guideline_by_slug(slug: str) -> Guideline:
    """A guideline with its themes; NotFound otherwise."""
    guideline = db.session.scalar(select(Guideline).where(Guideline.slug == slug[:120])
                                  .options(selectinload(Guideline.themes)))
    if guideline is None:
        raise NotFound(_("Linea guida non trovata."))
    return guideline


def assessable_by_slug(slug: str) -> Guideline:
    """A published guideline in use with a checklist (NotFound otherwise)."""
    guideline = guideline_by_slug(slug)
    if not assessable_guideline(guideline) or not criteria_of(guideline.id, count_only=True):
        raise NotFound(_("Questa linea guida non ha una lista di controllo da compilare."))
    return guideline


def criteria_of(guideline_id: int, *, count_only: bool = False) -> Any:
    """A guideline's criteria in order (or just how many there are)."""
    if count_only:
        return db.session.scalar(select(func.count(Criterion.id)).where(
            Criterion.guideline_id == guideline_id)) or 0
    return list(db.session.scalars(select(Criterion).where(
        Criterion.guideline_id == guideline_id).order_by(Criterion.position, Criterion.id)))


def by_area(criteria: list[Criterion]) -> OrderedDict[str, list[Criterion]]:
    """Criteria grouped by area, areas in the order of their first criterion."""
    groups: OrderedDict[str, list[Criterion]] = OrderedDict()
    for criterion in criteria:
        groups.setdefault(criterion.area, []).append(criterion)
    return groups


@dataclass
class Checklist:
    """A guideline that can be assessed, with how many criteria it has."""

    guideline: Guideline
    criteria: int


def checklists() -> list[Checklist]:
    """Published guidelines in use that carry a checklist, with their themes."""
    counts = (select(Criterion.guideline_id, func.count(Criterion.id).label("n"))
              .group_by(Criterion.guideline_id).subquery())
    rows = db.session.execute(
        select(Guideline, counts.c.n).join(counts, counts.c.guideline_id == Guideline.id)
        .where(Guideline.version > 0, Guideline.status != GuidelineStatus.ARCHIVED)
        .options(selectinload(Guideline.themes)).order_by(Guideline.title)).all()
    return [Checklist(guideline, n) for guideline, n in rows]


def editable_guidelines(viewer: Any) -> list[Guideline]:
    """The guidelines whose checklist the viewer may prepare: all of them (archived aside)
    for the board and moderators, their own for other owners (one statement)."""
    if not permissions.is_active_member(viewer):
        return []
    stmt = select(Guideline).where(Guideline.status != GuidelineStatus.ARCHIVED)
    if not permissions.can_write_guidelines(viewer):  # admins are on the board
        stmt = stmt.join(guideline_owners, guideline_owners.c.guideline_id == Guideline.id
                         ).where(guideline_owners.c.user_id == viewer.id)
    return list(db.session.scalars(stmt.order_by(Guideline.title)))


@dataclass
class MyAssessment:
    """One of my organisation's assessments, with its progress."""

    assessment: Assessment
    guideline: Guideline
    answered: int
    criteria: int

    @property
    def current(self) -> bool:
        """Made against the guideline's current published version."""
        return self.assessment.guideline_version == self.guideline.version


def my_assessments(viewer: Any) -> list[MyAssessment]:
    """The viewer's organisation's assessments, latest update first (one statement)."""
    key = organisation_key(getattr(viewer, "organisation", ""))
    if not key:
        return []
    answered = (select(func.count(AssessmentAnswer.id))
                .where(AssessmentAnswer.assessment_id == Assessment.id).scalar_subquery())
    total = (select(func.count(Criterion.id))
             .where(Criterion.guideline_id == Assessment.guideline_id).scalar_subquery())
    rows = db.session.execute(
        select(Assessment, Guideline, answered, total)
        .join(Guideline, Guideline.id == Assessment.guideline_id)
        .where(Assessment.organisation_key == key)
        .order_by(func.coalesce(Assessment.updated_at, Assessment.created_at).desc())).all()
    return [MyAssessment(a, g, n, t) for a, g, n, t in rows]


def my_assessment(viewer: Any, guideline: Guideline, version: int | None = None
                  ) -> Assessment | None:
    """The viewer's organisation's assessment of a version (the current one by default)."""
    key = organisation_key(getattr(viewer, "organisation", ""))
    if not key:
        return None
    return db.session.scalar(select(Assessment).where(
        Assessment.guideline_id == guideline.id,
        Assessment.guideline_version == (version or guideline.version),
        Assessment.organisation_key == key))


@dataclass
class AnswerView:
    """A stored answer and who gave it."""

    score: int
    note: str
    answered_by: str
    updated_at: datetime


def answers_of(assessment: Assessment | None) -> dict[int, AnswerView]:
    """An assessment's answers by criterion id, with who gave each (one statement)."""
    if assessment is None:
        return {}
    rows = db.session.execute(
        select(AssessmentAnswer, User.display_name)
        .outerjoin(User, User.id == AssessmentAnswer.answered_by_id)
        .where(AssessmentAnswer.assessment_id == assessment.id)).all()
    return {a.criterion_id: AnswerView(a.score, a.note, name or _("account eliminato"),
                                       a.updated_at) for a, name in rows}


@dataclass
class AreaScore:
    """An area's mean (as % of the scale) over its answered criteria."""

    area: str
    percent: float | None
    answered: int
    total: int


@dataclass
class Results:
    """An organisation's results: by area, overall, and the weak criteria."""

    assessment: Assessment
    areas: list[AreaScore]
    overall: float | None
    weak: list[Criterion] = field(default_factory=list)
    answers: dict[int, AnswerView] = field(default_factory=dict)


def results(viewer: Any, guideline: Guideline, version: int | None = None) -> Results:
    """The viewer's organisation's results; NotFound for anyone without an assessment of
    their own (an assessment is private to its organisation: no role reads another's)."""
    assessment = my_assessment(viewer, guideline, version)
    if assessment is None:
        raise NotFound(_("Il tuo ente non ha ancora compilato questa autovalutazione."))
    criteria = criteria_of(guideline.id)
    answers = answers_of(assessment)
    areas, shares, weak = [], [], []
    for area, items in by_area(criteria).items():
        scored = [percent(answers[c.id].score, c.scale_max) for c in items if c.id in answers]
        shares += scored
        areas.append(AreaScore(area, sum(scored) / len(scored) if scored else None,
                               len(scored), len(items)))
        weak += [c for c in items if c.id in answers and is_weak(answers[c.id].score,
                                                                  c.scale_max)]
    overall = sum(shares) / len(shares) if shares else None
    return Results(assessment, areas, overall, weak, answers)
