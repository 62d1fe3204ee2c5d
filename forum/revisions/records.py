"""Writing a revision: the one call every edit service makes before it changes a post.

A leaf module (models only), so the question, answer and practice services can import
it without importing the rollback code that calls them back.
"""

from __future__ import annotations

from typing import Any

from forum.extensions import db
from forum.models import Answer, Question, Revision, RevisionKind


def question_snapshot(question: Question) -> dict[str, Any]:
    """What a question's history compares and a rollback restores (tags must be loaded)."""
    return {"title": question.title, "body": question.body,
            "tags": ", ".join(tag.name for tag in question.tags), "theme_id": question.theme_id}


def answer_snapshot(answer: Answer) -> dict[str, Any]:
    """An answer's versions differ only in their text."""
    return {"body": answer.body}


def record_revision(kind: RevisionKind, content_id: int, editor_id: int | None,
                    snapshot: dict[str, Any]) -> Revision:
    """Keep the state before an edit, in the edit's own transaction (one commit for both)."""
    revision = Revision(content_type=kind, content_id=content_id, editor_id=editor_id,
                        snapshot=snapshot)
    db.session.add(revision)
    return revision
