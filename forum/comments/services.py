"""Comments on questions and answers, with threaded replies."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from forum import permissions
from forum.database import write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Answer, Comment, Question, User
from forum.models.base import utcnow
from forum.text import clean_text

BODY_MIN, BODY_MAX = 2, 1_000


def post_comment(
    author: User,
    question_id: int,
    *,
    body: str,
    answer_id: int | None = None,
    parent_id: int | None = None,
) -> Comment:
    """Comment on a question or one of its answers, or reply to a comment of the same post."""
    if not permissions.can_post(author):
        raise NotAllowed(_("Accedi per commentare."))
    body = clean_text(body)
    with write_intent():
        question_exists = db.session.execute(
            select(Question.id).where(Question.id == question_id)
        ).scalar_one_or_none()
        if question_exists is None:
            raise NotFound(_("Domanda non trovata."))
        if answer_id is not None:
            on_question = db.session.execute(
                select(Answer.question_id).where(Answer.id == answer_id)
            ).scalar_one_or_none()
            if on_question != question_id:
                raise NotFound(_("Risposta non trovata."))
        depth = 0
        if parent_id is not None:
            parent = db.session.get(Comment, parent_id)
            if parent is None or parent.question_id != question_id:
                raise NotFound(_("Commento non trovato."))
            answer_id = parent.answer_id
            depth = parent.depth + 1
            if depth >= current_app.config["COMMENT_MAX_DEPTH"]:
                raise InvalidInput(_(
                    "Questa discussione è già molto annidata: rispondi al commento precedente."
                ), field_errors={"body": [_("Livello massimo di risposte raggiunto.")]})
        if not BODY_MIN <= len(body) <= BODY_MAX:
            raise InvalidInput(
                _("Controlla i campi evidenziati."),
                field_errors={"body": [_(
                    "Il commento deve avere da %(min)d a %(max)d caratteri.",
                    min=BODY_MIN, max=BODY_MAX,
                )]},
            )
        now = utcnow()
        comment = Comment(
            question_id=question_id,
            answer_id=answer_id,
            parent_id=parent_id,
            depth=depth,
            author_id=author.id,
            body=body,
            body_html=render_markdown(body),
            created_at=now,
        )
        db.session.add(comment)
        db.session.execute(
            update(Question).where(Question.id == question_id).values(last_activity_at=now)
        )
        db.session.commit()
    return comment
