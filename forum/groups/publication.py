"""Publishing a solved group thread to the public space, so knowledge does not stay
locked in a group: a facilitator proposes, the asker agrees, a copy is made.

The copy holds the question and its accepted answer (the solution), with their authors,
and points back to its source; the source points to its copy. No acceptance row is
written for the copy, so nobody earns reputation twice for one solution.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Answer, Question, User
from forum.models.base import utcnow
from forum.notifications.services import notify
from forum.users.standing import require_member


def _unpublished(actor: User, question_id: int) -> Question:
    """The source thread, row-locked, that the actor reads and that has no copy yet."""
    question = db.session.execute(
        select(Question).where(Question.id == question_id)
        .options(selectinload(Question.tags)).with_for_update(of=Question)).scalar_one_or_none()
    if question is None or not permissions.can_view_question(actor, question):
        raise NotFound(_("Domanda non trovata."))
    if question.published_copy_id is not None:
        raise Conflict(_("Questa discussione è già stata pubblicata."))
    return question


def request_publication(actor: User, question_id: int) -> Question:
    """A facilitator proposes the publication; when they asked the question themselves,
    their proposal is their consent and the copy is made at once. Returns the source."""
    require_member(actor, _("Accedi per proporre la pubblicazione."))
    with write_intent():
        question = _unpublished(actor, question_id)
        if not permissions.can_request_publication(actor, question):
            raise NotAllowed(_("Solo i facilitatori del tavolo possono proporre di pubblicare "
                               "una discussione risolta."))
        if actor.id == question.author_id:
            _publish(question)
        else:
            if question.publication_requested_at is not None:
                raise Conflict(_("La pubblicazione è già stata proposta: si attende il "
                                 "consenso di chi ha fatto la domanda."))
            question.publication_requested_at = utcnow()
            question.publication_requested_by_id = actor.id
            assert question.group is not None
            notify(question.author_id, "group_publication_requested",
                   link=f"/domande/{question.id}#pubblicazione", title=question.title,
                   group=question.group.name, actor=actor.display_name)
        db.session.commit()
    return question


def answer_publication(actor: User, question_id: int, *, agree: bool) -> Question:
    """The asker agrees (the copy is made) or declines (the proposal is dropped)."""
    require_member(actor, _("Accedi per rispondere."))
    with write_intent():
        question = _unpublished(actor, question_id)
        if not permissions.can_consent_publication(actor, question):
            raise NotAllowed(_("Solo chi ha fatto la domanda può dare il consenso, e solo "
                               "dopo la proposta di un facilitatore."))
        requester = question.publication_requested_by_id
        if agree:
            _publish(question)
        else:
            question.publication_requested_at = None
            question.publication_requested_by_id = None
        if requester is not None and agree:
            assert question.group is not None
            notify(requester, "group_thread_published", link=f"/domande/{question.id}",
                   title=question.title, group=question.group.name)
        db.session.commit()
    return question


def _publish(question: Question) -> Question:
    """Make the public copy (question and accepted answer) inside the caller's
    transaction, which holds the source's row lock: two consents make one copy."""
    solution = db.session.get(Answer, question.accepted_answer_id or 0)
    if solution is None or solution.hidden_at is not None or question.is_hidden:
        raise Conflict(_("Si pubblicano solo le discussioni risolte e visibili."))
    now = utcnow()
    copy = Question(title=question.title, body=question.body, body_html=question.body_html,
                    theme_id=question.theme_id, author_id=question.author_id,
                    tags=list(question.tags), group_id=None, published_from_id=question.id,
                    created_at=now, last_activity_at=now, answer_count=1)
    db.session.add(copy)
    db.session.flush()
    answer = Answer(question_id=copy.id, author_id=solution.author_id, body=solution.body,
                    body_html=solution.body_html, created_at=now)
    db.session.add(answer)
    db.session.flush()
    copy.accepted_answer_id = answer.id
    question.published_copy_id = copy.id
    question.publication_requested_at = None
    return copy
