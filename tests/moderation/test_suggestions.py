"""Edits proposed by members with enough reputation, decided by a moderator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, EditSuggestion, Notification, Question, Theme
from tests.factories import make_answer, make_question, make_user


@pytest.fixture
def app_overrides() -> dict:
    """Every member may propose edits here."""
    return {"PRIVILEGE_SUGGEST_EDIT": 0}


@pytest.fixture
def thread():
    """A question by one member, another member who proposes, a moderator."""
    author = make_user(username="autrice1")
    other = make_user(username="altro1")
    moderator = make_user(username="moder1", role="moderator")
    question = make_question(author=author)
    slug = db.session.get(Theme, question.theme_id).slug
    return author, other, moderator, question, slug


def _propose(client, question, slug, **extra):
    data = {"title": question.title + " rivisto", "body": question.body + " con una aggiunta",
            "theme": slug, "tags": "", "summary": "chiarisco il titolo"}
    data.update(extra)
    return client.post(f"/domande/{question.id}/modifica", data=data)


def test_member_proposes_and_moderator_approves_as_a_normal_edit(client, login, thread):
    author, other, moderator, question, slug = thread
    login(other)
    page = client.get(f"/domande/{question.id}/modifica")
    assert page.status_code == 200 and "Proponi una modifica" in page.text
    assert _propose(client, question, slug).status_code == 303
    assert db.session.get(Question, question.id).title == question.title  # not applied yet
    login(moderator)
    queue = client.get("/moderazione/modifiche")
    assert "<ins" in queue.text and "chiarisco il titolo" in queue.text
    suggestion = db.session.execute(select(EditSuggestion)).scalar_one()
    assert client.post(f"/moderazione/modifiche/{suggestion.id}/approva").status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, question.id).title.endswith("rivisto")
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "approve_suggestion")) is not None
    kinds = set(db.session.execute(select(Notification.kind).where(
        Notification.user_id == other.id)).scalars())
    assert "suggestion_approved" in kinds
    second = client.post(f"/moderazione/modifiche/{suggestion.id}/approva")
    assert second.status_code == 409


def test_rejected_proposal_changes_nothing_and_tells_the_author(client, login, thread):
    author, other, moderator, question, slug = thread
    login(other)
    _propose(client, question, slug)
    suggestion = db.session.execute(select(EditSuggestion)).scalar_one()
    login(moderator)
    response = client.post(f"/moderazione/modifiche/{suggestion.id}/respingi",
                           data={"reason": "non migliora"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Question, question.id).title == question.title
    assert db.session.get(EditSuggestion, suggestion.id).status == "rejected"


def test_proposal_needs_the_reputation_threshold(client, login, thread, app):
    author, other, moderator, question, slug = thread
    app.config["PRIVILEGE_SUGGEST_EDIT"] = 500
    login(other)
    assert client.get(f"/domande/{question.id}/modifica").status_code == 403
    assert _propose(client, question, slug).status_code == 403


def test_approval_after_the_post_changed_is_refused(client, login, thread):
    author, other, moderator, question, slug = thread
    login(other)
    _propose(client, question, slug)
    login(author)
    client.post(f"/domande/{question.id}/modifica", data={
        "title": question.title + " aggiornato", "body": question.body, "theme": slug,
        "tags": ""})
    suggestion = db.session.execute(select(EditSuggestion)).scalar_one()
    login(moderator)
    response = client.post(f"/moderazione/modifiche/{suggestion.id}/approva")
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(EditSuggestion, suggestion.id).status == "pending"


def test_answer_proposal_with_too_short_text_keeps_the_text(client, login, thread):
    author, other, moderator, question, slug = thread
    answer = make_answer(question=question, author=author)
    login(other)
    response = client.post(f"/risposte/{answer.id}/modifica", data={"body": "corto"})
    assert response.status_code == 422
    assert "corto" in response.text
    assert db.session.scalar(select(EditSuggestion.id)) is None


def test_member_cannot_decide_proposals(client, login, thread):
    author, other, moderator, question, slug = thread
    login(other)
    _propose(client, question, slug)
    suggestion = db.session.execute(select(EditSuggestion)).scalar_one()
    assert client.get("/moderazione/modifiche").status_code == 403
    assert client.post(f"/moderazione/modifiche/{suggestion.id}/approva").status_code == 403
