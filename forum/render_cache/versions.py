"""Content versions: which scopes a transaction changes, bumped in that transaction.

A shared page is stored under the versions of the scopes it shows (see `pages.py`), so
correctness rests on one rule: every change to what a page shows bumps one of its scopes
in the same transaction. The ORM's unit of work tells us which rows change (`after_flush`);
bulk UPDATE/DELETE statements are read back with their own WHERE (as the search sync
does); anything we cannot attribute bumps `ALL`, which every key holds. The bumps are
written once per transaction, at commit, in scope order (PostgreSQL row locks are taken
in one order by everyone: no deadlock), so a reader sees the new rows and the new
version together or neither.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from forum.models import (
    Acceptance,
    Answer,
    Comment,
    ContentVersion,
    Expertise,
    Group,
    GroupMember,
    Guideline,
    GuidelineCitation,
    GuidelineVersion,
    Organisation,
    PostAttachment,
    Practice,
    PracticeAttachment,
    PracticeCitation,
    PracticeFacet,
    PracticeLink,
    PracticeReplication,
    Question,
    Tag,
    Theme,
    User,
)
from forum.render_cache import viewers

ALL = "all"  # in every key: bumped by changes we cannot attribute
QUESTIONS = "questions"  # lists, search results, home: any question's row
PEOPLE = "people"  # names, organisations, places and visibility shown beside posts
PRACTICES = "practices"
GUIDELINES = "guidelines"
GROUPS = "groups"
TAXONOMY = "taxonomy"
_PENDING = "content_versions"  # session.info: scopes this transaction changes

# Columns of a user that no shared page shows (reputation is filled in per request).
_USER_PRIVATE = frozenset({
    "reputation", "session_version", "password_hash", "email", "email_bounced_at",
    "calendar_token", "newsletter_opt_in", "language", "deletion_due_at", "status",
    "suspended_until", "suspension_reason", "role", "moderated_theme_ids", "is_organiser",
})
_MODULE_SCOPES: tuple[tuple[tuple[type, ...], str], ...] = (
    ((Practice, PracticeFacet, PracticeCitation, PracticeLink, PracticeAttachment,
      PracticeReplication), PRACTICES),
    ((Guideline, GuidelineVersion, GuidelineCitation), GUIDELINES),
    ((Group, GroupMember), GROUPS),
    ((Theme, Tag), TAXONOMY),
    ((Expertise, Organisation), PEOPLE),
)


def thread(question_id: int) -> str:
    """The scope of one question page: the question, its answers, comments, acceptance."""
    return f"thread:{question_id}"


def user_scope(user_id: int) -> str:
    """The scope of one member's profile page."""
    return f"user:{user_id}"


def scopes_of(obj: Any, session: Session) -> set[str]:
    """The scopes an ORM object's insert, update or delete changes."""
    if isinstance(obj, Question):
        found = {thread(obj.id), QUESTIONS, user_scope(obj.author_id)}
        history = inspect(obj).attrs.duplicate_of_id.history
        found |= {thread(i) for i in (*history.added, *history.deleted, obj.duplicate_of_id)
                  if i is not None}
        return found
    if isinstance(obj, Answer | Acceptance | Comment):
        found = {thread(obj.question_id), QUESTIONS}
        author = getattr(obj, "author_id", None)
        return found | ({user_scope(author)} if author is not None else set())
    if isinstance(obj, PostAttachment):
        question_id = obj.question_id or session.connection().scalar(
            select(Answer.question_id).where(Answer.id == obj.answer_id))
        return {thread(question_id)} if question_id is not None else {ALL}
    if isinstance(obj, User):
        state: Any = inspect(obj)
        changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
        if state.pending or state.deleted or changed - _USER_PRIVATE:
            return {PEOPLE, user_scope(obj.id)}
        return {user_scope(obj.id)} if changed else set()
    for classes, scope in _MODULE_SCOPES:
        if isinstance(obj, classes):
            return {scope}
    members = viewers.viewer_ids_of(obj, session)
    return {viewers.viewer_scope(i) for i in members} if members else set()


def _note(session: Session, scopes: Iterable[str]) -> None:
    session.info.setdefault(_PENDING, set()).update(scopes)


