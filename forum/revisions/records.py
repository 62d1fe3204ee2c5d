"""Writing a revision: the one call every edit service makes before it changes a post.

A leaf module (models only), so the question, answer and practice services can import
it without importing the rollback code that calls them back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.models import Answer, PostAttachment, Question, Revision, RevisionKind


def listed_files(*, question_id: int | None = None, answer_id: int | None = None
                 ) -> list[dict[str, Any]]:
    """The files a post lists now, as a revision remembers them (id, name, size): the
    version keeps its downloads after a later edit removes them."""
    where = (PostAttachment.question_id == question_id if question_id is not None
             else PostAttachment.answer_id == answer_id)
    return [row.as_snapshot() for row in db.session.scalars(
        select(PostAttachment).where(where, PostAttachment.removed_at.is_(None))
        .order_by(PostAttachment.id))]


def question_snapshot(question: Question) -> dict[str, Any]:
    """What a question's history compares and a rollback restores (tags must be loaded)."""
    return {"title": question.title, "body": question.body,
            "tags": ", ".join(tag.name for tag in question.tags), "theme_id": question.theme_id,
            "attachments": listed_files(question_id=question.id)}


def answer_snapshot(answer: Answer) -> dict[str, Any]:
    """An answer's versions differ in their text and the files they list."""
    return {"body": answer.body, "attachments": listed_files(answer_id=answer.id)}


def record_revision(kind: RevisionKind, content_id: int, editor_id: int | None,
                    snapshot: dict[str, Any]) -> Revision:
    """Keep the state before an edit, in the edit's own transaction (one commit for both)."""
    revision = Revision(content_type=kind, content_id=content_id, editor_id=editor_id,
                        snapshot=snapshot)
    db.session.add(revision)
    return revision
