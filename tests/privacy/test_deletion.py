"""Account deletion: confirmed by password (or a typed word), a grace period the member
can cancel, then an erasure by `flask privacy purge` that leaves their contributions,
signed "utente rimosso", and nothing that names them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.auth.services import load_user
from forum.conversations.services import start_conversation
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import (
    Answer,
    Follow,
    Message,
    Notification,
    PrivacyRequest,
    Question,
    RequestStatus,
    User,
    Vote,
)
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.privacy import services
from forum.privacy.erasure import ERASED_NAME
from forum.privacy.purge import erase_due, purge
from forum.votes.services import cast_vote
from tests.concurrency import at_once
from tests.factories import PASSWORD, make_answer, make_comment, make_question, make_user
from tests.privacy.helpers import database_text, folder_text

LATER = timedelta(days=15)


def _person() -> User:
    return make_user(username="ornella.vanni", display_name="Ornella Vannì",
                     email="ornella.vanni@comune.example", bio="Lavoro ai servizi 0-6.")


def test_wrong_password_is_refused_and_nothing_changes(app):
    me = _person()
    with pytest.raises(InvalidInput) as refused:
        services.request_deletion(me, password="sbagliata")
    assert "password" in refused.value.field_errors
    assert db.session.scalar(select(func.count(PrivacyRequest.id))) == 0
    assert me.deletion_due_at is None


def test_account_without_password_confirms_with_the_word(app):
    me = _person()
    me.password_hash = "!oidc"
    db.session.commit()
    with pytest.raises(InvalidInput):
        services.request_deletion(me, confirmation="forse")
    request = services.request_deletion(me, confirmation=" elimina ")
    assert request.status == RequestStatus.PENDING


def test_cancel_during_grace_keeps_the_account(app):
    me = _person()
    request = services.request_deletion(me, password=PASSWORD)
    mails = [p.read_text() for p in (Path(app.instance_path) / "outbox").glob("*.eml")]
    assert any("eliminazione" in m and me.email in m for m in mails)  # at once, by e-mail
    assert me.deletion_due_at == request.due_at
    assert services.request_deletion(me, password=PASSWORD).id == request.id  # same one
    assert services.cancel_deletion(me) is True
    assert services.cancel_deletion(me) is False  # twice is harmless
    db.session.refresh(request)
    assert request.status == RequestStatus.CANCELLED and me.deletion_due_at is None
    assert erase_due(utcnow() + LATER) == 0
    assert db.session.get_one(User, me.id).username == "ornella.vanni"


def test_purge_before_the_end_of_grace_does_nothing(app):
    me = _person()
    services.request_deletion(me, password=PASSWORD)
    assert erase_due(utcnow() + timedelta(days=13)) == 0
    assert db.session.get_one(User, me.id).erased_at is None


# the index read as files: the Whoosh one (PostgreSQL's documents are rows of the database)
@pytest.mark.parametrize("app_overrides", [{"SEARCH_SYNC": "inline", "SEARCH_BACKEND": "whoosh"}])
def test_erasure_leaves_contributions_and_nothing_that_names_the_person(app, tmp_path):
    me = _person()
    other = make_user(display_name="Collega Restante")
    question = make_question(me, body="Chiedo a @" + other.username + " come fare.")
    answer = make_answer(make_question(other), me)
    make_comment(question, me)
    make_answer(question, other)
    cast_vote(me, "answer", make_answer(make_question(other), other).id, 1)
    start_conversation(me, recipients=other.username, subject="Scambio",
                       body="Messaggio che deve restare.")
    start_conversation(other, recipients=me.username, subject="Ciao collega",
                       body="Ti scrivo per il progetto.")
    record_action(other, "warn_user", "user", me.id, reason="Toni accesi.")
    db.session.commit()
    services.request_export(me)
    old_session = me.get_id()
    user_id, question_id = me.id, question.id
    services.request_deletion(me, password=PASSWORD)

    report = purge(utcnow() + LATER)
    assert report.accounts_erased == 1
    db.session.expire_all()
    erased = db.session.get_one(User, user_id)
    assert erased.display_name == ERASED_NAME and erased.is_erased
    assert load_user(old_session) is None  # every session ended
    assert db.session.get_one(Question, question_id).author_id == user_id
    assert db.session.get_one(Answer, answer.id).author_id == user_id
    assert db.session.scalar(select(func.count(Message.id)).where(
        Message.author_id == user_id)) == 1
    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.user_id == user_id)) == 1
    assert db.session.scalar(select(func.count(Follow.id)).where(
        Follow.user_id == user_id)) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id)) == 0
    everything = database_text()
    for trace in ("ornella.vanni", "Ornella Vannì", "Vann\\u00ec", "Lavoro ai servizi 0-6."):
        assert trace not in everything, [line for line in everything.splitlines()
                                          if trace in line][:3]
    index = folder_text(tmp_path / "search_index")
    assert index  # the questions were indexed
    for trace in (b"ornella.vanni", "Ornella Vannì".encode()):
        assert trace not in index
    assert not list((tmp_path / "exports").glob("*.zip"))
    assert purge(utcnow() + LATER).accounts_erased == 0  # idempotent


def test_erased_member_is_gone_from_profile_directory_and_mentions(app, client, login):
    from forum.notifications.activity import _mentioned

    me = _person()
    services.request_deletion(me, password=PASSWORD)
    erase_due(utcnow() + LATER)
    erased = db.session.get_one(User, me.id)
    assert client.get(f"/utenti/{erased.username}").status_code == 404
    assert client.get("/utenti/ornella.vanni").status_code == 404
    login(make_user())
    page = client.get("/rete?q=rimosso").get_data(as_text=True)
    assert erased.username not in page
    assert _mentioned(db.session(), f"ciao @{erased.username}") == set()


def test_erasure_on_several_nodes_at_once_erases_once(app):
    me = _person()
    services.request_deletion(me, password=PASSWORD)
    db.session.commit()
    counts = at_once(app, lambda: erase_due(utcnow() + LATER), 4)
    db.session.rollback()
    assert sum(counts) == 1
    assert db.session.scalars(select(PrivacyRequest)).one().status == RequestStatus.COMPLETED


def test_24_deletion_requests_at_once_make_one(app):
    me = _person()
    user_id = me.id
    db.session.commit()

    def ask() -> int:
        return services.request_deletion(db.session.get_one(User, user_id),
                                         password=PASSWORD).id

    ids = at_once(app, ask, 24)
    db.session.rollback()
    assert len(set(ids)) == 1
    assert db.session.scalar(select(func.count(PrivacyRequest.id))) == 1
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "privacy_deletion_requested")) == 1
