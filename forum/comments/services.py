"""Comments on questions and answers, with threaded replies."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Answer, Comment, FollowTarget, Level, Question, User
from forum.models.base import utcnow
from forum.notifications.activity import Event, publish
from forum.notifications.follows import auto_follow
from forum.privacy.check import require_no_personal_data
from forum.text import clean_text
from forum.users.standing import require_member

BODY_MIN, BODY_MAX = 2, 1_000


def post_comment(
    author: User,
    question_id: int,
    *,
    body: str,
    answer_id: int | None = None,
    parent_id: int | None = None,
    confirmed_personal_data: bool = False,
) -> Comment:
    """Comment on a question or one of its answers, or reply to a comment of the same post;
    suspected personal data needs confirming."""
    require_member(author, _("Accedi per commentare."))
    body = clean_text(body)
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise InvalidInput(
            _("Controlla i campi evidenziati."),
            field_errors={"body": [_(
                "Il commento deve avere da %(min)d a %(max)d caratteri.",
                min=BODY_MIN, max=BODY_MAX,
            )]},
        )
    require_no_personal_data(confirmed_personal_data, body=body)
    body_html = render_markdown(body)  # CPU work before the write lock
    with write_intent():
        question = db.session.get(Question, question_id)
        if question is None or not permissions.can_view_question(author, question):
            raise NotFound(_("Domanda non trovata."))
        depth = 0
        if parent_id is not None:
            parent = db.session.get(Comment, parent_id)
            if parent is None or parent.question_id != question_id or parent.hidden_at:
                raise NotFound(_("Commento non trovato."))
            answer_id = parent.answer_id
            depth = parent.depth + 1
        post_author_id = question.author_id
        if answer_id is not None:
            answer = db.session.get(Answer, answer_id)
            if answer is None or answer.question_id != question_id or answer.hidden_at:
                raise NotFound(_("Risposta non trovata."))
            post_author_id = answer.author_id
        if not permissions.can_comment(author, question, post_author_id):
            if question.is_locked:
                raise Conflict(_("La discussione è bloccata: non accetta commenti."))
            raise NotAllowed(_(
                "Servono almeno %(n)d punti di reputazione per commentare i contenuti altrui "
                "(puoi sempre commentare i tuoi e rispondere sotto la tua domanda).",
                n=permissions.privilege_threshold("comment_everywhere"),
            ))
        if parent_id is not None and depth >= current_app.config["COMMENT_MAX_DEPTH"]:
            raise InvalidInput(_(
                "Questa discussione è già molto annidata: rispondi al commento precedente."
            ), field_errors={"body": [_("Livello massimo di risposte raggiunto.")]})
        now = utcnow()
        comment = Comment(
            question_id=question_id,
            answer_id=answer_id,
            parent_id=parent_id,
            depth=depth,
            author_id=author.id,
            body=body,
            body_html=body_html,
            created_at=now,
        )
        db.session.add(comment)
        db.session.execute(
            update(Question).where(Question.id == question_id).values(last_activity_at=now)
        )
        db.session.flush()
        auto_follow(author.id, FollowTarget.QUESTION, question_id, Level.TRACKING)
        publish(Event.COMMENT_POSTED, author.id, comment=comment.id)
        db.session.commit()
    return comment
