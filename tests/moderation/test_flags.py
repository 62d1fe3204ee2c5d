"""Flags: reasons, notes, duplicates, who may flag, and trusted flags hiding a post."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import Answer, AuditEntry, Flag, Notification, Question
from forum.moderation.flags import flag_post
from forum.moderation.services import hide_post
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.moderation.helpers import make_pending, page_text, set_reputation, suspend


@pytest.fixture
def app_overrides() -> dict:
    """Trusted flags take 50 points; two of them hide a post."""
    return {"PRIVILEGE_FLAG_WEIGHT": 50, "FLAG_HIDE_THRESHOLD": 2}


def _flags(post_type: str, post_id: int) -> list[Flag]:
    return list(db.session.execute(
        select(Flag).where(Flag.post_type == post_type, Flag.post_id == post_id)
    ).scalars())


def _trusted_member():  # type: ignore[no-untyped-def]
    return set_reputation(make_user(), 60)


# Reasons and notes -------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["spam", "offensive", "off_topic"])
def test_flag_with_a_listed_reason_reaches_the_moderators(client, login, reason):
    question = make_question()
    login(make_user())
    response = client.post(f"/segnala/question/{question.id}", data={"reason": reason})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/domande/{question.id}#domanda")
    [flag] = _flags("question", question.id)
    assert (flag.reason, flag.status, flag.is_trusted) == (reason, "open", False)


def test_flag_page_offers_every_reason(client, login):
    answer = make_answer(make_question())
    login(make_user())
    response = client.get(f"/segnala/answer/{answer.id}")
    assert response.status_code == 200
    text = page_text(response)
    for label in ("Spam o pubblicità", "Offensivo o irrispettoso", "Fuori tema",
                  "Serve l'intervento della moderazione"):
        assert label in text


def test_flag_page_needs_sign_in(client, app):
    question = make_question()
    response = client.get(f"/segnala/question/{question.id}")
    assert response.status_code == 302
    assert "/accedi" in response.headers["Location"]


def test_flag_with_an_unknown_reason_is_refused(app):
    question = make_question()
    with pytest.raises(InvalidInput) as error:
        flag_post(make_user(), "question", question.id, reason="noioso")
    assert "reason" in error.value.field_errors
    assert _flags("question", question.id) == []


def test_flag_of_an_unknown_post_is_not_found(client, login):
    login(make_user())
    assert client.post("/segnala/answer/9999", data={"reason": "spam"}).status_code == 404


def test_attention_flag_without_a_note_is_refused_and_says_why(client, login):
    question = make_question()
    login(make_user())
    response = client.post(f"/segnala/question/{question.id}", data={"reason": "attention"})
    assert response.status_code == 422
    assert "Spiega in poche parole perché serve la moderazione." in page_text(response)
    assert _flags("question", question.id) == []


def test_attention_flag_with_a_note_is_recorded_with_the_note(client, login):
    question = make_question()
    login(make_user())
    response = client.post(f"/segnala/question/{question.id}", data={
        "reason": "attention", "note": "Contiene dati personali di un utente del servizio."})
    assert response.status_code == 303
    [flag] = _flags("question", question.id)
    assert flag.note == "Contiene dati personali di un utente del servizio."


def test_flag_note_longer_than_500_characters_is_refused(app):
    question = make_question()
    with pytest.raises(InvalidInput) as error:
        flag_post(make_user(), "question", question.id, reason="attention", note="x" * 501)
    assert "note" in error.value.field_errors


# Duplicates --------------------------------------------------------------------------------

@pytest.mark.parametrize("link", ["{id}", "/domande/{id}", "/domande/{id}/come-fare",
                                  "https://officina.example/domande/{id}/come-fare#risposta-3"])
def test_duplicate_flag_accepts_a_link_or_number_of_the_original(client, login, link):
    original, duplicate = make_question(), make_question()
    login(make_user())
    response = client.post(f"/segnala/question/{duplicate.id}", data={
        "reason": "duplicate", "duplicate_of": link.format(id=original.id)})
    assert response.status_code == 303
    [flag] = _flags("question", duplicate.id)
    assert flag.duplicate_of_id == original.id


@pytest.mark.parametrize(("link", "message"), [
    ("", "Indica la domanda originale con il suo link (/domande/123) o il suo numero."),
    ("la domanda di ieri", "Indica la domanda originale con il suo link"),
    ("99999", "La domanda originale indicata non esiste."),
    ("self", "Una domanda non può essere il duplicato di sé stessa."),
])
def test_duplicate_flag_without_a_valid_original_is_refused_and_keeps_the_form(
        client, login, link, message):
    question = make_question()
    login(make_user())
    link = str(question.id) if link == "self" else link
    response = client.post(f"/segnala/question/{question.id}",
                           data={"reason": "duplicate", "duplicate_of": link})
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    if link:
        assert f'value="{link}"' in text
    assert _flags("question", question.id) == []


def test_duplicate_flag_pointing_to_a_hidden_question_is_refused(app, moderator):
    original, duplicate = make_question(), make_question()
    hide_post(moderator, "question", original.id, reason="Contenuto pubblicitario")
    with pytest.raises(InvalidInput) as error:
        flag_post(make_user(), "question", duplicate.id, reason="duplicate",
                  duplicate_of=str(original.id))
    assert error.value.field_errors["duplicate_of"] == [
        "La domanda originale indicata non esiste."]


def test_duplicate_flag_on_an_answer_is_refused(client, login):
    original, question = make_question(), make_question()
    answer = make_answer(question)
    login(make_user())
    response = client.post(f"/segnala/answer/{answer.id}", data={
        "reason": "duplicate", "duplicate_of": str(original.id)})
    assert response.status_code == 422
    assert "Solo una domanda può essere un duplicato." in page_text(response)
    assert _flags("answer", answer.id) == []


# Who may flag ------------------------------------------------------------------------------

def test_flag_own_post_is_forbidden(client, login):
    author = make_user()
    question = make_question(author)
    login(author)
    response = client.post(f"/segnala/question/{question.id}", data={"reason": "spam"})
    assert response.status_code == 403
    assert "Non puoi segnalare i tuoi contenuti." in page_text(response)
    assert _flags("question", question.id) == []


def test_flag_own_comment_is_forbidden_in_the_service(app):
    author = make_user()
    comment = make_comment(make_question(), author)
    with pytest.raises(NotAllowed):
        flag_post(author, "comment", comment.id, reason="offensive")


def test_flagging_the_same_post_twice_is_a_conflict(client, login):
    question = make_question()
    login(make_user())
    assert client.post(f"/segnala/question/{question.id}",
                       data={"reason": "spam"}).status_code == 303
    response = client.post(f"/segnala/question/{question.id}", data={"reason": "offensive"})
    assert response.status_code == 409
    assert "Hai già segnalato questo contenuto" in page_text(response)
    assert len(_flags("question", question.id)) == 1


def test_two_members_may_flag_the_same_post(app):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="spam")
    flag_post(make_user(), "question", question.id, reason="off_topic")
    assert len(_flags("question", question.id)) == 2


def test_flag_on_a_hidden_answer_is_a_conflict(client, login, moderator):
    answer = make_answer(make_question())
    hide_post(moderator, "answer", answer.id, reason="Contenuto pubblicitario")
    login(make_user())
    response = client.post(f"/segnala/answer/{answer.id}", data={"reason": "spam"})
    assert response.status_code == 409
    assert "già stato nascosto dalla moderazione" in page_text(response)


def test_flag_on_a_hidden_question_is_a_conflict(app, moderator):
    question = make_question()
    hide_post(moderator, "question", question.id, reason="Contenuto pubblicitario")
    with pytest.raises(Conflict):
        flag_post(make_user(), "question", question.id, reason="spam")


def test_flag_page_of_a_hidden_question_is_not_found_for_other_members(client, login,
                                                                       moderator):
    question = make_question()
    hide_post(moderator, "question", question.id, reason="Contenuto pubblicitario")
    login(make_user())
    assert client.get(f"/segnala/question/{question.id}").status_code == 404


def test_pending_member_cannot_flag_and_is_told_why(client, login):
    question = make_question()
    login(make_pending(make_user()))
    response = client.post(f"/segnala/question/{question.id}", data={"reason": "spam"})
    assert response.status_code == 403
    assert "in attesa di approvazione" in page_text(response)
    assert _flags("question", question.id) == []


def test_suspended_member_cannot_flag_and_sees_the_reason(client, login):
    question = make_question()
    login(suspend(make_user(), reason="Messaggi pubblicitari ripetuti"))
    response = client.post(f"/segnala/question/{question.id}", data={"reason": "spam"})
    assert response.status_code == 403
    text = page_text(response)
    assert "è sospeso fino al" in text
    assert "Messaggi pubblicitari ripetuti" in text
    assert _flags("question", question.id) == []


# Trusted flags -----------------------------------------------------------------------------

def test_trusted_flags_reaching_the_threshold_hide_the_post(client, login):
    author = make_user()
    question = make_question(author)
    flag_post(_trusted_member(), "question", question.id, reason="spam")
    assert db.session.get(Question, question.id).hidden_at is None
    flag_post(_trusted_member(), "question", question.id, reason="offensive")
    hidden = db.session.get(Question, question.id)
    assert hidden.hidden_at is not None
    assert hidden.hidden_by_id is None
    assert all(f.is_trusted for f in _flags("question", question.id))
    login(make_user())
    assert client.get(f"/domande/{question.id}").status_code == 404
    login(author)
    response = client.get(f"/domande/{question.id}")
    assert response.status_code == 200
    assert "Nascosto in attesa di verifica dopo alcune segnalazioni" in page_text(response)


def test_automatic_hiding_notifies_the_author_and_is_audited_without_actor(app):
    author = make_user()
    answer = make_answer(make_question(), author)
    for _ in range(2):
        flag_post(_trusted_member(), "answer", answer.id, reason="spam")
    [note] = db.session.execute(
        select(Notification).where(Notification.user_id == author.id)).scalars()
    assert note.kind == "post_hidden_by_flags"
    assert note.link.endswith(f"#risposta-{answer.id}")
    [entry] = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "auto_hide")).scalars()
    assert entry.actor_id is None
    assert (entry.target_type, entry.target_id) == ("answer", answer.id)
    assert "2" in entry.reason


def test_automatic_hiding_of_an_answer_lowers_the_answer_count(app):
    question = make_question()
    answer = make_answer(question)
    make_answer(question)
    assert db.session.get(Question, question.id).answer_count == 2
    for _ in range(2):
        flag_post(_trusted_member(), "answer", answer.id, reason="spam")
    assert db.session.get(Answer, answer.id).hidden_at is not None
    assert db.session.get(Question, question.id).answer_count == 1


def test_moderators_flags_are_trusted(app, moderator):
    question = make_question()
    flag = flag_post(moderator, "question", question.id, reason="spam")
    assert flag.is_trusted


def test_untrusted_flags_never_hide_a_post(app):
    question = make_question()
    for _ in range(5):
        flag_post(make_user(), "question", question.id, reason="spam")
    assert db.session.get(Question, question.id).hidden_at is None
    assert not any(f.is_trusted for f in _flags("question", question.id))
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_one_trusted_flag_among_untrusted_ones_does_not_hide(app):
    question = make_question()
    flag_post(_trusted_member(), "question", question.id, reason="spam")
    for _ in range(3):
        flag_post(make_user(), "question", question.id, reason="spam")
    assert db.session.get(Question, question.id).hidden_at is None


def test_reputation_just_below_the_threshold_is_not_trusted(app):
    question = make_question()
    flag = flag_post(set_reputation(make_user(), 49), "question", question.id, reason="spam")
    assert not flag.is_trusted
