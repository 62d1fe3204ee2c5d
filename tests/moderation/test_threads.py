"""Threads: close (with duplicates), reopen, lock and unlock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.answers.services import accept_answer
from forum.errors import Conflict, InvalidInput
from forum.extensions import db
from forum.models import Answer, AuditEntry, Flag, Notification, Question, Vote
from forum.moderation import threads
from forum.moderation.flags import flag_post
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.moderation.helpers import page_text

LOCK_REASON = "Discussione degenerata in attacchi personali"


def _close(client, question_id: int, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/domande/{question_id}/moderazione/chiudi", data=data)


def _thread(client, question_id: int, action: str, reason: str = ""):  # type: ignore[no-untyped-def]
    return client.post(f"/domande/{question_id}/moderazione/{action}", data={"reason": reason})


def _answer(client, question_id: int):  # type: ignore[no-untyped-def]
    return client.post(f"/domande/{question_id}/risposte",
                       data={"body": "Una risposta nuova con abbastanza testo per passare."})


def _audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


# Closing -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("reason", "label"), [
    ("off_topic", "Fuori tema"), ("unclear", "Poco chiara"),
    ("resolved_elsewhere", "Risolta altrove"),
])
def test_close_with_a_reason_shows_it_on_the_question(client, login, moderator, reason, label):
    question = make_question()
    login(moderator)
    response = _close(client, question.id, reason=reason, note="")
    assert response.status_code == 303
    closed = db.session.get(Question, question.id)
    assert (closed.close_reason, closed.closed_by_id) == (reason, moderator.id)
    assert f"Domanda chiusa: {label}" in page_text(client.get(f"/domande/{question.id}"))


def test_close_form_renders_for_moderators(client, login, moderator):
    question = make_question()
    login(moderator)
    response = client.get(f"/domande/{question.id}/moderazione/chiudi")
    assert response.status_code == 200
    assert "Risolta altrove" in page_text(response)


def test_close_as_duplicate_links_both_questions(client, login, moderator):
    original = make_question(title="Come calcolare le tariffe del nido comunale?")
    duplicate = make_question(title="Tariffe del nido: come si calcolano nel comune?")
    login(moderator)
    response = _close(client, duplicate.id, reason="duplicate",
                      duplicate_of=f"/domande/{original.id}/come-calcolare")
    assert response.status_code == 303
    login(make_user())
    dup_page = page_text(client.get(f"/domande/{duplicate.id}"))
    assert "È un duplicato di:" in dup_page
    assert original.title in dup_page
    orig_page = page_text(client.get(f"/domande/{original.id}"))
    assert "Domande chiuse come duplicati di questa" in orig_page
    assert duplicate.title in orig_page


def test_close_as_duplicate_with_a_malformed_link_is_refused_and_keeps_the_text(
        client, login, moderator):
    question = make_question()
    login(moderator)
    response = _close(client, question.id, reason="duplicate",
                      duplicate_of="quella di ieri", note="Già discussa")
    assert response.status_code == 422
    text = page_text(response)
    assert "Indica la domanda originale con il suo link" in text
    assert 'value="quella di ieri"' in text
    assert "Già discussa" in text
    assert db.session.get(Question, question.id).closed_at is None


def test_close_as_duplicate_of_an_unknown_question_is_refused(app, moderator):
    question = make_question()
    with pytest.raises(InvalidInput) as error:
        threads.close_question(moderator, question.id, reason="duplicate", duplicate_of="99999")
    assert "duplicate_of" in error.value.field_errors


def test_close_as_duplicate_of_its_own_duplicate_is_refused(app, moderator):
    first, second = make_question(), make_question()
    threads.close_question(moderator, second.id, reason="duplicate", duplicate_of=str(first.id))
    with pytest.raises(InvalidInput) as error:
        threads.close_question(moderator, first.id, reason="duplicate",
                               duplicate_of=str(second.id))
    assert error.value.field_errors["duplicate_of"] == [
        "Quella domanda è già un duplicato di questa."]


def test_close_with_an_unknown_reason_is_refused(app, moderator):
    question = make_question()
    with pytest.raises(InvalidInput):
        threads.close_question(moderator, question.id, reason="noiosa")
    assert db.session.get(Question, question.id).closed_at is None


def test_closing_a_closed_question_is_a_conflict(client, login, moderator):
    question = make_question()
    login(moderator)
    assert _close(client, question.id, reason="unclear").status_code == 303
    response = _close(client, question.id, reason="off_topic")
    assert response.status_code == 409
    assert "La domanda è già chiusa." in page_text(response)
    assert db.session.get(Question, question.id).close_reason == "unclear"


def test_closing_notifies_the_author_resolves_flags_and_is_audited(app, moderator):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="off_topic")
    threads.close_question(moderator, question.id, reason="off_topic")
    [note] = db.session.execute(
        select(Notification).where(Notification.user_id == question.author_id)).scalars()
    assert note.kind == "question_closed"
    assert note.params["reason"] == "Fuori tema"
    assert db.session.execute(select(Flag.status)).scalar_one() == "actioned"
    assert _audit_actions() == ["close_question"]


def test_closed_question_refuses_new_answers(client, login, moderator):
    question = make_question()
    threads.close_question(moderator, question.id, reason="resolved_elsewhere")
    login(make_user())
    response = _answer(client, question.id)
    assert response.status_code == 409
    assert "La domanda è chiusa: non accetta nuove risposte." in page_text(response)
    assert db.session.get(Question, question.id).answer_count == 0


def test_closed_question_keeps_its_accepted_answer_and_stays_listed(client, moderator):
    asker = make_user()
    question = make_question(asker, title="Come gestire le liste di attesa del nido?")
    answer = make_answer(question, body="Abbiamo usato una graduatoria pubblica online.")
    accept_answer(asker, answer.id)
    threads.close_question(moderator, question.id, reason="resolved_elsewhere")
    assert db.session.get(Question, question.id).accepted_answer_id == answer.id
    detail = page_text(client.get(f"/domande/{question.id}"))
    assert "graduatoria pubblica online" in detail
    assert question.title in page_text(client.get("/domande"))


def test_reopen_lets_members_answer_again_and_drops_the_duplicate_link(client, login,
                                                                       moderator):
    original, question = make_question(), make_question()
    threads.close_question(moderator, question.id, reason="duplicate",
                           duplicate_of=str(original.id))
    login(moderator)
    assert _thread(client, question.id, "riapri").status_code == 303
    reopened = db.session.get(Question, question.id)
    assert (reopened.closed_at, reopened.duplicate_of_id, reopened.close_reason) == (
        None, None, None)
    assert "Domande chiuse come duplicati" not in page_text(
        client.get(f"/domande/{original.id}"))
    login(make_user())
    assert _answer(client, question.id).status_code == 303
    assert _audit_actions() == ["close_question", "reopen_question"]


def test_reopening_an_open_question_is_a_conflict(client, login, moderator):
    question = make_question()
    login(moderator)
    response = _thread(client, question.id, "riapri")
    assert response.status_code == 409
    assert "La domanda non è chiusa." in page_text(response)


# Locking -----------------------------------------------------------------------------------

@pytest.fixture
def locked(app, moderator):  # type: ignore[no-untyped-def]
    """A locked thread with an answer and the people involved."""
    asker, answerer = make_user(), make_user()
    question = make_question(asker)
    answer = make_answer(question, answerer)
    threads.lock_question(moderator, question.id, reason=LOCK_REASON)
    return {"question": question, "answer": answer, "asker": asker, "answerer": answerer}


def test_lock_without_a_reason_is_refused(client, login, moderator):
    question = make_question()
    login(moderator)
    response = _thread(client, question.id, "blocca")
    assert response.status_code == 422
    assert db.session.get(Question, question.id).locked_at is None


def test_locked_thread_shows_it_is_locked(client, locked):
    text = page_text(client.get(f"/domande/{locked['question'].id}"))
    assert "Bloccata" in text


def test_locked_thread_refuses_edits_by_the_authors(client, login, locked):
    login(locked["asker"])
    assert client.get(f"/domande/{locked['question'].id}/modifica").status_code == 403
    login(locked["answerer"])
    response = client.post(f"/risposte/{locked['answer'].id}/modifica",
                           data={"body": "Testo modificato durante il blocco, non ammesso."})
    assert response.status_code == 403
    assert db.session.get(Answer, locked["answer"].id).body != (
        "Testo modificato durante il blocco, non ammesso.")


def test_locked_thread_refuses_votes(client, login, locked):
    login(make_user())
    response = client.post(f"/voti/answer/{locked['answer'].id}",
                           data={"voto": "su", "question_id": locked["question"].id})
    assert response.status_code == 409
    assert "La discussione è bloccata: non si può votare." in page_text(response)
    assert db.session.scalar(select(Vote.id)) is None


def test_locked_thread_refuses_comments_even_from_the_asker(client, login, locked):
    login(locked["asker"])
    response = client.post(f"/domande/{locked['question'].id}/commenti",
                           data={"body": "Un commento durante il blocco."})
    assert response.status_code == 409
    assert "La discussione è bloccata: non accetta commenti." in page_text(response)


def test_locked_thread_refuses_answers(client, login, locked):
    login(make_user())
    response = _answer(client, locked["question"].id)
    assert response.status_code == 409
    assert "La discussione è bloccata" in page_text(response)


def test_moderators_can_still_edit_a_locked_thread(client, login, moderator, locked):
    login(moderator)
    response = client.post(f"/risposte/{locked['answer'].id}/modifica",
                           data={"body": "Testo corretto dalla moderazione durante il blocco."})
    assert response.status_code == 303
    assert db.session.get(Answer, locked["answer"].id).body == (
        "Testo corretto dalla moderazione durante il blocco.")
    assert client.get(f"/domande/{locked['question'].id}/modifica").status_code == 200


def test_moderators_can_comment_on_a_locked_thread(app, moderator, locked):
    comment = make_comment(locked["question"], moderator, body="Nota della moderazione.")
    assert comment.id is not None


def test_locking_a_locked_thread_is_a_conflict(app, moderator, locked):
    with pytest.raises(Conflict):
        threads.lock_question(moderator, locked["question"].id, reason=LOCK_REASON)


def test_unlock_lets_the_author_edit_and_members_answer_again(client, login, moderator,
                                                              locked):
    login(moderator)
    assert _thread(client, locked["question"].id, "sblocca").status_code == 303
    login(locked["asker"])
    assert client.get(f"/domande/{locked['question'].id}/modifica").status_code == 200
    login(make_user())
    assert _answer(client, locked["question"].id).status_code == 303
    assert _audit_actions() == ["lock_question", "unlock_question"]


def test_unlocking_an_unlocked_thread_is_a_conflict(client, login, moderator):
    question = make_question()
    login(moderator)
    assert _thread(client, question.id, "sblocca").status_code == 409


@pytest.mark.parametrize("path", ["chiudi", "riapri", "blocca", "sblocca"])
def test_member_calling_thread_moderation_urls_is_forbidden(client, login, path):
    question = make_question()
    login(make_user())
    url = f"/domande/{question.id}/moderazione/{path}"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "off_topic"}).status_code == 403
    assert db.session.get(Question, question.id).closed_at is None


def test_moderator_of_another_theme_cannot_close(client, login):
    from forum.models import Theme

    question = make_question()
    limited = make_user("moderator")
    limited.moderated_theme_ids = str(db.session.execute(
        select(Theme.id).where(Theme.slug != "servizi-educativi-0-6").limit(1)).scalar_one())
    db.session.commit()
    login(limited)
    assert _close(client, question.id, reason="unclear").status_code == 403
    assert db.session.get(Question, question.id).closed_at is None
