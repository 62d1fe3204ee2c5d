"""Every conversation form fed the naughty-string corpus and XSS: never a 5xx, no script
in what is stored or shown."""

from __future__ import annotations

from sqlalchemy import select

from forum.conversations.services import parse_usernames
from forum.extensions import db
from forum.models import Message
from tests.conversations.helpers import start
from tests.factories import make_user
from tests.hostile import HOSTILE, SAMPLE


def test_conversation_forms_take_any_string_without_a_5xx(client, login):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    message = db.session.scalars(select(Message)).one()
    login(bruno)
    codes = set()
    for text in SAMPLE:
        posts = [
            ("/messaggi/nuovo", {"recipients": text, "subject": "Oggetto valido",
                                 "body": "Testo valido."}),
            ("/messaggi/nuovo", {"recipients": anna.username, "subject": text, "body": text}),
            (f"/messaggi/{conversation.id}/rispondi", {"body": text}),
            (f"/messaggi/{conversation.id}/letti", {"fino": text}),
            (f"/messaggi/segnala/{message.id}", {"reason": text, "conversazione": text}),
            ("/messaggi/bloccati", {"username": text, "next": text}),
        ]
        for path, data in posts:
            codes.add(client.post(path, data=data).status_code)
        codes.add(client.get("/messaggi/nuovo", query_string={"a": text}).status_code)
    assert all(code < 500 for code in codes), codes
    assert codes <= {200, 303, 403, 404, 409, 422}, codes
    db.session.commit()
    for stored in db.session.scalars(select(Message)):
        assert "<script" not in stored.body_html.lower()
        assert "onerror" not in stored.body_html.lower() or "&lt;" in stored.body_html
    page = client.get(f"/messaggi/{conversation.id}").get_data(as_text=True)
    assert "<script>alert" not in page


def test_recipient_parsing_is_bounded_and_fast():
    import time

    for text in [*HOSTILE, "a," * 50_000, " " * 100_000, "@" * 100_000]:
        started = time.perf_counter()
        names = parse_usernames(text)
        assert time.perf_counter() - started < 0.5
        assert sum(len(n) for n in names) <= 1_000
