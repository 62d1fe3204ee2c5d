"""Helpers shared by the browser tests: sign-in through the form, data through the services."""

from __future__ import annotations

import itertools
import uuid

from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from forum.answers.services import post_answer
from forum.auth.services import register_user
from forum.comments.services import post_comment
from forum.extensions import db
from forum.models import Question, User
from forum.questions.services import ask_question

DEMO_PASSWORD = "officina-demo-2026"
DEMO_MEMBER = "giulia.ferraris"
DEMO_MODERATOR = "paolo.benedetti"
# A seeded thread with two answers (one accepted), comments and a reply; asked by Giulia.
THREAD_TITLE = "Posti liberi al nido a metà anno"
# Long and unguessable enough for any password policy the app may adopt.
PASSWORD = "Ortensie-blu-nel-cortile-di-via-Roma-2026"

_seq = itertools.count(1)


def sign_in(page: Page, username: str = DEMO_MEMBER, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form and wait to leave it."""
    page.goto("/accedi")
    page.get_by_label("Nome utente o email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Accedi").click()
    page.wait_for_url(lambda url: "/accedi" not in url)


def question_id(app: Flask, title_start: str) -> int:
    """The id of the question whose title starts with `title_start`."""
    with app.app_context():
        return db.session.execute(
            select(Question.id).where(Question.title.startswith(title_start))
        ).scalar_one()


def unique(prefix: str) -> str:
    """A short unique token for names and titles."""
    return f"{prefix}{next(_seq)}{uuid.uuid4().hex[:6]}"


def create_user(app: Flask, **overrides: str) -> str:
    """Register a member through the service; returns the username (password PASSWORD)."""
    name = unique("prova")
    data = {
        "username": name, "display_name": f"Prova {name[-8:]}", "email": f"{name}@ente.example",
        "password": PASSWORD, "organisation": "Comune di Prova (fittizio)",
        "organisation_type": "comune", "region_code": "08",
    }
    data.update(overrides)
    with app.app_context():
        return register_user(**data).username


def _user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def create_question(app: Flask, author: str, title: str | None = None,
                    body: str = "Un contesto abbastanza lungo per una domanda di prova.") -> int:
    """Ask a question through the service; returns its id."""
    with app.app_context():
        question = ask_question(
            _user(author), title=title or f"Domanda di prova {unique('n')}: come fate voi?",
            body=body, theme_slug="servizi-educativi-0-6", tags="prova",
        )
        return question.id


def create_answer(app: Flask, question: int, author: str,
                  body: str = "Una risposta di prova con abbastanza caratteri.") -> int:
    """Answer through the service; returns the answer id."""
    with app.app_context():
        return post_answer(_user(author), question, body=body).id


def create_comment(app: Flask, question: int, author: str, body: str, **where: int) -> int:
    """Comment (on the question, or `answer_id=` / `parent_id=`) through the service."""
    with app.app_context():
        return post_comment(_user(author), question, body=body, **where).id
