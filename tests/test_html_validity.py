"""Every main page is valid HTML by the W3C Nu HTML Checker (vnu-jar), signed out and in.

`make install` fetches the checker from the npm registry into `.venv/vnu/`; Java runs it.
Without either the test is skipped, visibly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Answer,
    ConversationMember,
    Organisation,
    PostAttachment,
    Practice,
    Question,
    Theme,
    User,
)
from forum.seed.demo import seed_demo

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
JAVA = shutil.which("java")

pytestmark = [
    pytest.mark.skipif(
        not (VNU.exists() and JAVA),
        reason="Nu HTML Checker assente (make install lo scarica; serve Java): HTML non verificato",
    ),
    pytest.mark.skipif(
        bool(os.environ.get("FORUM_TEST_DATABASE_URL")),
        reason="the markup does not depend on the database: the SQLite run validates it",
    ),
]


@pytest.fixture
def app_overrides() -> dict:
    """Search on, so that result pages have hits and snippets to check; the OIDC log-in
    configured (never contacted) so that /accedi shows its button."""
    return {"SEARCH_SYNC": "inline", "OIDC_ISSUER": "https://iam.esempio.invalid",
            "OIDC_CLIENT_ID": "officina", "OIDC_CLIENT_SECRET": "segreto"}


def _files_on_a_thread(moderator: User) -> int:
    """A thread whose question and answer list files, one of them removed since (so its
    history links it): its page, history and edit forms carry every file element."""
    import io

    from werkzeug.datastructures import FileStorage

    from forum.answers.services import post_answer
    from forum.questions.services import ask_question, edit_question
    from tests.practices.test_uploads import PNG, pdf

    def files(*names: str) -> list[FileStorage]:
        return [FileStorage(io.BytesIO(PNG if n.endswith(".png") else pdf()), filename=n)
                for n in names]

    fields = {"title": "Una domanda con la delibera allegata", "tags": "nido",
              "body": "Allego la delibera e lo schema: come li avete applicati?",
              "theme_slug": "servizi-educativi-0-6"}
    question = ask_question(moderator, **fields, uploads=files("delibera.pdf", "schema.png"))
    removed = db.session.scalars(select(PostAttachment).where(
        PostAttachment.question_id == question.id)).first()
    assert removed is not None
    edit_question(moderator, question.id, **fields, remove_attachments=[removed.id])
    post_answer(moderator, question.id, body="Ecco il nostro modulo di iscrizione.",
                uploads=files("modulo <iscrizione>.pdf"))
    return question.id


def _pages(client, login) -> dict[str, str]:  # type: ignore[no-untyped-def]
    question = db.session.scalars(select(Question).order_by(Question.id)).first()
    practice = db.session.scalars(select(Practice).where(Practice.status == "pubblicata")).first()
    member = db.session.scalars(select(User).where(User.role == "member")).first()
    moderator = db.session.scalars(select(User).where(User.role == "admin")).first()
    assert question and practice and member and moderator
    public = ["/", "/domande", f"/domande/{question.id}", "/buone-pratiche",
              "/buone-pratiche?regione=01&evidenza=promettente&ordina=evidenza",
              f"/buone-pratiche/{practice.slug}", "/temi", "/temi/servizi-educativi-0-6",
              "/cerca?q=nido", "/accedi", "/registrati", f"/utenti/{member.username}",
              "/aiuto/privilegi", f"/domande/{question.id}/revisioni", "/pagina-inesistente",
              "/api/v1/docs",
              "/enti", "/dati", *[f"/enti/{slug}" for slug in db.session.scalars(
                  select(Organisation.slug).order_by(Organisation.id).limit(2))]]
    member_pages = ["/", f"/domande/{question.id}", "/domande/nuova", "/notifiche",
                    "/impostazioni/notifiche", "/temi/servizi-educativi-0-6", "/domande?tag=nido",
                    f"/utenti/{moderator.username}", f"/buone-pratiche/{practice.slug}",
                    "/profilo/modifica", "/buone-pratiche/nuova", "/cerca?q=tariffe",
                    "/rete", "/rete?regione=01&tema=servizi-educativi-0-6&ordina=nome",
                    "/utenti/giulia.ferraris",
                    "/messaggi", "/messaggi/nuovo?a=marco.esposito", "/messaggi/bloccati",
                    *[f"/messaggi/{c}" for c in db.session.scalars(
                        select(ConversationMember.conversation_id)
                        .where(ConversationMember.user_id == member.id))]]
    staff_pages = [f"/moderazione/oscura/question/{question.id}",
                   "/moderazione", "/moderazione/registro", "/moderazione/senza-soluzione",
                   "/moderazione/messaggi", "/moderazione/messaggi?stato=chiuse",
                   "/amministrazione/utenti",
                   "/amministrazione/temi", "/amministrazione/dati-aperti",
                   f"/domande/{question.id}",
                   "/cruscotto", "/cruscotto?tema=giovani&regione=08&da=2025-01&a=2026-12",
                   "/cruscotto?da=sbagliato&regione=99"]
    facilitator, group_pages = _group_pages()
    staff_pages += _path_pages(moderator) + _after_pages()
    assessment_member, assessment_staff = _assessment_pages()
    member_pages += assessment_member
    staff_pages += assessment_staff
    member_pages.append("/profilo/calendario")
    member_pages.append("/profilo/token")
    event_public, event_member, event_staff = _event_pages(moderator, member)
    public += event_public
    member_pages += event_member
    staff_pages += event_staff
    consultation = _consultation_page(moderator, member)
    public.append(consultation)
    member_pages.append(consultation)
    staff_pages.append(consultation)
    guideline_public, guideline_staff = _guideline_pages(moderator)
    public += guideline_public
    staff_pages += guideline_staff
    priority_public, priority_staff = _priority_pages(moderator)
    public += priority_public
    staff_pages += priority_staff
    files_thread = _files_on_a_thread(moderator)
    public += [f"/domande/{files_thread}", f"/domande/{files_thread}/revisioni"]
    staff_pages += [f"/domande/{question.id}/modifica",
                    f"/moderazione/oscura/question/{files_thread}",  # a file listed, one removed
                    *(f"/risposte/{answer_id}/modifica" for answer_id in db.session.scalars(
                        select(Answer.id).where(Answer.question_id == question.id).limit(1)))]
    accessibility_public, accessibility_staff = _accessibility_pages()
    public += accessibility_public
    member_pages.append("/accessibilita/segnalazione")
    staff_pages += accessibility_staff
    privacy_public, privacy_member, privacy_staff = _privacy_pages(member)
    public += privacy_public
    member_pages += privacy_member
    staff_pages += privacy_staff
    public += ["/tavoli", "/tavoli/rete-dei-centri-per-le-famiglie",
               "/tavoli/tavolo-tariffe-e-accesso-ai-nidi", group_pages[-1]]
    out: dict[str, str] = {}
    for who, user, paths in (("anonimo", None, public), ("membro", member, member_pages),
                             ("facilitatore", facilitator, group_pages),
                             ("amministratore", moderator, staff_pages)):
        if user is not None:
            login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), path
            out[f"{who} {path}"] = response.get_data(as_text=True)
    out |= _accessibility_error_pages(client, login, member, moderator)
    out.update(_guard_pages(client, login, member, question))
    return out


def _guard_pages(client, login, member: User, question: Question) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The forms the privacy guard sends back (422, passages marked, confirmation box):
    asking, answering and commenting as a member."""
    login(member)
    body = "La mamma di Giulia (affido) <b>risponde</b> al 333 1234567 & via Garibaldi 23."
    out = {}
    for name, path, data in (
            ("domanda", "/domande/nuova", {"title": "Una domanda con dati personali",
                                           "body": body, "theme": "disabilita"}),
            ("risposta", f"/domande/{question.id}/risposte", {"body": body}),
            ("commento", f"/domande/{question.id}/commenti", {"body": body})):
        response = client.post(path, data=data)
        assert response.status_code == 422, path
        out[f"membro {name} con dati personali"] = response.get_data(as_text=True)
    return out


