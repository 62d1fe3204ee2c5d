"""Training paths: composing, enrolling, progress (marked, attended, written), the
organisers' report, and refused input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.events.registrations import Answers, register
from forum.extensions import db
from forum.models import Registration
from forum.models.base import utcnow
from forum.paths import queries
from forum.paths.services import (
    ModuleFields,
    PathFields,
    enrol,
    mark_done,
    publish_path,
    save_path,
)
from forum.questions.services import ask_question
from tests.events.helpers import published_event
from tests.factories import make_practice, make_user


def a_path(organiser, event, practice):  # type: ignore[no-untyped-def]
    path = save_path(organiser, PathFields(title="Aprire un Centro per le famiglie", modules=(
        ModuleFields("event", "Il webinar introduttivo", event.slug),
        ModuleFields("practice", "Studia una pratica", f"/buone-pratiche/{practice.slug}"),
        ModuleFields("reading", "Le linee di indirizzo", "https://www.example.org/linee"),
        ModuleFields("task", "Racconta il tuo territorio", "centri-famiglia-consultori"),
    )))
    return publish_path(organiser, path.id, published=True)


def test_progress_counts_marks_attendance_and_writing_on_the_theme(app):
    organiser, member = make_user("moderator"), make_user()
    event = published_event(organiser)
    path = a_path(organiser, event, make_practice(organiser))
    enrol(member, path.id)
    enrol(member, path.id)  # a second click changes nothing
    path = queries.path_by_slug(member, path.slug)
    modules = {m.kind: m for m in path.modules}
    mark_done(member, path.id, modules["practice"].id, done=True)
    mark_done(member, path.id, modules["reading"].id, done=True)
    register(member, event.id, Answers())
    db.session.scalar(select(Registration)).attended_at = utcnow()
    db.session.commit()
    ask_question(member, title="Il nostro territorio e il Centro per le famiglie",
                 body="Abbiamo tre comuni e un consultorio: da dove partire?",
                 theme_slug="centri-famiglia-consultori")
    progress = queries.my_progress(member, queries.path_by_slug(member, path.slug))
    assert len(progress.done) == 4 and progress.complete
    mark_done(member, path.id, modules["reading"].id, done=False)
    assert not queries.my_progress(member, queries.path_by_slug(member, path.slug)).complete
    with pytest.raises(Conflict, match="si completa da solo"):
        mark_done(member, path.id, modules["event"].id, done=True)


def test_only_organisers_compose_and_bad_modules_are_refused(app):
    organiser = make_user("moderator")
    with pytest.raises(NotAllowed):
        save_path(make_user(), PathFields(title="Un percorso qualsiasi", modules=(
            ModuleFields("reading", "Lettura", "https://www.example.org"),)))
    with pytest.raises(InvalidInput) as refused:
        save_path(organiser, PathFields(title="Percorso con errori", modules=(
            ModuleFields("event", "Incontro inesistente", "non-esiste"),
            ModuleFields("reading", "Link non valido", "javascript:alert(1)"),
            ModuleFields("segreto", "Tipo sconosciuto", "x"),)))
    messages = " ".join(refused.value.field_errors["modules"])
    assert "Modulo 1" in messages and "Modulo 2" in messages and "Modulo 3" in messages
    with pytest.raises(InvalidInput, match="Controlla"):
        save_path(organiser, PathFields(title="Senza moduli"))


def test_pages_report_and_form_errors_keep_the_text(app, client, login, query_counter):
    organiser = make_user("moderator")
    event = published_event(organiser)
    path = a_path(organiser, event, make_practice(organiser))
    assert client.get("/percorsi").status_code == 200
    assert "Aprire un Centro" in client.get(f"/percorsi/{path.slug}").get_data(as_text=True)
    members = [make_user(organisation=f"Comune {n % 2}") for n in range(3)]
    for member in members:
        enrol(member, path.id)
    login(organiser)
    with query_counter.counting() as few:
        assert client.get(f"/percorsi/{path.slug}/progressi").status_code == 200
    for member in [make_user() for _ in range(6)]:
        enrol(member, path.id)
    with query_counter.counting() as many:
        page = client.get(f"/percorsi/{path.slug}/progressi").get_data(as_text=True)
    assert few.count == many.count and "Comune 1" in page
    response = client.post("/percorsi/nuovo", data={
        "title": "Un titolo valido per il percorso", "module_kind": ["reading"],
        "module_title": ["Il mio titolo di modulo"], "module_reference": ["non-un-link"],
        "module_body": [""]})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Il mio titolo di modulo" in text
    assert "Modulo 1: indica il link" in text
    login(members[0])
    assert client.get(f"/percorsi/{path.slug}/progressi").status_code == 403
    draft = save_path(organiser, PathFields(title="Percorso in bozza", modules=(
        ModuleFields("reading", "Lettura", "https://www.example.org"),)))
    assert client.get(f"/percorsi/{draft.slug}").status_code == 404


def test_completion_certificate_only_when_every_module_is_done(app, client, login):
    import io

    from pypdf import PdfReader

    from forum.models import Certificate

    organiser, member = make_user("moderator"), make_user(display_name="Giorgia Città")
    path = save_path(organiser, PathFields(title="Percorso breve di prova", modules=(
        ModuleFields("reading", "Unica lettura", "https://www.example.org/lettura"),)))
    path = publish_path(organiser, path.id, published=True)
    enrol(member, path.id)
    login(member)
    refused = client.post(f"/percorsi/{path.slug}/attestato")
    assert refused.status_code == 403 and "completato tutti i moduli" in refused.text
    module = queries.path_by_slug(member, path.slug).modules[0]
    mark_done(member, path.id, module.id, done=True)
    response = client.post(f"/percorsi/{path.slug}/attestato")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    code = db.session.scalar(select(Certificate.code).where(Certificate.path_id == path.id))
    assert "Giorgia Città" in text and "Percorso breve di prova" in text and code in text
    assert client.post(f"/percorsi/{path.slug}/attestato").status_code == 200
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    page = client.get(f"/attestati/{code}").get_data(as_text=True)
    assert "Percorso formativo completato" in page and "Unica lettura" in page


def test_the_path_form_takes_any_text_and_simultaneous_enrolments_make_one(app, client,
                                                                           login):
    import threading

    from forum.models import PathEnrolment
    from tests.hostile import SAMPLE

    organiser = make_user("moderator")
    login(organiser)
    codes = set()
    for text in SAMPLE:
        response = client.post("/percorsi/nuovo", data={
            "title": text, "summary": text, "description": text,
            "module_kind": [text, "reading"], "module_title": [text, text],
            "module_reference": [text, "https://www.example.org/x"], "module_body": [text, ""]})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 422}, codes
    path = save_path(organiser, PathFields(title="Percorso per le iscrizioni insieme", modules=(
        ModuleFields("reading", "Lettura", "https://www.example.org/l"),)))
    publish_path(organiser, path.id, published=True)
    member, slug = make_user(), path.slug
    session_id = member.get_id()
    barrier, results = threading.Barrier(24), []

    def go() -> None:
        with app.app_context():
            other = app.test_client()
            with other.session_transaction() as session:
                session["_user_id"] = session_id
            barrier.wait(10)
            results.append(other.post(f"/percorsi/{slug}/iscriviti").status_code)

    threads = [threading.Thread(target=go) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [303] * 24
    db.session.rollback()
    assert db.session.scalar(select(func.count(PathEnrolment.id))) == 1
