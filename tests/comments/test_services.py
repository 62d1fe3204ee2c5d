"""Comments and threaded replies."""

from __future__ import annotations

import pytest

from forum.comments.services import post_comment
from forum.errors import InvalidInput, NotAllowed, NotFound
from tests.factories import make_answer, make_question, make_user


def test_reply_inherits_the_post_and_goes_one_level_deeper(app):
    question = make_question()
    answer = make_answer(question)
    user = make_user()
    top = post_comment(user, question.id, body="Sulla risposta", answer_id=answer.id)
    reply = post_comment(user, question.id, body="Risposta al commento", parent_id=top.id)
    assert (reply.answer_id, reply.depth) == (answer.id, 1)


def test_replies_stop_at_the_depth_limit(app):
    question = make_question()
    user = make_user()
    parent = post_comment(user, question.id, body="Livello zero")
    for _ in range(app.config["COMMENT_MAX_DEPTH"] - 1):
        parent = post_comment(user, question.id, body="Livello successivo", parent_id=parent.id)
    with pytest.raises(InvalidInput):
        post_comment(user, question.id, body="Troppo profondo", parent_id=parent.id)


def test_comment_on_answer_of_another_question_is_not_found(app):
    other_answer = make_answer(make_question())
    with pytest.raises(NotFound):
        post_comment(make_user(), make_question().id, body="Ciao", answer_id=other_answer.id)


def test_empty_comment_and_anonymous_are_refused(app):
    from flask_login import AnonymousUserMixin

    question = make_question()
    with pytest.raises(InvalidInput):
        post_comment(make_user(), question.id, body="  ")
    with pytest.raises(NotAllowed):
        post_comment(AnonymousUserMixin(), question.id, body="Ciao a tutti")
