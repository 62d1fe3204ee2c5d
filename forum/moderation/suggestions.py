"""Edits proposed by members who may not edit a post directly; a moderator approves or rejects.

Approval goes through the normal edit services, so the revision, search sync and
citations are the same as for any edit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import prerender
from forum.models import Answer, EditSuggestion, PostType, Question, SuggestionStatus, Theme, User
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.moderation.flags import require_moderator_of
from forum.moderation.posts import load_post, question_path
from forum.moderation.queries import review_scope_clause
from forum.moderation.services import checked_reason
from forum.notifications.services import notify
from forum.privacy.check import require_no_personal_data
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

SUMMARY_MAX = 300


def edit_or_suggest(
    actor: User, post_type: str, post_id: int, *, body: str, title: str = "",
    tags: str = "", theme_slug: str = "", summary: str = "", practice: str | None = None,
    confirmed_personal_data: bool = False, uploads: Sequence[FileStorage | None] = (),
    remove_attachments: Collection[int] = (),
) -> permissions.EditMode:
    """The edit page's one call: an author or moderator edits, another member with enough
    reputation proposes the change to a moderator (`permissions.edit_mode` decides).
    Files are added and removed only by a direct edit (a proposal carries text)."""
    from forum.answers.services import edit_answer
    from forum.questions.services import edit_question

    if post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound(_("Contenuto non trovato."))
    ref = load_post(post_type, post_id)
    assert isinstance(ref.post, Question | Answer)  # comments are not edited here
    mode = permissions.edit_mode(actor, ref.post, ref.question)
    if mode == permissions.EditMode.SUGGEST:
        propose_edit(actor, post_type, post_id, body=body, title=title, tags=tags,
                     summary=summary, confirmed_personal_data=confirmed_personal_data)
    elif post_type == PostType.QUESTION:
        edit_question(actor, post_id, title=title, body=body, theme_slug=theme_slug, tags=tags,
                      confirmed_personal_data=confirmed_personal_data, uploads=uploads,
                      remove_attachments=remove_attachments)
    else:
        edit_answer(actor, post_id, body=body, practice=practice,
                    confirmed_personal_data=confirmed_personal_data, uploads=uploads,
                    remove_attachments=remove_attachments)
    return mode or permissions.EditMode.EDIT


def propose_edit(
    author: User,
    post_type: str,
    post_id: int,
    *,
    body: str,
    title: str = "",
    tags: str = "",
    summary: str = "",
    confirmed_personal_data: bool = False,
) -> EditSuggestion:
    """Record a proposed edit of someone else's question or answer for a moderator; the
    privacy guard runs here, so approving it later does not ask again."""
    from forum.answers.services import check_answer_body
    from forum.questions.services import parse_tags, question_field_errors

    require_member(author, _("Accedi per proporre una modifica."))
    if post_type not in (PostType.QUESTION, PostType.ANSWER):
        raise NotFound(_("Contenuto non trovato."))
    body, title, summary = clean_text(body), clean_line(title), clean_line(summary)
    if len(summary) > SUMMARY_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "summary": [_("Al massimo %(n)d caratteri.", n=SUMMARY_MAX)]})
    require_no_personal_data(confirmed_personal_data, title=title, body=body)  # before the lock
    with write_intent():
        ref = load_post(post_type, post_id)
        if ref.post.is_hidden or ref.question.is_hidden:
            raise NotFound(_("Contenuto non trovato."))
        if not permissions.can_suggest_edit(author, ref.author_id, ref.question):
            raise NotAllowed(_(
                "Servono almeno %(n)d punti di reputazione per proporre modifiche ai contenuti "
                "altrui.", n=permissions.privilege_threshold("suggest_edit"),
            ))
        tag_names = parse_tags(tags) if post_type == PostType.QUESTION else []
        if post_type == PostType.QUESTION:
            errors = question_field_errors(title, body, tag_names)
            if errors:
                raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
            unchanged = (title, body) == (ref.question.title, ref.question.body)
        else:
            check_answer_body(body)
            unchanged = body == ref.post.body
        if unchanged and post_type == PostType.ANSWER:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                "body": [_("La proposta è identica al testo attuale.")]})
        suggestion = EditSuggestion(
            post_type=post_type, post_id=post_id, question_id=ref.question.id,
            author_id=author.id, title=title, body=body, tags=", ".join(tag_names),
            summary=summary,
        )
        db.session.add(suggestion)
        db.session.commit()
    return suggestion


def _pending(suggestion_id: int) -> EditSuggestion:
    suggestion = db.session.get(EditSuggestion, suggestion_id, with_for_update=True)
    if suggestion is None:
        raise NotFound(_("Proposta di modifica non trovata."))
    if suggestion.status != SuggestionStatus.PENDING:
        raise Conflict(_("Questa proposta è già stata esaminata."))
    return suggestion


def approve_suggestion(actor: User, suggestion_id: int) -> EditSuggestion:
    """Apply a proposed edit through the normal edit service, in the same transaction."""
    from forum.answers.services import edit_answer
    from forum.questions.services import edit_question

    body = db.session.scalar(select(EditSuggestion.body)
                             .where(EditSuggestion.id == suggestion_id))
    if body is not None:
        prerender([body])  # before the write lock; the edit service finds it rendered
    with write_intent():
        suggestion = _pending(suggestion_id)
        ref = load_post(suggestion.post_type, suggestion.post_id)
        require_moderator_of(actor, ref)
        changed_at = getattr(ref.post, "updated_at", None)  # comments are never suggested
        if changed_at is not None and changed_at > suggestion.created_at:
            raise Conflict(_(
                "Il contenuto è cambiato dopo la proposta: respingila e chiedi una nuova proposta."
            ))
        suggestion.status = SuggestionStatus.APPROVED
        suggestion.reviewed_by_id = actor.id
        suggestion.reviewed_at = utcnow()
        record_action(actor, "approve_suggestion", "suggestion", suggestion.id,
                      post_type=suggestion.post_type, post_id=suggestion.post_id,
                      author=suggestion.author_id, question=suggestion.question_id)
        notify(suggestion.author_id, "suggestion_approved",
               link=question_path(suggestion.question_id))
        if suggestion.post_type == "question":
            theme_slug = db.session.scalar(
                select(Theme.slug).where(Theme.id == ref.question.theme_id))
            edit_question(actor, suggestion.post_id, title=suggestion.title,
                          body=suggestion.body, theme_slug=theme_slug or "",
                          tags=suggestion.tags, confirmed_personal_data=True)
        else:
            edit_answer(actor, suggestion.post_id, body=suggestion.body,
                        confirmed_personal_data=True)
    return suggestion


def reject_suggestion(actor: User, suggestion_id: int, *, reason: str = "") -> EditSuggestion:
    """Turn down a proposed edit; its author is told."""
    reason = checked_reason(reason, required=False)
    with write_intent():
        suggestion = _pending(suggestion_id)
        require_moderator_of(actor, load_post(suggestion.post_type, suggestion.post_id))
        suggestion.status = SuggestionStatus.REJECTED
        suggestion.reviewed_by_id = actor.id
        suggestion.reviewed_at = utcnow()
        record_action(actor, "reject_suggestion", "suggestion", suggestion.id, reason=reason,
                      author=suggestion.author_id, question=suggestion.question_id)
        notify(suggestion.author_id, "suggestion_rejected",
               link=question_path(suggestion.question_id))
        db.session.commit()
    return suggestion


def pending_suggestions(viewer: User) -> list[tuple[EditSuggestion, Question | Answer]]:
    """Pending suggestions within the moderator's themes, each with the post it changes."""
    suggestions = list(db.session.execute(
        select(EditSuggestion)
        .where(EditSuggestion.status == SuggestionStatus.PENDING,
               review_scope_clause(viewer, EditSuggestion.question_id))
        .options(joinedload(EditSuggestion.author))
        .order_by(EditSuggestion.created_at).limit(50)
    ).scalars())
    question_ids = {s.post_id for s in suggestions if s.post_type == "question"}
    answer_ids = {s.post_id for s in suggestions if s.post_type == "answer"}
    questions = {q.id: q for q in db.session.execute(
        select(Question).where(Question.id.in_(question_ids))
        .options(selectinload(Question.tags))).scalars()}
    answers = {a.id: a for a in db.session.execute(
        select(Answer).where(Answer.id.in_(answer_ids))).scalars()}
    pairs = []
    for suggestion in suggestions:
        post = (questions if suggestion.post_type == "question" else answers).get(
            suggestion.post_id)
        if post is not None:
            pairs.append((suggestion, post))
    return pairs