def _accessibility_pages() -> tuple[list[str], list[str]]:
    """The statement, the feedback form, and the moderators' tab with an open, an overdue
    and an answered report (and one report's page), seen by the admin."""
    from datetime import timedelta

    from forum.accessibility.services import answer_report, submit_report
    from forum.models import AccessibilityReport
    from forum.models.base import utcnow

    class Visitor:
        is_authenticated = False

    admin = db.session.scalars(select(User).where(User.role == "admin")).first()
    reports = [submit_report(Visitor(), description=f"Problema di prova n. {n}\nsu due righe.",
                             page_url="/domande", email="visitatrice@example.org")
               for n in range(3)]
    db.session.get(AccessibilityReport, reports[1].id).due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    answer_report(admin, reports[2].id, answer="Risolto.\nGrazie.")
    return (["/accessibilita", "/accessibilita/segnalazione?pagina=/temi"],
            ["/moderazione/accessibilita", "/moderazione/accessibilita?stato=chiuse",
             f"/moderazione/accessibilita/{reports[1].id}",
             f"/moderazione/accessibilita/{reports[2].id}", "/amministrazione/accessibilita"])


def _accessibility_error_pages(client, login, member: User,  # type: ignore[no-untyped-def]
                               admin: User) -> dict[str, str]:
    """The feedback form, the answer form and the statement settings with errors shown."""
    with client.session_transaction() as session:
        session.clear()  # signed out
    out = {"anonimo segnalazione con errori": client.post("/accessibilita/segnalazione", data={
        "description": "corta", "email": "non-valida", "page_url": "javascript:x"})}
    login(member)
    out["membro segnalazione con errori"] = client.post("/accessibilita/segnalazione",
                                                        data={"description": ""})
    login(admin)
    out["amministratore risposta vuota"] = client.post("/moderazione/accessibilita/1/risposta",
                                                       data={"answer": ""})
    out["amministratore dichiarazione con errori"] = client.post(
        "/amministrazione/accessibilita", data={"administration": "", "compliance": "x",
                                                "statement_date": "ieri"})
    for name, response in out.items():
        assert response.status_code == 422, name
    return {name: response.get_data(as_text=True) for name, response in out.items()}


