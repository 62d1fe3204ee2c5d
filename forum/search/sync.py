"""Keep the search index in step with the database.

`after_flush` notes which documents a transaction touches and writes a durable outbox
row for each (same transaction); `after_commit` hands them to a per-process worker
thread, which rebuilds the documents from the database, applies them in one index
writer with a timeout, and clears the outbox rows. A rollback discards the notes.
Whatever a crash leaves in the outbox is applied by `flask search sync` and by the
worker when it starts. Indexing never fails or slows the user's request.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any

from flask import Flask, has_request_context
from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from forum.database import write_intent
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
    """Outbox rows for documents not yet noted in this transaction (same transaction)."""
    docs = {d for d in docs if d[1] is not None} - session.info.get(PENDING, set())
    if not docs:
        return
    session.connection().execute(insert(SearchOutbox), [
        {"doc_type": kind, "doc_id": doc_id, "created_at": utcnow()} for kind, doc_id in docs
    ])
    session.info.setdefault(PENDING, set()).update(docs)


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


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


class IndexWorker:
    """One per process: applies document changes off the request path."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[set[Doc] | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, docs: set[Doc]) -> None:
        """Queue documents; starts the thread on first use (after a fork, too)."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="search-index",
                                               daemon=True)
                self.thread.start()
                self.queue.put(set())  # first round also drains what a crash left behind
        self.queue.put(docs)

    def _run(self) -> None:
        while True:
            docs = self.queue.get()
            if docs is None:
                return
            # let a burst of commits pile up: one index commit serves them all, and the
            # requests of this process compete less with indexing for the interpreter
            time.sleep(self.app.config["SEARCH_SYNC_DELAY"])
            while not self.queue.empty():  # batch whatever piled up
                more = self.queue.get_nowait()
                if more is None:
                    return
                docs |= more
            with self.app.app_context():
                try:
                    apply_outbox(extra=docs)
                except Exception:  # noqa: BLE001 - the outbox keeps the work for later
                    log.warning("Indicizzazione rimandata: resta nell'outbox", exc_info=True)


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
                session.commit()
    return len(wanted)


def init_sync(app: Flask, session_class: type[Session]) -> None:
    """Install the session hooks for this app's sessions and the after-commit hand-off."""
    mode = app.config["SEARCH_SYNC"]
    if mode == "off":
        return
    worker = IndexWorker(app)
    app.extensions["search_worker"] = worker

    def after_commit(session: Session) -> None:
        docs = session.info.pop(PENDING, None)
        if not docs:
            return
        if mode == "inline":
            try:
                apply_outbox(extra=docs)
            except Exception:  # noqa: BLE001 - never fail the user's request
                log.warning("Indicizzazione rimandata: resta nell'outbox", exc_info=True)
        elif has_request_context():
            worker.submit(docs)
        # outside requests (CLI, scripts) the outbox keeps the work: commands that change
        # data finish with `drain_outbox()`, and each worker drains it when it starts

    @app.before_request
    def _start_worker() -> None:
        if mode == "thread" and worker.thread is None:
            worker.submit(set())

    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
        event.listen(session_class, "after_rollback", _after_rollback)
    if not event.contains(Session, "do_orm_execute", _on_bulk):
        event.listen(Session, "do_orm_execute", _on_bulk)
    app.extensions["search_after_commit"] = after_commit
    if not event.contains(session_class, "after_commit", _dispatch_after_commit):
        event.listen(session_class, "after_commit", _dispatch_after_commit)


def _dispatch_after_commit(session: Session) -> None:
    """Route the commit to the current app's hand-off (one listener for every app)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        session.info.pop(PENDING, None)
        return
    handler = current_app.extensions.get("search_after_commit")
    if handler is None:
        session.info.pop(PENDING, None)
        return
    handler(session)


def drain_outbox() -> int:
    """Apply the whole outbox now (CLI commands); returns documents applied."""
    total = 0
    while applied := apply_outbox():
        total += applied
    return total
