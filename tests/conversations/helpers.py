"""Builders for the conversation tests (through the services, like tests/factories.py)."""

from __future__ import annotations

from forum.conversations.services import start_conversation
from forum.extensions import db
from forum.models import Conversation, User


def start(author: User, *others: User, subject: str = "Rete dei centri per le famiglie",
          body: str = "Ciao, ti scrivo per il progetto sui **centri famiglia**.") -> Conversation:
    """A conversation `author` starts with `others`."""
    return start_conversation(author, recipients=", ".join(u.username for u in others),
                              subject=subject, body=body)


def fresh(user: User) -> User:
    """The user as the database has it now (after requests in other sessions)."""
    db.session.expire_all()
    return db.session.get_one(User, user.id)