def _consultation_page(curator: User, member: User) -> str:
    """A guideline in consultation with an answered comment and a new one: its page is
    checked as seen by a visitor, a member (comment forms) and a curator (answer forms)."""
    from datetime import timedelta

    from forum.consultations.services import comment_on_section, respond_to_comment
    from forum.models import GuidelineStatus
    from forum.models.base import utcnow
    from tests.factories import make_guideline

    guideline = make_guideline(curator, slug="linea-guida-html-consultazione")
    guideline.status = GuidelineStatus.CONSULTATION
    guideline.consultation_ends_at = utcnow() + timedelta(days=9)
    db.session.commit()
    first = comment_on_section(member, guideline.slug, "passi", "Un passo *in più*.")
    respond_to_comment(curator, guideline.slug, first.id, "recepito", "Aggiunto.")
    comment_on_section(member, guideline.slug, "a-chi-serve", "Anche alle unioni.")
    return f"/linee-guida/{guideline.slug}/consultazione"


def _event_pages(organiser: User, member: User) -> tuple[list[str], list[str], list[str]]:
    """Two published events (the member registered to the first, with a place and a link,
    on two sessions) and a draft; the pages of each kind of visitor."""
    from datetime import time, timedelta

    from forum.events.registrations import Answers, register
    from forum.events.services import SessionFields, create_event
    from forum.models.base import utcnow
    from tests.events.helpers import fields, published_event

    day = (utcnow() + timedelta(days=12)).date()
    first = published_event(organiser, title="Laboratorio sulle tariffe dei nidi",
                            kind="laboratorio", place_name="Sala Borsa",
                            address="Piazza Nettuno 3", municipality="Bologna", region="08",
                            capacity=20, description="## Programma\n\n- casi\n- domande",
                            contact_email="formazione@comune.example.it",
                            sessions=(SessionFields(day, time(9), time(12), "Prima parte"),
                                      SessionFields(day + timedelta(days=7), time(9),
                                                    time(12), "Seconda parte")))
    register(member, first.id, Answers(job_title="Istruttrice"))
    second = published_event(organiser, title="Webinar sulle graduatorie dei nidi")
    draft = create_event(organiser, fields(title="Bozza di un seminario sui nidi"))
    base = f"/incontri/{first.slug}"
    public = ["/incontri", f"/incontri/calendario?mese={day:%Y-%m}", "/incontri/archivio",
              base, "/incontri?tipo=webinar&periodo=trimestre"]
    member_pages = [base, f"/incontri/{second.slug}"]
    staff = ["/incontri/nuovo", f"{base}/modifica", f"{base}/iscritti", f"/incontri/{draft.slug}"]
    return public, member_pages, staff


