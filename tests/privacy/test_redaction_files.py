"""A redaction reaches the files of a question or answer: the moderator takes a file off,
and every file the post no longer lists (taken off now or by an earlier edit) is listed
only by versions the redaction hid, so it downloads for admins only (404 for the author,
moderators, members and anonymous readers); its bytes stay stored for the admins; an
admin restoring a hidden version makes the file public again; a crowd of identical
redactions leaves one; hostile ids never give a server error; the author's export
leaves the hidden files out; the migration does the same for posts redacted before."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import func, select, update

from forum.answers.services import edit_answer, post_answer
from forum.extensions import db
from forum.models import AuditEntry, PostAttachment, Revision
from forum.models.base import utcnow
from forum.privacy import services as privacy
from forum.questions.services import ask_question, edit_question
from forum.redactions.services import redact_post
from forum.revisions.services import roll_back
from forum.storage import get_storage
from tests.concurrency import at_once, signed_in_client
from tests.factories import make_question, make_user
from tests.post_attachments.test_services import QUESTION, upload
from tests.privacy.helpers import archive
from tests.security.test_hostile_input import HOSTILE

REASON = "Il modulo contiene il nome e la diagnosi di un minore"


def _status(client, login, viewer, attachment_id: int) -> int:  # type: ignore[no-untyped-def]
    if viewer is None:
        with client.session_transaction() as session:
            session.clear()
    else:
        login(viewer)
    response = client.get(f"/allegati/{attachment_id}")
    response.close()
    return response.status_code


def _file(name: str) -> PostAttachment:
    return db.session.scalars(select(PostAttachment).where(
        PostAttachment.filename == name)).one()


def test_a_redaction_takes_a_file_off_and_only_admins_can_download_it(app, client, login):
    author = make_user()
    question = ask_question(author, **QUESTION,
                            uploads=[upload("scheda minore.pdf"), upload("delibera.pdf")])
    leaky, kept = _file("scheda minore.pdf"), _file("delibera.pdf")
    moderator, admin, member = make_user("moderator"), make_user("admin"), make_user()
    login(moderator)
    page = client.get(f"/moderazione/oscura/question/{question.id}").get_data(as_text=True)
    assert 'name="rimuovi_allegato"' in page and "Rimuovi «scheda minore.pdf»" in page
    response = client.post(f"/moderazione/oscura/question/{question.id}", data={
        "title": question.title, "body": question.body, "reason": REASON,
        "rimuovi_allegato": [str(leaky.id)]})
    assert response.status_code == 303
    db.session.refresh(leaky)
    assert leaky.removed_at is not None and leaky.redacted_at is not None
    for viewer in (None, author, moderator, member):
        assert _status(client, login, viewer, leaky.id) == 404, viewer
        assert _status(client, login, viewer, kept.id) == 200, viewer
        pages = (client.get(f"/domande/{question.id}").get_data(as_text=True)
                 + client.get(f"/domande/{question.id}/revisioni").get_data(as_text=True)
                 + client.get(f"/api/v1/questions/{question.id}").get_data(as_text=True))
        assert f"/allegati/{leaky.id}" not in pages and "scheda minore.pdf" not in pages
    assert _status(client, login, admin, leaky.id) == 200
    history = client.get(f"/domande/{question.id}/revisioni").get_data(as_text=True)
    assert f'href="/allegati/{leaky.id}"' in history
    assert get_storage().exists(leaky.stored_name)  # kept for the admins
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "redact_post"))
    assert entry is not None and entry.details["files"] == [leaky.id]
    assert entry.details["revision"]


def test_a_file_the_author_already_took_off_is_hidden_without_changing_the_text(
        app, client, login):
    author = make_user()
    question = make_question(make_user())
    answer = post_answer(author, question.id, body="Allego la scheda compilata per il caso.",
                         uploads=[upload("scheda.pdf")])
    leaky = _file("scheda.pdf")
    edit_answer(author, answer.id, body="Tolta la scheda: conteneva dati del bambino.",
                remove_attachments={leaky.id})
    assert _status(client, login, make_user(), leaky.id) == 200  # an older version lists it
    moderator = make_user("moderator")
    login(moderator)
    page = client.get(f"/moderazione/oscura/answer/{answer.id}").get_data(as_text=True)
    assert "scheda.pdf" in page and 'name="rimuovi_allegato"' not in page
    body = "Tolta la scheda: conteneva dati del bambino."
    first = client.post(f"/moderazione/oscura/answer/{answer.id}",
                        data={"body": body, "reason": REASON})
    assert first.status_code == 303
    again = client.post(f"/moderazione/oscura/answer/{answer.id}",
                        data={"body": body, "reason": REASON})
    assert again.status_code == 409 and body in again.get_data(as_text=True)
    revisions = db.session.scalars(select(Revision).where(
        Revision.content_type == "answer", Revision.content_id == answer.id)).all()
    assert len(revisions) == 1 and revisions[0].redacted_at is not None  # no new version
    for viewer in (None, author, moderator):
        assert _status(client, login, viewer, leaky.id) == 404
    assert _status(client, login, make_user("admin"), leaky.id) == 200


def test_an_admin_restoring_the_hidden_version_makes_its_file_public_again(app, client,
                                                                           login):
    author = make_user()
    question = ask_question(author, **QUESTION, uploads=[upload("verbale.pdf")])
    leaky = _file("verbale.pdf")
    moderator, admin = make_user("moderator"), make_user("admin")
    redact_post(moderator, "question", question.id, title=question.title, body=question.body,
                reason=REASON, remove_files={leaky.id})
    assert _status(client, login, author, leaky.id) == 404
    hidden = db.session.scalars(select(Revision.id).where(
        Revision.content_type == "question").order_by(Revision.id.desc())).first()
    with app.test_request_context():  # the author's notification links the history
        roll_back(admin, "question", question.id, hidden, reason="Il file era pubblico")
    db.session.refresh(leaky)
    assert leaky.removed_at is None and leaky.redacted_at is None
    assert _status(client, login, author, leaky.id) == 200


def test_an_edit_still_takes_files_off_for_everyone_to_see_in_the_history(app, client, login):
    author = make_user()
    question = ask_question(author, **QUESTION, uploads=[upload("bozza.pdf")])
    draft = _file("bozza.pdf")
    edit_question(author, question.id, title=question.title, body=question.body,
                  theme_slug=QUESTION["theme_slug"], tags="nido",
                  remove_attachments={draft.id})
    assert _status(client, login, None, draft.id) == 200


def test_hostile_or_foreign_file_ids_are_ignored_and_never_give_a_server_error(
        app, client, login):
    author = make_user()
    question = ask_question(author, **QUESTION, uploads=[upload("mio.pdf")])
    other = ask_question(author, **QUESTION, uploads=[upload("altro.pdf")])
    mine, foreign = _file("mio.pdf"), _file("altro.pdf")
    login(make_user("moderator"))
    url = f"/moderazione/oscura/question/{question.id}"
    for text in [t for t in HOSTILE if not t.strip().isdigit()][:200]:
        response = client.post(url, data={"title": question.title, "body": question.body,
                                          "reason": REASON, "rimuovi_allegato": [text]})
        assert response.status_code in (303, 409, 422), (text, response.status_code)
    response = client.post(url, data={"title": question.title, "body": question.body,
                                      "reason": REASON, "rimuovi_allegato": [str(foreign.id)]})
    assert response.status_code == 409
    for row in (mine, foreign):
        db.session.refresh(row)
        assert row.removed_at is None and row.redacted_at is None
    assert other.id != question.id


def test_24_concurrent_file_redactions_leave_one(app):
    question = ask_question(make_user(), **QUESTION, uploads=[upload("scheda.pdf")])
    leaky = _file("scheda.pdf")
    moderator = make_user("moderator")
    session_id, question_id, file_id = moderator.get_id(), question.id, leaky.id
    title, body = question.title, question.body
    before = db.session.scalar(select(func.count(Revision.id)))
    db.session.rollback()

    def redact() -> int:
        client = signed_in_client(app, session_id)
        return client.post(f"/moderazione/oscura/question/{question_id}", data={
            "title": title, "body": body, "reason": REASON,
            "rimuovi_allegato": [str(file_id)]}).status_code

    codes = at_once(app, redact, 24)
    assert codes.count(303) == 1 and set(codes) <= {303, 409, 429}, codes
    db.session.rollback()
    assert db.session.scalar(select(func.count(Revision.id))) == before + 1
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "redact_post")) == 1
    assert db.session.get(PostAttachment, file_id).redacted_at is not None


def test_the_authors_export_leaves_out_the_files_a_redaction_hid(app):
    author = make_user()
    question = ask_question(author, **QUESTION,
                            uploads=[upload("scheda di Zanzibarotti.pdf"), upload("delibera.pdf")])
    redact_post(make_user("moderator"), "question", question.id, title=question.title,
                body=question.body, reason=REASON,
                remove_files={_file("scheda di Zanzibarotti.pdf").id})
    request, _created = privacy.request_export(author)
    files = archive(request)
    assert [f["filename"] for f in files["allegati.json"]] == ["delibera.pdf"]
    assert "Zanzibarotti" not in "".join(str(v) for v in files.values())


def test_the_migration_hides_the_removed_files_of_posts_redacted_before_it(app):
    path = (Path(__file__).resolve().parents[2] / "migrations" / "versions"
            / "b8e1d4c7a9f2_post_attachments_redacted_at.py")
    spec = importlib.util.spec_from_file_location("redacted_files_migration", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    author = make_user()
    question = ask_question(author, **QUESTION, uploads=[
        upload("vecchio.pdf"), upload("tenuto.pdf"), upload("dopo.pdf")])
    old, kept, later = _file("vecchio.pdf"), _file("tenuto.pdf"), _file("dopo.pdf")
    fields = {"title": question.title, "body": question.body,
              "theme_slug": QUESTION["theme_slug"], "tags": "nido"}
    edit_question(author, question.id, **fields, remove_attachments={old.id})
    db.session.execute(update(Revision).values(redacted_at=utcnow()))  # text-only redaction
    db.session.commit()
    edit_question(author, question.id, **fields, remove_attachments={later.id})
    migration.hide_files_of_earlier_redactions(db.session.connection())
    db.session.commit()
    for row in (old, kept, later):
        db.session.refresh(row)
    assert old.redacted_at is not None  # only the hidden version lists it
    assert kept.redacted_at is None and later.redacted_at is None  # listed, or a visible one
