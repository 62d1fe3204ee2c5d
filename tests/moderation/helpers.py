"""Small helpers of the moderation tests: page text, standing and reputation changes."""

from __future__ import annotations

import html
from datetime import timedelta

from forum.extensions import db
from forum.models import User
from forum.models.base import utcnow


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    """The response body with HTML entities decoded (apostrophes are escaped in pages)."""
    return html.unescape(response.get_data(as_text=True))


def make_pending(user: User) -> User:
    """The account waits for approval."""
    user.status = "pending"
    db.session.commit()
    return user


def suspend(user: User, reason: str = "Linguaggio offensivo ripetuto", days: int = 3) -> User:
    """The account is suspended for `days` with `reason`."""
    user.suspended_until = utcnow() + timedelta(days=days)
    user.suspension_reason = reason
    db.session.commit()
    return user


def set_reputation(user: User, points: int) -> User:
    """Give the user `points` of reputation."""
    user.reputation = points
    db.session.commit()
    return user
