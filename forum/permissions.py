"""Pure permission predicates, shared by services, views and templates."""

from __future__ import annotations

from typing import Any

from forum.models import Answer, Question, User


def _is_active_user(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_edit_question(user: Any, question: Question) -> bool:
    """The author or a moderator may edit a question."""
    return _is_active_user(user) and (user.id == question.author_id or user.is_moderator)


def can_edit_answer(user: Any, answer: Answer) -> bool:
    """The author or a moderator may edit an answer."""
    return _is_active_user(user) and (user.id == answer.author_id or user.is_moderator)


def can_accept(user: Any, question: Question) -> bool:
    """The asker or any moderator may mark, change or withdraw the solution."""
    return _is_active_user(user) and (user.id == question.author_id or user.is_moderator)


def can_vote(user: Any, author_id: int) -> bool:
    """Any signed-in user may vote, never on their own post."""
    return _is_active_user(user) and user.id != author_id


def can_post(user: Any) -> bool:
    """Signed-in users may ask, answer and comment."""
    return _is_active_user(user)


def is_admin(user: Any) -> bool:
    """Admins manage roles."""
    return _is_active_user(user) and isinstance(user, User) and user.is_admin


TEMPLATE_PREDICATES = {
    "can_edit_question": can_edit_question,
    "can_edit_answer": can_edit_answer,
    "can_accept": can_accept,
    "can_vote": can_vote,
    "can_post": can_post,
}
