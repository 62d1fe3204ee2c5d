"""Read paths of moderation: the review queue, the header counts and the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.extensions import db
from forum.models import (
    AccountStatus,
    Answer,
    AuditEntry,
    Comment,
    EditSuggestion,
    Flag,
    FlagStatus,
    Question,
    SuggestionStatus,
    Theme,
    User,
)


@dataclass
class QueueItem:
    """A flagged post with its open flags and the thread it belongs to."""

    post_type: str
    post_id: int
    post: Question | Answer | Comment | None = None
    question: Question | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """Distinct reasons, in the order they were first given."""
        return list(dict.fromkeys(f.reason for f in self.flags))


def review_scope_clause(viewer: Any, question_id_column: Any) -> Any:
    """The threads a moderator reviews: a moderator limited to some themes sees only their
    threads, others see all; but never a restricted working group's thread unless they
    are in the group (its flagged text stays with its members)."""
    unreadable = question_id_column.not_in(select(Question.id).where(
        Question.group_id.is_not(None), ~permissions.visible_questions(viewer)))
    scope = viewer.theme_scope if not viewer.is_admin else frozenset()
    if not scope:
        return unreadable
    return and_(unreadable, question_id_column.in_(
        select(Question.id).where(Question.theme_id.in_(sorted(scope)))
    ))


def _open_groups(viewer: Any, reason: str | None, theme: str | None) -> Select:
    stmt = (
        select(Flag.post_type, Flag.post_id, func.min(Flag.created_at).label("first"))
        .where(Flag.status == FlagStatus.OPEN, review_scope_clause(viewer, Flag.question_id))
        .group_by(Flag.post_type, Flag.post_id)
    )
    if reason:
        stmt = stmt.where(Flag.reason == reason)
    if theme:
        stmt = stmt.where(Flag.question_id.in_(
            select(Question.id).join(Theme, Theme.id == Question.theme_id).where(
                Theme.slug == theme)
        ))
    return stmt


def review_queue(
    viewer: Any, *, page: int, per_page: int = 20, reason: str | None = None,
    theme: str | None = None,
) -> tuple[list[QueueItem], int]:
    """One page of flagged posts (oldest first) and the total, in a fixed number of queries."""
    groups = _open_groups(viewer, reason, theme).subquery()
    total = db.session.scalar(select(func.count()).select_from(groups)) or 0
    rows = db.session.execute(
        select(groups.c.post_type, groups.c.post_id)
        .order_by(groups.c.first, groups.c.post_type, groups.c.post_id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    items = [QueueItem(r.post_type, r.post_id) for r in rows]
    if not items:
        return [], total
    by_key = {(i.post_type, i.post_id): i for i in items}
    ids: dict[str, list[int]] = {"question": [], "answer": [], "comment": []}
    for item in items:
        ids[item.post_type].append(item.post_id)
    wanted = or_(*(and_(Flag.post_type == t, Flag.post_id.in_(v)) for t, v in ids.items() if v))
    for flag in db.session.execute(
        select(Flag).where(Flag.status == FlagStatus.OPEN, wanted)
        .options(joinedload(Flag.reporter)).order_by(Flag.created_at)
    ).scalars():
        by_key[(flag.post_type, flag.post_id)].flags.append(flag)
    posts: dict[tuple[str, int], Any] = {}
    pairs: tuple[tuple[str, type[Answer] | type[Comment]], ...] = (
        ("answer", Answer), ("comment", Comment))
    for post_type, model in pairs:
        if ids[post_type]:
            for post in db.session.execute(
                select(model).where(model.id.in_(ids[post_type])).options(
                    joinedload(model.author))
            ).scalars():
                posts[(post_type, post.id)] = post  # type: ignore[attr-defined]  # Answer/Comment
    question_ids = set(ids["question"]) | {p.question_id for p in posts.values()}
    questions = {q.id: q for q in db.session.execute(
        select(Question).where(Question.id.in_(question_ids))
        .options(joinedload(Question.author), joinedload(Question.theme))
    ).scalars()}
    for item in items:
        if item.post_type == "question":
            item.post = item.question = questions.get(item.post_id)
        else:
            item.post = posts.get((item.post_type, item.post_id))
            item.question = questions.get(item.post.question_id) if item.post else None
    return [i for i in items if i.post is not None], total


def pending_counts(viewer: Any) -> dict[str, int]:
    """Open flagged posts, accounts awaiting approval and edit suggestions, in one statement."""
    flagged = select(func.count()).select_from(_open_groups(viewer, None, None).subquery())
    accounts = select(func.count(User.id)).where(User.status == AccountStatus.PENDING)
    suggestions = select(func.count(EditSuggestion.id)).where(
        EditSuggestion.status == SuggestionStatus.PENDING,
        review_scope_clause(viewer, EditSuggestion.question_id))
    row = db.session.execute(select(
        flagged.scalar_subquery(), accounts.scalar_subquery(), suggestions.scalar_subquery()
    )).one()
    counts = {"flags": int(row[0] or 0), "accounts": int(row[1] or 0),
              "suggestions": int(row[2] or 0)}
    counts["total"] = sum(counts.values())
    return counts


@dataclass(frozen=True)
class AuditFilters:
    """Filters of the audit log page, as parsed from the query string."""

    actor: str | None = None
    action: str | None = None
    target_type: str | None = None
    since: date | None = None
    until: date | None = None

    def as_args(self) -> dict[str, str]:
        """Non-empty filters, for links that keep them."""
        args = {"autore": self.actor, "azione": self.action, "oggetto": self.target_type,
                "dal": self.since.isoformat() if self.since else None,
                "al": self.until.isoformat() if self.until else None}
        return {k: v for k, v in args.items() if v}


def audit_log(filters: AuditFilters, page: int, per_page: int) -> Pagination:
    """Audit entries, newest first, with their actors loaded."""
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if filters.actor:
        stmt = stmt.where(AuditEntry.actor_id.in_(
            select(User.id).where(User.username == filters.actor.lower())))
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.target_type:
        stmt = stmt.where(AuditEntry.target_type == filters.target_type)
    if filters.since:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        stmt = stmt.where(AuditEntry.created_at < datetime.combine(
            filters.until + timedelta(days=1), time.min))
    stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, max_per_page=None)


def audit_actions() -> list[str]:
    """Actions present in the log, for the filter's options."""
    return list(db.session.execute(
        select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars())
