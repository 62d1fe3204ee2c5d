"""Read paths for profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import Answer, Question, User


@dataclass
class Profile:
    """A user with their recent questions and answers and how many of each."""

    user: User
    questions: list[Question]
    answers: list[tuple[Answer, Question]]
    question_count: int
    answer_count: int


def profile(username: str, viewer: Any = None, limit: int = 20) -> Profile:
    """The profile page data, in four statements whatever the activity.

    Hidden posts (and answers in hidden threads) are left out: a profile is public. An
    account awaiting approval is "not found" for anyone but its owner and the staff.
    """
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not permissions.can_view_profile(viewer, user):
        raise NotFound(_("Utente non trovato."))
    questions = list(db.session.execute(
        select(Question)
        .where(Question.author_id == user.id, Question.hidden_at.is_(None))
        .options(joinedload(Question.theme), selectinload(Question.tags))
        .order_by(Question.created_at.desc())
        .limit(limit)
    ).unique().scalars())
    answers = [(a, q) for a, q in db.session.execute(
        select(Answer, Question)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.author_id == user.id, Answer.hidden_at.is_(None),
               Question.hidden_at.is_(None))
        .order_by(Answer.created_at.desc())
        .limit(limit)
    ).all()]
    q_count, a_count = db.session.execute(
        select(
            select(func.count(Question.id)).where(
                Question.author_id == user.id, Question.hidden_at.is_(None)).scalar_subquery(),
            select(func.count(Answer.id)).where(
                Answer.author_id == user.id, Answer.hidden_at.is_(None)).scalar_subquery(),
        )
    ).one()
    return Profile(user, questions, answers, q_count, a_count)
