"""Writing limits per member: posting, commenting, voting and flagging answer 429 in Italian."""

from __future__ import annotations

import pytest

from tests.factories import make_answer, make_question, make_user
from tests.moderation.helpers import page_text


@pytest.fixture
def app_overrides() -> dict:
    """Limits on, two writes a minute of each kind."""
    return {"RATELIMIT_ENABLED": True, "VOTE_LIMIT": "2 per minute",
            "COMMENT_LIMIT": "2 per minute", "POST_LIMIT": "2 per minute",
            "FLAG_LIMIT": "2 per minute", "EDIT_LIMIT": "2 per minute"}


@pytest.fixture
def limited(app):  # type: ignore[no-untyped-def]
    """The app, with the limiter's counters empty."""
    from forum.extensions import limiter

    limiter.reset()
    yield app
    limiter.reset()


def _assert_too_many(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    text = page_text(response)
    assert "Troppe richieste" in text
    assert "Riprova tra 1 minuto" in text


def _vote(client, answer):  # type: ignore[no-untyped-def]
    return client.post(f"/voti/answer/{answer.id}",
                       data={"voto": "su", "question_id": answer.question_id})


def _comment(client, question):  # type: ignore[no-untyped-def]
    return client.post(f"/domande/{question.id}/commenti",
                       data={"body": "Un commento utile per chiarire."})


def _answer(client, question):  # type: ignore[no-untyped-def]
    return client.post(f"/domande/{question.id}/risposte",
                       data={"body": "Una risposta con abbastanza testo da pubblicare."})


def _flag(client, question):  # type: ignore[no-untyped-def]
    return client.post(f"/segnala/question/{question.id}", data={"reason": "spam"})


def test_third_vote_in_a_minute_gets_429_with_retry_after(limited, client, login):
    question = make_question()
    answers = [make_answer(question) for _ in range(3)]
    login(make_user())
    assert [_vote(client, a).status_code for a in answers[:2]] == [303, 303]
    _assert_too_many(_vote(client, answers[2]))


def test_vote_limit_with_javascript_answers_json_with_retry_after(limited, client, login):
    question = make_question()
    answers = [make_answer(question) for _ in range(3)]
    login(make_user())
    json = {"Accept": "application/json"}
    for answer in answers[:2]:
        assert client.post(f"/voti/answer/{answer.id}", data={"voto": "su"},
                           headers=json).status_code == 200
    response = client.post(f"/voti/answer/{answers[2].id}", data={"voto": "su"}, headers=json)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Troppi tentativi" in response.get_json()["error"]


def test_vote_limit_is_per_member(limited, client, login):
    question = make_question()
    answers = [make_answer(question) for _ in range(3)]
    login(make_user())
    for answer in answers:
        _vote(client, answer)
    login(make_user())
    assert _vote(client, answers[0]).status_code == 303


def test_third_comment_in_a_minute_gets_429(limited, client, login):
    author = make_user()
    question = make_question(author)
    login(author)
    assert [_comment(client, question).status_code for _ in range(2)] == [303, 303]
    _assert_too_many(_comment(client, question))
    other = make_user()
    login(other)
    assert _comment(client, make_question(other)).status_code == 303


def test_questions_and_answers_share_the_posting_limit(limited, client, login):
    question = make_question()
    login(make_user())
    assert [_answer(client, question).status_code for _ in range(2)] == [303, 303]
    response = client.post("/domande/nuova", data={
        "title": "Come si organizza un centro estivo comunale?",
        "body": "Vorremmo sapere come organizzare un centro estivo con pochi fondi.",
        "theme": "servizi-educativi-0-6", "tags": "estate"})
    _assert_too_many(response)
    login(make_user())
    assert _answer(client, question).status_code == 303


def test_reading_the_question_form_does_not_count(limited, client, login):
    question = make_question()
    login(make_user())
    for _ in range(3):
        assert client.get("/domande/nuova").status_code == 200
    assert _answer(client, question).status_code == 303


def test_third_flag_in_a_minute_gets_429(limited, client, login):
    questions = [make_question() for _ in range(4)]
    login(make_user())
    assert [_flag(client, q).status_code for q in questions[:2]] == [303, 303]
    _assert_too_many(_flag(client, questions[2]))
    login(make_user())
    assert _flag(client, questions[3]).status_code == 303


def test_opening_the_flag_page_does_not_count(limited, client, login):
    question = make_question()
    login(make_user())
    for _ in range(3):
        assert client.get(f"/segnala/question/{question.id}").status_code == 200
    assert _flag(client, question).status_code == 303


def test_limits_of_different_kinds_are_counted_apart(limited, client, login):
    author = make_user()
    question = make_question(author)
    answers = [make_answer(question) for _ in range(2)]
    voter = make_user()
    login(voter)
    for answer in answers:
        assert _vote(client, answer).status_code == 303
    assert _flag(client, question).status_code == 303
    assert _answer(client, question).status_code == 303


def test_help_page_shows_the_configured_limits(limited, client):
    text = page_text(client.get("/aiuto/privilegi"))
    assert "Voti: 2 al minuto" in text
    assert "Commenti: 2 al minuto" in text


def test_third_edit_in_a_minute_gets_429(limited, client, login):
    """Each edit renders Markdown: an author cannot loop on their own post."""
    author = make_user()
    question = make_question(author)
    answer = make_answer(question, author)
    login(author)
    for n in range(2):
        assert client.post(f"/risposte/{answer.id}/modifica", data={
            "body": f"Versione {n} della risposta, con abbastanza testo."}).status_code == 303
    _assert_too_many(client.post(f"/risposte/{answer.id}/modifica", data={
        "body": "Terza versione della risposta, con abbastanza testo."}))
    assert client.get(f"/risposte/{answer.id}/modifica").status_code == 200  # reading is free
