"""Voting rules: one vote per user and post, never on one's own post, exact scores."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from forum import reputation
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Answer, Question, User, Vote
from forum.votes.services import cast_vote
from tests.factories import make_answer, make_question, make_user


def test_upvote_raises_score_and_author_reputation(app):
    question = make_question()
    voter = make_user()
    result = cast_vote(voter, "question", question.id, 1)
    assert result.score == 1
    author = db.session.get(User, question.author_id)
    db.session.refresh(author)
    assert author.reputation == reputation.BASE + reputation.QUESTION_UPVOTE


def test_changing_vote_moves_score_by_two_and_retract_restores_it(app):
    answer = make_answer(make_question())
    voter = make_user()
    assert cast_vote(voter, "answer", answer.id, 1).score == 1
    assert cast_vote(voter, "answer", answer.id, -1).score == -1
    assert cast_vote(voter, "answer", answer.id, 0).score == 0
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    assert reputation.find_drift() == []


def test_voting_twice_the_same_way_is_a_conflict(app):
    question = make_question()
    voter = make_user()
    cast_vote(voter, "question", question.id, 1)
    with pytest.raises(Conflict):
        cast_vote(voter, "question", question.id, 1)
    assert db.session.get(Question, question.id).score == 1


def test_retracting_a_missing_vote_is_a_conflict(app):
    with pytest.raises(Conflict):
        cast_vote(make_user(), "question", make_question().id, 0)


def test_voting_on_own_post_is_forbidden(app):
    author = make_user()
    question = make_question(author)
    with pytest.raises(NotAllowed):
        cast_vote(author, "question", question.id, 1)
    assert db.session.get(Question, question.id).score == 0


def test_vote_on_missing_post_or_bad_value_is_refused(app):
    voter = make_user()
    with pytest.raises(NotFound):
        cast_vote(voter, "answer", 999, 1)
    with pytest.raises(InvalidInput):
        cast_vote(voter, "question", 1, 5)
    with pytest.raises(InvalidInput):
        cast_vote(voter, "comment", 1, 1)


def test_concurrent_votes_from_threads_leave_the_exact_score(app):
    """Twenty voters in parallel threads, each flipping its vote: no lost update."""
    question = make_question()
    answer = make_answer(question)
    voters = [make_user() for _ in range(20)]
    ids = [(v.id, v.get_id()) for v in voters]
    answer_id = answer.id
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(ids), timeout=30)

    def work(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.expunge(user)
                db.session.close()  # hold no pooled connection while waiting
                barrier.wait()
                cast_vote(user, "answer", answer_id, 1)
                cast_vote(user, "answer", answer_id, -1)
                if user_id % 2:
                    cast_vote(user, "answer", answer_id, 1)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(uid,)) for uid, _ in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db.session.rollback()  # end the test's read snapshot
    total = db.session.scalar(select(func.sum(Vote.value)).where(Vote.answer_id == answer_id))
    assert db.session.get(Answer, answer_id).score == total
    ups = sum(1 for uid, _ in ids if uid % 2)
    assert total == ups - (len(ids) - ups)
    assert reputation.find_drift() == []