def _after_flush(session: Session, _context: object) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=True):
            continue
        _note(session, scopes_of(obj, session))


# Bulk statements on these tables: the column whose values name the scopes touched.
_BULK: dict[type, tuple[Any, Any]] = {
    Question: (Question.id, thread),
    Answer: (Answer.question_id, thread),
    Comment: (Comment.question_id, thread),
    Acceptance: (Acceptance.question_id, thread),
}


def _on_bulk(state: ORMExecuteState) -> None:
    """UPDATE/DELETE/INSERT statements that bypass the unit of work."""
    if not (state.is_update or state.is_delete or state.is_insert) or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    if model is ContentVersion:
        return
    if viewers.is_personal(model):
        members = viewers.viewer_ids_of_bulk(state, model)
        _note(state.session, {ALL} if members is None
              else {viewers.viewer_scope(i) for i in members})
        return
    if model is User:
        values = getattr(state.statement, "_values", None) or {}
        names = {getattr(key, "key", str(key)) for key in values}
        where = getattr(state.statement, "whereclause", None)
        if state.is_update and names and names <= _USER_PRIVATE and where is not None:
            ids = state.session.execute(select(User.id).where(where)).scalars().all()
            _note(state.session, {user_scope(i) for i in ids})
        else:
            _note(state.session, {PEOPLE, ALL})
        return
    target = _BULK.get(model)
    if target is not None:
        column, scope = target
        where = getattr(state.statement, "whereclause", None)
        if state.is_insert or where is None:
            _note(state.session, {ALL})
            return
        ids = state.session.execute(select(column).distinct().where(where)).scalars().all()
        _note(state.session, {scope(i) for i in ids if i is not None} | {QUESTIONS})
        return
    for classes, scope in _MODULE_SCOPES:
        if issubclass(model, classes):
            _note(state.session, {scope})
            return


def _before_commit(session: Session) -> None:
    """Flush what is left, then bump every noted scope in one statement, in order."""
    session.flush()
    scopes = sorted(session.info.pop(_PENDING, set()))
    if scopes:
        bump(session, scopes)


def bump(session: Session, scopes: Sequence[str]) -> None:
    """Add one to each scope's version (creating it at 2), in the caller's transaction."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ContentVersion)
    statement = statement.on_conflict_do_update(
        index_elements=["scope"],
        set_={"version": ContentVersion.version + 1})
    session.connection().execute(statement, [{"scope": s, "version": 2} for s in scopes])


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


@functools.cache
def read_statement(count: int) -> Any:
    """SELECT scope, version WHERE scope IN (:s0, ... :sN): one statement per count of
    scopes, built once per process (a pure function of `count`). Plain parameters: an
    "expanding" IN is rendered again on every call, which cost more than the query."""
    table: Any = ContentVersion.__table__
    return select(table.c.scope, table.c.version).where(
        table.c.scope.in_([bindparam(f"s{n}") for n in range(count)]))


def read_versions(session: Any, scopes: Sequence[str]) -> tuple[int, ...]:
    """The current version of each scope (1 when never bumped), in one statement. Every
    cached page pays it, so it is a Core statement built once per count of scopes, run on
    the connection (`session` may be one) rather than through the ORM: an ORM select
    built on each call cost three times as much."""
    connection = session if isinstance(session, Connection) else session.connection()
    rows = dict(connection.execute(read_statement(len(scopes)),
                                   {f"s{n}": scope for n, scope in enumerate(scopes)}).all())
    return tuple(int(rows.get(s, 1)) for s in scopes)


def read_committed(scopes: Sequence[str]) -> tuple[int, ...]:
    """`read_versions` off the ORM (`database.committed_rows`), for a cached page's only
    query: the anonymous page cache, a member's copy."""
    from forum.database import committed_rows

    found = dict(committed_rows(read_statement(len(scopes)),
                                {f"s{n}": scope for n, scope in enumerate(scopes)}))
    return tuple(int(found.get(s, 1)) for s in scopes)


def install(session_class: type[Session]) -> None:
    """Session hooks that note and bump the scopes a transaction changes."""
    if event.contains(session_class, "after_flush", _after_flush):
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_rollback", _forget)
    event.listen(Session, "do_orm_execute", _on_bulk)
