"""Read paths of the network: who the editor suggests when a member types @."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, func, or_, select, union
from sqlalchemy.orm import InstrumentedAttribute

from forum import permissions
from forum.extensions import db
from forum.models import AccountStatus, Answer, Comment, Question, User
from forum.models.base import utcnow
from forum.text import escape_like

MENTION_SUGGESTIONS = 8
MENTION_QUERY_MAX = 32  # the longest username; a longer text names nobody
_ID_MAX = 2**31 - 1  # an id beyond a 32-bit integer column matches no thread


class MentionCandidate(NamedTuple):
    """A member the editor may offer: what to insert and the name shown beside it."""

    username: str
    display_name: str


def _thread_participants(question_id: int, viewer: Any) -> Any:
    """Authors of the visible question and of its visible answers and comments; nobody
    when the viewer may not read the thread (who takes part in a restricted group's
    discussion stays within it)."""
    visible = select(Question.id).where(Question.id == question_id, Question.hidden_at.is_(None),
                                        permissions.visible_questions(viewer))
    return union(
        select(Question.author_id).where(Question.id.in_(visible)),
        select(Answer.author_id).where(Answer.question_id.in_(visible),
                                       Answer.hidden_at.is_(None)),
        select(Comment.author_id).where(Comment.question_id.in_(visible),
                                        Comment.hidden_at.is_(None)),
    )


def mention_candidates(viewer: Any, text: str, *,
                       question_id: int | None = None) -> list[MentionCandidate]:
    """Up to eight active members (approved, not suspended, not the viewer) whose username
    or a word of whose display name starts with `text`, case-insensitively, in one
    statement; the people taking part in thread `question_id` come first, then username
    matches before name matches, then alphabetically. A text too long, blank or holding
    control characters finds nobody."""
    term = text.strip().removeprefix("@").lower()
    if not term or len(term) > MENTION_QUERY_MAX or not term.isprintable():
        return []
    prefix = escape_like(term) + "%"
    name = User.display_name
    lowered = func.lower(name)
    by_username = User.username.like(prefix, escape="\\")
    order: list[ColumnElement[Any] | InstrumentedAttribute[str]] = []
    if question_id is not None and 0 < question_id <= _ID_MAX:
        participants = _thread_participants(question_id, viewer)
        order.append(case((User.id.in_(participants), 0), else_=1))
    order += [case((by_username, 0), else_=1), User.username]
    stmt = (
        select(User.username, name)
        .where(
            User.status == AccountStatus.ACTIVE, User.erased_at.is_(None),
            or_(User.suspended_until.is_(None), User.suspended_until <= utcnow()),
            User.id != getattr(viewer, "id", None),
            or_(
                by_username,
                lowered.like(prefix, escape="\\"),
                lowered.like("% " + prefix, escape="\\"),
                lowered.like("%-" + prefix, escape="\\"),
            ),
        )
        .order_by(*order)
        .limit(MENTION_SUGGESTIONS)
    )
    return [MentionCandidate(row.username, row.display_name)
            for row in db.session.execute(stmt)]
