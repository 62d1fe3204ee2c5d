"""The pages over HTTP: statuses, refusals that keep the text, the header count in one
query, no N+1, the contact button, the moderators' queue, concurrent requests."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from forum.conversations import services
from forum.extensions import db
from forum.models import AuditEntry, Conversation, Message, MessageReport, User
from tests.conversations.helpers import start
from tests.factories import make_practice, make_user


def test_the_header_shows_unread_messages_counted_in_one_query(client, login, query_counter):
    anna, bruno = make_user(), make_user()
    for n in range(3):
        start(anna, bruno, subject=f"Conversazione numero {n}")
    login(bruno)
    with query_counter.counting() as counted:
        page = client.get("/notifiche").get_data(as_text=True)
    assert 'href="/messaggi">Messaggi <span class="badge' in page
    assert "data-unread-messages>3<" in page
    on_messages = [s for s in counted.statements if "messages" in s and "conversation" in s]
    assert len(on_messages) == 1, on_messages


def test_inbox_and_conversation_pages_for_participants_only(client, login):
    anna, bruno = make_user(), make_user(display_name="Bruno Neri")
    conversation = start(anna, bruno, subject="Tariffe del nido 2026")
    login(anna)
    inbox = client.get("/messaggi").get_data(as_text=True)
    assert "Tariffe del nido 2026" in inbox and "Bruno Neri" in inbox
    page = client.get(f"/messaggi/{conversation.id}")
    assert page.status_code == 200 and "<strong>centri famiglia</strong>" in page.text
    for outsider in (make_user(), make_user("moderator")):
        login(outsider)
        assert client.get(f"/messaggi/{conversation.id}").status_code == 404
        assert client.post(f"/messaggi/{conversation.id}/rispondi",
                           data={"body": "Intruso"}).status_code == 404
    assert client.get("/messaggi/999999").status_code == 404


def test_reading_a_conversation_changes_nothing_until_marked_read(client, login):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    login(bruno)
    client.get(f"/messaggi/{conversation.id}")
    page = client.get("/messaggi").get_data(as_text=True)
    assert "1 non letto" in page
    response = client.post(f"/messaggi/{conversation.id}/letti",
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["unread"] == 0
    assert "non letto" not in client.get("/messaggi").get_data(as_text=True)


def test_the_new_form_is_prefilled_from_the_contact_link(client, login):
    login(make_user())
    page = client.get("/messaggi/nuovo?a=giulia.ferraris").get_data(as_text=True)
    assert 'value="giulia.ferraris"' in page


def _new(client, **data: str):
    form = {"recipients": "", "subject": "Progetto comune sui nidi",
            "body": "Testo che deve restare nel modulo 7391."}
    form.update(data)
    return client.post("/messaggi/nuovo", data=form)


def test_every_refusal_is_a_clear_4xx_that_keeps_the_text(client, login):
    anna = make_user()
    closed = make_user(display_name="Carla Chiusa")
    closed.open_to_contact = False
    blocker = make_user(display_name="Dario Blocca")
    db.session.commit()
    services.block_member(blocker, anna.username)
    many = ", ".join(make_user().username for _ in range(10))
    login(anna)
    cases = [
        ({"recipients": "nessuno.qui"}, 422, "nessuno.qui"),
        ({"recipients": closed.username}, 422, "non riceve messaggi privati"),
        ({"recipients": blocker.username}, 403, "non accetta messaggi da te"),
        ({"recipients": many}, 422, "al massimo 9"),
        ({"recipients": closed.username, "body": ""}, 422, "Scrivi il messaggio"),
        ({"recipients": blocker.username, "body": "x" * 10_001}, 422, "10000"),
        ({"recipients": anna.username}, 422, "diverso da te"),
    ]
    for data, status, message in cases:
        response = _new(client, **data)
        text = response.get_data(as_text=True)
        assert response.status_code == status, (data, response.status_code)
        assert message in text, (data, text[:2000])
        if data.get("body") is None:
            assert "Testo che deve restare nel modulo 7391." in text
        assert "Progetto comune sui nidi" in text
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


def test_a_reply_refused_by_a_block_keeps_the_text(client, login):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    services.block_member(bruno, anna.username)
    login(anna)
    response = client.post(f"/messaggi/{conversation.id}/rispondi",
                           data={"body": "Risposta da non perdere 4411"})
    assert response.status_code == 403
    assert "Risposta da non perdere 4411" in response.text  # kept, though no form is shown
    assert "non accetta messaggi da te" in response.text


def test_sending_replying_leaving_and_blocking_through_the_pages(client, login):
    anna, bruno = make_user(), make_user()
    login(anna)
    response = _new(client, recipients=f"@{bruno.username}")
    assert response.status_code == 303
    conversation = db.session.scalars(select(Conversation)).one()
    assert response.headers["Location"].endswith(f"/messaggi/{conversation.id}")
    login(bruno)
    reply = client.post(f"/messaggi/{conversation.id}/rispondi", data={"body": "Volentieri!"})
    assert reply.status_code == 303 and "#messaggio-" in reply.headers["Location"]
    blocked = client.post("/messaggi/bloccati", data={"username": anna.username,
                                                      "next": f"/messaggi/{conversation.id}"})
    assert blocked.status_code == 303
    assert blocked.headers["Location"].endswith(f"/messaggi/{conversation.id}")
    page = client.get(f"/messaggi/{conversation.id}").get_data(as_text=True)
    assert "Hai bloccato" in page and 'name="body"' not in page
    assert anna.display_name in client.get("/messaggi/bloccati").get_data(as_text=True)
    assert client.post(f"/messaggi/bloccati/{anna.username}/sblocca").status_code == 303
    assert client.post(f"/messaggi/{conversation.id}/lascia").status_code == 303
    assert client.get(f"/messaggi/{conversation.id}").status_code == 404


def test_the_contact_button_shows_only_where_contact_is_allowed(client, login):
    author, reader = make_user(display_name="Autrice Pratica"), make_user()
    practice = make_practice(author)
    url = f"/buone-pratiche/{practice.slug}"
    button = f'href="/messaggi/nuovo?a={author.username}"'
    assert button not in client.get(url).get_data(as_text=True)  # signed out
    login(reader)
    page = client.get(url).get_data(as_text=True)
    assert button in page and "Contatta l'autore" in page
    services.block_member(author, reader.username)
    assert button not in client.get(url).get_data(as_text=True)
    services.unblock_member(author, reader.username)
    author = db.session.get(User, author.id)
    author.open_to_contact = False
    db.session.commit()
    assert button not in client.get(url).get_data(as_text=True)
    login(author)
    assert button not in client.get(url).get_data(as_text=True)  # not to oneself


def test_reported_messages_are_read_by_moderators_one_at_a_time_with_an_audit_entry(
        client, login):
    anna, bruno = make_user(), make_user()
    start(anna, bruno, body="Messaggio segnalato 5521.")
    services.post_message(anna, 1, body="Messaggio NON segnalato 8833.")
    message = db.session.scalars(select(Message).order_by(Message.id)).first()
    login(bruno)
    response = client.post(f"/messaggi/segnala/{message.id}",
                           data={"reason": "Toni offensivi", "conversazione": "1"})
    assert response.status_code == 303
    report = db.session.scalars(select(MessageReport)).one()
    login(make_user())
    assert client.get("/moderazione/messaggi").status_code == 403
    assert client.post(f"/moderazione/messaggi/{report.id}/apri").status_code == 403
    moderator = make_user("moderator")
    login(moderator)
    queue = client.get("/moderazione/messaggi").get_data(as_text=True)
    assert "Toni offensivi" in queue and "5521" not in queue  # the text only when opened
    opened = client.post(f"/moderazione/messaggi/{report.id}/apri")
    assert opened.status_code == 200 and "Messaggio segnalato 5521." in opened.text
    assert "8833" not in opened.text
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "read_reported_message", AuditEntry.actor_id == moderator.id)) == 1
    assert client.get("/messaggi/1").status_code == 404
    assert client.post("/moderazione/messaggi/999/apri").status_code == 404
    closed = client.post(f"/moderazione/messaggi/{report.id}/chiudi", data={"nota": "Visto"})
    assert closed.status_code == 303
    assert client.post(f"/moderazione/messaggi/{report.id}/chiudi").status_code == 409
    assert "Toni offensivi" in client.get("/moderazione/messaggi?stato=chiuse").text


def test_inbox_and_conversation_pages_issue_the_same_statements_at_any_size(
        client, login, query_counter):
    anna = make_user()
    others = [make_user() for _ in range(9)]

    def statements(path: str) -> int:
        with query_counter.counting() as counted:
            assert client.get(path).status_code == 200
        return counted.count

    small = start(anna, others[0])
    login(anna)
    few_inbox, few_page = statements("/messaggi"), statements(f"/messaggi/{small.id}")
    big = start(anna, *others, subject="Gruppo grande")
    for n in range(25):
        services.post_message(others[n % 9], big.id, body=f"Messaggio numero {n}.")
    for n in range(6):
        start(others[n], anna, subject=f"Altra conversazione {n}")
    assert statements("/messaggi") == few_inbox
    assert statements(f"/messaggi/{big.id}") == few_page


def _at_once(app, count: int, request: Callable) -> list[int]:
    barrier = threading.Barrier(count)
    codes: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait(10)
                codes.append(request())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return codes


def _signed_in_client(app, user: User):
    test_client = app.test_client()
    with test_client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return test_client


@pytest.mark.parametrize("what", ["new", "reply", "read", "report"])
def test_24_identical_requests_at_once_never_fail_nor_duplicate(app, what):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    first = db.session.scalars(select(Message)).one()
    db.session.commit()
    author = anna if what in ("new", "reply") else bruno
    requests = {
        "new": ("/messaggi/nuovo", {"recipients": bruno.username, "subject": "Tutti insieme",
                                    "body": "Ventiquattro clic."}),
        "reply": (f"/messaggi/{conversation.id}/rispondi", {"body": "Una sola risposta."}),
        "read": (f"/messaggi/{conversation.id}/letti", {"fino": str(first.id)}),
        "report": (f"/messaggi/segnala/{first.id}", {"reason": "spam",
                                                     "conversazione": str(conversation.id)}),
    }
    path, data = requests[what]
    clients = [_signed_in_client(app, author) for _ in range(24)]
    pool = iter(clients)
    lock = threading.Lock()

    def post() -> int:
        with lock:
            mine = next(pool)
        return mine.post(path, data=data).status_code

    codes = _at_once(app, 24, post)
    assert codes == [303] * 24, codes
    db.session.commit()
    assert db.session.scalar(select(func.count(Conversation.id))) == (2 if what == "new" else 1)
    assert db.session.scalar(select(func.count(Message.id))) == (2 if what in ("new", "reply")
                                                                  else 1)
    assert db.session.scalar(select(func.count(MessageReport.id))) == (
        1 if what == "report" else 0)


def test_a_message_too_complex_to_render_is_refused_in_time_with_the_text_kept(client, login):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    login(anna)
    body = "[" * 6_000 + "*_" * 2_000  # quadratic for Python-Markdown: stopped by the budget
    response = client.post(f"/messaggi/{conversation.id}/rispondi", data={"body": body})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "troppo complesso da formattare" in text and "[" * 6_000 + "*_*_" in text
    assert db.session.scalar(select(func.count(Message.id))) == 1
