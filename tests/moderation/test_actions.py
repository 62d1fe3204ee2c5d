"""Moderators' actions on posts: hide, restore, dismiss flags, warn; scope and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.answers.services import accept_answer
from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import Answer, AuditEntry, Comment, Flag, Notification, Question, Theme
from forum.moderation import services
from forum.moderation.flags import flag_post
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.moderation.helpers import page_text

REASON = "Pubblicità di un servizio a pagamento"


def _notifications(user_id: int) -> list[Notification]:
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    ).scalars())


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.action == action)).scalars())


def _hide(client, post_type: str, post_id: int, reason: str = REASON):  # type: ignore[no-untyped-def]
    return client.post(f"/moderazione/{post_type}/{post_id}/nascondi", data={"reason": reason})


def _hide_by_flags(post_type: str, post_id: int) -> None:
    """Three flags (TestingConfig: every member's flag is trusted, threshold 3)."""
    for _ in range(3):
        flag_post(make_user(), post_type, post_id, reason="spam")


def _theme_id(slug: str) -> int:
    return db.session.execute(select(Theme.id).where(Theme.slug == slug)).scalar_one()


def _other_theme_id() -> int:
    return db.session.execute(
        select(Theme.id).where(Theme.slug != "servizi-educativi-0-6").limit(1)).scalar_one()


# Hiding ------------------------------------------------------------------------------------

def test_hide_without_a_reason_is_refused_and_the_post_stays_visible(client, login, moderator):
    question = make_question()
    login(moderator)
    response = _hide(client, "question", question.id, reason="  ")
    assert response.status_code == 422
    assert "Indica il motivo: verrà mostrato all'autore." in page_text(response)
    assert db.session.get(Question, question.id).hidden_at is None
    assert _audit("hide_post") == []


def test_hide_form_renders_for_moderators(client, login, moderator):
    answer = make_answer(make_question())
    login(moderator)
    assert client.get(f"/moderazione/answer/{answer.id}/nascondi").status_code == 200


def test_hide_redirects_back_to_the_queue(client, login, moderator):
    question = make_question()
    login(moderator)
    response = _hide(client, "question", question.id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/moderazione")


def test_hidden_question_shows_the_reason_to_its_author(client, login, moderator):
    author = make_user()
    question = make_question(author)
    login(moderator)
    _hide(client, "question", question.id)
    login(author)
    response = client.get(f"/domande/{question.id}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Nascosto dalla moderazione" in text
    assert REASON in text


def test_hidden_question_is_not_found_for_other_members_and_visitors(client, login, moderator):
    question = make_question()
    services.hide_post(moderator, "question", question.id, reason=REASON)
    assert client.get(f"/domande/{question.id}").status_code == 404
    login(make_user())
    assert client.get(f"/domande/{question.id}").status_code == 404


def test_hidden_question_stays_visible_to_moderators(client, login, moderator):
    question = make_question()
    services.hide_post(moderator, "question", question.id, reason=REASON)
    login(make_user("moderator"))
    response = client.get(f"/domande/{question.id}")
    assert response.status_code == 200
    assert REASON in page_text(response)


def test_hidden_question_is_left_out_of_the_question_list(client, moderator):
    hidden = make_question(title="Questa domanda verrà nascosta dalla moderazione?")
    shown = make_question(title="Questa domanda resta visibile a tutti i membri?")
    services.hide_post(moderator, "question", hidden.id, reason=REASON)
    text = page_text(client.get("/domande"))
    assert shown.title in text
    assert hidden.title not in text


def test_hidden_answer_is_not_shown_to_other_members(client, login, moderator):
    question = make_question()
    answer = make_answer(question, body="Risposta con un link pubblicitario molto sospetto.")
    services.hide_post(moderator, "answer", answer.id, reason=REASON)
    login(make_user())
    response = client.get(f"/domande/{question.id}")
    assert response.status_code == 200
    assert "link pubblicitario molto sospetto" not in page_text(response)


def test_hidden_answer_shows_its_reason_to_the_author(client, login, moderator):
    author = make_user()
    question = make_question()
    answer = make_answer(question, author, body="Risposta con un link pubblicitario sospetto.")
    services.hide_post(moderator, "answer", answer.id, reason=REASON)
    login(author)
    text = page_text(client.get(f"/domande/{question.id}"))
    assert "link pubblicitario sospetto" in text
    assert REASON in text


def test_hidden_comment_is_not_shown_to_other_members(client, login, moderator):
    question = make_question()
    comment = make_comment(question, make_user(), body="Commento sgarbato da nascondere.")
    services.hide_post(moderator, "comment", comment.id, reason=REASON)
    login(make_user())
    assert "Commento sgarbato da nascondere." not in page_text(
        client.get(f"/domande/{question.id}"))
    assert db.session.get(Comment, comment.id).hidden_reason == REASON


def test_hiding_an_answer_lowers_the_answer_count_and_restoring_raises_it(app, moderator):
    question = make_question()
    answer = make_answer(question)
    make_answer(question)
    services.hide_post(moderator, "answer", answer.id, reason=REASON)
    assert db.session.get(Question, question.id).answer_count == 1
    services.restore_post(moderator, "answer", answer.id)
    assert db.session.get(Question, question.id).answer_count == 2


def test_hiding_the_accepted_answer_withdraws_the_solution(client, login, moderator):
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question)
    accept_answer(asker, answer.id)
    assert db.session.get(Question, question.id).accepted_answer_id == answer.id
    login(moderator)
    assert _hide(client, "answer", answer.id).status_code == 303
    assert db.session.get(Question, question.id).accepted_answer_id is None
    services.restore_post(moderator, "answer", answer.id)
    assert db.session.get(Question, question.id).accepted_answer_id is None


def test_hiding_notifies_the_author_with_the_reason(app, moderator):
    author = make_user()
    answer = make_answer(make_question(), author)
    services.hide_post(moderator, "answer", answer.id, reason=REASON)
    [note] = _notifications(author.id)
    assert note.kind == "post_hidden"
    assert note.params["reason"] == REASON


def test_hiding_closes_the_open_flags_as_actioned(app, moderator):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="spam")
    services.hide_post(moderator, "question", question.id, reason=REASON)
    [flag] = db.session.execute(select(Flag)).scalars()
    assert (flag.status, flag.resolution, flag.resolved_by_id) == (
        "actioned", "hidden", moderator.id)


def test_hiding_a_post_already_hidden_by_a_moderator_is_a_conflict(client, login, moderator):
    question = make_question()
    services.hide_post(make_user("moderator"), "question", question.id, reason=REASON)
    login(moderator)
    response = _hide(client, "question", question.id, reason="Un altro motivo ancora")
    assert response.status_code == 409
    assert "Questo contenuto è già nascosto." in page_text(response)
    assert db.session.get(Question, question.id).hidden_reason == REASON


def test_moderator_confirms_a_post_hidden_by_flags_with_a_reason(app, moderator):
    answer = make_answer(make_question())
    _hide_by_flags("answer", answer.id)
    services.hide_post(moderator, "answer", answer.id, reason=REASON)
    hidden = db.session.get(Answer, answer.id)
    assert hidden.hidden_by_id == moderator.id
    assert hidden.hidden_reason == REASON
    question = db.session.get(Question, answer.question_id)
    assert question.answer_count == 0


# Restoring, dismissing, warning ------------------------------------------------------------

def test_restore_makes_the_post_visible_and_tells_the_author(client, login, moderator):
    author = make_user()
    question = make_question(author)
    services.hide_post(moderator, "question", question.id, reason=REASON)
    login(moderator)
    response = client.post(f"/moderazione/question/{question.id}/ripristina", data={})
    assert response.status_code == 303
    login(make_user())
    assert client.get(f"/domande/{question.id}").status_code == 200
    assert [n.kind for n in _notifications(author.id)] == ["post_hidden", "post_restored"]


def test_restoring_a_visible_post_is_a_conflict(client, login, moderator):
    question = make_question()
    login(moderator)
    response = client.post(f"/moderazione/question/{question.id}/ripristina", data={})
    assert response.status_code == 409
    assert "Questo contenuto non è nascosto." in page_text(response)


def test_restoring_a_post_restored_meanwhile_is_a_conflict(app, moderator):
    question = make_question()
    services.hide_post(moderator, "question", question.id, reason=REASON)
    services.restore_post(make_user("moderator"), "question", question.id)
    with pytest.raises(Conflict):
        services.restore_post(moderator, "question", question.id)


def test_dismissing_flags_restores_a_post_hidden_only_by_flags(client, login, moderator):
    author = make_user()
    answer = make_answer(make_question(), author)
    _hide_by_flags("answer", answer.id)
    assert db.session.get(Answer, answer.id).hidden_at is not None
    login(moderator)
    response = client.post(f"/moderazione/answer/{answer.id}/archivia-segnalazioni", data={})
    assert response.status_code == 303
    assert db.session.get(Answer, answer.id).hidden_at is None
    assert db.session.get(Question, answer.question_id).answer_count == 1
    statuses = set(db.session.execute(select(Flag.status)).scalars())
    assert statuses == {"dismissed"}
    assert _notifications(author.id)[-1].kind == "post_restored"


def test_dismissing_flags_leaves_a_visible_post_visible(app, moderator):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="off_topic")
    assert services.dismiss_flags(moderator, "question", question.id) == 1
    assert db.session.get(Question, question.id).hidden_at is None


