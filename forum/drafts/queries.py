"""Reading a member's draft of a form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.models import Draft, DraftKind


def draft_of(user: Any, kind: DraftKind, question_id: int | None = None) -> Draft | None:
    """The member's unsent text of this form (of this question, for answers); None for
    visitors and when there is none."""
    if not getattr(user, "is_authenticated", False):
        return None
    target = question_id if kind == DraftKind.ANSWER else None
    return db.session.scalar(select(Draft).where(
        Draft.user_id == user.id, Draft.kind == kind,
        Draft.question_id.is_(None) if target is None else Draft.question_id == target))


def as_json(draft: Draft | None) -> dict[str, Any] | None:
    """A draft as the form's script reads it (what it restores and when it was saved)."""
    if draft is None:
        return None
    return {"kind": draft.kind, "question_id": draft.question_id, "title": draft.title,
            "body": draft.body, "tags": draft.tags,
            "updated_at": draft.updated_at.isoformat(timespec="seconds") + "Z"}
