"""The pages: a 422 that keeps the text, marks the passages (escaped) and asks for the
confirmation; ticking it publishes; editing and resubmitting scans again."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from forum.errors import PersonalDataSuspected
from forum.extensions import db
from forum.models import Answer, Comment, Message, Question
from forum.privacy.check import require_no_personal_data
from tests.factories import make_question, make_user
from tests.hostile import HOSTILE

BODY = "La mamma di Giulia (affido) chiede di essere richiamata al 333 1234567."
ASK = {"title": "Come gestire le richieste delle famiglie affidatarie?", "body": BODY,
       "theme": "disabilita", "tags": "affido"}


def page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def test_ask_with_personal_data_comes_back_422_with_marks_and_the_text_kept(client, login):
    login(make_user())
    response = client.post("/domande/nuova", data=ASK)
    assert response.status_code == 422
    text = page(response)
    assert "Possibili dati personali" in text
    assert 'role="alert"' in text and "data-focus-on-load" in text
    assert '<mark class="privacy-mark">333 1234567 <span class="privacy-kind">' \
           "[numero di telefono]</span></mark>" in text
    assert "[nome vicino a dati sensibili]" in text
    assert "Ho controllato: non sono dati personali di famiglie o minori" in text
    assert BODY in text  # the textarea keeps what was written
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_ticking_the_box_publishes(client, login):
    login(make_user())
    response = client.post("/domande/nuova", data={**ASK, "conferma_dati": "1"})
    assert response.status_code == 303
    assert db.session.scalar(select(Question.body)) == BODY


def test_editing_out_the_data_publishes_without_the_box(client, login):
    login(make_user())
    client.post("/domande/nuova", data=ASK)
    clean = {**ASK, "body": "La famiglia affidataria chiede un colloquio: come vi organizzate?"}
    assert client.post("/domande/nuova", data=clean).status_code == 303


def test_the_preview_escapes_the_text(client, login):
    login(make_user())
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> cell. 347 1234567'
    response = client.post("/domande/nuova", data={**ASK, "body": hostile})
    assert response.status_code == 422
    raw = response.get_data(as_text=True)
    assert "<script>alert(1)" not in raw and "<img src=x" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_the_ask_page_links_the_privacy_page(client, login):
    login(make_user())
    text = page(client.get("/domande/nuova"))
    assert "Non inserire dati personali di famiglie o minori." in text
    assert 'href="/privacy"' in text


def test_answer_and_comment_forms_show_the_same_outcome(client, login):
    asker = make_user()
    question = make_question(asker)
    login(asker)
    response = client.post(f"/domande/{question.id}/risposte", data={"body": BODY})
    assert response.status_code == 422
    assert "[numero di telefono]" in page(response) and BODY in page(response)
    assert client.post(f"/domande/{question.id}/risposte",
                       data={"body": BODY, "conferma_dati": "1"}).status_code == 303
    assert db.session.scalar(select(func.count(Answer.id))) == 1
    comment = "Il cellulare della nonna è 347 1234567"
    response = client.post(f"/domande/{question.id}/commenti", data={"body": comment})
    assert response.status_code == 422
    assert "[numero di telefono]" in page(response) and comment in page(response)
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert client.post(f"/domande/{question.id}/commenti",
                       data={"body": comment, "conferma_dati": "1"}).status_code == 303


def test_private_messages_show_the_same_outcome(client, login):
    anna, bruno = make_user(), make_user()
    login(anna)
    data = {"recipients": bruno.username, "subject": "Un caso",
            "body": "La madre scrive da giulia.bianchi85@gmail.com"}
    response = client.post("/messaggi/nuovo", data=data)
    assert response.status_code == 422
    assert "[indirizzo e-mail]" in page(response)
    assert db.session.scalar(select(func.count(Message.id))) == 0
    assert client.post("/messaggi/nuovo", data={**data, "conferma_dati": "1"}).status_code == 303
    conversation_id = db.session.scalar(select(Message.conversation_id))
    login(bruno)
    reply = {"body": "Il CF del bambino è BNCLCU15D45F205C"}
    response = client.post(f"/messaggi/{conversation_id}/rispondi", data=reply)
    assert response.status_code == 422
    assert "[codice fiscale]" in page(response) and reply["body"] in page(response)
    assert client.post(f"/messaggi/{conversation_id}/rispondi",
                       data={**reply, "conferma_dati": "1"}).status_code == 303
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_naughty_strings_through_the_ask_form_never_500(client, login):
    login(make_user())
    codes = set()
    for text in HOSTILE[::4]:
        response = client.post("/domande/nuova", data={
            **ASK, "body": f"{text} cell. 333 1234567 {text}"})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {422}, codes


def test_the_error_gives_scripts_the_findings(app):
    """What the error handler sends as JSON (the HTTP API calls the same services)."""
    try:
        require_no_personal_data(False, body=BODY)
    except PersonalDataSuspected as error:
        found = error.as_json()
    assert {f["kind"] for f in found} == {"nome_minore", "telefono"}
    assert all(f["field"] == "body" and BODY[f["start"]:f["end"]] == f["text"] for f in found)
