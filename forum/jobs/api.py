"""Enqueue and execute jobs.

`enqueue` writes the job row in the caller's transaction, so the work is saved exactly
when the change is (a rollback leaves no job), and notes it on the session; after commit
the hand-off (forum/jobs/runners.py) gives it to the app's runner. If the process dies
between commit and hand-off, the row is still pending: every runner start, and
`flask jobs worker`, runs what is due. `execute` claims a job with one conditional UPDATE,
so two workers (threads, processes, nodes) never run it twice; a failure is retried
with exponential backoff until `max_attempts`, then the job stays failed, with its error,
for `flask jobs status`.
"""

from __future__ import annotations

import contextvars
import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import Table, delete, exists, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, aliased

from forum.database import in_write_intent, upsert_insert, write_intent
from forum.extensions import db
from forum.jobs.registry import get_task
from forum.models import Job, JobStatus
from forum.models.base import utcnow
from forum.models.job import PENDING_KEY_WHERE

log = logging.getLogger(__name__)
HANDOFF = "jobs_handoff"  # session.info: jobs to hand to a runner once the commit is done
# The job this thread is executing, and whether its task already marked it done.
_current: contextvars.ContextVar[list[Any] | None] = contextvars.ContextVar(
    "current_job", default=None)


@dataclass(frozen=True)
class Handoff:
    """What a runner needs to start a job without reading it first."""

    job_id: int
    task: str
    run_after: datetime
    runner: str | None  # None: the app's configured runner
    app: Flask


def _insert(session: Session, values: dict[str, Any]) -> int:
    """INSERT the row; with a key, an existing pending job of that key is reused.

    `ON CONFLICT DO UPDATE` (not DO NOTHING) locks the pending row until this transaction
    ends, so on PostgreSQL a worker cannot claim it and read the state this transaction
    is still changing: the claim waits, then sees the committed change.
    """
    conn = session.connection()
    insert: Any = upsert_insert(session)
    table = cast(Table, Job.__table__)
    stmt = insert(table).values(**values)
    if values["key"] is not None:
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], index_where=PENDING_KEY_WHERE,
            set_={"updated_at": stmt.excluded.updated_at},
        )
    return int(conn.execute(stmt.returning(table.c.id)).scalar_one())


def enqueue_id(session: Session, task: str, args: list[Any], *, key: str | None = None,
               delay: float = 0, runner: str | None = None,
               max_attempts: int | None = None) -> int:
    """`enqueue` for code that must not load objects (session hooks); returns the job id."""
    get_task(task)  # an unknown name fails here, in the caller, not later in a worker
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = utcnow()
    run_after = now + timedelta(seconds=delay)
    job_id = _insert(session, {
        "task": task, "args": list(args), "key": key, "status": JobStatus.PENDING,
        "attempts": 0, "run_after": run_after, "created_at": now, "updated_at": now,
        "max_attempts": max_attempts or int(app.config["JOBS_MAX_ATTEMPTS"]),
    })
    session.info.setdefault(HANDOFF, []).append(Handoff(job_id, task, run_after, runner, app))
    return job_id


def enqueue(task: str, *args: Any, key: str | None = None, delay: float = 0,
            runner: str | None = None, session: Session | None = None) -> Job:
    """Save a job for `task(*args)` in the current transaction; run it after commit.

    Arguments must be JSON values. With `key`, at most one job of that key is pending:
    asking again while it waits returns that job (its arguments stay the first ones).
    Inside `write_intent`, or with unflushed changes on the session, the job joins that
    transaction and the caller commits; anywhere else it commits on its own at once.
    `runner` names a runner for this job only ("inline", "thread", "rq").
    """
    session = session if session is not None else db.session()
    if in_write_intent() or session.new or session.dirty or session.deleted:
        job_id = enqueue_id(session, task, list(args), key=key, delay=delay, runner=runner)
        return session.get_one(Job, job_id)
    with write_intent(session):
        job_id = enqueue_id(session, task, list(args), key=key, delay=delay, runner=runner)
        session.commit()
    return session.get_one(Job, job_id)


@dataclass(frozen=True)
class Outcome:
    """How one execution ended: done, pending again (retry at `run_after`) or failed."""

    status: JobStatus
    run_after: datetime | None = None


def _backoff(attempts: int, app: Flask) -> timedelta:
    return timedelta(seconds=min(2 ** attempts, int(app.config["JOBS_BACKOFF_MAX_SECONDS"])))


def _error_text(error: BaseException) -> str:
    """First line: type and message (shown by `flask jobs status`); then the traceback."""
    head = "".join(traceback.format_exception_only(error)).strip()
    return (head + "\n" + "".join(traceback.format_exception(error)))[:8000]


