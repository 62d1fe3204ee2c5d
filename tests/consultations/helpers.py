"""A guideline in consultation, for the consultation tests."""

from __future__ import annotations

from datetime import timedelta

from forum.extensions import db
from forum.models import Guideline, GuidelineStatus, User
from forum.models.base import utcnow
from tests.factories import make_guideline


def in_consultation(owner: User | None = None, *, days: int = 10, **overrides) -> Guideline:
    """A published guideline whose next version is open for comments for `days` more days
    (a negative number: closed that many days ago)."""
    guideline = make_guideline(owner, **overrides)
    guideline.status = GuidelineStatus.CONSULTATION
    guideline.consultation_ends_at = utcnow() + timedelta(days=days)
    db.session.commit()
    return guideline
