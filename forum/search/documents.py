"""Database rows to ``SearchDocument``s, in a fixed number of queries.

The only place the app builds search documents: sync, drift checks and rebuilds all read
them from here, so whatever one indexes, the others compare and repair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from forum.markup import plain_text
from forum.models import Answer, Practice, PracticeStatus, Question, User
from search_index import SearchDocument, doc_id

BATCH = 500


def _stamp(*moments: Any) -> str:
    return "|".join(m.isoformat() if m else "-" for m in moments)


def question_docs(session: Session, ids: Iterable[int]
                  ) -> tuple[list[SearchDocument], list[str]]:
    """Documents for these questions, and the doc ids of those that no longer exist."""
    wanted = sorted(set(ids))
    if not wanted:
        return [], []
    questions = list(session.execute(
        select(Question).where(Question.id.in_(wanted))
        .options(joinedload(Question.theme), joinedload(Question.author),
                 selectinload(Question.tags))
    ).unique().scalars())
    answers: dict[int, list[Answer]] = defaultdict(list)
    for answer in session.execute(
        select(Answer)
        .where(Answer.question_id.in_(wanted), Answer.hidden_at.is_(None))
        .order_by(Answer.id)
    ).scalars():
        answers[answer.question_id].append(answer)
    docs = [question_doc(q, answers[q.id]) for q in questions]
    found = {q.id for q in questions}
    return docs, [doc_id("question", i) for i in wanted if i not in found]


def question_doc(question: Question, answers: list[Answer]) -> SearchDocument:
    """One question with its answers' text; the accepted answer also on its own field."""
    accepted = next((plain_text(a.body_html) for a in answers
                     if a.id == question.accepted_answer_id), "")
    author: User = question.author
    return SearchDocument(
        kind="question",
        id=question.id,
        title=question.title,
        body="\n\n".join([plain_text(question.body_html),
                           *(plain_text(a.body_html) for a in answers)]),
        accepted=accepted,
        tags=tuple(t.name for t in question.tags),
        theme=question.theme.slug,
        themes=(question.theme.slug,),
        region=author.region_code or "",
        solved=question.accepted_answer_id is not None,
        votes=question.score,
        created=question.created_at,
        updated=question.last_activity_at,
        visible=not question.is_hidden,
        group=question.group_id,
        # the group is in the stamp: an index from before groups shows every question as
        # stale to `flask search check`, and `flask search sync` files each in its group
        stamp=_stamp(question.last_activity_at, question.updated_at) + f"|{len(answers)}"
              + f"|{question.accepted_answer_id or 0}|{int(question.is_hidden)}"
              + f"|{question.score}|{author.region_code or ''}|g{question.group_id or 0}",
    )


def practice_docs(session: Session, ids: Iterable[int]
                  ) -> tuple[list[SearchDocument], list[str]]:
    """Documents for these practices (hidden unless published), and vanished doc ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return [], []
    practices = list(session.execute(
        select(Practice).where(Practice.id.in_(wanted)).options(selectinload(Practice.facets))
    ).scalars())
    found = {p.id for p in practices}
    return [practice_doc(p) for p in practices], [
        doc_id("practice", i) for i in wanted if i not in found
    ]


def practice_doc(practice: Practice) -> SearchDocument:
    """One practice: every text field searchable, visible only when published."""
    text = [practice.summary, plain_text(practice.description_html),
            practice.lead_organisation, practice.municipality or "",
            plain_text(practice.results_html), plain_text(practice.evaluation_html),
            plain_text(practice.transferability_notes_html), plain_text(practice.challenges_html),
            practice.budget_notes or "",
            " ".join(p.get("name", "") for p in practice.partners or [])]
    return SearchDocument(
        kind="practice",
        id=practice.id,
        title=practice.title,
        body="\n\n".join(t for t in text if t),
        accepted="",
        tags=tuple(practice.values("keyword")),
        theme=practice.main_theme,
        themes=tuple(practice.values("theme")),
        region=practice.region_code or "",
        solved=False,
        votes=0,
        created=practice.published_at or practice.created_at,
        updated=practice.updated_at or practice.created_at,
        visible=practice.status == PracticeStatus.PUBLISHED,
        level=practice.level_of_government,
        evidence=practice.evidence_level,
        stamp=_stamp(practice.updated_at, practice.published_at) + f"|{practice.status}",
    )


def all_docs(session: Session) -> Iterator[SearchDocument]:
    """Every document, in batches (for rebuilds and drift checks)."""
    for model, build in ((Question, question_docs), (Practice, practice_docs)):
        ids = list(session.execute(select(model.id).order_by(model.id)).scalars())
        for start in range(0, len(ids), BATCH):
            docs, _gone = build(session, ids[start:start + BATCH])
            yield from docs
            session.expunge_all()


def count_docs(session: Session) -> int:
    """How many documents a rebuild will write."""
    from sqlalchemy import func

    return (session.scalar(select(func.count(Question.id))) or 0) + (
        session.scalar(select(func.count(Practice.id))) or 0)
