"""Answering, editing answers, and accepting a solution."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from forum import permissions, reputation
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Acceptance, Answer, AnswerRevision, Question, User
from forum.models.base import utcnow
from forum.practices.links import cited_slugs, sync_citations
from forum.questions.services import get_question_for_update
from forum.text import clean_text

BODY_MIN, BODY_MAX = 20, 30_000


def _check_body(body: str) -> None:
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise InvalidInput(
            _("Controlla i campi evidenziati."),
            field_errors={"body": [_(
                "La risposta deve avere da %(min)d a %(max)d caratteri.",
                min=BODY_MIN, max=BODY_MAX,
            )]},
        )


def post_answer(
    author: User, question_id: int, *, body: str, practice: str | None = None
) -> Answer:
    """Answer a question; bumps its answer count and activity time; records citations.

    `practice` is a practice picked or pasted in the form (slug or link); links to
    practices inside the body count as citations too.
    """
    if not permissions.can_post(author):
        raise NotAllowed(_("Accedi per rispondere."))
    body = clean_text(body)
    with write_intent():
        question = get_question_for_update(question_id)
        _check_body(body)
        now = utcnow()
        answer = Answer(
            question_id=question.id,
            author_id=author.id,
            body=body,
            body_html=render_markdown(body),
            created_at=now,
        )
        db.session.add(answer)
        db.session.flush()
        sync_citations(answer, cited_slugs(body, practice))
        db.session.execute(
            update(Question)
            .where(Question.id == question.id)
            .values(answer_count=Question.answer_count + 1, last_activity_at=now)
        )
        db.session.commit()
    return answer


def _answer_for_update(answer_id: int) -> Answer:
    answer = db.session.execute(
        select(Answer).where(Answer.id == answer_id).with_for_update()
    ).scalar_one_or_none()
    if answer is None:
        raise NotFound(_("Risposta non trovata."))
    return answer


def edit_answer(
    editor: User, answer_id: int, *, body: str, practice: str | None = None
) -> Answer:
    """Change an answer, keeping the previous text as a revision."""
    body = clean_text(body)
    with write_intent():
        answer = _answer_for_update(answer_id)
        if not permissions.can_edit_answer(editor, answer):
            raise NotAllowed(_("Solo l'autore o la moderazione possono modificare la risposta."))
        _check_body(body)
        db.session.add(AnswerRevision(answer_id=answer.id, editor_id=editor.id, body=answer.body))
        now = utcnow()
        answer.body = body
        answer.body_html = render_markdown(body)
        answer.updated_at = now
        sync_citations(answer, cited_slugs(body, practice))
        db.session.execute(
            update(Question).where(Question.id == answer.question_id).values(last_activity_at=now)
        )
        db.session.commit()
    return answer


def _current_acceptance(question_id: int) -> Acceptance | None:
    return db.session.execute(
        select(Acceptance).where(
            Acceptance.question_id == question_id, Acceptance.withdrawn_at.is_(None)
        )
    ).scalar_one_or_none()


def _withdraw(acceptance: Acceptance, question: Question, actor: User) -> None:
    answer_author = db.session.execute(
        select(Answer.author_id).where(Answer.id == acceptance.answer_id)
    ).scalar_one()
    reputation.add_points(
        reputation.acceptance_points(
            answer_author_id=answer_author,
            asker_id=question.author_id,
            as_moderator=acceptance.as_moderator,
        ),
        sign=-1,
    )
    acceptance.withdrawn_at = utcnow()
    acceptance.withdrawn_by_id = actor.id
    question.accepted_answer_id = None
    db.session.flush()


def accept_answer(actor: User, answer_id: int) -> Acceptance:
    """Mark an answer as the solution, replacing any previous one; recorded for audit."""
    with write_intent():
        answer = db.session.get(Answer, answer_id)
        if answer is None:
            raise NotFound(_("Risposta non trovata."))
        question = get_question_for_update(answer.question_id)
        if not permissions.can_accept(actor, question):
            raise NotAllowed(_(
                "Solo chi ha posto la domanda o la moderazione possono accettare una risposta."
            ))
        current = _current_acceptance(question.id)
        if current is not None and current.answer_id == answer.id:
            raise Conflict(_("Questa risposta è già la soluzione accettata."))
        if current is not None:
            _withdraw(current, question, actor)
        as_moderator = actor.id != question.author_id
        acceptance = Acceptance(
            question_id=question.id,
            answer_id=answer.id,
            accepted_by_id=actor.id,
            as_moderator=as_moderator,
        )
        db.session.add(acceptance)
        question.accepted_answer_id = answer.id
        question.last_activity_at = utcnow()
        reputation.add_points(reputation.acceptance_points(
            answer_author_id=answer.author_id,
            asker_id=question.author_id,
            as_moderator=as_moderator,
        ))
        db.session.commit()
    return acceptance


def withdraw_acceptance(actor: User, question_id: int) -> Question:
    """Remove the current solution mark; the record stays, marked as withdrawn."""
    with write_intent():
        question = get_question_for_update(question_id)
        if not permissions.can_accept(actor, question):
            raise NotAllowed(_(
                "Solo chi ha posto la domanda o la moderazione possono ritirare l'accettazione."
            ))
        current = _current_acceptance(question.id)
        if current is None:
            raise Conflict(_("Questa domanda non ha una risposta accettata."))
        _withdraw(current, question, actor)
        db.session.commit()
    return question
