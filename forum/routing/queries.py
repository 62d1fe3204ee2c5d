"""Read paths of routing: which members can help with a question, which questions are due
for an offer or for a reminder, the offer shown on a question page, and the moderators'
list of questions without a solution."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum import permissions
from forum.extensions import db
from forum.models import (
    AccountStatus,
    Answer,
    Expertise,
    Follow,
    FollowTarget,
    Level,
    Question,
    RoutingOffer,
    User,
)
from forum.models.base import utcnow
from forum.moderation.queries import review_scope_clause


def due_for_routing(cutoff: datetime) -> tuple[ColumnElement[bool], ...]:
    """A question still to offer: asked before `cutoff`, never routed, no visible answer,
    neither hidden nor closed nor locked. Read by the sweep and by the conditional UPDATE
    that claims the question, so two runs at once never both offer it."""
    return (Question.routed_at.is_(None), Question.answer_count == 0,
            Question.hidden_at.is_(None), Question.closed_at.is_(None),
            Question.locked_at.is_(None), Question.created_at <= cutoff)


def due_for_reminder(answered_before: datetime) -> tuple[ColumnElement[bool], ...]:
    """A question whose asker should be reminded to accept: no accepted answer, never
    reminded, open, and a visible answer by someone else older than `answered_before`."""
    waiting = exists().where(Answer.question_id == Question.id, Answer.hidden_at.is_(None),
                             Answer.author_id != Question.author_id,
                             Answer.created_at <= answered_before)
    return (Question.accept_reminded_at.is_(None), Question.accepted_answer_id.is_(None),
            Question.hidden_at.is_(None), Question.closed_at.is_(None),
            Question.locked_at.is_(None), waiting)


def select_question_where(question_id: int, where: tuple[ColumnElement[bool], ...]) -> Any:
    """SELECT whether the question meets `where` (a read before the work, to skip it)."""
    return select(exists().where(Question.id == question_id, *where))


def questions_due_for_routing(session: Session, cutoff: datetime, since: datetime) -> list[int]:
    """Ids of the questions asked between `since` and `cutoff` still due for an offer."""
    return list(session.scalars(select(Question.id).where(
        *due_for_routing(cutoff), Question.created_at >= since).order_by(Question.id)))


def questions_due_for_reminder(session: Session, answered_before: datetime,
                               since: datetime) -> list[int]:
    """Ids of the questions due for a reminder whose waiting answers came after `since`."""
    recent = exists().where(Answer.question_id == Question.id, Answer.created_at >= since)
    return list(session.scalars(select(Question.id).where(
        *due_for_reminder(answered_before), recent).order_by(Question.id)))


def expert_candidates(session: Session, question: Question, asker_region: str,
                      limit: int) -> list[tuple[User, int]]:
    """Members who declared expertise in the question's theme and may be offered it, with
    how many of their answers were accepted in that theme: the asker's region first, then
    accepted answers, then reputation. Active, not the asker, not muting the theme or the
    thread, not offered it before, able to read it (a restricted working group's question
    goes to its members only): the same rules as `permissions.can_be_offered`, in SQL so
    that the limit applies to eligible members."""
    now = utcnow()
    accepted = (
        select(Answer.author_id.label("user_id"), func.count().label("accepted"))
        .select_from(Question)
        .join(Answer, Answer.id == Question.accepted_answer_id)
        .where(Question.theme_id == question.theme_id, Question.hidden_at.is_(None),
               Answer.hidden_at.is_(None))
        .group_by(Answer.author_id)
        .subquery()
    )
    muted = exists().where(
        Follow.user_id == User.id, Follow.level == Level.MUTED,
        or_(and_(Follow.target_type == FollowTarget.THEME, Follow.target_id == question.theme_id),
            and_(Follow.target_type == FollowTarget.QUESTION, Follow.target_id == question.id)))
    offered = exists().where(RoutingOffer.question_id == question.id,
                             RoutingOffer.user_id == User.id)
    same_region: Any = (case((User.region_code == asker_region, 0), else_=1) if asker_region
                        else literal(1))
    accepted_count = func.coalesce(accepted.c.accepted, 0)
    rows = session.execute(
        select(User, accepted_count)
        .join(Expertise, and_(Expertise.user_id == User.id,
                              Expertise.theme_id == question.theme_id))
        .outerjoin(accepted, accepted.c.user_id == User.id)
        .where(User.id != question.author_id, User.status == AccountStatus.ACTIVE,
               or_(User.suspended_until.is_(None), User.suspended_until <= now),
               ~muted, ~offered, permissions.group_readers(question.group))
        .order_by(same_region, accepted_count.desc(), User.reputation.desc(), User.id)
        .limit(limit)
    ).all()
    return [(user, int(count)) for user, count in rows]


def open_offer(viewer: Any, question: Question) -> RoutingOffer | None:
    """The offer to show on the question page: made to this member, not declined, while
    they may answer, the question has no solution and they have not answered it. No
    statement at all for a question never routed (most pages)."""
    if (question.routed_at is None or question.is_solved
            or not getattr(viewer, "is_authenticated", False)):
        return None
    if not permissions.can_answer(viewer, question):
        return None
    answered = exists().where(Answer.question_id == question.id,
                              Answer.author_id == viewer.id)
    return db.session.scalar(select(RoutingOffer).where(
        RoutingOffer.question_id == question.id, RoutingOffer.user_id == viewer.id,
        RoutingOffer.declined_at.is_(None), ~answered))


def unsolved_questions(viewer: Any, days: int, page: int, per_page: int) -> Pagination:
    """Questions older than `days` without an accepted answer, neither hidden nor closed,
    oldest first, in the moderator's themes; author, theme and tags loaded."""
    cutoff = utcnow() - timedelta(days=days)
    stmt = (
        select(Question)
        .options(joinedload(Question.author), joinedload(Question.theme),
                 selectinload(Question.tags))
        .where(Question.created_at <= cutoff, Question.hidden_at.is_(None),
               Question.closed_at.is_(None), Question.accepted_answer_id.is_(None),
               review_scope_clause(viewer, Question.id))
        .order_by(Question.created_at, Question.id)
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, max_per_page=None)
