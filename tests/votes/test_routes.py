"""Voting over HTTP, with JavaScript (JSON) and without (form and redirect)."""

from __future__ import annotations

from forum.extensions import db
from forum.models import Answer, Question
from tests.factories import make_answer, make_question, make_user

JSON = {"Accept": "application/json"}


def test_vote_with_javascript_returns_the_new_score(client, login, app):
    question = make_question()
    login(make_user())
    response = client.post(f"/voti/question/{question.id}", data={"voto": "su"}, headers=JSON)
    assert response.status_code == 200
    assert response.get_json() == {"score": 1, "value": 1}
    response = client.post(f"/voti/question/{question.id}", data={"voto": "giu"}, headers=JSON)
    assert response.get_json() == {"score": -1, "value": -1}


def test_vote_without_javascript_redirects_to_the_post(client, login, app):
    question = make_question()
    answer = make_answer(question)
    login(make_user())
    response = client.post(f"/voti/answer/{answer.id}",
                           data={"voto": "su", "question_id": question.id})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/domande/{question.id}#risposta-{answer.id}")
    assert db.session.get(Answer, answer.id).score == 1


def test_voting_twice_is_409_and_own_post_403(client, login, app):
    author = make_user()
    question = make_question(author)
    login(make_user())
    client.post(f"/voti/question/{question.id}", data={"voto": "su"}, headers=JSON)
    twice = client.post(f"/voti/question/{question.id}", data={"voto": "su"}, headers=JSON)
    assert twice.status_code == 409
    assert "già espresso" in twice.get_json()["error"]
    login(author)
    own = client.post(f"/voti/question/{question.id}",
                      data={"voto": "su", "question_id": question.id})
    assert own.status_code == 403
    assert "Non puoi votare i tuoi contenuti" in own.get_data(as_text=True)
    assert db.session.get(Question, question.id).score == 1


def test_vote_bad_value_missing_post_and_anonymous(client, login, app):
    question = make_question()
    assert client.post(f"/voti/question/{question.id}", data={"voto": "su"},
                       headers=JSON).status_code == 401
    login(make_user())
    assert client.post(f"/voti/question/{question.id}", data={"voto": "molto"}).status_code == 400
    assert client.post("/voti/answer/9999", data={"voto": "su"}, headers=JSON).status_code == 404
    assert client.get(f"/voti/question/{question.id}").status_code == 405
