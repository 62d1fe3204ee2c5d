"""A member's filled page is kept for their next request (one query, no account load):
every change to what only they see must still show at once (on SQLite and PostgreSQL).
Each test looks once to keep the copy, changes something, and looks again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, insert, update

from forum.conversations.services import block_member, start_conversation
from forum.extensions import db
from forum.models import Notification, User
from forum.models.follow import FollowTarget
from forum.moderation.flags import flag_post
from forum.notifications.follows import set_level
from forum.notifications.services import mark_all_read, notify
from forum.render_cache import versions
from tests.factories import make_answer, make_question, make_user
from tests.render_cache.test_shared_pages import _client, _page

UNREAD_NOTES = re.compile(r'Notifiche <span class="badge[^"]*">(\d+)<')
UNREAD_MESSAGES = re.compile(r"data-unread-messages>(\d+)<")
REPUTATIONS = re.compile(r'title="Reputazione">(\d+)<')


def _hit(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return response.headers.get("X-Render-Cache", "")


@pytest.fixture
def question(app):  # type: ignore[no-untyped-def]
    question = make_question(title="Come finanziare un nido comunale?")
    make_answer(question, body="Con il fondo per i servizi educativi 0-6.")
    db.session.commit()
    return question


def test_a_repeat_look_is_one_query_without_loading_the_account(app, question, monkeypatch
                                                                ) -> None:
    path = f"/domande/{question.id}"
    reader = _client(app, make_user())
    _page(reader, path)
    seen: list[str] = []
    reads: list[tuple[str, ...]] = []
    engine = db.engine
    read_committed = versions.read_committed
    monkeypatch.setattr(versions, "read_committed",
                        lambda scopes: reads.append(tuple(scopes)) or read_committed(scopes))

    def _count(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        assert _hit(reader, path) == "hit"
    finally:
        event.remove(engine, "before_cursor_execute", _count)
    assert seen == []  # no ORM, no account: the session is never used
    assert len(reads) == 1  # the versions of the page, the member and the authors
    assert f"thread:{question.id}" in reads[0]
    assert f"user:{question.author_id}" in reads[0]


def test_a_new_notification_and_reading_them_all_show_at_once(app, question) -> None:
    path = f"/domande/{question.id}"
    member = make_user()
    db.session.commit()
    reader = _client(app, member)
    assert not UNREAD_NOTES.search(_page(reader, path))
    notify(member.id, "mention", link=path, actor="Ada", title="Nido")
    db.session.commit()
    assert UNREAD_NOTES.search(_page(reader, path)).group(1) == "1"  # type: ignore[union-attr]
    mark_all_read(db.session.get(User, member.id))  # a bulk UPDATE
    db.session.commit()
    assert not UNREAD_NOTES.search(_page(reader, path))


def test_a_message_shows_as_unread_at_once(app, question) -> None:
    path = f"/domande/{question.id}"
    sender, member = make_user(), make_user()
    db.session.commit()
    reader = _client(app, member)
    assert not UNREAD_MESSAGES.search(_page(reader, path))
    start_conversation(sender, recipients=member.username, subject="Rette",
                       body="Come avete calcolato le fasce ISEE?")
    db.session.commit()
    assert UNREAD_MESSAGES.search(_page(reader, path)).group(1) == "1"  # type: ignore[union-attr]


def test_a_follow_level_shows_at_once(app) -> None:
    member = make_user()
    db.session.commit()
    path = "/domande?tag=nidi"
    make_question(tags="nidi")
    db.session.commit()
    reader = _client(app, member)
    selected = re.compile(r'<option value="(\w+)" selected>')
    before = selected.findall(_page(reader, path))
    tag_id = db.session.execute(db.text("SELECT id FROM tags WHERE name = 'nidi'")).scalar_one()
    set_level(db.session.get(User, member.id), FollowTarget.TAG, tag_id, "watching")
    db.session.commit()
    after = selected.findall(_page(reader, path))
    assert before != after and "watching" in after


def test_a_reputation_earned_elsewhere_shows_in_the_kept_copy(app, question) -> None:
    path = f"/domande/{question.id}"
    reader = _client(app, make_user())
    before = REPUTATIONS.findall(_page(reader, path))
    assert _hit(reader, path) == "hit"
    author = db.session.get(User, question.author_id)
    db.session.execute(update(User).where(User.id == author.id).values(
        reputation=User.reputation + 10))
    db.session.commit()
    assert REPUTATIONS.findall(_page(reader, path)) != before


def test_a_revoked_session_no_longer_gets_the_members_page(app, question) -> None:
    path = f"/domande/{question.id}"
    member = make_user(display_name="Carla Revocata")
    db.session.commit()
    reader = _client(app, member)
    assert "Carla Revocata" in _page(reader, path)
    db.session.get(User, member.id).session_version += 1  # "esci da tutti i dispositivi"
    db.session.commit()
    assert "Carla Revocata" not in _page(reader, path)


def test_a_new_role_shows_its_controls_at_once_and_loses_them_at_once(app, question) -> None:
    path = f"/domande/{question.id}"
    member = make_user()
    db.session.commit()
    reader = _client(app, member)
    assert "Strumenti di moderazione" not in _page(reader, path)
    db.session.get(User, member.id).role = "moderator"
    db.session.commit()
    assert "Strumenti di moderazione" in _page(reader, path)
    db.session.get(User, member.id).role = "member"
    db.session.commit()
    assert "Strumenti di moderazione" not in _page(reader, path)


def test_a_moderators_queue_count_is_never_kept(app, question) -> None:
    path = f"/domande/{question.id}"
    moderator = make_user("moderator")
    db.session.commit()
    reader = _client(app, moderator)
    queue = re.compile(r'Moderazione(?: <span class="badge[^"]*">(\d+)<)?')
    before = queue.search(_page(reader, path)).group(1)  # type: ignore[union-attr]
    flag_post(make_user(), "question", question.id, reason="spam")
    db.session.commit()
    after = queue.search(_page(reader, path)).group(1)  # type: ignore[union-attr]
    assert int(after or 0) == int(before or 0) + 1


def test_a_block_removes_the_write_button_at_once(app) -> None:
    owner, visitor = make_user(), make_user()
    db.session.commit()
    path = f"/utenti/{owner.username}"
    reader = _client(app, visitor)
    assert "contact-button" in _page(reader, path)
    block_member(db.session.get(User, owner.id), visitor.username)
    db.session.commit()
    assert "contact-button" not in _page(reader, path)


def test_a_bulk_insert_without_known_members_bumps_everything(app, question) -> None:
    path = f"/domande/{question.id}"
    member = make_user()
    db.session.commit()
    reader = _client(app, member)
    _page(reader, path)
    db.session.execute(insert(Notification).from_select(
        ["user_id", "kind", "params", "link", "created_at"],
        db.select(User.id, db.literal("mention"), db.literal({}, type_=db.JSON), db.literal(path),
                  db.func.current_timestamp()).where(User.id == member.id)))
    db.session.commit()
    assert UNREAD_NOTES.search(_page(reader, path)).group(1) == "1"  # type: ignore[union-attr]
