"""Read paths for the files of questions and answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import Answer, PostAttachment, Question

PostKey = tuple[str, int]  # ("question", id) or ("answer", id), as the page's votes


def for_posts(question_id: int, answer_ids: Sequence[int]) -> dict[PostKey, list[PostAttachment]]:
    """The files currently listed under a question and the given answers, by post, in one
    statement (the page passes the answers its viewer sees)."""
    where = PostAttachment.question_id == question_id
    if answer_ids:
        where = or_(where, PostAttachment.answer_id.in_(list(answer_ids)))
    listed: dict[PostKey, list[PostAttachment]] = defaultdict(list)
    for row in db.session.scalars(select(PostAttachment).where(
            where, PostAttachment.removed_at.is_(None)).order_by(PostAttachment.id)):
        key = (("question", row.question_id) if row.question_id is not None
               else ("answer", row.answer_id or 0))
        listed[key].append(row)
    return dict(listed)


def listed_on(question_id: int | None = None, answer_id: int | None = None
              ) -> list[PostAttachment]:
    """The files currently listed under one post (for its edit form)."""
    where = (PostAttachment.question_id == question_id if question_id is not None
             else PostAttachment.answer_id == answer_id)
    return list(db.session.scalars(select(PostAttachment).where(
        where, PostAttachment.removed_at.is_(None)).order_by(PostAttachment.id)))


def for_download(attachment_id: int, viewer: Any) -> PostAttachment:
    """A file for whoever may see its post (removed files too: an older revision lists
    them), for admins only once a redaction hid every version listing it; the same 404
    as a missing file otherwise, so nothing about it leaks."""
    missing = NotFound(_("Allegato non trovato."))
    attachment = db.session.get(PostAttachment, attachment_id)
    if attachment is None or (attachment.redacted_at is not None
                              and not permissions.can_see_redacted(viewer)):
        raise missing
    answer = None
    if attachment.answer_id is not None:
        answer = db.session.get(Answer, attachment.answer_id)
        if answer is None:
            raise missing
        question_id = answer.question_id
    else:
        question_id = attachment.question_id or 0
    question = db.session.get(Question, question_id)
    if question is None or not permissions.can_view_question(viewer, question):
        raise missing
    if answer is not None and answer.hidden_at is not None and not permissions.can_view_hidden(
            viewer, answer.author_id, question):
        raise missing
    return attachment
