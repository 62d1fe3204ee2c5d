"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    """Naive UTC now: stored as such on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_values(kind: type[StrEnum]) -> str:
    """The values of a stored enum as a SQL list, for CHECK constraints: "'a', 'b'"."""
    return ", ".join(f"'{member.value}'" for member in kind)
