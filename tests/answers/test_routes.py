"""Answering, editing and accepting over HTTP."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Acceptance, Answer
from tests.factories import make_answer, make_question, make_user


def test_post_answer_and_see_it_on_the_page(client, login, app):
    question = make_question()
    login(make_user())
    response = client.post(f"/domande/{question.id}/risposte", data={
        "body": "Abbiamo usato una **tabella** di tariffe per fasce ISEE.",
    })
    assert response.status_code == 303
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "<strong>tabella</strong>" in page


def test_too_short_answer_keeps_text_with_422(client, login, app):
    question = make_question()
    login(make_user())
    response = client.post(f"/domande/{question.id}/risposte", data={"body": "Breve!"})
    assert response.status_code == 422
    assert "Breve!" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_answer_to_missing_question_is_404(client, login, app):
    login(make_user())
    response = client.post("/domande/999/risposte", data={"body": "Una risposta abbastanza lunga."})
    assert response.status_code == 404


def test_accept_by_asker_shows_author_label_first(client, login, app):
    asker = make_user()
    question = make_question(asker)
    low = make_answer(question, body="Risposta che verrà accettata alla fine.")
    high = make_answer(question, body="Risposta più votata ma non accettata.")
    voter = make_user()
    login(voter)
    client.post(f"/voti/answer/{high.id}", data={"voto": "su"})
    login(asker)
    assert client.post(f"/risposte/{low.id}/accetta").status_code == 303
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Accettata dall'autore" in page
    assert page.index("verrà accettata") < page.index("più votata")


def test_accept_by_moderator_is_labelled_as_validation(client, login, app):
    question = make_question()
    answer = make_answer(question)
    login(make_user("moderator"))
    assert client.post(f"/risposte/{answer.id}/accetta").status_code == 303
    assert "Validata dalla moderazione" in client.get(
        f"/domande/{question.id}").get_data(as_text=True)


def test_accept_on_someone_elses_question_is_403(client, login, app):
    question = make_question()
    answer = make_answer(question)
    login(make_user())
    assert client.post(f"/risposte/{answer.id}/accetta").status_code == 403
    assert db.session.scalar(select(func.count(Acceptance.id))) == 0
    assert client.post("/risposte/999/accetta").status_code == 404


def test_withdraw_acceptance(client, login, app):
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question)
    login(asker)
    client.post(f"/risposte/{answer.id}/accetta")
    assert client.post(f"/domande/{question.id}/accettazione/ritira").status_code == 303
    assert client.post(f"/domande/{question.id}/accettazione/ritira").status_code == 409


def test_edit_answer_by_stranger_is_403(client, login, app):
    answer = make_answer(make_question())
    login(make_user())
    assert client.get(f"/risposte/{answer.id}/modifica").status_code == 403
    assert client.post(f"/risposte/{answer.id}/modifica",
                       data={"body": "Tentativo di modifica da estraneo."}).status_code == 403
    assert client.get("/risposte/999/modifica").status_code == 404
