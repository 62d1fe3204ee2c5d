"""Answers, edits with revisions, and acceptance records."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum import reputation
from forum.answers.services import accept_answer, edit_answer, post_answer, withdraw_acceptance
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Acceptance, Answer, Question, Revision, User
from tests.factories import make_answer, make_question, make_user


def test_post_answer_counts_it_on_the_question(app):
    question = make_question()
    make_answer(question)
    make_answer(question)
    assert db.session.get(Question, question.id).answer_count == 2


def test_empty_or_short_answer_is_refused_and_nothing_written(app):
    question = make_question()
    with pytest.raises(InvalidInput) as info:
        post_answer(make_user(), question.id, body="   corta ")
    assert "body" in info.value.field_errors
    assert db.session.scalars(select(Answer)).all() == []
    assert db.session.get(Question, question.id).answer_count == 0


def test_answer_to_missing_question_is_not_found(app):
    with pytest.raises(NotFound):
        post_answer(make_user(), 12345, body="Una risposta sufficientemente lunga.")


def test_edit_answer_keeps_a_revision_and_only_author_or_moderator_may(app):
    author = make_user()
    answer = make_answer(make_question(), author, body="Prima versione della risposta, lunga.")
    with pytest.raises(NotAllowed):
        edit_answer(make_user(), answer.id, body="Testo di un estraneo, abbastanza lungo.")
    edit_answer(author, answer.id, body="Seconda versione della risposta, lunga.")
    moderator = make_user("moderator")
    edit_answer(moderator, answer.id, body="Terza versione, corretta dalla moderazione.")
    revisions = db.session.scalars(
        select(Revision).order_by(Revision.id)
    ).all()
    assert [r.snapshot["body"] for r in revisions] == [
        "Prima versione della risposta, lunga.",
        "Seconda versione della risposta, lunga.",
    ]


def test_asker_accepts_answer_and_record_says_so(app):
    asker = make_user()
    question = make_question(asker)
    answerer = make_user()
    answer = make_answer(question, answerer)
    acceptance = accept_answer(asker, answer.id)
    assert acceptance.as_moderator is False
    assert db.session.get(Question, question.id).accepted_answer_id == answer.id
    db.session.refresh(answerer)
    assert answerer.reputation == reputation.BASE + reputation.ANSWER_ACCEPTED
    assert reputation.find_drift() == []


def test_moderator_acceptance_is_recorded_as_validation(app):
    question = make_question()
    answer = make_answer(question)
    acceptance = accept_answer(make_user("moderator"), answer.id)
    assert acceptance.as_moderator is True


def test_accepting_on_someone_elses_question_is_forbidden(app):
    question = make_question()
    answer = make_answer(question)
    with pytest.raises(NotAllowed):
        accept_answer(make_user(), answer.id)
    assert db.session.scalars(select(Acceptance)).all() == []


def test_changing_the_accepted_answer_keeps_the_old_record_withdrawn(app):
    asker = make_user()
    question = make_question(asker)
    first, second = make_answer(question), make_answer(question)
    accept_answer(asker, first.id)
    with pytest.raises(Conflict):
        accept_answer(asker, first.id)
    accept_answer(asker, second.id)
    rows = db.session.scalars(select(Acceptance).order_by(Acceptance.id)).all()
    assert [(r.answer_id, r.withdrawn_at is not None) for r in rows] == [
        (first.id, True), (second.id, False)
    ]
    assert db.session.get(Question, question.id).accepted_answer_id == second.id
    assert reputation.find_drift() == []


def test_withdraw_acceptance_unsolves_and_restores_reputation(app):
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question)
    accept_answer(asker, answer.id)
    withdraw_acceptance(asker, question.id)
    assert db.session.get(Question, question.id).accepted_answer_id is None
    assert db.session.get(User, answer.author_id).reputation == reputation.BASE
    with pytest.raises(Conflict):
        withdraw_acceptance(asker, question.id)
    assert reputation.find_drift() == []


def test_self_answer_accepted_earns_no_reputation(app):
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question, asker)
    accept_answer(asker, answer.id)
    db.session.refresh(asker)
    assert asker.reputation == reputation.BASE
