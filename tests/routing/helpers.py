"""Builders for the routing tests: experts, ageing questions and answers, due jobs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from forum.database import write_intent
from forum.extensions import db
from forum.models import (
    Answer,
    Expertise,
    Job,
    JobStatus,
    Notification,
    Question,
    RoutingOffer,
    Theme,
    User,
)
from forum.models.base import utcnow
from tests.factories import make_user

THEME = "servizi-educativi-0-6"
OTHER_THEME = "sostegno-economico"


def theme_id(slug: str = THEME) -> int:
    """The id of a theme by slug."""
    return int(db.session.scalar(select(Theme.id).where(Theme.slug == slug)))


def make_expert(*slugs: str, region: str = "08", reputation: int | None = None,
                **overrides: str) -> User:
    """A member who declared expertise in `slugs` (the education theme by default)."""
    user = make_user(region_code=region, **overrides)
    for slug in slugs or (THEME,):
        db.session.add(Expertise(user_id=user.id, theme_id=theme_id(slug)))
    if reputation is not None:
        user.reputation = reputation
    db.session.commit()
    return user


def age_question(question: Question, hours: float) -> None:
    """The question was asked `hours` ago."""
    with write_intent():
        db.session.execute(update(Question).where(Question.id == question.id).values(
            created_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


def age_answers(question: Question, days: float) -> None:
    """Every answer of the question was posted `days` ago."""
    with write_intent():
        db.session.execute(update(Answer).where(Answer.question_id == question.id).values(
            created_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def make_jobs_due(task: str) -> list[int]:
    """The pending jobs of `task` are due now (time has passed); returns their ids."""
    with write_intent():
        ids = list(db.session.scalars(select(Job.id).where(
            Job.task == task, Job.status == JobStatus.PENDING)))
        db.session.execute(update(Job).where(Job.id.in_(ids)).values(run_after=utcnow()))
        db.session.commit()
    return ids


def offered_ids(question: Question) -> list[int]:
    """Who the question was offered to, in id order."""
    db.session.commit()
    return list(db.session.scalars(select(RoutingOffer.user_id).where(
        RoutingOffer.question_id == question.id).order_by(RoutingOffer.user_id)))


def notes(kind: str, user: User | None = None) -> list[Notification]:
    """Notifications of one kind (for one member)."""
    db.session.commit()
    stmt = select(Notification).where(Notification.kind == kind)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def count(model: type) -> int:
    """Rows of a model."""
    db.session.commit()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)