def test_dismissing_when_no_flag_is_open_is_a_conflict(client, login, moderator):
    question = make_question()
    login(moderator)
    response = client.post(f"/moderazione/question/{question.id}/archivia-segnalazioni",
                           data={})
    assert response.status_code == 409
    assert "Non ci sono segnalazioni aperte" in page_text(response)


def test_warning_the_author_sends_a_notification_with_the_reason(client, login, moderator):
    author = make_user()
    comment = make_comment(make_question(), author)
    login(moderator)
    response = client.post(f"/moderazione/comment/{comment.id}/avvisa",
                           data={"reason": "Mantieni un tono rispettoso, per favore."})
    assert response.status_code == 303
    [note] = _notifications(author.id)
    assert note.kind == "warning"
    login(author)
    assert "Avviso dalla moderazione: Mantieni un tono rispettoso, per favore." in page_text(
        client.get("/notifiche"))


def test_warning_without_a_reason_is_refused(app, moderator):
    question = make_question()
    with pytest.raises(InvalidInput):
        services.warn_author(moderator, "question", question.id, reason="")
    assert _notifications(question.author_id) == []


def test_warning_yourself_is_a_conflict(app, moderator):
    question = make_question(moderator)
    with pytest.raises(Conflict):
        services.warn_author(moderator, "question", question.id, reason="Promemoria per me")


