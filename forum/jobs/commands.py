"""`flask jobs status|worker|retry|prune`: see, run, retry and prune background jobs."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Job, JobStatus
from forum.models.base import utcnow

jobs = AppGroup("jobs", help="Lavori in background: stato, esecuzione, nuovi tentativi.")


@jobs.command("status")
@click.option("--errors", "shown", default=10, show_default=True,
              help="Quanti ultimi errori mostrare.")
def status(shown: int) -> None:
    """Count jobs by status, the oldest pending one's age and the latest errors."""
    counts = {state: count for state, count in db.session.execute(
        select(Job.status, func.count()).group_by(Job.status))}
    oldest = db.session.scalar(
        select(func.min(Job.created_at)).where(Job.status == JobStatus.PENDING))
    labels = {JobStatus.PENDING: "In attesa", JobStatus.RUNNING: "In esecuzione",
              JobStatus.FAILED: "Falliti", JobStatus.DONE: "Completati"}
    for state, label in labels.items():
        line = f"{label}: {counts.get(state, 0)}"
        if state == JobStatus.PENDING and oldest is not None:
            line += f" (il più vecchio da {(utcnow() - oldest).total_seconds():.0f} s)"
        click.echo(line)
    errors = db.session.scalars(
        select(Job).where(Job.last_error.is_not(None),
                          Job.status.in_([JobStatus.FAILED, JobStatus.PENDING]))
        .order_by(Job.updated_at.desc(), Job.id.desc()).limit(shown)).all()
    if errors:
        click.echo("Ultimi errori:")
    for job in errors:
        first = (job.last_error or "").splitlines()[0] if job.last_error else ""
        click.echo(f"  #{job.id} {job.task} [{job.status}, tentativi {job.attempts}/"
                   f"{job.max_attempts}, {job.updated_at:%Y-%m-%d %H:%M:%S}] {first}")


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Esegue i job dovuti ed esce (cron, test).")
def worker(burst: bool) -> None:
    """Run jobs: an RQ worker when FORUM_JOBS_URL is set, else a loop over due jobs.

    Cron may start `--burst` on every node at once: each job is claimed by one of them.
    """
    from forum.jobs.api import run_due
    from forum.jobs.runners import RqRunner, get_runner, runner_name

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if runner_name(app) == "rq":
        from rq import SimpleWorker

        runner = get_runner(app, "rq")
        assert isinstance(runner, RqRunner)
        runner.start()  # pending rows whose hand-off never happened go on the queue
        queue = runner.queue()
        # SimpleWorker: jobs run in this process, inside this app context (no fork, so
        # the database pool and the app are not copied into a child per job)
        SimpleWorker([queue], connection=queue.connection).work(
            burst=burst, with_scheduler=True)
        return
    poll = float(app.config["JOBS_POLL_SECONDS"])
    total = 0
    while True:
        ran = run_due(app)
        total += ran
        if not ran:
            if burst:
                break
            time.sleep(poll)
    click.echo(f"Job eseguiti: {total}.")


@jobs.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", "all_failed", is_flag=True, help="Tutti i job falliti.")
def retry(ids: tuple[int, ...], all_failed: bool) -> None:
    """Put failed jobs back in the queue with fresh attempts (by id, or all with --failed)."""
    from forum.jobs.api import retry as retry_jobs

    wanted = list(ids)
    if all_failed:
        wanted += db.session.scalars(select(Job.id).where(Job.status == JobStatus.FAILED))
    if not wanted:
        raise click.UsageError("Indica gli id dei job o --failed.")
    click.echo(f"Job rimessi in coda: {retry_jobs(wanted)}.")


@jobs.command("prune")
@click.option("--days", type=float, default=None, help="Età minima (default JOBS_KEEP_DAYS).")
def prune(days: float | None) -> None:
    """Delete done jobs older than JOBS_KEEP_DAYS (failed ones stay, to be looked at)."""
    from forum.jobs.api import prune as prune_jobs

    keep = days if days is not None else float(current_app.config["JOBS_KEEP_DAYS"])
    click.echo(f"Job completati eliminati: {prune_jobs(keep)}.")


COMMANDS = [jobs]
