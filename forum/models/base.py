"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC now: stored as such on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)