def execute(job_id: int, app: Flask | None = None) -> Outcome | None:
    """Claim the job if it is due, run it, record the result; None when not claimed
    (already taken by another worker, done, or not due yet)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context(), Session(db.engine) as session:
        now = utcnow()
        table = cast(Table, Job.__table__)
        with write_intent(session):
            claimed = session.connection().execute(
                update(table)
                .where(Job.id == job_id, Job.status == JobStatus.PENDING, Job.run_after <= now)
                .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, updated_at=now)
                .returning(table.c.task, table.c.args, table.c.attempts, table.c.max_attempts)
            ).first()
            session.commit()
        if claimed is None:
            return None
        name, args, attempts, limit = claimed.task, list(claimed.args), claimed.attempts, \
            claimed.max_attempts
        state = [job_id, False]
        token = _current.set(state)
        try:
            get_task(name).func(*args)
        except Exception as error:  # noqa: BLE001 - recorded on the job, retried later
            log.warning("Job %s (%s) non riuscito, tentativo %s di %s", job_id, name,
                        attempts, limit, exc_info=True)
            return _record_failure(session, job_id, attempts, limit, error, app)
        finally:
            _current.reset(token)
        if not state[1]:
            with write_intent(session):
                session.execute(_done(job_id))
                session.commit()
        return Outcome(JobStatus.DONE)


def _done(job_id: int) -> Any:
    finished = utcnow()
    return update(Job).where(Job.id == job_id).values(
        status=JobStatus.DONE, updated_at=finished, finished_at=finished)


def finish_in(session: Session) -> None:
    """Called by a task inside its last write transaction: the running job is marked done
    in it, so the task's commit and the job's end are one write (on SQLite, one wait for
    the write lock fewer, while members' requests queue for it). Outside a job: nothing."""
    state = _current.get()
    if state is not None and not state[1]:
        session.execute(_done(state[0]))
        state[1] = True


def _record_failure(session: Session, job_id: int, attempts: int, limit: int,
                    error: BaseException, app: Flask) -> Outcome:
    now = utcnow()
    values: dict[str, Any] = {"last_error": _error_text(error), "updated_at": now}
    if attempts >= limit:
        outcome = Outcome(JobStatus.FAILED)
        values |= {"status": JobStatus.FAILED, "finished_at": now}
    else:
        outcome = Outcome(JobStatus.PENDING, now + _backoff(attempts, app))
        values |= {"status": JobStatus.PENDING, "run_after": outcome.run_after,
                   "finished_at": None}
    with write_intent(session):
        if outcome.status == JobStatus.PENDING and _key_taken(session, job_id):
            # a newer pending job of the same key will do this work: do not queue it twice
            values |= {"status": JobStatus.FAILED, "finished_at": now}
            outcome = Outcome(JobStatus.FAILED)
        session.execute(update(Job).where(Job.id == job_id).values(**values))
        session.commit()
    return outcome


def _key_taken(session: Session, job_id: int) -> bool:
    """Whether another job with this job's key is pending (the pending key is unique)."""
    other = aliased(Job)
    return bool(session.scalar(select(exists().where(
        Job.id == job_id, other.key == Job.key, other.status == JobStatus.PENDING,
        other.id != job_id))))


def recover_stale(app: Flask | None = None) -> int:
    """Jobs left "running" past the lease by a worker that died go back to pending (or to
    failed when a newer pending job has their key); returns how many."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cutoff = utcnow() - timedelta(seconds=int(app.config["JOBS_LEASE_SECONDS"]))
    with app.app_context(), Session(db.engine) as session:
        stale = session.scalars(select(Job.id).where(
            Job.status == JobStatus.RUNNING, Job.updated_at < cutoff)).all()
        session.rollback()
        for job_id in stale:
            error = RuntimeError("interrotto: il worker si è fermato durante l'esecuzione")
            with write_intent(session):
                job = session.get_one(Job, job_id)
                if job.status != JobStatus.RUNNING:
                    session.rollback()
                    continue
                _record_failure(session, job_id, job.attempts, job.max_attempts, error, app)
        return len(stale)


def due_job_ids(app: Flask | None = None, limit: int = 100) -> list[int]:
    """Pending jobs whose time has come, oldest first."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context(), Session(db.engine) as session:
        return list(session.scalars(
            select(Job.id).where(Job.status == JobStatus.PENDING, Job.run_after <= utcnow())
            .order_by(Job.run_after, Job.id).limit(limit)))


def run_due(app: Flask | None = None, limit: int = 100) -> int:
    """Run the due jobs here (crash leftovers, retries); returns how many ran."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    recover_stale(app)
    return sum(execute(job_id, app) is not None for job_id in due_job_ids(app, limit))


def retry(job_ids: list[int]) -> int:
    """Failed jobs back to pending with fresh attempts; returns how many.

    A key allows one pending job: a failed job whose key is already pending again stays
    failed (the pending one does the same work), and of several failed jobs with one key
    only the newest goes back."""
    with write_intent():
        failed = db.session.execute(
            select(Job.id, Job.key).where(Job.id.in_(job_ids), Job.status == JobStatus.FAILED)
            .order_by(Job.id.desc())).all()
        keys = {key for _id, key in failed if key is not None}
        taken = set(db.session.scalars(select(Job.key).where(
            Job.key.in_(keys), Job.status == JobStatus.PENDING))) if keys else set()
        chosen = []
        for job_id, key in failed:
            if key is not None:
                if key in taken:
                    continue
                taken.add(key)
            chosen.append(job_id)
        result = db.session.execute(
            update(Job).where(Job.id.in_(chosen), Job.status == JobStatus.FAILED)
            .values(status=JobStatus.PENDING, attempts=0, run_after=utcnow(),
                    finished_at=None, updated_at=utcnow()))
        db.session.commit()
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def prune(days: float) -> int:
    """Delete done jobs finished more than `days` ago; returns how many."""
    cutoff = utcnow() - timedelta(days=days)
    with write_intent():
        result = db.session.execute(delete(Job).where(
            Job.status == JobStatus.DONE, Job.finished_at < cutoff))
        db.session.commit()
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
