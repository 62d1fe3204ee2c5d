"""Answering, editing answers, and accepting a solution."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from forum import attachments, permissions, reputation
from forum.database import write_intent
from forum.drafts.records import drop_draft
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.guidelines.links import cited_guidelines, sync_guideline_citations
from forum.markup import render_markdown
from forum.models import (
    Acceptance,
    Answer,
    DraftKind,
    FollowTarget,
    Level,
    Question,
    RevisionKind,
    User,
)
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.notifications.activity import Event, publish
from forum.notifications.follows import auto_follow
from forum.post_attachments.services import PostRef, attach, change_listed
from forum.practices.links import cited_slugs, sync_citations
from forum.privacy.check import require_no_personal_data
from forum.questions.services import checked_files, get_question_for_update
from forum.revisions.records import answer_snapshot, record_revision
from forum.routing.services import schedule_accept_reminder
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

BODY_MIN, BODY_MAX = 20, 30_000


def check_answer_body(body: str) -> None:
    """Refuse (422) an answer body outside the length limits."""
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=_body_errors())


def _body_errors() -> dict[str, list[str]]:
    return {"body": [_("La risposta deve avere da %(min)d a %(max)d caratteri.",
                       min=BODY_MIN, max=BODY_MAX)]}


def _checked_answer(body: str, uploads: Sequence[FileStorage | None]
                    ) -> list[attachments.CheckedFile]:
    """The body's length and the files, judged together so one refusal shows both."""
    errors = {} if BODY_MIN <= len(body) <= BODY_MAX else _body_errors()
    checked = checked_files(uploads, errors)
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    return checked


def post_answer(
    author: User, question_id: int, *, body: str, practice: str | None = None,
    confirmed_personal_data: bool = False, uploads: Sequence[FileStorage | None] = (),
) -> Answer:
    """Answer a question; bumps its answer count and activity time; records citations.

    `practice` is a practice picked or pasted in the form (slug or link); links to
    practices inside the body count as citations too. Suspected personal data needs
    `confirmed_personal_data`. The files chosen are listed under the answer; the author's
    unsent draft for this question goes with the publication.
    """
    require_member(author, _("Accedi per rispondere."))
    body = clean_text(body)
    checked = _checked_answer(body, uploads)
    require_no_personal_data(confirmed_personal_data, body=body)
    body_html = render_markdown(body)  # CPU work before the write lock
    with attachments.stored_all(checked) as stored_names, write_intent():
        question = get_question_for_update(question_id)
        if question.is_hidden or not permissions.can_read_group_content(author, question.group):
            raise NotFound(_("Domanda non trovata."))  # a restricted group's: members only
        if question.is_locked:
            raise Conflict(_("La discussione è bloccata: non accetta nuove risposte."))
        if question.is_closed:
            raise Conflict(_("La domanda è chiusa: non accetta nuove risposte."))
        now = utcnow()
        answer = Answer(
            question_id=question.id,
            author_id=author.id,
            body=body,
            body_html=body_html,
            created_at=now,
        )
        db.session.add(answer)
        db.session.flush()
        attach(PostRef(answer_id=answer.id), author.id, checked, stored_names)
        drop_draft(author.id, DraftKind.ANSWER, question.id)
        sync_citations(answer, cited_slugs(body, practice))
        sync_guideline_citations(answer, cited_guidelines(body))
        db.session.execute(
            update(Question)
            .where(Question.id == question.id)
            .values(answer_count=Question.answer_count + 1, last_activity_at=now)
        )
        auto_follow(author.id, FollowTarget.QUESTION, question.id, Level.TRACKING)
        publish(Event.ANSWER_POSTED, author.id, answer=answer.id)
        if author.id != question.author_id and question.accepted_answer_id is None \
                and question.accept_reminded_at is None:
            schedule_accept_reminder(question.id)
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
    editor: User, answer_id: int, *, body: str, practice: str | None = None,
    confirmed_personal_data: bool = False, uploads: Sequence[FileStorage | None] = (),
    remove_attachments: Collection[int] = (), listed_attachments: Collection[int] | None = None,
) -> Answer:
    """Change an answer and its files, keeping the previous version (files included) as a
    revision; suspected personal data needs confirming. A rollback passes the files to
    list in `listed_attachments`."""
    body = clean_text(body)
    checked = _checked_answer(body, uploads)
    require_no_personal_data(confirmed_personal_data, body=body)
    body_html = render_markdown(body)  # CPU work before the write lock
    with attachments.stored_all(checked) as stored_names, write_intent():
        answer = _answer_for_update(answer_id)
        question = get_question_for_update(answer.question_id)
        if not permissions.can_edit_answer(editor, answer, question):
            if question.is_locked and permissions.is_active_member(editor):
                raise NotAllowed(_("La discussione è bloccata: non si può modificare."))
            require_member(editor, _("Accedi per modificare la risposta."))
            raise NotAllowed(_("Solo l'autore o la moderazione possono modificare la risposta."))
        if editor.id != answer.author_id:
            record_action(editor, "edit_post", "answer", answer.id)
        record_revision(RevisionKind.ANSWER, answer.id, editor.id, answer_snapshot(answer))
        change_listed(PostRef(answer_id=answer.id), editor.id, checked, stored_names,
                      remove=remove_attachments, listed=listed_attachments)
        now = utcnow()
        answer.body = body
        answer.body_html = body_html
        answer.updated_at = now
        sync_citations(answer, cited_slugs(body, practice))
        sync_guideline_citations(answer, cited_guidelines(body))
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


