"""Moderators redact personal data from a published question, answer or comment.

The post gets the redacted text through the same Markdown rendering as any edit (search
follows through the normal sync, which watches the post), the text it had is kept as a
revision, and that revision and every earlier one become visible to admins only: they
are the versions that held the personal data. A question's or answer's files can be taken
off too: every file the post no longer lists (taken off now or by an earlier edit) is then
listed only by hidden versions, and downloadable by admins only. With nothing to change
in the post, a redaction still hides the earlier versions and removed files that are
visible. The row lock on the post makes concurrent redactions queue up; the second one
finds nothing left to redact (409), so a crowd of identical requests leaves one revision,
one audit row and one notification.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.answers.services import check_answer_body
from forum.comments.services import BODY_MAX as COMMENT_MAX
from forum.comments.services import BODY_MIN as COMMENT_MIN
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    Answer,
    Notification,
    PostAttachment,
    Question,
    Revision,
    RevisionKind,
    User,
)
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.moderation.flags import require_moderator_of
from forum.moderation.posts import PostRef, load_post
from forum.moderation.services import checked_reason
from forum.notifications.services import notify
from forum.post_attachments import services as post_files
from forum.privacy.guard import scan
from forum.questions.services import question_field_errors
from forum.revisions.records import answer_snapshot, question_snapshot, record_revision
from forum.text import clean_line, clean_text

OMISSIS = "[omissis]"


def _check_text(post_type: str, title: str, body: str) -> None:
    if post_type == "question":
        errors = question_field_errors(title, body, [])
        if errors:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    elif post_type == "answer":
        check_answer_body(body)
    elif not COMMENT_MIN <= len(body) <= COMMENT_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"body": [_(
            "Il commento deve avere da %(min)d a %(max)d caratteri.",
            min=COMMENT_MIN, max=COMMENT_MAX)]})


def _snapshot(ref: PostRef) -> dict[str, Any]:
    post = ref.post
    if isinstance(post, Question):
        db.session.execute(select(Question).where(Question.id == post.id)
                           .options(selectinload(Question.tags))
                           .execution_options(populate_existing=True)).scalar_one()  # tags
        return question_snapshot(post)
    if isinstance(post, Answer):
        return answer_snapshot(post)
    return {"body": post.body}


def _retitle_notifications(question_id: int, title: str) -> None:
    """Notifications keep the thread's title they were sent with: give them the redacted
    one (e-mails already sent cannot be recalled)."""
    notes = db.session.scalars(select(Notification).where(
        Notification.subject_type == "question", Notification.subject_id == question_id))
    for note in notes:
        if note.params.get("title") is not None:
            note.params = {**note.params, "title": title}


def files_of(ref: PostRef) -> list[PostAttachment]:
    """Every file the post ever had, removed ones too (comments have none)."""
    if isinstance(ref.post, Question):
        return post_files.files_of(post_files.PostRef(question_id=ref.post.id))
    if isinstance(ref.post, Answer):
        return post_files.files_of(post_files.PostRef(answer_id=ref.post.id))
    return []


def _has_visible_versions(kind: RevisionKind, post_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Revision.content_type == kind, Revision.content_id == post_id,
        Revision.redacted_at.is_(None)))))


def load_for_redaction(actor: User, post_type: str, post_id: int) -> PostRef:
    """The post a moderator is about to redact (404 unknown, 403 not theirs to moderate)."""
    ref = load_post(post_type, post_id)
    require_moderator_of(actor, ref)
    return ref


def redact_post(actor: User, post_type: str, post_id: int, *, body: str, title: str = "",
                reason: str, remove_files: Collection[int] = ()) -> PostRef:
    """Replace a post's text with a redacted one, take off `remove_files` (ids of the
    post's files; others are ignored), and hide the versions and files that held the data.

    `title` is used for questions only. The reason is required: it goes to the audit log
    and to the author's notification. Nothing to change and nothing left to hide is a
    conflict (another moderator has just done it).
    """
    reason = checked_reason(reason)
    body, title = clean_text(body), clean_line(title)
    if post_type != "question":
        title = ""
    _check_text(post_type, title, body)
    body_html = render_markdown(body)  # CPU work before the write lock
    with write_intent():
        ref = load_post(post_type, post_id, for_update=True)
        require_moderator_of(actor, ref)
        if not permissions.can_redact(actor, ref.question):
            raise NotAllowed(_("Solo la moderazione può oscurare dati personali."))
        post = ref.post
        kind = RevisionKind(post_type)
        files = files_of(ref)
        removing = {row.id for row in files if row.id in remove_files and row.removed_at is None}
        text_changed = body != post.body or (isinstance(post, Question) and title != post.title)
        if not text_changed and not removing and not _has_visible_versions(kind, post.id) \
                and not any(row.removed_at is not None and row.redacted_at is None
                            for row in files):
            raise Conflict(_("Il testo e gli allegati sono identici a quelli pubblicati e le "
                             "versioni precedenti sono già oscurate: non c'è nulla da oscurare "
                             "(forse un altro moderatore lo ha appena fatto)."))
        now = utcnow()
        db.session.execute(
            update(Revision)
            .where(Revision.content_type == kind, Revision.content_id == post.id,
                   Revision.redacted_at.is_(None))
            .values(redacted_at=now)
        )
        revision = None
        if text_changed or removing:  # the version that held the data, hidden at once
            revision = record_revision(kind, post.id, actor.id, _snapshot(ref))
            revision.redacted_at = now
        hidden = post_files.redact_files(files, removing)
        if isinstance(post, Question) and title != post.title:
            post.title = title
            _retitle_notifications(post.id, title)
        if text_changed:
            post.body = body
            post.body_html = body_html
        if isinstance(post, Question | Answer):
            post.updated_at = now
        db.session.flush()
        record_action(actor, "redact_post", post_type, post.id, reason=reason,
                      question=ref.question.id, revision=revision.id if revision else None,
                      files=[row.id for row in hidden] or None)
        notify(ref.author_id, "post_redacted", link=ref.url, reason=reason)
        db.session.commit()
    return ref


def replace_finding(text: str, index: int) -> str:
    """`text` with its `index`-th guard finding replaced by [omissis] (the redaction page's
    one-click button); an index that no longer matches changes nothing."""
    findings = scan(text)
    if not 0 <= index < len(findings):
        return text
    found = findings[index]
    return text[:found.start] + OMISSIS + text[found.end:]
