"""The shared render is an optimisation only: for every kind of viewer, a page served from
copies warmed by other viewers is byte for byte the page rendered for that viewer alone
(once the request's CSRF token and CSP nonce are set aside). A viewer the class forgets
(a role, a privilege, a group, authorship) would show up here as a difference."""

from __future__ import annotations

import difflib
import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.answers.services import accept_answer
from forum.extensions import cache, db
from forum.models import Acceptance, Answer, Comment, Question, User
from forum.models.base import utcnow
from forum.moderation.posts import load_post
from forum.moderation.visibility import hide
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.render_cache.test_shared_pages import _client

_VOLATILE = re.compile(r'(name="csrf_token" value="|content="|nonce=")[^"]+"')


def _normal(html: str) -> str:
    return _VOLATILE.sub(r'\1…"', html)


@pytest.fixture
def cast(app):  # type: ignore[no-untyped-def]
    """A thread with a solution, comments, a hidden answer, and viewers of every kind."""
    asker, helper, commenter, hidden_author = (make_user() for _ in range(4))
    question = make_question(asker, title="Tariffe del nido e fasce ISEE: come le avete scelte?")
    solution = make_answer(question, helper)
    make_answer(question, make_user())
    hidden = make_answer(question, hidden_author)
    make_comment(question, commenter, answer_id=solution.id, body="Commento utile alla soluzione.")
    make_comment(question, commenter, body="Una domanda di chiarimento sul contesto.")
    accept_answer(asker, solution.id)
    moderator, admin = make_user("moderator"), make_user("admin")
    hide(load_post("answer", hidden.id), moderator, "Fuori tema")
    trusted = make_user()
    trusted.reputation = 500
    suspended = make_user()
    suspended.suspended_until = utcnow() + timedelta(days=3)
    long_ago = utcnow() - timedelta(days=40)  # relative times that do not tick during the test
    for model in (Question, Answer, Comment):
        db.session.execute(update(model).values(created_at=long_ago))
    db.session.execute(update(Acceptance).values(accepted_at=long_ago))
    db.session.commit()
    viewers = [None, asker, helper, commenter, hidden_author, moderator, admin, trusted,
               suspended, make_user(), make_user()]
    return question, viewers


@pytest.mark.parametrize("path", ["/domande/{id}", "/domande/{id}?ordina=recenti", "/domande",
                                  "/domande?stato=risolte", "/buone-pratiche",
                                  "/cerca?q=nido", "/utenti/{author}"])
def test_shared_pages_equal_pages_rendered_alone(app, cast, path) -> None:
    question, viewers = cast
    asker = db.session.get(User, question.author_id)
    url = path.format(id=question.id, author=asker.username if asker else "")
    alone = {}
    app.config["RENDER_CACHE_SECONDS"] = 0
    for n, viewer in enumerate(viewers):
        alone[n] = _normal(_client(app, viewer).get(url).get_data(as_text=True))
    app.config["RENDER_CACHE_SECONDS"] = 60
    cache.clear()
    order = list(enumerate(viewers))
    random.Random(17).shuffle(order)
    for _n, viewer in order:  # warm the shared copies in another order
        _client(app, viewer).get(url)
    for n, viewer in enumerate(viewers):
        shared = _normal(_client(app, viewer).get(url).get_data(as_text=True))
        if shared != alone[n]:
            diff = difflib.unified_diff(alone[n].splitlines(), shared.splitlines(), lineterm="")
            who = getattr(viewer, "username", "anonimo")
            raise AssertionError(f"viewer {n} ({who}):\n" + "\n".join(list(diff)[:30]))
