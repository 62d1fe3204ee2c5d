"""Read paths of the open data: public questions with their accepted answers, read in
batches, and the last-modified dates of the datasets (one statement each).

No personal data: no names, usernames or organisations of members; only the kind of
administration (organisation type) the asker and the answerer work for.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from forum import permissions
from forum.extensions import db
from forum.models import Answer, Practice, PracticeStatus, Question, User

QUESTION_COLUMNS = (
    "id", "url", "title", "body", "theme", "tags", "created_at", "updated_at", "score",
    "answer_count", "asker_organisation_type", "accepted_answer_body",
    "accepted_answer_created_at", "accepted_answer_score",
    "answerer_organisation_type",
)


def _public_questions() -> Any:
    """Public threads (no restricted group), not hidden."""
    return and_(Question.hidden_at.is_(None), permissions.public_questions())


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat() + "Z"


def question_records() -> Iterator[dict[str, Any]]:
    """Every public, visible question with its accepted answer when that is visible too,
    oldest first, read 500 at a time (one statement per batch, plus one for its tags)."""
    answerer = aliased(User)
    stmt = (
        select(Question, Answer, answerer.organisation_type)
        .outerjoin(Answer, and_(Answer.id == Question.accepted_answer_id,
                                Answer.hidden_at.is_(None)))
        .outerjoin(answerer, answerer.id == Answer.author_id)
        .where(_public_questions())
        .options(joinedload(Question.theme), joinedload(Question.author),
                 selectinload(Question.tags))
        .order_by(Question.id)
        .execution_options(yield_per=500)
    )
    for question, answer, answerer_type in db.session.execute(stmt):
        yield {
            "id": question.id,
            "url": url_for("questions.detail", question_id=question.id, _external=True),
            "title": question.title,
            "body": question.body,
            "theme": question.theme.slug,
            "tags": [tag.name for tag in question.tags],
            "created_at": _iso(question.created_at),
            "updated_at": _iso(question.updated_at),
            "score": question.score,
            "answer_count": question.answer_count,
            "asker_organisation_type": question.author.organisation_type or None,
            "accepted_answer_body": answer.body if answer is not None else None,
            "accepted_answer_created_at": _iso(answer.created_at) if answer else None,
            "accepted_answer_score": answer.score if answer is not None else None,
            "answerer_organisation_type": (answerer_type or None) if answer else None,
        }


def question_csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """Tags joined with '|' for CSV."""
    return dict(record, tags="|".join(record["tags"]))


def questions_modified() -> datetime | None:
    """When the questions dataset last changed: the latest activity on a public thread."""
    return db.session.scalar(select(func.max(Question.last_activity_at))
                             .where(_public_questions()))


def practices_modified() -> datetime | None:
    """When the practices dataset last changed: the latest publication or edit."""
    return db.session.scalar(
        select(func.max(func.coalesce(Practice.updated_at, Practice.published_at)))
        .where(Practice.status == PracticeStatus.PUBLISHED))
