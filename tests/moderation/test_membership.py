"""Pending and suspended accounts read but do not write, and are told why on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Comment, Flag, Question, Vote
from forum.models.base import utcnow
from tests.factories import make_answer, make_question, make_user
from tests.moderation.helpers import make_pending, page_text, suspend

SUSPENSION_REASON = "Messaggi promozionali ripetuti"
PENDING_TEXT = "in attesa di approvazione da parte della moderazione"


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture(params=["pending", "suspended"])
def restricted(request, app):  # type: ignore[no-untyped-def]
    """A pending or a suspended member, with the words that explain their standing."""
    if request.param == "pending":
        return make_pending(make_user()), PENDING_TEXT
    return suspend(make_user(), reason=SUSPENSION_REASON), SUSPENSION_REASON


@pytest.fixture
def thread(app):  # type: ignore[no-untyped-def]
    """A question with an answer by two other members."""
    question = make_question()
    return question, make_answer(question)


def test_restricted_member_cannot_ask(client, login, restricted):
    user, words = restricted
    login(user)
    before = _count(Question)
    response = client.post("/domande/nuova", data={
        "title": "Come si organizza un centro estivo comunale?",
        "body": "Vorremmo sapere come organizzare un centro estivo con pochi fondi.",
        "theme": "servizi-educativi-0-6", "tags": "estate"})
    assert response.status_code == 403
    assert words in page_text(response)
    assert _count(Question) == before


def test_restricted_member_cannot_answer(client, login, restricted, thread):
    user, words = restricted
    question, _answer = thread
    login(user)
    response = client.post(f"/domande/{question.id}/risposte",
                           data={"body": "Una risposta che non dovrebbe essere pubblicata."})
    assert response.status_code == 403
    assert words in page_text(response)
    assert _count(Answer) == 1


def test_restricted_member_cannot_comment(client, login, restricted, thread):
    user, words = restricted
    question, _answer = thread
    login(user)
    response = client.post(f"/domande/{question.id}/commenti",
                           data={"body": "Un commento che non dovrebbe comparire."})
    assert response.status_code == 403
    assert words in page_text(response)
    assert _count(Comment) == 0


def test_restricted_member_cannot_vote(client, login, restricted, thread):
    user, words = restricted
    question, answer = thread
    login(user)
    response = client.post(f"/voti/answer/{answer.id}",
                           data={"voto": "su", "question_id": question.id})
    assert response.status_code == 403
    assert words in page_text(response)
    assert db.session.get(Answer, answer.id).score == 0
    assert _count(Vote) == 0


def test_restricted_member_voting_with_javascript_gets_the_reason_as_json(
        client, login, restricted, thread):
    user, words = restricted
    question, _answer = thread
    login(user)
    response = client.post(f"/voti/question/{question.id}", data={"voto": "su"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert words in response.get_json()["error"]


def test_restricted_member_cannot_flag(client, login, restricted, thread):
    user, words = restricted
    question, _answer = thread
    login(user)
    response = client.post(f"/segnala/question/{question.id}", data={"reason": "spam"})
    assert response.status_code == 403
    assert words in page_text(response)
    assert _count(Flag) == 0


def test_restricted_member_can_still_read(client, login, restricted, thread):
    user, _words = restricted
    question, _answer = thread
    login(user)
    assert client.get("/domande").status_code == 200
    assert client.get(f"/domande/{question.id}").status_code == 200
    assert client.get("/aiuto/privilegi").status_code == 200


def test_pending_member_sees_a_banner_on_every_page(client, login):
    login(make_pending(make_user()))
    for path in ("/domande", "/aiuto/privilegi", "/notifiche"):
        text = page_text(client.get(path))
        assert "Il tuo account è in attesa di approvazione" in text, path
        assert "puoi leggere, ma non ancora scrivere, votare o segnalare" in text, path


def test_suspended_member_sees_until_when_and_why(client, login):
    login(suspend(make_user(), reason=SUSPENSION_REASON))
    text = page_text(client.get("/domande"))
    assert "Il tuo account è sospeso fino al" in text
    assert f"Motivo: {SUSPENSION_REASON}" in text


def test_rejected_member_is_told_the_request_was_not_approved(client, login, thread):
    question, _answer = thread
    user = make_user()
    user.status = "rejected"
    db.session.commit()
    login(user)
    assert "La tua richiesta di iscrizione non è stata approvata" in page_text(
        client.get("/domande"))
    assert client.post(f"/domande/{question.id}/risposte",
                       data={"body": "Una risposta che non va pubblicata."}).status_code == 403


def test_active_member_sees_no_standing_banner(client, login):
    login(make_user())
    text = page_text(client.get("/domande"))
    assert "puoi leggere, ma non" not in text


def test_question_page_shows_restricted_members_why_they_cannot_answer(client, login, thread):
    question, _answer = thread
    login(make_pending(make_user()))
    text = page_text(client.get(f"/domande/{question.id}"))
    assert PENDING_TEXT in text


def test_member_whose_suspension_ended_writes_again(client, login, thread):
    question, _answer = thread
    user = make_user()
    user.suspended_until = utcnow() - timedelta(minutes=1)
    user.suspension_reason = SUSPENSION_REASON
    db.session.commit()
    login(user)
    assert "sospeso" not in page_text(client.get("/domande"))
    response = client.post(f"/domande/{question.id}/risposte",
                           data={"body": "Ora che la sospensione è finita posso rispondere."})
    assert response.status_code == 303
