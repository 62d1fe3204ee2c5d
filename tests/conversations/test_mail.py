"""A new private message reaches the others by real e-mail (aiosmtpd), per their settings:
one e-mail until they open the conversation, none when they chose so, the category on the
settings page."""

from __future__ import annotations

from sqlalchemy import select

from forum.conversations import services
from forum.extensions import db
from forum.models import Notification
from forum.notifications.services import notification_lines
from tests.conversations.helpers import start
from tests.factories import make_user
from tests.notifications.test_mail import inbox, parts  # noqa: F401 - the fixture

__all__ = ["inbox"]


def test_a_new_message_is_mailed_to_the_others_and_grouped_in_the_centre(app, inbox):  # noqa: F811
    anna = make_user(display_name="Anna Verdi")
    bruno, carla = make_user(), make_user()
    conversation = start(anna, bruno, carla, subject="Sportello unico famiglie")
    [message] = inbox.to(bruno.email)
    subject = " ".join(message["Subject"].split())  # folded header: one space each
    assert "Anna Verdi ti ha scritto un messaggio privato: «Sportello unico famiglie»" in subject
    text, html = parts(message)
    link = f"https://officina.example/messaggi/{conversation.id}#messaggio-"
    assert link in text and f'href="{link}' in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(inbox.to(carla.email)) == 1 and inbox.to(anna.email) == []
    services.post_message(anna, conversation.id, body="Secondo messaggio.")
    services.post_message(anna, conversation.id, body="Terzo messaggio.")
    assert len(inbox.to(bruno.email)) == 1  # one e-mail until the conversation is opened
    [line] = notification_lines(bruno)
    assert line.count == 3 and line.unread
    services.mark_read(bruno, conversation.id)
    services.post_message(carla, conversation.id, body="Eccomi.")
    assert len(inbox.to(bruno.email)) == 2


def test_members_who_chose_no_mail_for_messages_get_none(app, client, login, inbox):  # noqa: F811
    anna, bruno = make_user(), make_user()
    login(bruno)
    page = client.get("/impostazioni/notifiche").get_data(as_text=True)
    assert 'name="email-messages"' in page and "Messaggi privati che ricevo" in page
    form = {"email-my_threads": "weekly", "email-replies": "immediate",
            "email-followed": "none", "email-solutions": "daily", "email-account": "weekly",
            "email-messages": "none"}
    assert client.post("/impostazioni/notifiche", data=form).status_code == 303
    start(anna, db.session.get(type(bruno), bruno.id))
    assert inbox.to(bruno.email) == []
    assert db.session.scalars(select(Notification.kind).where(
        Notification.user_id == bruno.id)).all() == ["private_message"]
