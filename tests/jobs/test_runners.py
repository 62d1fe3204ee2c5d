"""Runners: the thread runs jobs off the request and what a crash left pending; RQ runs
them from a real Redis; mail reaches a real SMTP server (and waits out one that is down);
a burst of requests leaves one search job, which indexes them all."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select, update

from forum.database import write_intent
from forum.extensions import db
from forum.jobs import enqueue, execute
from forum.jobs.runners import RqRunner, ThreadRunner, get_runner
from forum.mail import outbox_messages, send_mail
from forum.models import Job, JobStatus, SearchOutbox
from forum.models.base import utcnow
from tests.factories import make_question, make_user
from tests.jobs.conftest import wait_for

THREAD = {"JOBS_RUNNER": "thread", "JOBS_POLL_SECONDS": 0.2}


def status(job_id: int) -> str:
    db.session.commit()  # a fresh snapshot: runners commit in their own sessions
    return db.session.get_one(Job, job_id).status


def attempts(job_id: int) -> int:
    db.session.commit()
    return db.session.get_one(Job, job_id).attempts


@pytest.mark.parametrize("app_overrides", [THREAD])
def test_thread_runner_delivers_the_password_reset_mail_off_the_request(client, thread_runner):
    user = make_user()
    response = client.post("/password/dimenticata", data={"email": user.email})
    assert response.status_code == 303
    wait_for(lambda: len(outbox_messages()) == 1)
    [message] = outbox_messages()
    assert message["To"] == user.email and "/password/reimposta/" in message.get_content()
    assert thread_runner.thread is not None and thread_runner.thread.is_alive()


@pytest.mark.parametrize("app_overrides", [THREAD])
def test_thread_runner_start_runs_what_a_crash_left_pending(app, monkeypatch, ran):
    monkeypatch.setattr(ThreadRunner, "submit", lambda self, jobs: None)  # died after commit
    job_id = enqueue("tests.record", "dopo il riavvio").id
    assert status(job_id) == JobStatus.PENDING
    fresh = ThreadRunner(app)  # the next process
    fresh.start()
    try:
        wait_for(lambda: status(job_id) == JobStatus.DONE)
    finally:
        fresh.stop()
    assert ran == [["dopo il riavvio"]]


@pytest.mark.parametrize("app_overrides", [THREAD])
def test_thread_runner_retries_a_failed_job_once_its_backoff_has_passed(app, thread_runner):
    job_id = enqueue("tests.fail", "ancora giù").id
    wait_for(lambda: attempts(job_id) == 1)
    with write_intent():  # skip the 2 s wait
        db.session.execute(update(Job).where(Job.id == job_id).values(run_after=utcnow()))
        db.session.commit()
    wait_for(lambda: attempts(job_id) == 2)  # the next poll found it due


# -- RQ on the real Redis ------------------------------------------------------------------

REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="FORUM_TEST_REDIS_URL non impostato: runner RQ non provato")


def _jobs_redis_url() -> str:
    """Five databases above the suite's (per xdist worker), away from the rate limiter's."""
    parts = urlsplit(REDIS_URL or "")
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + 5}"))


@pytest.fixture
def rq_app(app, app_overrides) -> Iterator:
    """The app on an RQ queue of its own, deleted afterwards."""
    app.config.update(JOBS_URL=_jobs_redis_url(), JOBS_QUEUE=f"officina-test-{uuid.uuid4().hex}")
    yield app
    runner = app.extensions["jobs_runners"].get("rq")
    if runner is not None:
        runner.queue().delete(delete_jobs=True)


def _burst(queue) -> None:  # type: ignore[no-untyped-def]
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)


@needs_redis
def test_rq_runner_queues_the_committed_job_and_an_rq_worker_runs_it(rq_app, ran):
    with write_intent():
        job_id = enqueue("tests.record", "via redis").id
        db.session.commit()
    runner = get_runner(rq_app)
    assert isinstance(runner, RqRunner) and runner.queue().count == 1
    assert status(job_id) == JobStatus.PENDING and ran == []
    _burst(runner.queue())
    assert status(job_id) == JobStatus.DONE and ran == [["via redis"]]


@needs_redis
def test_rq_job_whose_handoff_failed_is_queued_by_jobs_worker(rq_app, runner, monkeypatch, ran):
    def redis_down(self, jobs):  # type: ignore[no-untyped-def]
        raise ConnectionError("Redis non raggiungibile")

    monkeypatch.setattr(RqRunner, "submit", redis_down)
    job_id = enqueue("tests.record", "recuperato").id  # committed; the hand-off fails
    assert status(job_id) == JobStatus.PENDING and ran == []
    monkeypatch.undo()
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert status(job_id) == JobStatus.DONE and ran == [["recuperato"]]


# -- mail through a real SMTP server -------------------------------------------------------

class Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _smtp_server(inbox: Inbox, port: int):  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def smtp_port(app) -> int:
    """A free local port the app sends mail to (a test starts the server on it)."""
    port = _free_port()
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, MAIL_SMTP_STARTTLS=False)
    return port


def test_mail_job_delivers_through_a_real_smtp_server(app, smtp_port):
    inbox = Inbox()
    server = _smtp_server(inbox, smtp_port)
    try:
        job_id = send_mail("utente@ente.example", "Prova di consegna", "Testo di prova.")
    finally:
        server.stop()
    assert status(job_id) == JobStatus.DONE
    [raw] = inbox.messages
    assert b"Subject: Prova di consegna" in raw and b"utente@ente.example" in raw


def test_smtp_server_down_delays_the_mail_and_loses_nothing(app, smtp_port):
    job_id = send_mail("utente@ente.example", "Dopo il guasto", "Arriva lo stesso.")
    db.session.commit()
    job = db.session.get_one(Job, job_id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert "ConnectionRefusedError" in (job.last_error or "")
    inbox = Inbox()
    server = _smtp_server(inbox, smtp_port)  # the server is back
    try:
        with write_intent():  # skip the backoff wait
            db.session.execute(update(Job).where(Job.id == job_id).values(run_after=utcnow()))
            db.session.commit()
        execute(job_id)
    finally:
        server.stop()
    assert status(job_id) == JobStatus.DONE and len(inbox.messages) == 1


# -- search through the jobs ---------------------------------------------------------------

# the Whoosh path: outbox rows and one job per burst (PostgreSQL indexes in the transaction)
@pytest.mark.parametrize("app_overrides", [{"SEARCH_SYNC": "thread", "SEARCH_BACKEND": "whoosh"}])
def test_burst_of_answers_leaves_one_search_job_that_indexes_them_all(
        app, client, login, runner, monkeypatch, tmp_path):
    from forum.search import service

    app.config["SEARCH_INDEX_PATH"] = str(tmp_path / "index")
    monkeypatch.setattr(ThreadRunner, "submit", lambda self, jobs: None)  # hold the hand-off
    question = make_question()
    login(make_user())
    for n in range(5):
        response = client.post(f"/domande/{question.id}/risposte",
                               data={"body": f"Risposta con la parola marcatore{n} dentro."})
        assert response.status_code == 303
    db.session.commit()
    pending = db.session.scalars(select(Job).where(
        Job.status == JobStatus.PENDING, Job.task.not_like("routing.%"))).all()  # delayed
    assert [(job.task, job.key) for job in pending] == [("search.apply_outbox", "search-outbox")]
    assert db.session.scalar(select(func.count(SearchOutbox.id))) >= 5
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0 and "Job eseguiti: 1." in result.output
    db.session.commit()
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0
    assert all(service.search(f"marcatore{n}").total == 1 for n in range(5))


@pytest.mark.parametrize("app_overrides", [THREAD])
def test_a_cli_command_leaves_its_jobs_pending_for_the_server(app, runner, thread_runner,
                                                              ran):
    """The demo seed failed with "database is locked" when a thread of the command's own
    wrote beside it: in a command the thread runner starts nothing, the jobs stay pending,
    and a runner started later (the server's) runs them."""
    import click

    @click.command("enqueue-one")
    def enqueue_one() -> None:
        with write_intent():
            enqueue("tests.record", "ciao")
            db.session.commit()

    result = runner.invoke(enqueue_one)
    assert result.exit_code == 0, result.output
    assert thread_runner.thread is None and ran == []
    assert db.session.scalar(select(func.count(Job.id)).where(
        Job.status == JobStatus.PENDING)) == 1
    thread_runner.start()  # the server's first request
    wait_for(lambda: ran == [["ciao"]])
