"""Rate limits on conversations (Flask-Limiter): a 429 that keeps the writer's text."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Conversation
from tests.conversations.helpers import start
from tests.factories import make_user


@pytest.fixture
def app_overrides() -> dict:
    """Limits on, with small numbers, in this module's apps."""
    return {"RATELIMIT_ENABLED": True, "CONVERSATION_LIMIT": "2 per hour",
            "MESSAGE_LIMIT": "2 per hour"}


@pytest.fixture
def limited(app):
    """The app, with the limiter's counters empty."""
    from forum.extensions import limiter

    limiter.reset()
    return app


def test_too_many_new_conversations_answer_429_with_the_text_kept(limited, client, login):
    login(make_user())
    others = [make_user() for _ in range(3)]
    for n, other in enumerate(others):
        response = client.post("/messaggi/nuovo", data={
            "recipients": other.username, "subject": f"Oggetto numero {n}",
            "body": f"Il mio testo importante {n}."})
        if n < 2:
            assert response.status_code == 303
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    text = response.get_data(as_text=True)
    assert "Il mio testo importante 2." in text and "Oggetto numero 2" in text
    assert "troppi messaggi" in text
    db.session.commit()
    assert db.session.scalar(select(func.count(Conversation.id))) == 2


def test_too_many_replies_answer_429_with_the_reply_kept(limited, client, login):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    login(anna)
    codes = [client.post(f"/messaggi/{conversation.id}/rispondi",
                         data={"body": f"Risposta {n} da tenere"}) for n in range(3)]
    assert [r.status_code for r in codes] == [303, 303, 429]
    assert "Risposta 2 da tenere" in codes[-1].get_data(as_text=True)