def withdraw_current(acceptance: Acceptance, question: Question, actor: User | None) -> None:
    """Withdraw a solution mark and its points; `actor` None when a rule did it (auto-hide)."""
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
    acceptance.withdrawn_by_id = actor.id if actor is not None else None
    question.accepted_answer_id = None
    db.session.flush()


def accept_answer(actor: User, answer_id: int, *, note: str = "") -> Acceptance:
    """Mark an answer as the solution, replacing any previous one; recorded for audit.

    A moderator validating someone else's thread may add a note shown with the solution.
    """
    note = clean_line(note)[:500]
    with write_intent():
        answer = db.session.get(Answer, answer_id)
        if answer is None:
            raise NotFound(_("Risposta non trovata."))
        question = get_question_for_update(answer.question_id)
        if not permissions.can_accept(actor, question):
            require_member(actor, _("Accedi per accettare una risposta."))
            raise NotAllowed(_(
                "Solo chi ha posto la domanda o la moderazione possono accettare una risposta."
            ))
        if answer.is_hidden:
            raise Conflict(_("Una risposta nascosta non può essere la soluzione."))
        current = _current_acceptance(question.id)
        if current is not None and current.answer_id == answer.id:
            raise Conflict(_("Questa risposta è già la soluzione accettata."))
        if current is not None:
            withdraw_current(current, question, actor)
        as_moderator = actor.id != question.author_id
        acceptance = Acceptance(
            question_id=question.id,
            answer_id=answer.id,
            accepted_by_id=actor.id,
            as_moderator=as_moderator,
            note=note if as_moderator else "",
        )
        if as_moderator:
            record_action(actor, "accept_answer", "answer", answer.id, reason=note,
                          question=question.id)
        db.session.add(acceptance)
        question.accepted_answer_id = answer.id
        question.last_activity_at = utcnow()
        reputation.add_points(reputation.acceptance_points(
            answer_author_id=answer.author_id,
            asker_id=question.author_id,
            as_moderator=as_moderator,
        ))
        publish(Event.ANSWER_ACCEPTED, actor.id, answer=answer.id)
        db.session.commit()
    return acceptance


def withdraw_acceptance(actor: User, question_id: int) -> Question:
    """Remove the current solution mark; the record stays, marked as withdrawn."""
    with write_intent():
        question = get_question_for_update(question_id)
        if not permissions.can_accept(actor, question):
            require_member(actor, _("Accedi per continuare."))
            raise NotAllowed(_(
                "Solo chi ha posto la domanda o la moderazione possono ritirare l'accettazione."
            ))
        current = _current_acceptance(question.id)
        if current is None:
            raise Conflict(_("Questa domanda non ha una risposta accettata."))
        if actor.id != question.author_id:
            record_action(actor, "withdraw_acceptance", "question", question.id,
                          answer=current.answer_id)
        withdraw_current(current, question, actor)
        publish(Event.ACCEPTANCE_WITHDRAWN, actor.id, answer=current.answer_id)
        db.session.commit()
    return question
