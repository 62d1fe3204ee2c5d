"""Retention: `flask privacy purge` deletes personal data that outlived its purpose, and
the access log keeps ACCESS_LOG_RETENTION_DAYS days of files."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Job, JobStatus, Notification
from forum.models.base import utcnow
from forum.privacy.access_log import LOGGER, handler_for
from forum.privacy.retention import prune_personal_data
from tests.factories import make_user


def _old_job(status: str, days: int) -> Job:
    moment = utcnow() - timedelta(days=days)
    job = Job(task="mail.send", args=["a@b.example", "s", "corpo"], status=status,
              created_at=moment, updated_at=moment, finished_at=moment, run_after=moment)
    db.session.add(job)
    return job


def test_old_notifications_jobs_and_outbox_files_are_pruned(app):
    user = make_user()
    old = Notification(user_id=user.id, kind="warning", params={"reason": "x"},
                       created_at=utcnow() - timedelta(days=400))
    recent = Notification(user_id=user.id, kind="warning", params={"reason": "y"})
    db.session.add_all([old, recent])
    _old_job(JobStatus.DONE, 40)
    _old_job(JobStatus.FAILED, 40)
    _old_job(JobStatus.DONE, 2)
    pending = _old_job(JobStatus.PENDING, 40)
    pending.finished_at = None
    db.session.commit()
    old_id, recent_id = old.id, recent.id
    outbox = Path(app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    stale, fresh = outbox / "old.eml", outbox / "new.eml"
    stale.write_text("To: a@b.example")
    fresh.write_text("To: c@d.example")
    past = time.time() - 40 * 86400
    os.utime(stale, (past, past))

    counts = prune_personal_data()
    assert counts["notifications"] >= 1 and counts["jobs"] == 2
    assert counts["outbox_files"] == 1
    assert not stale.exists() and fresh.exists()
    db.session.expunge_all()
    assert db.session.get(Notification, recent_id) is not None
    assert db.session.get(Notification, old_id) is None
    assert db.session.scalar(select(func.count(Job.id))) >= 2  # pending and recent stay
    assert prune_personal_data()["jobs"] == 0  # a second run finds nothing


def test_purge_command_reports_each_step(runner):
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Esportazioni scadute: 0" in result.output
    assert "Account cancellati: 0" in result.output
    assert "Eliminati (notifications)" in result.output


def test_access_log_handler_keeps_the_configured_days(tmp_path):
    handler = handler_for(str(tmp_path / "logs" / "access.log"), 90)
    assert handler.backupCount == 90 and handler.when == "MIDNIGHT"
    handler.close()


@pytest.fixture
def app_overrides(tmp_path) -> dict:
    """The app writes its access log in the test's folder, kept 7 days."""
    return {"ACCESS_LOG_PATH": str(tmp_path / "access.log"), "ACCESS_LOG_RETENTION_DAYS": 7}


def test_app_writes_one_access_line_per_request(app, client, tmp_path):
    client.get("/privacy")
    logger = logging.getLogger(LOGGER)
    for handler in logger.handlers:
        handler.flush()
    text = (tmp_path / "access.log").read_text()
    assert '"GET /privacy" 200' in text
    assert any(getattr(h, "backupCount", None) == 7 for h in logger.handlers)
    for handler in list(logger.handlers):  # the next app opens its own file
        logger.removeHandler(handler)
        handler.close()


def test_accessibility_needs_are_cleared_after_the_event(app):
    from forum.events.registrations import Answers, register
    from forum.models import Registration
    from tests.events.helpers import published_event

    member = make_user()
    event = published_event(make_user("moderator"))
    registration = register(member, event.id, Answers(accessibility_needs="Sedia a rotelle"))
    registration_id = registration.id
    assert prune_personal_data()["accessibility_needs"] == 0  # the event is to come
    later = event.ends_at + timedelta(days=31)
    assert prune_personal_data(later)["accessibility_needs"] == 1
    db.session.expunge_all()
    assert db.session.get_one(Registration, registration_id).accessibility_needs == ""
