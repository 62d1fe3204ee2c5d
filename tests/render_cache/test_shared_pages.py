"""Pages rendered once per version and viewer class must never show a member what is not
theirs, nor anything stale after a change: each test warms the shared copy with other
viewers first, then changes something and looks again (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from forum.extensions import db
from forum.models import Answer, ContentVersion, Question, User
from forum.moderation.posts import load_post
from forum.moderation.visibility import hide
from forum.render_cache import versions
from tests.conftest import IsolatedClient
from tests.factories import make_answer, make_question, make_user


def _client(app: Flask, user=None) -> FlaskClient:  # type: ignore[no-untyped-def]
    """A browser of its own: signed in as `user`, or anonymous."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _pressed(html: str, kind: str, post_id: int, direction: str) -> bool:
    """Whether the viewer's own vote shows on a post's button."""
    form = re.search(rf'action="/voti/{kind}/{post_id}".*?</form>', html, re.S)
    assert form is not None
    button = re.search(rf'<button[^>]*data-dir="{direction}"[^>]*>', form.group(0))
    assert button is not None
    return 'aria-pressed="true"' in button.group(0)


@pytest.fixture
def thread(app):  # type: ignore[no-untyped-def]
    """A question with two answers by two other members."""
    question = make_question(title="Come organizzare il centro per le famiglie?")
    first = make_answer(question, body="Risposta visibile con la rete dei consultori.")
    second = make_answer(question, body="Risposta che la moderazione nasconderà.")
    db.session.commit()
    return question, first, second


def test_a_hidden_answer_disappears_for_everyone_at_once(app, thread) -> None:
    question, _first, second = thread
    path = f"/domande/{question.id}"
    readers = [_client(app), _client(app, make_user()), _client(app, make_user())]
    moderator = make_user("moderator")
    for reader in readers:  # the shared copies are warm
        assert "la moderazione nasconderà" in _page(reader, path)
    hide(load_post("answer", second.id), moderator, "Fuori tema")
    db.session.commit()
    for reader in readers:
        assert "la moderazione nasconderà" not in _page(reader, path)
    author_page = _page(_client(app, db.session.get(User, second.author_id)), path)
    assert "la moderazione nasconderà" in author_page and "Fuori tema" in author_page
    assert "la moderazione nasconderà" in _page(_client(app, moderator), path)


def test_a_vote_shows_at_once_to_its_author_and_only_to_them(app, thread) -> None:
    question, first, _second = thread
    path = f"/domande/{question.id}"
    voter, other = make_user(), make_user()
    voter_client, other_client = _client(app, voter), _client(app, other)
    assert not _pressed(_page(voter_client, path), "answer", first.id, "su")
    assert not _pressed(_page(other_client, path), "answer", first.id, "su")
    response = voter_client.post(f"/voti/answer/{first.id}",
                                 data={"voto": "su", "question_id": question.id})
    assert response.status_code == 303
    mine, theirs = _page(voter_client, path), _page(other_client, path)
    assert _pressed(mine, "answer", first.id, "su")
    assert not _pressed(theirs, "answer", first.id, "su")
    score = re.compile(rf'action="/voti/answer/{first.id}".*?class="vote-count">(-?\d+)<', re.S)
    assert score.search(mine).group(1) == score.search(theirs).group(1) == "1"  # type: ignore[union-attr]


def test_no_member_sees_controls_that_are_not_theirs(app, thread) -> None:
    question, first, _second = thread
    path = f"/domande/{question.id}"
    moderator, author = make_user("moderator"), db.session.get(User, first.author_id)
    assert "Strumenti di moderazione" in _page(_client(app, moderator), path)
    author_page = _page(_client(app, author), path)
    assert f'href="/risposte/{first.id}/modifica"' in author_page
    for viewer in (make_user(), make_user(), None):  # after the moderator and the author
        page = _page(_client(app, viewer), path)
        assert "Strumenti di moderazione" not in page
        assert f'href="/risposte/{first.id}/modifica"' not in page
        assert "Accetta come soluzione" not in page
    asker_page = _page(_client(app, db.session.get(User, question.author_id)), path)
    assert "Accetta come soluzione" in asker_page


def test_each_viewer_gets_their_own_csrf_token_and_name(app, thread) -> None:
    question, _first, _second = thread
    path = f"/domande/{question.id}"
    ada, bea = make_user(display_name="Ada Lettrice"), make_user(display_name="Bea Lettrice")
    pages = [_page(_client(app, ada), path), _page(_client(app, bea), path)]
    tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', p)) for p in pages]
    assert all(len(t) == 1 for t in tokens) and tokens[0] != tokens[1]
    assert "Ada Lettrice" in pages[0] and "Ada Lettrice" not in pages[1]
    assert "Bea Lettrice" in pages[1] and "Bea Lettrice" not in pages[0]
    assert "<!--slot:" not in pages[0] + pages[1]


def test_a_reputation_earned_elsewhere_shows_on_a_shared_page(app, thread) -> None:
    question, first, _second = thread
    path = f"/domande/{question.id}"
    reader = _client(app, make_user())
    before = _page(reader, path)
    elsewhere = make_question()
    answer = make_answer(elsewhere, author=db.session.get(User, first.author_id))
    db.session.commit()
    voter = _client(app, make_user())
    assert voter.post(f"/voti/answer/{answer.id}", data={"voto": "su"}).status_code in (302, 303)
    after = _page(reader, path)
    rep = re.compile(r'title="Reputazione">(\d+)<')
    assert rep.findall(before) != rep.findall(after)


def test_user_text_cannot_open_a_slot(app) -> None:
    sneaky = "<!--slot:user-bar:-->"
    question = make_question(title=f"Titolo {sneaky}", body=f"Testo {sneaky} e `{sneaky}`")
    db.session.commit()
    page = _page(_client(app, make_user(display_name="Ospite Curioso")), f"/domande/{question.id}")
    assert page.count("Ospite Curioso") == 1  # the header's own slot only
    assert "&lt;!--slot:user-bar:--&gt;" in page


def test_bulk_statements_bump_the_threads_they_touch(app, thread) -> None:
    question, _first, _second = thread
    scope = versions.thread(question.id)

    def version() -> int:
        return versions.read_versions(db.session, [scope, versions.ALL])

    before = version()
    from sqlalchemy import update

    db.session.execute(update(Question).where(Question.id == question.id)
                       .values(answer_count=Question.answer_count + 0))
    db.session.commit()
    after_update = version()
    assert after_update[0] == before[0] + 1
    db.session.execute(insert(Answer).values(question_id=question.id,
                                             author_id=question.author_id, body="x",
                                             body_html="<p>x</p>"))
    db.session.commit()
    assert version()[1] == after_update[1] + 1  # not attributable: every page renews
    assert db.session.scalar(select(ContentVersion.version).where(
        ContentVersion.scope == versions.QUESTIONS)) is not None


def test_a_shared_page_says_when_it_came_from_the_cache(app, thread) -> None:
    question, _first, _second = thread
    reader = _client(app, make_user())
    states = [reader.get(f"/domande/{question.id}").headers.get("X-Render-Cache")
              for _ in range(2)]
    assert states == ["miss", "hit"]
