"""Who runs a job once its row is committed.

- inline: at once, in the committing process (tests: the mail is there when the call returns);
- thread: a daemon thread per process, started lazily (after a fork too), which batches a
  burst of commits, retries due jobs every JOBS_POLL_SECONDS and, when it starts, runs
  what a crash left pending: the embedded default, no extra service;
- rq: a Redis queue (FORUM_JOBS_URL) served by `flask jobs worker` or `rq worker`.

Every runner ends in `forum.jobs.api.execute`, whose claim makes a second delivery of the
same job harmless; a hand-off that fails (Redis down) leaves the row pending, not lost.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from datetime import UTC
from typing import Protocol

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.jobs.api import HANDOFF, Handoff, execute, run_due
from forum.jobs.registry import get_task
from forum.models.base import utcnow

log = logging.getLogger(__name__)
RUNNERS = ("inline", "thread", "rq")


class Runner(Protocol):
    """Takes committed jobs; `start` readies it (and picks up leftovers where it can)."""

    def submit(self, jobs: list[Handoff]) -> None: ...

    def start(self) -> None: ...


class InlineRunner:
    """Runs each job at once, in the committing thread (jobs not yet due stay pending)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def submit(self, jobs: list[Handoff]) -> None:
        for job in jobs:
            if job.run_after <= utcnow():
                execute(job.job_id, self.app)

    def start(self) -> None:
        """Nothing to start: leftovers wait for `flask jobs worker`."""


def _in_command() -> bool:
    """Inside a `flask` CLI command (a click context in this thread), not a request."""
    import click
    from flask import has_request_context

    return click.get_current_context(silent=True) is not None and not has_request_context()


class ThreadRunner:
    """A daemon thread in this process; `None` on the queue stops it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[Handoff | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def start(self) -> None:
        """Start the thread unless it runs in this process (a fork copies no threads)."""
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's queue and lock are not ours
                self.pid, self.queue, self.thread = os.getpid(), queue.Queue(), None
            if self.thread is not None and self.thread.is_alive():
                return
            self.thread = threading.Thread(target=self._run, name="officina-jobs", daemon=True)
            self.thread.start()

    def submit(self, jobs: list[Handoff]) -> None:
        if _in_command():
            # A command runs alone: a thread of its own would write (job status, mail
            # records) while the command writes, and on SQLite one of the two fails with
            # "database is locked" (the demo seed did). Its jobs stay pending: the server's
            # thread runs them within JOBS_POLL_SECONDS, or `flask jobs worker --burst`.
            return
        self.start()
        for job in jobs:
            self.queue.put(job)

    def stop(self, timeout: float = 10) -> None:
        """Stop after the current batch (tests, benchmarks)."""
        thread = self.thread
        if thread is not None and thread.is_alive():
            self.queue.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        self._run_due()  # what a crash or a hand-off that never happened left behind
        poll = float(self.app.config["JOBS_POLL_SECONDS"])
        while True:
            try:
                first = self.queue.get(timeout=poll)
            except queue.Empty:
                self._run_due()  # retries whose backoff has passed
                continue
            if first is None:
                return
            # let a burst of commits pile up: one run of a keyed job (the search outbox)
            # serves them all, and the requests compete less with it for the interpreter
            time.sleep(self._batch_delay(first.task))
            batch, stop = [first], False
            while not self.queue.empty():
                more = self.queue.get_nowait()
                if more is None:
                    stop = True
                    break
                batch.append(more)
            for job_id in dict.fromkeys(job.job_id for job in batch):
                self._execute(job_id)
            if stop:
                return

    def _execute(self, job_id: int) -> None:
        try:
            execute(job_id, self.app)
        except Exception:  # noqa: BLE001 - the row stays; the next poll tries again
            log.warning("Job %s non eseguito: resta in coda", job_id, exc_info=True)

    def _batch_delay(self, task: str) -> float:
        try:
            return get_task(task).batch_delay(self.app.config)
        except Exception:  # noqa: BLE001 - an unknown task fails in execute, visibly
            return 0.0

    def _run_due(self) -> None:
        try:
            run_due(self.app)
        except Exception:  # noqa: BLE001 - database away: try at the next poll
            log.warning("Job in attesa non letti", exc_info=True)


# What RQ workers import and call, by name: that module builds an app for a plain
# `rq worker`, so naming it here (not importing it) keeps the factory out of this module.
RQ_ENTRY = "forum.jobs.rq_worker.run_rq_job"


class RqRunner:
    """Puts job ids on an RQ queue; the rq worker calls `RQ_ENTRY(job_id)`."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._queue = None

    def queue(self):  # type: ignore[no-untyped-def]
        """The RQ queue, connected on first use."""
        if self._queue is None:
            from redis import Redis
            from rq import Queue

            connection = Redis.from_url(self.app.config["JOBS_URL"])
            self._queue = Queue(self.app.config["JOBS_QUEUE"], connection=connection)
        return self._queue

    def submit(self, jobs: list[Handoff]) -> None:
        for job in jobs:
            self.schedule(job.job_id, job.run_after)

    def schedule(self, job_id: int, run_after: object = None) -> None:
        """Queue the job now, or at `run_after` (needs the rq scheduler: `--with-scheduler`)."""
        from datetime import datetime

        description = f"officina job {job_id}"
        if isinstance(run_after, datetime) and run_after > utcnow():
            self.queue().enqueue_at(run_after.replace(tzinfo=UTC), RQ_ENTRY, job_id,
                                    description=description)
        else:
            self.queue().enqueue(RQ_ENTRY, job_id, description=description)

    def start(self) -> None:
        """Hand the due pending jobs (crash leftovers) to the queue."""
        from forum.jobs.api import due_job_ids, recover_stale

        recover_stale(self.app)
        for job_id in due_job_ids(self.app, limit=10_000):
            self.schedule(job_id)


