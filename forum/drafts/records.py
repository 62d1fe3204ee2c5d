"""Dropping a draft: the call the ask and answer services make when the post is published.

A leaf module (models only), so those services can import it without importing the
drafts service, which reads their limits.
"""

from __future__ import annotations

from sqlalchemy import delete

from forum.extensions import db
from forum.models import Draft, DraftKind


def drop_draft(user_id: int, kind: DraftKind, question_id: int | None = None) -> None:
    """Delete the member's draft of this form, in the caller's transaction."""
    db.session.execute(delete(Draft).where(
        Draft.user_id == user_id, Draft.kind == kind,
        Draft.question_id.is_(None) if question_id is None else Draft.question_id == question_id))
