"""The audit log: every moderator and admin action, written in the action's transaction."""

from __future__ import annotations

from typing import Any

from forum.extensions import db
from forum.models import AuditEntry, User


def record_action(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    reason: str = "",
    **details: Any,
) -> AuditEntry:
    """Add an audit row to the current transaction, so the action and its record commit together.

    `actor` is None for actions the system takes by rule (e.g. trusted flags hiding a post).
    """
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    return entry
