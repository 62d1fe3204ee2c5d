"""Keep the search index in step with the database.

`after_flush` notes which documents a transaction touches and writes a durable outbox
row for each (same transaction), plus one "search.apply_outbox" job keyed "search-outbox"
(forum/jobs): however many commits pile up while it waits, one pending job applies the
whole outbox in one index writer. The job runner runs it after commit, off the request
path (the thread runner waits SEARCH_SYNC_DELAY to batch a burst); "inline" runs it at
commit. A rollback discards notes, rows and job. Whatever a crash leaves in the outbox
is applied by the next job, by `flask search sync`, or by `flask jobs worker`.
Indexing never fails or slows the user's request.

With the PostgreSQL backend (``service.transactional``) the documents are written in the
transaction that changes the data instead: ``after_flush`` (and bulk statements) note
them, ``before_commit`` flushes, builds them on the same connection (so it reads the
uncommitted change) and writes them in a savepoint. No outbox row, no job, no thread:
every server sees the change when, and only if, it commits. Should that write fail, the
savepoint is rolled back and the documents go to the outbox as above, so the user's
change still commits and the next job (or `flask search sync`) indexes them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, has_request_context
from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from forum.database import write_intent
from forum.jobs import task
from forum.jobs.api import enqueue_id, finish_in
from forum.models import (
    Acceptance,
    Answer,
    Practice,
    PracticeFacet,
    Question,
    SearchOutbox,
    User,
)
from forum.models.base import utcnow

log = logging.getLogger(__name__)
PENDING = "search_pending"
IN_TRANSACTION = "search_in_transaction"  # session.info: documents to write at commit
JOB_NOTED = "search_job"  # session.info: this transaction already wrote the search job
SEARCH_TASK, SEARCH_KEY = "search.apply_outbox", "search-outbox"
Doc = tuple[str, int]


def touched_docs(session: Session) -> set[Doc]:
    """The documents whose text or state this flush changes."""
    docs: set[Doc] = set()
    movers = [user.id for user in session.dirty if isinstance(user, User)
              and inspect(user).attrs.region_code.history.has_changes()]
    if movers:  # a question is filtered by its author's region
        docs |= {("question", qid) for qid in session.connection().execute(
            select(Question.id).where(Question.author_id.in_(movers))).scalars()}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Question):
            docs.add(("question", obj.id))
        elif isinstance(obj, Answer | Acceptance):
            docs.add(("question", obj.question_id))
        elif isinstance(obj, Practice):
            docs.add(("practice", obj.id))
        elif isinstance(obj, PracticeFacet) and obj.practice_id is not None:
            docs.add(("practice", obj.practice_id))
    return {d for d in docs if d[1] is not None}


def _syncing() -> bool:
    from flask import current_app, has_app_context

    return has_app_context() and current_app.config.get("SEARCH_SYNC", "off") != "off"


def _note(session: Session, docs: set[Doc]) -> None:
    """Documents to index at commit (PostgreSQL backend), else outbox rows for documents
    not yet noted in this transaction (same transaction)."""
    from forum.search.service import transactional

    if transactional(current_app):
        session.info.setdefault(IN_TRANSACTION, set()).update(
            d for d in docs if d[1] is not None)
        return
    _note_outbox(session, docs)


def _note_outbox(session: Session, docs: set[Doc]) -> None:
    docs = {d for d in docs if d[1] is not None} - session.info.get(PENDING, set())
    if not docs:
        return
    session.connection().execute(insert(SearchOutbox), [
        {"doc_type": kind, "doc_id": doc_id, "created_at": utcnow()} for kind, doc_id in docs
    ])
    session.info.setdefault(PENDING, set()).update(docs)
    _enqueue_apply(session)


def _enqueue_apply(session: Session) -> None:
    """One apply job per transaction, in it; the key makes it one per burst of commits."""
    if session.info.get(JOB_NOTED):
        return
    if current_app.config["SEARCH_SYNC"] == "inline":
        runner: str | None = "inline"
    elif not has_request_context():
        # outside requests (CLI, scripts) the outbox keeps the work: commands that change
        # data finish with `drain_outbox()`, and the next job applies the whole outbox
        return
    else:  # off the request path: the app's runner, a thread where that one is inline
        from forum.jobs.runners import runner_name

        runner = "thread" if runner_name(current_app) == "inline" else None
    enqueue_id(session, SEARCH_TASK, [], key=SEARCH_KEY, runner=runner)
    session.info[JOB_NOTED] = True


def _after_flush(session: Session, _context: object) -> None:
    if _syncing():
        _note(session, touched_docs(session))


# Bulk UPDATE/DELETE statements (counters, activity times, scores) bypass the unit of work,
# so `after_flush` never sees them: which documents they touch is read with the same WHERE.
_BULK_DOCS: dict[type, tuple[str, Any]] = {
    Question: ("question", Question.id),
    Answer: ("question", Answer.question_id),
    Acceptance: ("question", Acceptance.question_id),
    Practice: ("practice", Practice.id),
    PracticeFacet: ("practice", PracticeFacet.practice_id),
}


def _on_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    target = _BULK_DOCS.get(state.bind_mapper.class_)
    if target is None or not _syncing():
        return
    kind, column = target
    query = select(column).distinct()
    where = getattr(state.statement, "whereclause", None)  # Update / Delete
    if where is not None:
        query = query.where(where)
    ids = state.session.execute(query).scalars()
    _note(state.session, {(kind, doc_id) for doc_id in ids})


def _before_commit(session: Session) -> None:
    """PostgreSQL backend: write the documents this transaction touched, in it. The
    flush comes first: changes still pending at commit are noted only by the flush, and
    whether another before_commit hook flushed already depends on listener order."""
    from forum.search.service import transactional

    if not _syncing() or not transactional(current_app):
        return
    session.flush()  # the last changes, noted by after_flush
    docs = session.info.pop(IN_TRANSACTION, set())
    if docs:
        index_in_transaction(session, docs)


def index_in_transaction(session: Session, docs: set[Doc]) -> None:
    """Build ``docs`` from what this transaction sees and write them in a savepoint; on
    failure, outbox rows instead (the change itself must still commit)."""
    from forum.search import documents
    from forum.search.service import get_index
    from search_index import PostgresBackend

    index = get_index()
    if not isinstance(index, PostgresBackend):
        _note_outbox(session, docs)
        return
    try:
        with session.begin_nested():
            conn = session.connection()
            with Session(bind=conn) as reader:  # same transaction; leaves it open
                upserts, deletes = [], []
                for kind, build in (("question", documents.question_docs),
                                    ("practice", documents.practice_docs)):
                    found, gone = build(reader, [i for k, i in docs if k == kind])
                    upserts += found
                    deletes += gone
            index.apply_in(conn, upserts, deletes)
    except Exception:  # noqa: BLE001 - never fail the user's change for the index
        log.warning("search: indexing in the transaction failed, outbox used", exc_info=True)
        _note_outbox(session, docs)


def _end_transaction(session: Session) -> None:
    """Commit or rollback: the next transaction notes its own documents and job."""
    session.info.pop(PENDING, None)
    session.info.pop(JOB_NOTED, None)
    session.info.pop(IN_TRANSACTION, None)


@task(SEARCH_TASK, batch_seconds="SEARCH_SYNC_DELAY")
def apply_pending() -> int:
    """The job: apply the whole outbox; an index failure raises, so the job is retried."""
    return drain_outbox()


def apply_outbox(extra: Iterable[Doc] = (), limit: int = 5_000) -> int:
    """Apply pending outbox rows (plus `extra`) to the index; returns documents applied.

    Rows are deleted only after the index accepted the batch, so a failure leaves them.
    """
    from forum.extensions import db
    from forum.search import documents
    from forum.search.service import get_index

    with Session(db.engine) as session:
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id)
            .order_by(SearchOutbox.id).limit(limit)
        ).all()
        wanted = {(kind, doc_id) for _id, kind, doc_id in rows} | set(extra)
        if not wanted:
            return 0
        upserts, deletes = [], []
        for kind, build in (("question", documents.question_docs),
                            ("practice", documents.practice_docs)):
            found, gone = build(session, [i for k, i in wanted if k == kind])
            upserts += found
            deletes += gone
        session.rollback()  # end the read before the (slow) index write: no lock held
        get_index().apply(upserts, deletes)
        ids = [row_id for row_id, _k, _d in rows]
        if ids:
            with write_intent(session):  # SQLite: write lock at BEGIN, queue politely
                session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids)))
                finish_in(session)  # the job that runs this ends in the same write
                session.commit()
    return len(wanted)


def init_sync(app: Flask, session_class: type[Session]) -> None:
    """Install the session hooks that note documents, outbox rows and the apply job."""
    from forum.search.service import transactional

    mode = app.config["SEARCH_SYNC"]
    if mode == "off":
        return
    if mode == "thread" and not transactional(app):
        from forum.jobs.runners import get_runner, runner_name

        if runner_name(app) in ("inline", "thread"):  # benchmarks stop and watch it
            app.extensions["search_worker"] = get_runner(app, "thread")
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
        event.listen(session_class, "before_commit", _before_commit)
        event.listen(session_class, "after_commit", _end_transaction)
        event.listen(session_class, "after_rollback", _end_transaction)
    if not event.contains(Session, "do_orm_execute", _on_bulk):
        event.listen(Session, "do_orm_execute", _on_bulk)


def drain_outbox() -> int:
    """Apply the whole outbox now (CLI commands); returns documents applied."""
    total = 0
    while applied := apply_outbox():
        total += applied
    return total
