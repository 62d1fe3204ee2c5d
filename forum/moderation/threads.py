"""Questions as knowledge: close (with duplicates), reopen, lock and unlock threads."""

from __future__ import annotations

from flask_babel import gettext as _

from forum.database import write_intent
from forum.errors import Conflict, InvalidInput
from forum.extensions import db
from forum.models import Question, User
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.moderation.flags import require_moderator_of, resolve_flags
from forum.moderation.labels import CLOSE_REASONS
from forum.moderation.posts import (
    PostRef,
    load_post,
    parse_question_ref,
    question_path,
    visible_original,
)
from forum.moderation.services import checked_reason
from forum.notifications.services import notify


def _moderated_question(actor: User, question_id: int) -> PostRef:
    ref = load_post("question", question_id, for_update=True)
    require_moderator_of(actor, ref)
    return ref


def close_question(
    actor: User, question_id: int, *, reason: str, note: str = "", duplicate_of: str = ""
) -> Question:
    """Close a question: no new answers; answers and solution stay, and it stays findable."""
    if reason not in CLOSE_REASONS:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "reason": [_("Scegli un motivo di chiusura dall'elenco.")]})
    note = checked_reason(note, required=False)
    with write_intent():
        ref = _moderated_question(actor, question_id)
        question = ref.question
        if question.is_closed:
            raise Conflict(_("La domanda è già chiusa."))
        original = None
        if reason == "duplicate":
            original = visible_original(
                parse_question_ref(duplicate_of, "duplicate_of"), "duplicate_of",
                duplicate=question, viewer=actor,
            )
            if original.duplicate_of_id == question.id:
                raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                    "duplicate_of": [_("Quella domanda è già un duplicato di questa.")]})
        question.closed_at = utcnow()
        question.closed_by_id = actor.id
        question.close_reason = reason
        question.close_note = note
        question.duplicate_of_id = original.id if original is not None else None
        resolve_flags(ref, actor, "closed")
        record_action(actor, "close_question", "question", question.id, reason=note,
                      close_reason=reason, duplicate_of=question.duplicate_of_id)
        notify(question.author_id, "question_closed", link=ref.url,
               reason=_(CLOSE_REASONS[reason]))
        db.session.commit()
    return question


def reopen_question(actor: User, question_id: int, *, reason: str = "") -> Question:
    """Reopen a closed question; a duplicate link is removed with it."""
    reason = checked_reason(reason, required=False)
    with write_intent():
        ref = _moderated_question(actor, question_id)
        question = ref.question
        if not question.is_closed:
            raise Conflict(_("La domanda non è chiusa."))
        record_action(actor, "reopen_question", "question", question.id, reason=reason,
                      was=question.close_reason)
        question.closed_at = None
        question.closed_by_id = None
        question.close_reason = None
        question.close_note = ""
        question.duplicate_of_id = None
        notify(question.author_id, "question_reopened", link=question_path(question.id))
        db.session.commit()
    return question


def lock_question(actor: User, question_id: int, *, reason: str) -> Question:
    """Lock a heated thread: no edits, votes, comments or answers until unlocked."""
    reason = checked_reason(reason)
    with write_intent():
        question = _moderated_question(actor, question_id).question
        if question.is_locked:
            raise Conflict(_("La discussione è già bloccata."))
        question.locked_at = utcnow()
        question.locked_by_id = actor.id
        question.lock_reason = reason
        record_action(actor, "lock_question", "question", question.id, reason=reason)
        db.session.commit()
    return question


def unlock_question(actor: User, question_id: int, *, reason: str = "") -> Question:
    """Unlock a thread."""
    reason = checked_reason(reason, required=False)
    with write_intent():
        question = _moderated_question(actor, question_id).question
        if not question.is_locked:
            raise Conflict(_("La discussione non è bloccata."))
        question.locked_at = None
        question.locked_by_id = None
        question.lock_reason = ""
        record_action(actor, "unlock_question", "question", question.id, reason=reason)
        db.session.commit()
    return question
