"""Export of everything about a member: one request at a time, a ZIP of JSON sections
built by a job, downloadable by its owner only until it expires, then deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.conversations.services import start_conversation
from forum.errors import Gone, NotFound
from forum.extensions import db
from forum.models import Job, Notification, PrivacyRequest, RequestStatus, User
from forum.models.base import utcnow
from forum.privacy import services
from forum.privacy.export import SECTIONS, export_dir
from forum.privacy.purge import expire_exports
from forum.votes.services import cast_vote
from tests.concurrency import at_once
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.privacy.helpers import archive


def _active_member() -> User:
    user = make_user(display_name="Carla Bianchi Esporta")
    return user


def test_export_holds_every_section_and_no_secrets(app):
    me = _active_member()
    other = make_user(email="collega.riservata@ente.example", display_name="Collega Altro")
    question = make_question(me)
    make_answer(question, other)
    answer = make_answer(make_question(other), me)
    make_comment(question, me)
    cast_vote(other, "answer", answer.id, 1)
    cast_vote(me, "question", make_question(other).id, 1)
    start_conversation(me, recipients=other.username, subject="Una domanda per te",
                       body="Ciao, come avete fatto con le tariffe?")
    start_conversation(other, recipients=me.username, subject="Risposta dal collega",
                       body="Ti scrivo io: ecco la delibera.")

    request, created = services.request_export(me)
    assert created
    db.session.refresh(request)
    assert request.status == RequestStatus.READY  # the inline runner built it at commit
    files = archive(request)
    assert {f"{s.name}.json" for s in SECTIONS} <= set(files)
    assert files["profilo.json"][0]["email"] == me.email
    assert "password_hash" not in files["profilo.json"][0]
    assert "calendar_token" not in files["profilo.json"][0]
    assert [q["id"] for q in files["domande.json"]] == [question.id]
    assert [a["id"] for a in files["risposte.json"]] == [answer.id]
    assert len(files["commenti.json"]) == 1
    assert len(files["voti.json"]) == 1
    bodies = {m["body"]: m["sent_by_me"] for m in files["messaggi.json"]}
    assert bodies == {"Ciao, come avete fatto con le tariffe?": True,
                      "Ti scrivo io: ecco la delibera.": False}
    everything = "".join(str(v) for v in files.values())
    assert "collega.riservata@ente.example" not in everything
    assert "pbkdf2" not in everything and "scrypt" not in everything
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == me.id, Notification.kind == "privacy_export_ready")).one()
    assert note.link == "/profilo/dati"
    outbox = list((export_dir().parent / "outbox").glob("*.eml"))
    assert any(me.email in p.read_text() for p in outbox)


def test_asking_again_gives_the_same_request(app):
    me = _active_member()
    first, created = services.request_export(me)
    second, again = services.request_export(me)
    assert created and not again
    assert first.id == second.id
    assert db.session.scalar(select(func.count(Job.id)).where(Job.task == "privacy.export")) == 1


def test_24_requests_at_once_make_one_request_and_one_job(app):
    me = _active_member()
    user_id = me.id

    def ask() -> int:
        request, _created = services.request_export(db.session.get_one(User, user_id))
        return request.id

    db.session.commit()
    ids = at_once(app, ask, 24)
    db.session.rollback()
    assert len(set(ids)) == 1
    assert db.session.scalar(select(func.count(PrivacyRequest.id))) == 1
    assert db.session.scalar(select(func.count(Job.id)).where(Job.task == "privacy.export")) == 1


def test_only_the_owner_downloads_and_expiry_deletes_the_file(app):
    me, other = _active_member(), make_user()
    request, _ = services.request_export(me)
    db.session.refresh(request)
    _req, name = services.download_name(me, request.id)
    path = export_dir() / name
    assert path.is_file()
    with pytest.raises(NotFound):
        services.download_name(other, request.id)
    assert expire_exports(utcnow()) == 0  # not yet
    assert expire_exports(utcnow() + timedelta(days=8)) == 1
    assert not path.exists()
    with pytest.raises(Gone):
        services.download_name(me, request.id)
    assert expire_exports(utcnow() + timedelta(days=8)) == 0  # a second sweep: nothing
    fresh, created = services.request_export(me)  # a new one may be asked now
    assert created and fresh.id != request.id


def test_archive_streams_without_holding_rows(app, tmp_path):
    """Hundreds of rows: the ZIP is written row by row (a section is a generator)."""
    from forum.privacy.export import write_archive

    me = _active_member()
    for _n in range(3):
        make_question(me)
    size = write_archive(db.session(), me, tmp_path / "a.zip")
    assert size > 0 and not (tmp_path / "a.part").exists()
