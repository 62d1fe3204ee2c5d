"""Hiding and restoring posts: a reversible soft delete that keeps counters and solutions right."""

from __future__ import annotations

from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Acceptance, Answer, Question, User
from forum.models.base import utcnow
from forum.moderation.posts import PostRef


def hide(ref: PostRef, actor: User | None, reason: str) -> None:
    """Hide the post; a hidden answer leaves the count and stops being the solution."""
    post = ref.post
    post.hidden_at = utcnow()
    post.hidden_by_id = actor.id if actor is not None else None
    post.hidden_reason = reason
    if isinstance(post, Answer):
        db.session.execute(
            update(Question).where(Question.id == post.question_id)
            .values(answer_count=Question.answer_count - 1)
        )
        if ref.question.accepted_answer_id == post.id:
            _withdraw_solution(ref.question, actor)
    db.session.flush()


def restore(ref: PostRef) -> None:
    """Show the post again; the solution mark, if withdrawn on hiding, stays withdrawn."""
    post = ref.post
    post.hidden_at = None
    post.hidden_by_id = None
    post.hidden_reason = ""
    if isinstance(post, Answer):
        db.session.execute(
            update(Question).where(Question.id == post.question_id)
            .values(answer_count=Question.answer_count + 1)
        )
    db.session.flush()


def _withdraw_solution(question: Question, actor: User | None) -> None:
    from forum.answers.services import withdraw_current

    current = db.session.execute(
        select(Acceptance).where(
            Acceptance.question_id == question.id, Acceptance.withdrawn_at.is_(None)
        )
    ).scalar_one_or_none()
    if current is not None:
        withdraw_current(current, question, actor)
