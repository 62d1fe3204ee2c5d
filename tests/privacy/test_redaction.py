"""Moderators redact personal data: the post changes, the versions that held the data are
for admins only (history, diff, rollback; search: test_redaction_search.py), the action is
audited and the author told; a crowd of identical redactions leaves one."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from forum.answers.services import edit_answer
from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Answer, AuditEntry, Comment, Notification, Question, Revision
from forum.redactions.services import redact_post
from forum.revisions.services import roll_back
from tests.concurrency import at_once, signed_in_client
from tests.factories import make_answer, make_comment, make_question, make_user

SECRET = "Zanzibarotti"  # a word no other text holds, to look for in pages and search
LEAKY = f"Il bambino {SECRET} è in affido: la madre risponde al 333 1234567, chiedete."
REDACTED = "Il bambino [omissis] è in affido: la madre risponde al [omissis], chiedete."


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _leaky_answer():  # type: ignore[no-untyped-def]
    author = make_user()
    question = make_question(make_user())
    answer = make_answer(question, author, body="Prima versione della risposta, senza dati.")
    edit_answer(author, answer.id, body=LEAKY, confirmed_personal_data=True)
    return author, question, answer


def test_redaction_replaces_the_text_and_hides_every_earlier_version(app, client, login):
    author, question, answer = _leaky_answer()
    moderator, admin = make_user("moderator"), make_user("admin")
    login(moderator)
    form = client.get(f"/moderazione/oscura/answer/{answer.id}")
    assert form.status_code == 200
    assert "[numero di telefono]" in text(form) and "Sostituisci con [omissis]" in text(form)
    response = client.post(f"/moderazione/oscura/answer/{answer.id}",
                           data={"body": REDACTED, "reason": "Dati di un minore"})
    assert response.status_code == 303
    answer = db.session.get(Answer, answer.id)
    db.session.refresh(answer)
    assert answer.body == REDACTED and SECRET not in answer.body_html
    revisions = db.session.scalars(select(Revision).where(
        Revision.content_type == "answer", Revision.content_id == answer.id)).all()
    assert len(revisions) == 2 and all(r.redacted_at is not None for r in revisions)
    assert revisions[-1].snapshot["body"] == LEAKY
    for viewer in (None, author, moderator):
        if viewer is None:
            client.get("/esci")
            with client.session_transaction() as session:
                session.clear()
        else:
            login(viewer)
        history = text(client.get(f"/risposte/{answer.id}/revisioni"))
        assert SECRET not in history and "333 1234567" not in history
        assert "Versione oscurata dalla moderazione" in history
    login(admin)
    assert SECRET in text(client.get(f"/risposte/{answer.id}/revisioni"))


def test_redaction_is_audited_and_the_author_is_told(app):
    author, _question, answer = _leaky_answer()
    moderator = make_user("moderator")
    redact_post(moderator, "answer", answer.id, body=REDACTED, reason="Dati di un minore")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "redact_post"))
    assert entry is not None and entry.actor_id == moderator.id
    assert (entry.target_type, entry.target_id, entry.reason) == ("answer", answer.id,
                                                                  "Dati di un minore")
    note = db.session.scalar(select(Notification).where(Notification.kind == "post_redacted"))
    assert note is not None and note.user_id == author.id
    assert note.params["reason"] == "Dati di un minore"


def test_a_question_title_is_redacted_in_notifications_too(app):
    asker = make_user()
    question = make_question(asker, title=f"Affido di {SECRET}: come procedere?")
    make_answer(question)
    redact_post(make_user("moderator"), "question", question.id,
                title="Affido di [omissis]: come procedere?", body=question.body,
                reason="Nome di un minore")
    titles = db.session.scalars(select(Notification.params).where(
        Notification.subject_type == "question")).all()
    assert titles and all(SECRET not in str(params) for params in titles)
    assert db.session.get(Question, question.id).title.startswith("Affido di [omissis]")


def test_the_audit_log_names_redactions_and_filters_them(app, client, login):
    _author, _question, answer = _leaky_answer()
    moderator = make_user("moderator")
    redact_post(moderator, "answer", answer.id, body=REDACTED, reason="Dati di un minore")
    login(moderator)
    page = client.get("/moderazione/registro?azione=redact_post")
    assert page.status_code == 200
    assert "Dati personali oscurati" in text(page) and "redact_post</td>" not in text(page)
    assert "Dati di un minore" in text(page)


def test_comments_can_be_redacted(app, client, login):
    asker = make_user()
    question = make_question(asker)
    comment = make_comment(question, asker, body=f"Chiamate {SECRET} al 347 1234567",
                           confirmed_personal_data=True)
    login(make_user("moderator"))
    response = client.post(f"/moderazione/oscura/comment/{comment.id}",
                           data={"body": "Chiamate [omissis]", "reason": "Recapito privato"})
    assert response.status_code == 303
    assert db.session.get(Comment, comment.id).body == "Chiamate [omissis]"
    assert db.session.scalar(select(Revision.redacted_at).where(
        Revision.content_type == "comment")) is not None


def test_the_omissis_button_replaces_one_finding_without_saving(app, client, login):
    _author, _question, answer = _leaky_answer()
    login(make_user("moderator"))
    findings_page = client.get(f"/moderazione/oscura/answer/{answer.id}")
    assert 'value="body:0"' in text(findings_page)
    response = client.post(f"/moderazione/oscura/answer/{answer.id}",
                           data={"body": LEAKY, "reason": "", "omissis": "body:0"})
    assert response.status_code == 200
    assert "risponde al [omissis], chiedete" in text(response)
    assert db.session.get(Answer, answer.id).body == LEAKY


def test_members_and_authors_may_not_redact(app, client, login):
    author, _question, answer = _leaky_answer()
    for who in (author, make_user()):
        login(who)
        assert client.get(f"/moderazione/oscura/answer/{answer.id}").status_code == 403
        assert client.post(f"/moderazione/oscura/answer/{answer.id}",
                           data={"body": REDACTED, "reason": "x"}).status_code == 403
    assert client.get(f"/moderazione/oscura/message/{answer.id}").status_code == 404


def test_a_redacted_version_cannot_be_restored_but_by_an_admin(app):
    author, _question, answer = _leaky_answer()
    moderator = make_user("moderator")
    redact_post(moderator, "answer", answer.id, body=REDACTED, reason="Dati di un minore")
    leaky_revision = db.session.scalars(select(Revision.id).where(
        Revision.content_type == "answer").order_by(Revision.id.desc())).first()
    with pytest.raises(NotAllowed):
        roll_back(moderator, "answer", answer.id, leaky_revision)
    with pytest.raises(NotAllowed):
        roll_back(author, "answer", answer.id, leaky_revision)


def test_a_reason_is_required_and_the_text_kept(app, client, login):
    _author, _question, answer = _leaky_answer()
    login(make_user("moderator"))
    response = client.post(f"/moderazione/oscura/answer/{answer.id}",
                           data={"body": REDACTED, "reason": ""})
    assert response.status_code == 422
    assert REDACTED in text(response)


def test_24_concurrent_redactions_leave_one(app):
    _author, _question, answer = _leaky_answer()
    moderator = make_user("moderator")
    before = db.session.scalar(select(func.count(Revision.id)))
    session_id = moderator.get_id()
    answer_id = answer.id
    db.session.rollback()  # end this session's read so it sees the threads' commits

    def redact() -> int:
        client = signed_in_client(app, session_id)
        return client.post(f"/moderazione/oscura/answer/{answer_id}",
                           data={"body": REDACTED, "reason": "Dati di un minore"}).status_code

    codes = at_once(app, redact, 24)
    assert sorted(set(codes)) in ([303, 409], [303, 409, 429], [303, 429]), codes
    assert codes.count(303) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(Revision.id))) == before + 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "redact_post")) == 1