# Who may act -------------------------------------------------------------------------------

def test_moderator_of_another_theme_cannot_hide(client, login):
    question = make_question()
    limited = make_user("moderator")
    limited.moderated_theme_ids = str(_other_theme_id())
    db.session.commit()
    login(limited)
    response = _hide(client, "question", question.id)
    assert response.status_code == 403
    assert "Non moderi il tema di questo contenuto." in page_text(response)
    assert db.session.get(Question, question.id).hidden_at is None


@pytest.mark.parametrize("action", ["hide_post", "dismiss_flags", "warn_author"])
def test_moderator_of_another_theme_is_refused_by_every_service(app, action):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="spam")
    limited = make_user("moderator")
    limited.moderated_theme_ids = f"{_other_theme_id()}"
    db.session.commit()
    with pytest.raises(NotAllowed):
        getattr(services, action)(limited, "question", question.id, reason=REASON)


def test_moderator_limited_to_the_posts_theme_can_hide(client, login):
    question = make_question()
    limited = make_user("moderator")
    limited.moderated_theme_ids = f"{_other_theme_id()},{_theme_id('servizi-educativi-0-6')}"
    db.session.commit()
    login(limited)
    assert _hide(client, "question", question.id).status_code == 303


def test_moderator_of_another_theme_does_not_see_a_hidden_question(client, login, moderator):
    question = make_question()
    services.hide_post(moderator, "question", question.id, reason=REASON)
    limited = make_user("moderator")
    limited.moderated_theme_ids = str(_other_theme_id())
    db.session.commit()
    login(limited)
    assert client.get(f"/domande/{question.id}").status_code == 404


