"""In-app notifications: written with the action that causes them, read by their owner."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from forum.database import write_intent
from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Notification, User
from forum.models.base import utcnow
from forum.notifications.messages import MESSAGES


def notify(user_id: int, kind: str, *, link: str = "", **params: Any) -> Notification:
    """Queue a notification in the current transaction; `kind` must have a message."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    note = Notification(user_id=user_id, kind=kind, link=link, params=params)
    db.session.add(note)
    return note


def unread_count(user_id: int) -> int:
    """How many notifications the user has not opened yet (the header badge)."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    ) or 0


def recent_notifications(user_id: int, limit: int = 50) -> list[Notification]:
    """The user's latest notifications, newest first."""
    return list(db.session.execute(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).scalars())


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user as read; returns how many changed."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        result = db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)  # a CursorResult for UPDATE
