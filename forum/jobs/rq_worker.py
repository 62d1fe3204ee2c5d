"""The function RQ workers run: `flask jobs worker` or a plain `rq worker` process.

Kept apart from the runners because a plain `rq worker` has no app and must build one
with the factory; the runners name this function by its dotted path instead of importing it.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from forum.jobs.api import execute
from forum.jobs.runners import RqRunner, get_runner
from forum.models import JobStatus

_rq_app: Flask | None = None


def run_rq_job(job_id: int) -> str | None:
    """The function RQ workers call; outside `flask jobs worker` (plain `rq worker`) it
    builds the app from FORUM_* settings once per worker process."""
    global _rq_app
    if has_app_context():
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    else:
        if _rq_app is None:
            from forum import create_app

            _rq_app = create_app()
        app = _rq_app
    outcome = execute(job_id, app)
    if outcome is None:
        return None
    if outcome.status == JobStatus.PENDING:
        runner = get_runner(app, "rq")
        assert isinstance(runner, RqRunner)
        runner.schedule(job_id, outcome.run_after)
    return str(outcome.status)
