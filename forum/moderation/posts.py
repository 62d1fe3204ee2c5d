"""Finding a post of any kind with its thread, and what moderators and authors see of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from forum import permissions
from forum.errors import InvalidInput, NotFound
from forum.extensions import db
from forum.models import Answer, Comment, Question

MODELS: dict[str, type[Question] | type[Answer] | type[Comment]] = {
    "question": Question,
    "answer": Answer,
    "comment": Comment,
}
_QUESTION_REF = re.compile(r"^\s*(?:https?://[^/\s]+)?/?(?:domande/)?(\d{1,12})(?:[/?#]\S*)?\s*$")


@dataclass
class PostRef:
    """A post and the question it belongs to (for a question, itself)."""

    post_type: str
    post: Question | Answer | Comment
    question: Question

    @property
    def author_id(self) -> int:
        """Who wrote the post: the person notified and warned."""
        return self.post.author_id

    @property
    def url(self) -> str:
        """Where the post is shown in its thread."""
        anchor = {"question": "domanda", "answer": f"risposta-{self.post.id}",
                  "comment": f"commento-{self.post.id}"}[self.post_type]
        return question_path(self.question.id) + "#" + anchor


def question_path(question_id: int) -> str:
    """The question's address; also outside a request (CLI, service tests) for notifications."""
    if has_request_context():
        return url_for("questions.detail", question_id=question_id)
    return f"/domande/{question_id}"


def load_post(post_type: str, post_id: int, *, for_update: bool = False) -> PostRef:
    """The post and its question; NotFound for unknown types or ids."""
    model = MODELS.get(post_type)
    if model is None:
        raise NotFound(_("Contenuto non trovato."))
    stmt = select(model).where(model.id == post_id)
    if for_update:
        # not the joined group; and the row as it is once locked, not as this session
        # read it earlier in the request (PostgreSQL waits on the lock, then sees the
        # committed row: without populate_existing the identity map would hide it)
        stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
    post: Question | Answer | Comment | None = db.session.execute(
        stmt).scalar_one_or_none()  # type: ignore[assignment]  # one of MODELS
    if post is None:
        raise NotFound(_("Contenuto non trovato."))
    if isinstance(post, Question):
        return PostRef(post_type, post, post)
    question = db.session.get(Question, post.question_id)
    if question is None:
        raise NotFound(_("Contenuto non trovato."))
    return PostRef(post_type, post, question)


def parse_question_ref(raw: str | None, field: str) -> int:
    """A question id from '123', '/domande/123/slug' or a full link; 422 otherwise."""
    match = _QUESTION_REF.match(raw or "")
    if not match:
        raise InvalidInput(
            _("Controlla i campi evidenziati."),
            field_errors={field: [_(
                "Indica la domanda originale con il suo link (/domande/123) o il suo numero."
            )]},
        )
    return int(match.group(1))


def visible_original(question_id: int, field: str, *, duplicate: Question,
                     viewer: Any = None) -> Question:
    """The question a duplicate points to: it must exist, be visible and not be itself;
    the viewer must read it, and so must whoever reads the duplicate (a restricted group's
    thread is the original only of threads of the same group: elsewhere it "does not
    exist")."""
    original = db.session.get(Question, question_id)
    not_id = duplicate.id
    if (original is None or original.is_hidden
            or not permissions.can_read_group_content(viewer, original.group)
            or (original.group is not None and original.group.is_restricted
                and original.group_id != duplicate.group_id)):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            field: [_("La domanda originale indicata non esiste.")]})
    if original.id == not_id:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            field: [_("Una domanda non può essere il duplicato di sé stessa.")]})
    return original