def runner_name(app: Flask) -> str:
    """The configured runner: "rq" whenever JOBS_URL is set, else JOBS_RUNNER."""
    name = "rq" if app.config.get("JOBS_URL") else str(app.config["JOBS_RUNNER"])
    if name not in RUNNERS:
        raise RuntimeError(f"JOBS_RUNNER sconosciuto: {name!r} (ammessi: {', '.join(RUNNERS)})")
    return name


def get_runner(app: Flask, name: str | None = None) -> Runner:
    """This app's runner by name (default: the configured one), made on first use."""
    runners: dict[str, Runner] = app.extensions.setdefault("jobs_runners", {})
    name = name or runner_name(app)
    if name not in runners:
        kinds: dict[str, type[InlineRunner] | type[ThreadRunner] | type[RqRunner]] = {
            "inline": InlineRunner, "thread": ThreadRunner, "rq": RqRunner}
        runners[name] = kinds[name](app)
    return runners[name]


def _after_commit(session: Session) -> None:
    """Hand the committed jobs to their runners; never fails the committed change."""
    jobs: list[Handoff] = session.info.pop(HANDOFF, None) or []
    groups: dict[tuple[int, str | None], list[Handoff]] = {}
    for job in jobs:
        groups.setdefault((id(job.app), job.runner), []).append(job)
    for group in groups.values():
        try:
            get_runner(group[0].app, group[0].runner).submit(group)
        except Exception:  # noqa: BLE001 - the rows are pending: a worker start runs them
            log.warning("Job non consegnati al runner: restano in attesa", exc_info=True)


def _after_rollback(session: Session) -> None:
    session.info.pop(HANDOFF, None)


def init_jobs(app: Flask) -> None:
    """Check the runner setting and install the after-commit hand-off (every session)."""
    name = runner_name(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    if name == "thread":
        @app.before_request
        def _start_jobs_thread() -> None:
            """The first request starts the thread: it runs what a crash left pending."""
            runner = get_runner(app)
            assert isinstance(runner, ThreadRunner)
            if runner.thread is None or runner.pid != os.getpid():
                runner.start()
