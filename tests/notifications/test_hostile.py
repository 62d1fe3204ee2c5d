"""The network's inputs fed the naughty-string corpus and an XSS list: follow controls,
e-mail settings, unsubscribe tokens and mentions never answer 5xx, never change what they
should not, and never put a script in a notification."""

from __future__ import annotations

import time
from urllib.parse import quote

from sqlalchemy import select

from forum.extensions import db
from forum.models import Follow, MailPreference
from forum.notifications.mentions import MAX_MENTIONS, mentioned_usernames
from tests.factories import make_answer, make_question, make_user
from tests.hostile import HOSTILE, SAMPLE


def test_follow_and_settings_forms_take_any_string_without_a_5xx(client, login):
    question = make_question()
    login(make_user())
    codes = set()
    for text in SAMPLE:
        for data in ({"tipo": text, "id": question.id, "livello": "watching"},
                     {"tipo": "question", "id": text, "livello": "watching"},
                     {"tipo": "question", "id": question.id, "livello": text},
                     {"tipo": "question", "id": question.id, "livello": "muted", "next": text}):
            codes.add(client.post("/segui", data=data).status_code)
        codes.add(client.post("/impostazioni/notifiche", data={
            "email-my_threads": text, "email-replies": "immediate"}).status_code)
    assert codes <= {303, 404, 422}, codes
    db.session.commit()
    # only the valid requests left a trace: one follow, no preference row from a bad value
    levels = db.session.scalars(select(Follow.level).where(Follow.chosen.is_(True))).all()
    assert levels == ["muted"]  # the only well-formed request (with a hostile "next")
    assert db.session.scalars(select(MailPreference)).all() == []  # every form was refused


def test_unsubscribe_takes_any_token_without_a_5xx(client):
    make_user()
    for text in SAMPLE:
        path = "/disiscriviti/" + quote(text, safe="")
        for method in (client.get, client.post):
            assert method(path).status_code in (404, 405, 308), text
    db.session.commit()
    assert db.session.scalars(select(MailPreference)).all() == []


def test_mentions_parse_any_body_fast_and_notify_nobody_by_accident(app):
    worst = ["@" * 30_000, "@a" * 15_000, "```\n" * 7_500, "`@utente1`" * 3_000,
             "@utente1 " * 3_300, ("x@" + "a" * 40 + " ") * 700]
    for body in HOSTILE + worst:
        started = time.perf_counter()
        names = mentioned_usernames(body)
        assert time.perf_counter() - started < 0.5, body[:40]
        assert len(names) <= MAX_MENTIONS


def test_hostile_names_and_titles_are_escaped_in_the_centre_and_in_mail(client, login):
    from forum.mail import outbox_messages

    asker = make_user()
    question = make_question(asker, title='Domanda <script>alert("titolo")</script> sul nido')
    answerer = make_user(display_name='<img src=x onerror=alert(1)>')
    make_answer(question, answerer, body="Risposta con @" + asker.username + " <script>x</script>")
    login(asker)
    page = client.get("/notifiche").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    [message] = [m for m in outbox_messages() if m["To"] == asker.email]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<script>alert" not in html and "<img src=x" not in html
