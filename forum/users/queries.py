"""Read paths for profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import Answer, Expertise, Organisation, Question, Theme, User


@dataclass
class ThemeActivity:
    """A member's questions, answers and accepted answers under one theme."""

    theme: Theme
    questions: int = 0
    answers: int = 0
    accepted: int = 0


@dataclass
class Profile:
    """A user with their recent questions and answers, how many of each, their activity
    per theme and the themes they declare expertise in."""

    user: User
    questions: list[Question]
    answers: list[tuple[Answer, Question]]
    question_count: int
    answer_count: int
    accepted_count: int = 0
    activity: list[ThemeActivity] = field(default_factory=list)
    expertise: list[Theme] = field(default_factory=list)
    organisation: Organisation | None = None


def visible_user(username: str, viewer: Any) -> User:
    """The member with this username if the viewer may see their profile; else not found."""
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not permissions.can_view_profile(viewer, user):
        raise NotFound(_("Utente non trovato."))
    return user


def user_ids_named(username: str) -> frozenset[int]:
    """The id of the member with this username, as the profile page's only participant."""
    return frozenset(db.session.scalars(select(User.id).where(User.username == username)))


def profile(username: str, viewer: Any = None, limit: int = 20) -> Profile:
    """The profile page data, in four statements whatever the activity.

    Hidden posts (and answers in hidden threads) are left out: a profile is public. So is
    what the member wrote in restricted working groups, unless the viewer is in the group
    too (lists and counts alike). An account awaiting approval is "not found" for anyone
    but its owner and the staff.
    """
    user = visible_user(username, viewer)
    readable = permissions.visible_questions(viewer)
    questions = list(db.session.execute(
        select(Question)
        .where(Question.author_id == user.id, Question.hidden_at.is_(None), readable)
        .options(joinedload(Question.theme), selectinload(Question.tags))
        .order_by(Question.created_at.desc())
        .limit(limit)
    ).unique().scalars())
    answers = [(a, q) for a, q in db.session.execute(
        select(Answer, Question)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.author_id == user.id, Answer.hidden_at.is_(None),
               Question.hidden_at.is_(None), readable)
        .order_by(Answer.created_at.desc())
        .limit(limit)
    ).all()]
    q_count, a_count = db.session.execute(
        select(
            select(func.count(Question.id)).where(
                Question.author_id == user.id, Question.hidden_at.is_(None),
                readable).scalar_subquery(),
            select(func.count(Answer.id)).join(Question, Question.id == Answer.question_id)
            .where(Answer.author_id == user.id, Answer.hidden_at.is_(None),
                   readable).scalar_subquery(),
        )
    ).one()
    activity = theme_activity(user.id, viewer)
    return Profile(user, questions, answers, q_count, a_count,
                   accepted_count=sum(a.accepted for a in activity), activity=activity,
                   expertise=expertise_of(user.id),
                   organisation=(db.session.get(Organisation, user.organisation_id)
                                 if user.organisation_id else None))


def expertise_of(user_id: int) -> list[Theme]:
    """The themes a member declares expertise in, in the themes' order."""
    return list(db.session.execute(
        select(Theme).join(Expertise, Expertise.theme_id == Theme.id)
        .where(Expertise.user_id == user_id).order_by(Theme.position, Theme.id)
    ).scalars())


def theme_activity(user_id: int, viewer: Any = None) -> list[ThemeActivity]:
    """Visible questions, answers and accepted answers per theme, in two statements (of
    the threads the viewer may read)."""
    themes = {t.id: t for t in db.session.execute(select(Theme)).scalars()}
    readable = permissions.visible_questions(viewer)
    rows: dict[int, ThemeActivity] = {}
    for theme_id, count in db.session.execute(
        select(Question.theme_id, func.count(Question.id))
        .where(Question.author_id == user_id, Question.hidden_at.is_(None), readable)
        .group_by(Question.theme_id)
    ):
        rows.setdefault(theme_id, ThemeActivity(themes[theme_id])).questions = count
    accepted = func.sum(case((Question.accepted_answer_id == Answer.id, 1), else_=0))
    for theme_id, count, solved in db.session.execute(
        select(Question.theme_id, func.count(Answer.id), accepted)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.author_id == user_id, Answer.hidden_at.is_(None),
               Question.hidden_at.is_(None), readable)
        .group_by(Question.theme_id)
    ):
        entry = rows.setdefault(theme_id, ThemeActivity(themes[theme_id]))
        entry.answers, entry.accepted = count, int(solved or 0)
    return sorted(rows.values(), key=lambda r: (-r.accepted, -r.answers - r.questions,
                                                r.theme.position))