def _guideline_pages(admin: User) -> tuple[list[str], list[str]]:
    """The demo guidelines (g1 with two versions, g2 in consultation, g3 overdue), one with
    unpublished changes; the list, page, versions, diff, preview and form pages."""
    from forum.guidelines.services import GuidelineFields, edit_guideline
    from forum.models import Guideline

    overdue = db.session.scalars(select(Guideline).where(
        Guideline.slug == "sostegno-caregiver-familiari")).one()
    edit_guideline(admin, overdue.id, GuidelineFields(
        title=overdue.title, summary=overdue.summary, body=overdue.body + "\n\nAggiunta.",
        theme_ids=(db.session.scalars(select(Theme.id)).first() or 1,),
        review_by=overdue.review_by, legal_references="L. 104/1992 | "
        "urn:nir:stato:legge:1992-02-05;104"))
    first = "/linee-guida/tariffe-servizi-educativi-0-3-isee"
    public = ["/linee-guida", "/linee-guida?stato=pubblicata&tema=servizi-educativi-0-6",
              first, f"{first}/versioni", f"{first}/confronta?da=1&a=2",
              "/linee-guida/avviare-coprogettazione-terzo-settore",
              "/linee-guida/sostegno-caregiver-familiari"]
    staff = ["/linee-guida/nuova", f"{first}/modifica", first,
             "/linee-guida/sostegno-caregiver-familiari",
             "/linee-guida/sostegno-caregiver-familiari/bozza"]
    return public, staff


def _priority_pages(board: User) -> tuple[list[str], list[str]]:
    """The demo's priorities and sent newsletter issue, and a draft issue for this month
    (its page, preview and form), seen by the board."""
    from forum.announcements.queries import today
    from forum.models import Announcement, NewsletterIssue
    from forum.newsletters.services import IssueFields, create_issue

    slugs = list(db.session.scalars(select(Announcement.slug).order_by(Announcement.id)))
    sent = db.session.scalars(select(NewsletterIssue)).one()
    day = today()
    create_issue(board, IssueFields(title="Officina informa in preparazione",
                                    intro="Una **bozza** di prova.", year=day.year,
                                    month=day.month))
    draft = f"/newsletter/{day.year}/{day.month}"
    public = ["/indirizzi", *[f"/indirizzi/{slug}" for slug in slugs], "/newsletter",
              f"/newsletter/{sent.year}/{sent.month}"]
    staff = ["/indirizzi", "/indirizzi/nuovo", f"/indirizzi/{slugs[0]}/modifica",
             f"/indirizzi/{slugs[0]}", "/newsletter", "/newsletter/nuova", draft,
             f"{draft}/anteprima", f"{draft}/modifica", "/temi/centri-famiglia-consultori"]
    return public, staff


def _group_pages() -> tuple[User, list[str]]:
    """A facilitator of the demo group on request and the group's pages, ending with an
    invitation's page (for an address not yet registered)."""
    from forum.groups import invitations
    from forum.mail import outbox_messages
    from forum.models import Group

    facilitator = db.session.scalars(select(User).where(User.username == "giulia.ferraris")).one()
    group = db.session.scalars(select(Group).where(Group.kind == "request")).one()
    invitations.invite(facilitator, group.id, "nuova.collega@comune.example.it")
    [mail] = [m for m in outbox_messages() if m["To"] == "nuova.collega@comune.example.it"]
    token = mail.get_body(("plain",)).get_content().split("/tavoli/invito/")[1].split()[0]
    thread = db.session.scalars(select(Question.id).where(Question.group_id == group.id)).first()
    base = f"/tavoli/{group.slug}"
    from forum.models import GroupDocument

    document = db.session.scalars(select(GroupDocument.id).where(
        GroupDocument.group_id == group.id)).first()
    return facilitator, ["/tavoli?miei=1", "/tavoli/nuovo", base, f"{base}/membri",
                         f"{base}/documenti", f"{base}/documenti/{document}",
                         f"{base}/modifica", f"/domande/nuova?tavolo={group.slug}",
                         f"/domande/{thread}", f"/tavoli/invito/{token}"]


