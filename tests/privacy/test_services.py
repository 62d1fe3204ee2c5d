"""The guard in the publishing services: refused without confirmation (nothing saved),
published with it; the same rule for the HTTP API, which calls the same services."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.answers.services import edit_answer, post_answer
from forum.comments.services import post_comment
from forum.conversations.services import post_message, start_conversation
from forum.errors import PersonalDataSuspected
from forum.extensions import db
from forum.models import Answer, Comment, Conversation, Message, Question
from forum.moderation.suggestions import edit_or_suggest
from forum.questions.services import ask_question, edit_question
from tests.factories import make_answer, make_question, make_user

PERSONAL = "La mamma di Giulia chiede aiuto: chiamatela al 333 1234567 per l'affido."
CLEAN = "Come organizzate gli incontri con le famiglie affidatarie nel vostro ambito?"


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _ask(author, body: str, **kw):  # type: ignore[no-untyped-def]
    return ask_question(author, title="Incontri con le famiglie affidatarie", body=body,
                        theme_slug="servizi-educativi-0-6", **kw)


def test_asking_with_personal_data_is_refused_and_nothing_is_saved(app):
    author = make_user()
    with pytest.raises(PersonalDataSuspected) as caught:
        _ask(author, PERSONAL)
    assert caught.value.status_code == 422
    text, findings = caught.value.findings["body"]
    assert text == PERSONAL
    assert {str(f.kind) for f in findings} == {"nome_minore", "telefono"}
    assert count(Question) == 0


def test_asking_with_the_confirmation_publishes(app):
    question = _ask(make_user(), PERSONAL, confirmed_personal_data=True)
    assert question.body == PERSONAL


def test_a_clean_text_needs_no_confirmation(app):
    assert _ask(make_user(), CLEAN).id


def test_the_title_is_scanned_too(app):
    with pytest.raises(PersonalDataSuspected) as caught:
        ask_question(make_user(), title="Affido di Giulia, nata il 3/4/2015", body=CLEAN,
                     theme_slug="servizi-educativi-0-6")
    assert "title" in caught.value.findings


def test_editing_a_question_or_answer_scans_again(app):
    author = make_user()
    question = make_question(author)
    with pytest.raises(PersonalDataSuspected):
        edit_question(author, question.id, title=question.title, body=PERSONAL,
                      theme_slug="servizi-educativi-0-6")
    db.session.refresh(question)
    assert question.body != PERSONAL
    answer = make_answer(question, author)
    with pytest.raises(PersonalDataSuspected):
        edit_answer(author, answer.id, body=PERSONAL)
    with pytest.raises(PersonalDataSuspected):
        edit_or_suggest(author, "answer", answer.id, body=PERSONAL)
    edit_answer(author, answer.id, body=PERSONAL, confirmed_personal_data=True)
    assert db.session.get(Answer, answer.id).body == PERSONAL


def test_answers_and_comments_are_guarded(app):
    asker = make_user()
    question = make_question(asker)
    before = count(Answer), count(Comment)
    with pytest.raises(PersonalDataSuspected):
        post_answer(make_user(), question.id, body=PERSONAL)
    with pytest.raises(PersonalDataSuspected):
        post_comment(asker, question.id, body="Il cell. del padre è 347 1234567")
    assert (count(Answer), count(Comment)) == before
    post_comment(asker, question.id, body="Il cell. del padre è 347 1234567",
                 confirmed_personal_data=True)
    assert count(Comment) == before[1] + 1


def test_private_messages_are_guarded_before_sending(app):
    anna, bruno = make_user(), make_user()
    with pytest.raises(PersonalDataSuspected):
        start_conversation(anna, recipients=bruno.username, subject="Un caso",
                           body="Scrivi alla madre: giulia.bianchi85@gmail.com")
    assert count(Conversation) == 0
    conversation = start_conversation(anna, recipients=bruno.username, subject="Un caso",
                                      body=CLEAN)
    with pytest.raises(PersonalDataSuspected):
        post_message(bruno, conversation.id, body="CF del bambino BNCLCU15D45F205C")
    assert count(Message) == 1
    post_message(bruno, conversation.id, body="CF del bambino BNCLCU15D45F205C",
                 confirmed_personal_data=True)
    assert count(Message) == 2
