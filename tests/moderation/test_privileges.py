"""Reputation privileges: commenting everywhere, voting down; the help page shows them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Answer, Comment, Vote
from forum.votes.services import cast_vote
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.moderation.helpers import page_text, set_reputation


@pytest.fixture
def app_overrides() -> dict:
    """Production-like thresholds, each one different so the help page can be read."""
    return {"PRIVILEGE_COMMENT_EVERYWHERE": 15, "PRIVILEGE_VOTE_DOWN": 25,
            "PRIVILEGE_FLAG_WEIGHT": 55, "PRIVILEGE_SUGGEST_EDIT": 35,
            "FLAG_HIDE_THRESHOLD": 4}


def _comments() -> int:
    return db.session.scalar(select(func.count(Comment.id))) or 0


def _comment(client, question_id: int, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/domande/{question_id}/commenti",
                       data={"body": "Un commento utile per chiarire.", **data})


def _vote(client, answer: Answer, choice: str):  # type: ignore[no-untyped-def]
    return client.post(f"/voti/answer/{answer.id}",
                       data={"voto": choice, "question_id": answer.question_id})


# Commenting --------------------------------------------------------------------------------

def test_comment_on_others_question_without_reputation_is_forbidden(client, login):
    question = make_question()
    login(make_user())
    response = _comment(client, question.id)
    assert response.status_code == 403
    assert "Servono almeno 15 punti di reputazione per commentare i contenuti altrui" in \
        page_text(response)
    assert _comments() == 0


def test_comment_on_others_answer_without_reputation_is_forbidden(client, login):
    question = make_question()
    answer = make_answer(question)
    login(make_user())
    assert _comment(client, question.id, answer_id=answer.id).status_code == 403
    assert _comments() == 0


def test_comment_on_others_post_with_enough_reputation_is_allowed(client, login):
    question = make_question()
    answer = make_answer(question)
    login(set_reputation(make_user(), 15))
    assert _comment(client, question.id).status_code == 303
    assert _comment(client, question.id, answer_id=answer.id).status_code == 303
    assert _comments() == 2


def test_comment_on_own_question_needs_no_reputation(client, login):
    author = make_user()
    question = make_question(author)
    login(author)
    assert _comment(client, question.id).status_code == 303


def test_comment_on_own_answer_needs_no_reputation(client, login):
    question = make_question()
    author = make_user()
    answer = make_answer(question, author)
    login(author)
    assert _comment(client, question.id, answer_id=answer.id).status_code == 303


def test_comment_on_answers_under_own_question_needs_no_reputation(client, login):
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question)
    login(asker)
    assert _comment(client, question.id, answer_id=answer.id).status_code == 303


def test_reply_under_own_question_needs_no_reputation(client, login):
    asker = make_user()
    question = make_question(asker)
    helper = set_reputation(make_user(), 15)
    first = make_comment(question, helper, body="Hai già sentito la regione?")
    login(asker)
    assert _comment(client, question.id, parent_id=first.id).status_code == 303


def test_moderators_comment_everywhere_without_reputation(client, login, moderator):
    question = make_question()
    login(moderator)
    assert _comment(client, question.id).status_code == 303


# Voting down -------------------------------------------------------------------------------

def test_down_vote_without_reputation_is_forbidden_but_up_vote_is_allowed(client, login):
    answer = make_answer(make_question())
    login(make_user())
    response = _vote(client, answer, "giu")
    assert response.status_code == 403
    assert "Servono almeno 25 punti di reputazione per votare negativamente." in page_text(
        response)
    assert db.session.get(Answer, answer.id).score == 0
    assert _vote(client, answer, "su").status_code == 303
    assert db.session.get(Answer, answer.id).score == 1


def test_down_vote_with_enough_reputation_is_allowed(client, login):
    answer = make_answer(make_question())
    login(set_reputation(make_user(), 25))
    assert _vote(client, answer, "giu").status_code == 303
    assert db.session.get(Answer, answer.id).score == -1


def test_retracting_a_down_vote_is_allowed_after_losing_reputation(client, login):
    answer = make_answer(make_question())
    voter = set_reputation(make_user(), 25)
    login(voter)
    assert _vote(client, answer, "giu").status_code == 303
    set_reputation(voter, 3)
    assert _vote(client, answer, "annulla").status_code == 303
    assert db.session.get(Answer, answer.id).score == 0
    assert db.session.scalar(select(func.count(Vote.id))) == 0


def test_turning_a_down_vote_into_an_up_vote_is_allowed_without_reputation(app):
    answer = make_answer(make_question())
    voter = set_reputation(make_user(), 25)
    cast_vote(voter, "answer", answer.id, -1)
    set_reputation(voter, 1)
    assert cast_vote(voter, "answer", answer.id, 1).score == 1


def test_down_vote_on_a_question_also_needs_reputation(app):
    question = make_question()
    with pytest.raises(NotAllowed):
        cast_vote(make_user(), "question", question.id, -1)


def test_moderators_vote_down_without_reputation(app, moderator):
    answer = make_answer(make_question())
    assert cast_vote(moderator, "answer", answer.id, -1).score == -1


# Help page ---------------------------------------------------------------------------------

def test_help_page_shows_the_configured_thresholds(client):
    response = client.get("/aiuto/privilegi")
    assert response.status_code == 200
    text = page_text(response)
    for label, points in (("Commentare ovunque", 15), ("Modifiche proposte", 35),
                          ("Votare negativamente", 25), ("Segnalazioni con peso", 55)):
        assert f'<th scope="row">{label}</th><td>{points}</td>' in text, label
    assert "4 segnalazioni di membri esperti lo nascondono" in text


def test_help_page_describes_the_writing_limits(client):
    text = page_text(client.get("/aiuto/privilegi"))
    assert "Voti: 120 all'ora, 30 al minuto" in text
    assert "Segnalazioni: 30 al giorno, 10 al minuto" in text
