"""Notification e-mails through a real SMTP server (aiosmtpd), parsed with the standard
`email` package: both parts, the member's language, working links, one-click unsubscribe
on a signed token, nothing to accounts that may not receive mail."""

from __future__ import annotations

import re
import socket
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from forum.extensions import db
from forum.models import MailPreference, User
from forum.notifications.mailing import unsubscribe_token
from tests.factories import make_answer, make_comment, make_question, make_user


class Inbox:
    """aiosmtpd handler keeping what it receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def inbox(app):  # type: ignore[no-untyped-def]
    """A real SMTP server on a free local port, the app sending to it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, MAIL_SMTP_STARTTLS=False,
                      SITE_URL="https://officina.example")
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_an_answer_reaches_the_asker_at_once_as_text_and_html(app, inbox):
    asker, answerer = make_user(), make_user(display_name="Marco Esposito")
    question = make_question(asker, title="Come gestire le liste d'attesa del nido?")
    answer = make_answer(question, answerer)
    [message] = inbox.to(asker.email)
    assert message.get_content_type() == "multipart/alternative"
    assert "Marco Esposito ha risposto a «Come gestire le liste d'attesa del nido?»" in (
        message["Subject"])
    text, html = parts(message)
    link = f"https://officina.example/domande/{question.id}#risposta-{answer.id}"
    assert link in text and f'href="{link}"' in html
    assert "Ciao " + asker.display_name in text
    assert inbox.to(answerer.email) == []  # nobody is told of their own answer


def test_every_message_carries_a_one_click_unsubscribe_that_works_without_signing_in(
        app, client, inbox):
    asker = make_user()
    make_answer(make_question(asker))
    [message] = inbox.to(asker.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    path = urlsplit(link).path
    assert client.get(path).status_code == 200  # a link scanner's GET changes nothing
    db.session.commit()
    assert db.session.scalars(select(MailPreference)).all() == []
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})  # as mail clients do
    assert response.status_code == 200 and "non riceverai più" in response.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(MailPreference, (asker.id, "my_threads")).delivery == "none"
    make_answer(make_question(db.session.get(User, asker.id)))
    assert len(inbox.to(asker.email)) == 1  # nothing more


FORGED = URLSafeSerializer("un-altra-chiave", salt="unsubscribe").dumps({"u": 1, "c": "all"})


@pytest.mark.parametrize("token", ["non-un-token", "x" * 400, FORGED, "mangled", "category"])
def test_a_forged_or_mangled_unsubscribe_token_is_refused(app, client, token):
    make_user()
    if token == "mangled":
        token = unsubscribe_token(1, "my_threads")[:-3] + "zzz"
    elif token == "category":  # signed by us, but for something that does not exist
        from forum.notifications.mailing import _serializer

        token = _serializer().dumps({"u": 1, "c": "tutto"})
    for method in (client.get, client.post):
        response = method(f"/disiscriviti/{token}")
        assert response.status_code == 404
    db.session.commit()
    assert db.session.scalars(select(MailPreference)).all() == []


def test_a_member_who_chose_english_gets_english_mail(app, client, login, inbox):
    asker = make_user()
    login(asker)
    client.post("/lingua", data={"lingua": "en"})
    make_comment(make_question(asker), make_user(display_name="Anna Verdi"),
                 body="Un commento in italiano.")
    [message] = inbox.to(asker.email)
    text, _html = parts(message)
    assert "Hello " in text and "Anna Verdi commented on" in text, text


def test_pending_and_suspended_members_get_no_mail(app, inbox):
    from datetime import timedelta

    from forum.models.base import utcnow

    pending, suspended = make_user(), make_user()
    first, second = make_question(pending), make_question(suspended)
    pending.status = "pending"
    suspended.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    make_answer(first)
    make_answer(second)
    assert inbox.to(pending.email) == [] and inbox.to(suspended.email) == []


def test_the_settings_page_changes_delivery_and_refuses_unknown_values(app, client, login,
                                                                       inbox):
    member = make_user()
    login(member)
    page = client.get("/impostazioni/notifiche").get_data(as_text=True)
    assert 'name="email-my_threads"' in page
    form = {"email-my_threads": "weekly", "email-replies": "immediate",
            "email-followed": "none", "email-solutions": "daily", "email-account": "weekly",
            "email-messages": "immediate"}
    assert client.post("/impostazioni/notifiche", data=form).status_code == 303
    make_answer(make_question(member))
    assert inbox.to(member.email) == []  # answers on my questions now wait for the digest
    bad = client.post("/impostazioni/notifiche", data={**form, "email-replies": "ogni-ora"})
    assert bad.status_code == 422
    assert "opzioni in elenco" in bad.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(MailPreference, (member.id, "replies")).delivery == "immediate"


def test_24_simultaneous_one_click_unsubscribes_all_succeed_and_leave_one_row_each(app):
    import threading

    member = make_user()
    token = unsubscribe_token(member.id, "all")
    barrier = threading.Barrier(24)
    codes: list[int] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            with app.app_context():
                client = app.test_client()
                barrier.wait(10)
                codes.append(client.post(f"/disiscriviti/{token}",
                                         data={"List-Unsubscribe": "One-Click"}).status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=click) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and codes == [200] * 24
    db.session.commit()
    rows = db.session.scalars(select(MailPreference).where(
        MailPreference.user_id == member.id)).all()
    assert sorted(r.category for r in rows) == sorted(
        ["account", "followed", "messages", "my_threads", "replies", "solutions"])
    assert {r.delivery for r in rows} == {"none"}


class RefusingInbox(Inbox):
    """Refuses one address for good (550), another for now (451)."""

    def __init__(self, gone: str, busy: str) -> None:
        super().__init__()
        self.gone, self.busy = gone, busy

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address == self.gone:
            return "550 5.1.1 Utente sconosciuto"
        if address == self.busy:
            return "451 4.2.1 Casella temporaneamente non disponibile"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_an_address_refused_for_good_gets_no_more_mail_until_the_member_saves_settings(
        app, client, login):
    from aiosmtpd.controller import Controller

    from forum.models import Job, JobStatus

    gone, busy = make_user(), make_user()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port,
                      MAIL_SMTP_STARTTLS=False)
    box = RefusingInbox(gone.email, busy.email)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        make_answer(make_question(gone))
        db.session.expire_all()
        assert db.session.get(User, gone.id).email_bounced_at is not None
        make_answer(make_question(busy))
        db.session.expire_all()
        assert db.session.get(User, busy.id).email_bounced_at is None  # 4xx: retried later
        retried = db.session.scalars(select(Job).where(
            Job.task == "mail.send", Job.status != JobStatus.DONE)).all()
        assert [job.args[0] for job in retried] == [busy.email]
        # No new e-mail job for the refused address.
        before = db.session.query(Job).filter(Job.task == "mail.send").count()
        make_answer(make_question(gone))
        assert db.session.query(Job).filter(Job.task == "mail.send").count() == before
        login(gone)
        page = client.get("/impostazioni/notifiche").get_data(as_text=True)
        assert "ha rifiutato le email" in page
        from forum.models import MailCategory
        saved = client.post("/impostazioni/notifiche", data={
            f"email-{category}": "immediate" for category in MailCategory})
        assert saved.status_code == 303
        db.session.expire_all()
        assert db.session.get(User, gone.id).email_bounced_at is None
    finally:
        controller.stop()
