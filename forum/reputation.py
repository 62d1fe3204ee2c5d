"""Reputation: the rules, the increments services apply, and a full recomputation.

Reputation = 1 + the sum of the events below, with no floor, so that the value kept
incrementally by services always equals a recomputation from the records.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, literal, select, union_all, update

from forum.database import write_intent
from forum.extensions import db
from forum.models import Acceptance, Answer, Question, User, Vote

BASE = 1
QUESTION_UPVOTE = 5
ANSWER_UPVOTE = 10
DOWNVOTE_RECEIVED = -2
ANSWER_ACCEPTED = 15
ACCEPTER_BONUS = 2


def vote_points(kind: str, value: int) -> int:
    """Points the post's author gets for one vote of `value` (+1, -1 or 0 for none)."""
    if value > 0:
        return QUESTION_UPVOTE if kind == "question" else ANSWER_UPVOTE
    if value < 0:
        return DOWNVOTE_RECEIVED
    return 0


def acceptance_points(
    *, answer_author_id: int, asker_id: int, as_moderator: bool
) -> dict[int, int]:
    """Points per user id for one current acceptance; self-answers earn nothing."""
    if answer_author_id == asker_id:
        return {}
    points = {answer_author_id: ANSWER_ACCEPTED}
    if not as_moderator:
        points[asker_id] = points.get(asker_id, 0) + ACCEPTER_BONUS
    return points


def add_points(points: dict[int, int], sign: int = 1) -> None:
    """Apply point changes with atomic UPDATEs (no read-modify-write)."""
    for user_id, amount in points.items():
        if amount:
            db.session.execute(
                update(User)
                .where(User.id == user_id)
                .values(reputation=User.reputation + sign * amount)
            )


def _recomputed_select():
    """One row per user id with the points earned, from votes and current acceptances."""
    q_votes = select(
        Question.author_id.label("user_id"),
        func.sum(case((Vote.value > 0, QUESTION_UPVOTE), else_=DOWNVOTE_RECEIVED)).label("pts"),
    ).join(Vote, Vote.question_id == Question.id).group_by(Question.author_id)
    a_votes = select(
        Answer.author_id.label("user_id"),
        func.sum(case((Vote.value > 0, ANSWER_UPVOTE), else_=DOWNVOTE_RECEIVED)).label("pts"),
    ).join(Vote, Vote.answer_id == Answer.id).group_by(Answer.author_id)
    current = (
        select(Answer.author_id.label("answer_author"), Question.author_id.label("asker"),
               Acceptance.as_moderator)
        .join(Answer, Answer.id == Acceptance.answer_id)
        .join(Question, Question.id == Acceptance.question_id)
        .where(Acceptance.withdrawn_at.is_(None), Answer.author_id != Question.author_id)
        .subquery()
    )
    accepted = select(
        current.c.answer_author.label("user_id"), (func.count() * ANSWER_ACCEPTED).label("pts")
    ).group_by(current.c.answer_author)
    bonus = (
        select(current.c.asker.label("user_id"), (func.count() * ACCEPTER_BONUS).label("pts"))
        .where(current.c.as_moderator.is_(False))
        .group_by(current.c.asker)
    )
    events = union_all(q_votes, a_votes, accepted, bonus).subquery()
    return select(events.c.user_id, func.sum(events.c.pts).label("pts")).group_by(
        events.c.user_id
    )


@dataclass(frozen=True)
class Drift:
    """A user whose stored reputation differs from the recomputed one."""

    username: str
    stored: int
    expected: int


def find_drift() -> list[Drift]:
    """Users whose stored reputation is not what the records say."""
    earned = _recomputed_select().subquery()
    expected = (literal(BASE) + func.coalesce(earned.c.pts, 0)).label("expected")
    rows = db.session.execute(
        select(User.username, User.reputation, expected)
        .outerjoin(earned, earned.c.user_id == User.id)
        .order_by(User.username)
    ).all()
    return [Drift(r.username, r.reputation, int(r.expected)) for r in rows
            if r.reputation != int(r.expected)]


def repair_reputation() -> list[Drift]:
    """Set every drifting reputation to its recomputed value; returns what was fixed."""
    with write_intent():
        drift = find_drift()
        for item in drift:
            db.session.execute(
                update(User).where(User.username == item.username)
                .values(reputation=item.expected)
            )
        db.session.commit()
    return drift
