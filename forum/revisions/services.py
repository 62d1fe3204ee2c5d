"""Rolling a post back to an earlier version, through the post's own edit service.

A rollback is an edit with old values: calling `edit_question`, `edit_answer` or
`edit_practice` records the current state as a new revision, renders Markdown, syncs
citations and search exactly as a normal edit does. When a moderator rolls back someone
else's post, the audit row and the author's notification are added to the session first,
so the edit service's single commit writes them together with the change (and its
rollback on any refusal discards them).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.answers.services import edit_answer
from forum.database import write_intent
from forum.errors import Conflict, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import prerender
from forum.models import (
    Answer,
    AnswerRevision,
    Practice,
    PracticeRevision,
    Question,
    QuestionRevision,
    Theme,
    User,
)
from forum.moderation.audit import record_action
from forum.notifications.services import notify
from forum.practices import services as practice_services
from forum.practices.validation import MARKDOWN_FIELDS
from forum.questions.services import edit_question
from forum.revisions.queries import practice_state
from forum.text import clean_line

REASON_MAX = 500


def _revision(model: Any, revision_id: int, owner: str, owner_id: int) -> Any:
    """The revision, only if it belongs to this post: another post's id is simply not found."""
    revision = db.session.get(model, revision_id)
    if revision is None or getattr(revision, owner) != owner_id:
        raise NotFound(_("Versione non trovata."))
    return revision


def _require_visible(actor: Any, hidden_at: Any, author_id: int, theme_id: int) -> None:
    if hidden_at is not None and not permissions.can_view_hidden(actor, author_id, theme_id):
        raise NotFound(_("Contenuto non trovato."))


def _already_current() -> Conflict:
    return Conflict(_(
        "Il contenuto attuale è già identico a questa versione: non c'è nulla da ripristinare."
    ))


def _record_if_moderating(
    actor: User, author_id: int | None, kind: str, post_id: int, revision_id: int,
    reason: str, endpoint: str, **values: Any,
) -> None:
    """A moderator restoring someone else's post leaves an audit row and tells the author,
    with a link to the history, where the restored version is the newest."""
    if author_id is None or author_id == actor.id:
        return
    record_action(actor, "rollback", kind, post_id, reason=reason, revision=revision_id)
    notify(author_id, "post_rolled_back", link=url_for(endpoint, **values))


def _prerender(model: Any, revision_id: int) -> None:
    """Render the revision's text before the write lock; the edit service then finds it."""
    body = db.session.scalar(select(model.body).where(model.id == revision_id))
    if body is not None:
        prerender([body])


def roll_back_question(
    actor: User, question_id: int, revision_id: int, *, reason: str = ""
) -> Question:
    """Restore title, body, tags and theme of a question as they were in a revision."""
    reason = clean_line(reason)[:REASON_MAX]
    _prerender(QuestionRevision, revision_id)
    with write_intent():
        question = db.session.execute(
            select(Question).where(Question.id == question_id)
            .options(selectinload(Question.tags))
        ).scalar_one_or_none()
        if question is None:
            raise NotFound(_("Domanda non trovata."))
        _require_visible(actor, question.hidden_at, question.author_id, question.theme_id)
        revision = _revision(QuestionRevision, revision_id, "question_id", question.id)
        if not permissions.can_edit_question(actor, question):
            raise NotAllowed(_(
                "Solo l'autore o la moderazione possono ripristinare una versione della domanda."
            ))
        current_tags = ", ".join(tag.name for tag in question.tags)
        if (revision.title, revision.body, revision.tags, revision.theme_id) == (
            question.title, question.body, current_tags, question.theme_id
        ):
            raise _already_current()
        theme_slug = db.session.execute(
            select(Theme.slug).where(Theme.id == revision.theme_id)
        ).scalar_one()
        _record_if_moderating(
            actor, question.author_id, "question", question.id, revision.id, reason,
            "revisions.question_history", question_id=question.id,
        )
        return edit_question(
            actor, question.id, title=revision.title, body=revision.body,
            theme_slug=theme_slug, tags=revision.tags,
        )


def roll_back_answer(
    actor: User, answer_id: int, revision_id: int, *, reason: str = ""
) -> Answer:
    """Restore the body of an answer as it was in a revision."""
    reason = clean_line(reason)[:REASON_MAX]
    _prerender(AnswerRevision, revision_id)
    with write_intent():
        answer = db.session.get(Answer, answer_id)
        if answer is None:
            raise NotFound(_("Risposta non trovata."))
        question = db.session.get(Question, answer.question_id)
        if question is None:
            raise NotFound(_("Risposta non trovata."))
        _require_visible(actor, question.hidden_at, question.author_id, question.theme_id)
        _require_visible(actor, answer.hidden_at, answer.author_id, question.theme_id)
        revision = _revision(AnswerRevision, revision_id, "answer_id", answer.id)
        if not permissions.can_edit_answer(actor, answer, question):
            raise NotAllowed(_(
                "Solo l'autore o la moderazione possono ripristinare una versione della risposta."
            ))
        if revision.body == answer.body:
            raise _already_current()
        _record_if_moderating(
            actor, answer.author_id, "answer", answer.id, revision.id, reason,
            "revisions.answer_history", answer_id=answer.id,
        )
        return edit_answer(actor, answer.id, body=revision.body)


def roll_back_practice(
    actor: User, slug: str, revision_id: int, *, reason: str = ""
) -> Practice:
    """Restore every field of a practice as it was in a revision; the status stays as it is."""
    reason = clean_line(reason)[:REASON_MAX]
    snap = db.session.scalar(select(PracticeRevision.snapshot)
                             .where(PracticeRevision.id == revision_id))
    if snap:
        prerender([snap.get(name) or "" for name in MARKDOWN_FIELDS])
    with write_intent():
        practice = db.session.execute(
            select(Practice).where(Practice.slug == slug).options(selectinload(Practice.facets))
        ).scalar_one_or_none()
        if practice is None or not permissions.can_view_practice(actor, practice):
            raise NotFound(_("Buona pratica non trovata."))
        revision = _revision(PracticeRevision, revision_id, "practice_id", practice.id)
        if not permissions.can_edit_practice(actor, practice):
            raise NotAllowed(_("Non puoi ripristinare una versione di questa buona pratica."))
        if practice_state(revision.snapshot) == practice_state(
            practice_services.snapshot(practice)
        ):
            raise _already_current()
        _record_if_moderating(
            actor, practice.created_by_id, "practice", practice.id, revision.id, reason,
            "revisions.practice_history", slug=practice.slug,
        )
        data = {**revision.snapshot, "status": practice.status}
        return practice_services.edit_practice(actor, practice.id, data)
