"""The job outbox: saved with the change or not at all, one pending job per key, retried
with backoff until failed, claimed once, visible in `flask jobs status`, never lost."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.database import write_intent
from forum.extensions import db
from forum.jobs import enqueue, execute
from forum.jobs.runners import InlineRunner
from forum.mail import outbox_messages, send_mail
from forum.models import Job, JobStatus
from forum.models.base import utcnow


@pytest.fixture
def app_overrides() -> dict:
    """Three attempts, so the retry test reaches "failed" quickly."""
    return {"JOBS_MAX_ATTEMPTS": 3}


@pytest.fixture
def no_handoff(monkeypatch) -> None:
    """The process "dies" between commit and hand-off: rows are committed, never run."""
    monkeypatch.setattr(InlineRunner, "submit", lambda self, jobs: None)


def jobs(**where) -> list[Job]:
    """The jobs as committed now (a fresh snapshot: workers commit in other sessions)."""
    db.session.commit()
    return list(db.session.scalars(select(Job).filter_by(**where).order_by(Job.id)))


def make_due(job_id: int) -> None:
    """Skip the backoff wait."""
    with write_intent():
        db.session.execute(update(Job).where(Job.id == job_id).values(run_after=utcnow()))
        db.session.commit()


def test_job_enqueued_in_a_rolled_back_transaction_never_exists_nor_runs(app, ran):
    with write_intent():
        enqueue("tests.record", "perso")
        send_mail("utente@ente.example", "Oggetto", "Testo")
        db.session.rollback()
    db.session.commit()
    assert jobs() == [] and ran == [] and outbox_messages() == []


def test_job_runs_only_once_its_transaction_commits(app, ran):
    with write_intent():
        job = enqueue("tests.record", "uno", 2)
        assert ran == []  # not before the commit
        db.session.commit()
    assert ran == [["uno", 2]]
    assert [j.status for j in jobs(id=job.id)] == [JobStatus.DONE]


def test_same_key_from_24_concurrent_transactions_leaves_one_pending_job(app, no_handoff):
    barrier = threading.Barrier(24)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait(10)
                with write_intent():
                    enqueue("tests.record", n, key="stessa-chiave")
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(jobs(key="stessa-chiave", status=JobStatus.PENDING)) == 1
    assert db.session.scalar(select(func.count(Job.id))) == 1


def test_a_key_is_free_again_once_its_job_is_no_longer_pending(app, ran):
    enqueue("tests.record", 1, key="k")  # no transaction open: commits and runs on its own
    enqueue("tests.record", 2, key="k")
    assert ran == [[1], [2]] and len(jobs(key="k", status=JobStatus.DONE)) == 2


def test_failing_job_is_retried_with_backoff_then_failed_after_max_attempts(app):
    job_id = enqueue("tests.fail", "server SMTP giù").id  # inline: attempt 1 at commit
    [job] = jobs(id=job_id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert "RuntimeError: server SMTP giù" in job.last_error
    assert job.run_after - utcnow() > timedelta(seconds=1)  # 2 s of backoff
    assert execute(job_id) is None  # not due yet: nobody may run it
    make_due(job_id)
    execute(job_id)
    [job] = jobs(id=job_id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 2)
    assert job.run_after - utcnow() > timedelta(seconds=3)  # 4 s: the wait doubles
    make_due(job_id)
    outcome = execute(job_id)
    [job] = jobs(id=job_id)
    assert outcome is not None and outcome.status == JobStatus.FAILED
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.finished_at is not None and "server SMTP giù" in job.last_error


def test_two_workers_claiming_the_same_job_run_it_once(app, ran, no_handoff):
    job_id = enqueue("tests.record", "una volta").id
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def claim() -> None:
        barrier.wait(10)
        outcomes.append(execute(job_id, app))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert ran == [["una volta"]]
    assert sum(outcome is not None for outcome in outcomes) == 1


def test_job_committed_but_never_handed_off_runs_at_worker_burst(app, runner, ran, no_handoff):
    with write_intent():
        job = enqueue("tests.record", "sopravvissuto")
        db.session.commit()
    assert ran == [] and [j.status for j in jobs()] == [JobStatus.PENDING]
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "Job eseguiti: 1." in result.output
    assert ran == [["sopravvissuto"]] and jobs(id=job.id)[0].status == JobStatus.DONE


def test_job_left_running_by_a_dead_worker_runs_again_after_the_lease(app, ran, no_handoff):
    from forum.jobs.api import run_due

    job_id = enqueue("tests.record", "ripreso").id
    stale = utcnow() - timedelta(seconds=app.config["JOBS_LEASE_SECONDS"] + 1)
    with write_intent():
        db.session.execute(update(Job).where(Job.id == job_id).values(
            status=JobStatus.RUNNING, attempts=1, updated_at=stale))
        db.session.commit()
    assert run_due(app) == 0  # back to pending, with a backoff like any failure
    make_due(job_id)
    assert run_due(app) == 1
    [job] = jobs(id=job_id)
    assert (job.status, job.attempts, ran) == (JobStatus.DONE, 2, [["ripreso"]])
    assert "interrotto" in job.last_error


def test_status_command_shows_pending_failed_and_last_error(app, runner, no_handoff):
    enqueue("tests.record", "in attesa")
    failed = enqueue("tests.fail", "casella piena")
    for _ in range(3):
        make_due(failed.id)
        execute(failed.id)
    db.session.commit()  # the command shares this session: end its old snapshot
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    assert "In attesa: 1 (il più vecchio da" in result.output
    assert "Falliti: 1" in result.output
    assert f"#{failed.id} tests.fail [failed, tentativi 3/3" in result.output
    assert "RuntimeError: casella piena" in result.output


def test_retry_command_puts_a_failed_job_back_with_fresh_attempts(app, runner, ran):
    failed = enqueue("tests.fail", "rotto")
    for _ in range(2):
        make_due(failed.id)
        execute(failed.id)
    assert jobs(id=failed.id)[0].status == JobStatus.FAILED
    result = runner.invoke(args=["jobs", "retry", "--failed"])
    assert result.exit_code == 0 and "Job rimessi in coda: 1." in result.output
    [job] = jobs(id=failed.id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)


def test_prune_deletes_old_done_jobs_and_keeps_failed_ones(app, runner, ran):
    done = enqueue("tests.record", "vecchio").id
    failed = enqueue("tests.fail", "da guardare").id
    for _ in range(2):
        make_due(failed)
        execute(failed)
    with write_intent():
        db.session.execute(update(Job).values(finished_at=utcnow() - timedelta(days=30)))
        db.session.commit()
    result = runner.invoke(args=["jobs", "prune"])
    assert result.exit_code == 0 and "eliminati: 1." in result.output
    assert [j.id for j in jobs()] == [failed] and done != failed


def test_unknown_task_name_fails_in_the_caller(app):
    with pytest.raises(KeyError):
        enqueue("tests.inesistente")


def test_retry_skips_a_failed_job_whose_key_is_pending_again(app, runner, ran):
    def fail(key: str) -> Job:
        job = enqueue("tests.fail", "rotto", key=key)
        for _ in range(2):
            make_due(job.id)
            execute(job.id)
        return job

    first, second = fail("casella"), fail("casella")  # failed twice with one key
    pending = enqueue("tests.fail", "di nuovo", key="altra")
    lone = fail("sola")
    assert jobs(id=pending.id)[0].status == JobStatus.PENDING
    with write_intent():  # a new pending job of the failed jobs' key
        db.session.execute(update(Job).where(Job.id == pending.id).values(key="sola"))
        db.session.commit()
    result = runner.invoke(args=["jobs", "retry", "--failed"])
    assert result.exit_code == 0 and "Job rimessi in coda: 1." in result.output
    states = {job.id: job.status for job in jobs()}
    assert states[second.id] == JobStatus.PENDING  # the newest of its key
    assert states[first.id] == states[lone.id] == JobStatus.FAILED


def test_a_task_that_ends_its_job_in_its_own_write_costs_one_write_fewer(app, ran, no_handoff):
    job_id = enqueue("tests.record_and_finish", "in una scrittura").id
    begins: list[str] = []

    def on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        begins.append("begin")

    from sqlalchemy import event

    event.listen(db.engine, "begin", on_begin)
    try:
        assert execute(job_id, app) is not None
    finally:
        event.remove(db.engine, "begin", on_begin)
    [job] = jobs(id=job_id)
    assert (job.status, ran) == (JobStatus.DONE, [["in una scrittura"]])
    assert job.finished_at is not None
    assert len(begins) == 2  # the claim, then the task's write that also ends the job


def test_a_task_that_fails_after_ending_its_job_is_retried(app, no_handoff):
    job_id = enqueue("tests.finish_then_fail").id
    execute(job_id, app)
    [job] = jobs(id=job_id)
    assert job.status == JobStatus.PENDING and "dopo la scrittura" in job.last_error