@pytest.mark.parametrize("action", ["nascondi", "ripristina", "archivia-segnalazioni", "avvisa"])
def test_member_calling_moderator_urls_is_forbidden(client, login, action):
    question = make_question()
    login(make_user())
    url = f"/moderazione/question/{question.id}/{action}"
    assert client.get(url).status_code == 403
    response = client.post(url, data={"reason": REASON})
    assert response.status_code == 403
    assert "riservata alla moderazione" in page_text(response)
    assert db.session.get(Question, question.id).hidden_at is None


def test_suspended_moderator_cannot_act(client, login):
    from tests.moderation.helpers import suspend

    question = make_question()
    login(suspend(make_user("moderator")))
    assert _hide(client, "question", question.id).status_code == 403


def test_unknown_post_is_not_found(client, login, moderator):
    login(moderator)
    assert _hide(client, "answer", 9999).status_code == 404


# Audit -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("action", "entry"), [
    ("hide_post", "hide_post"), ("restore_post", "restore_post"),
    ("dismiss_flags", "dismiss_flags"), ("warn_author", "warn_user"),
])
def test_every_action_writes_an_audit_entry(app, moderator, action, entry):
    question = make_question()
    flag_post(make_user(), "question", question.id, reason="spam")
    if action == "restore_post":
        services.hide_post(moderator, "question", question.id, reason=REASON)
    getattr(services, action)(moderator, "question", question.id, reason=REASON)
    [row] = _audit(entry)
    assert row.actor_id == moderator.id
    assert row.reason == REASON
    expected_target = ("user", question.author_id) if entry == "warn_user" else (
        "question", question.id)
    assert (row.target_type, row.target_id) == expected_target


def test_audit_entries_cannot_be_updated_through_the_orm(app, moderator):
    question = make_question()
    services.hide_post(moderator, "question", question.id, reason=REASON)
    [row] = _audit("hide_post")
    row.reason = "riscritto"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert _audit("hide_post")[0].reason == REASON


def test_audit_entries_cannot_be_deleted_through_the_orm(app, moderator):
    question = make_question()
    services.hide_post(moderator, "question", question.id, reason=REASON)
    [row] = _audit("hide_post")
    db.session.delete(row)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert len(_audit("hide_post")) == 1


def test_moderator_suspends_a_member_author_from_the_queue(client, login):
    from datetime import timedelta

    from forum.models import User
    from forum.models.base import utcnow

    author = make_user()
    question = make_question(author=author)
    answer = make_answer(question, author=make_user())
    moderator = make_user("moderator")
    login(moderator)
    url = f"/moderazione/answer/{answer.id}/sospendi-autore"
    bad = client.post(url, data={"days": "tre", "reason": "Pubblicità ripetuta."})
    assert bad.status_code == 422 and "Pubblicità ripetuta." in bad.text
    ok = client.post(url, data={"days": "3", "reason": "Pubblicità ripetuta."})
    assert ok.status_code == 303
    db.session.expire_all()
    suspended = db.session.get(User, answer.author_id)
    assert suspended.is_suspended
    assert suspended.suspended_until > utcnow() + timedelta(days=2)
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "suspend_user"))
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == suspended.id, Notification.kind == "account_suspended"))


def test_moderator_cannot_suspend_another_moderator(client, login):
    colleague = make_user("moderator")
    answer = make_answer(make_question(), author=colleague)
    login(make_user("moderator"))
    response = client.post(f"/moderazione/answer/{answer.id}/sospendi-autore",
                           data={"days": "3", "reason": "Motivo qualsiasi."})
    assert response.status_code == 403
    db.session.expire_all()
    assert not colleague.is_suspended


def test_hidden_posts_leave_the_public_profile(client, login):
    from forum.moderation.services import hide_post

    author = make_user()
    question = make_question(author=author, title="Una domanda che verrà nascosta presto")
    moderator = make_user("moderator")
    assert "verrà nascosta" in client.get(f"/utenti/{author.username}").text
    hide_post(moderator, "question", question.id, reason="Fuori luogo qui.")
    assert "verrà nascosta" not in client.get(f"/utenti/{author.username}").text