def _path_pages(organiser: User) -> list[str]:
    """A published training path with one module of each kind, seen by its organiser."""
    from forum.models import Event
    from forum.paths.services import ModuleFields, PathFields, enrol, publish_path, save_path

    event = db.session.scalars(select(Event).order_by(Event.id)).first()
    practice = db.session.scalars(select(Practice).where(
        Practice.status == "pubblicata")).first()
    assert event is not None and practice is not None
    path = save_path(organiser, PathFields(title="Percorso di prova per l'HTML", modules=(
        ModuleFields("event", "Un incontro", event.slug),
        ModuleFields("practice", "Una pratica", practice.slug),
        ModuleFields("reading", "Una lettura", "https://www.example.org/lettura"),
        ModuleFields("task", "Un compito", "giovani"))))
    publish_path(organiser, path.id, published=True)
    enrol(organiser, path.id)
    return ["/percorsi", f"/percorsi/{path.slug}", f"/percorsi/{path.slug}/progressi",
            f"/percorsi/{path.slug}/modifica", "/percorsi/nuovo"]


def _assessment_pages() -> tuple[list[str], list[str]]:
    """The demo checklist (its guideline made here when no seeder wrote it) with the demo
    assessments: the list, the form and the results for the member's organisation; the
    criteria editor, one criterion and the aggregates for the admin."""
    from forum.models import Criterion, Guideline
    from forum.seed.assessments import GUIDELINE_SLUG, seed_assessments
    from tests.factories import make_guideline

    users = {u.username: u for u in db.session.scalars(select(User))}
    if db.session.scalar(select(Guideline).where(Guideline.slug == GUIDELINE_SLUG)) is None:
        make_guideline(users["chiara.lombardo"], slug=GUIDELINE_SLUG)
    seed_assessments(users)
    base = f"/autovalutazione/{GUIDELINE_SLUG}"
    criterion = db.session.scalars(select(Criterion.id).order_by(Criterion.id)).first()
    return (["/autovalutazione", base, f"{base}/risultati"],
            ["/autovalutazione", f"{base}/criteri", f"{base}/criteri/{criterion}",
             f"{base}/aggregati"])


def _privacy_pages(member: User) -> tuple[list[str], list[str], list[str]]:
    """The notice; "I miei dati" with a ready export and a deletion in its grace period
    (the banner on every page); the admin's list and the notice editor."""
    from flask import current_app

    from forum.privacy import services

    services.request_export(member)
    services.request_deletion(member, password=current_app.config["DEMO_PASSWORD"])
    return (["/privacy"], ["/profilo/dati"],
            ["/amministrazione/privacy", "/amministrazione/privacy/informativa"])


def _after_pages() -> list[str]:
    """The demo's concluded webinar: a certificate's public page and the feedback results
    (seen by an admin)."""
    from forum.certificates.services import issue_certificate
    from forum.models import Event

    attendee = db.session.scalars(select(User).where(User.username == "giulia.ferraris")).one()
    webinar = db.session.scalars(select(Event).where(Event.kind == "webinar")).one()
    certificate = issue_certificate(attendee, webinar.id)
    return [f"/attestati/{certificate.code}", f"/incontri/{webinar.slug}/valutazioni",
            f"/incontri/{webinar.slug}"]


def test_main_pages_have_no_html_errors(app, client, login, tmp_path):
    seed_demo(app.config["DEMO_PASSWORD"])
    pages = _pages(client, login)
    files = {}
    for n, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page{n}.html"
        path.write_text(html, encoding="utf-8")
        files["file:" + str(path.resolve())] = name
    control = tmp_path / "page-control.html"  # the checker must see a planted fault
    control.write_text("<!doctype html><html lang=it><title>x</title><p><time datetime="
                       "'2026-03-01T09:05:07.123456Z'>x</time></p>", encoding="utf-8")
    files["file:" + str(control.resolve())] = "controllo"
    done = subprocess.run(
        [JAVA or "java", "-jar", str(VNU), "--errors-only", "--format", "json",
         "--exit-zero-always", *[str(p) for p in tmp_path.glob("page*.html")]],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{files.get(m.get('url', ''), m.get('url'))}: line {m.get('lastLine')}: "
              f"{m.get('message')}" for m in messages if m.get("type") == "error"]
    assert len(pages) >= 25
    assert [e for e in errors if e.startswith("controllo:")], "the checker found nothing"
    errors = [e for e in errors if not e.startswith("controllo:")]
    assert not errors, "\n".join(errors[:40])
