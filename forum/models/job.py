"""Background jobs: the outbox row a change writes in its own transaction, so slow or
external work (mail, index updates) survives a crash between commit and hand-off."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class JobStatus(StrEnum):
    """Where a job stands (the values are stored): pending waits for `run_after`,
    running was claimed by one worker, failed used up its attempts."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# At most one pending job per key: a burst of commits asking for the same work (say, "apply
# the search outbox") leaves one job to run. A partial unique index holds under concurrency
# on SQLite and PostgreSQL alike, and `INSERT ... ON CONFLICT` uses it without an error.
PENDING_KEY_WHERE = text("status = 'pending' AND \"key\" IS NOT NULL")


class Job(Model):
    """One call of a registered task with JSON arguments, retried with backoff."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s.value}'" for s in JobStatus) + ")",
            name="status_valid",
        ),
        Index("uq_jobs_pending_key", "key", unique=True,
              sqlite_where=PENDING_KEY_WHERE, postgresql_where=PENDING_KEY_WHERE),
        Index("ix_jobs_status_run_after", "status", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(80))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    key: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
