"""Guideline pages over HTTP: list, page, form, status moves, versions, diff, PDF, threads."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from forum.answers.services import accept_answer
from forum.extensions import db
from forum.guidelines import services
from forum.models import (
    Guideline,
    GuidelineComment,
    GuidelineStatus,
    GuidelineVersion,
    Theme,
    guideline_sources,
)
from tests.concurrency import at_once, signed_in_client
from tests.factories import make_answer, make_guideline, make_question, make_user


def form(**overrides) -> dict:
    theme_id = db.session.scalar(select(Theme.id).order_by(Theme.position))
    data = {"title": "Rette dei nidi e ISEE", "summary": "Come fissare rette eque.",
            "body": "## Passi\n\nUno, due, tre.\n\n## Errori\n\nNon cambiarle a metà anno.",
            "themes": [str(theme_id)],
            "review_by": (date.today() + timedelta(days=100)).isoformat(),
            "legal_references": "L. 328/2000 | urn:nir:stato:legge:2000-11-08;328"}
    data.update(overrides)
    return data


def test_list_shows_visible_guidelines_with_badges_and_filters(client, login, app):
    make_guideline(title="Linea guida pubblicata e scaduta",
                   review_by=date.today() - timedelta(days=3))
    make_guideline(published=False, title="Bozza riservata alla redazione")
    page = client.get("/linee-guida").get_data(as_text=True)
    assert "Linea guida pubblicata e scaduta" in page and "Da verificare" in page
    assert "Bozza riservata" not in page
    login(make_user("editor"))
    assert "Bozza riservata" in client.get("/linee-guida").get_data(as_text=True)
    assert "Bozza riservata" not in client.get(
        "/linee-guida?stato=pubblicata").get_data(as_text=True)
    assert "scaduta" not in client.get("/linee-guida?tema=giovani").get_data(as_text=True)
    assert client.get("/linee-guida?stato=boh").status_code == 400
    assert client.get("/linee-guida?page=x").status_code == 400
    assert client.get("/linee-guida?page=5").status_code == 404


def test_create_form_saves_a_draft_and_refuses_bad_input_keeping_the_text(client, login, app):
    login(make_user())
    assert client.get("/linee-guida/nuova").status_code == 403
    login(make_user("editor"))
    bad = client.post("/linee-guida/nuova", data=form(
        legal_references="Legge strana | urn:nir:qualcosa",
        review_by=(date.today() - timedelta(days=1)).isoformat()))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "forma di Normattiva" in text and "già passata" in text
    assert "Legge strana | urn:nir:qualcosa" in text and "Rette dei nidi e ISEE" in text
    response = client.post("/linee-guida/nuova", data=form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/linee-guida/rette-dei-nidi-e-isee")
    page = client.get("/linee-guida/rette-dei-nidi-e-isee").get_data(as_text=True)
    assert "non ha ancora una versione pubblicata" in page and 'href="#passi"' in page


def test_draft_page_is_not_found_for_members(client, login, app):
    draft = make_guideline(published=False)
    assert client.get(f"/linee-guida/{draft.slug}").status_code == 404
    login(make_user())
    assert client.get(f"/linee-guida/{draft.slug}").status_code == 404
    assert client.get(f"/linee-guida/{draft.slug}/pdf").status_code == 404


def test_detail_shows_the_published_version_and_owner_controls(client, login, app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    services.edit_guideline(owner, guideline.id, services.GuidelineFields(
        title="Titolo nuovo non pubblicato", summary="S.", body="## Nuovo\n\nTesto.",
        theme_ids=tuple(t.id for t in db.session.scalars(select(Theme).limit(1))),
        review_by=guideline.review_by))
    public = client.get(f"/linee-guida/{guideline.slug}").get_data(as_text=True)
    assert "Versione 1 · aggiornata il" in public and "Titolo nuovo" not in public
    assert "normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-08;328" in public
    assert "Ci sono modifiche non ancora pubblicate" not in public
    assert client.get(f"/linee-guida/{guideline.slug}/bozza").status_code == 302
    login(owner)
    mine = client.get(f"/linee-guida/{guideline.slug}").get_data(as_text=True)
    assert "Ci sono modifiche non ancora pubblicate" in mine
    assert "Pubblica una nuova versione" in mine and "Archivia" in mine
    preview = client.get(f"/linee-guida/{guideline.slug}/bozza").get_data(as_text=True)
    assert "Titolo nuovo non pubblicato" in preview
    login(make_user())
    assert client.get(f"/linee-guida/{guideline.slug}/bozza").status_code == 404


def test_publish_then_versions_and_compare(client, login, app):
    owner = make_user("editor")
    login(owner)
    client.post("/linee-guida/nuova", data=form())
    slug = "rette-dei-nidi-e-isee"
    assert client.post(f"/linee-guida/{slug}/stato",
                       data={"stato": "pubblicata"}).status_code == 303
    again = client.post(f"/linee-guida/{slug}/stato",
                        data={"stato": "pubblicata", "change_note": "Niente."})
    assert again.status_code == 409 and "Nulla è cambiato" in again.get_data(as_text=True)
    client.post(f"/linee-guida/{slug}/modifica", data=form(
        body="## Passi\n\nUno, due, tre, quattro.\n\n## Errori\n\nNon cambiarle a metà anno."))
    missing_note = client.post(f"/linee-guida/{slug}/stato", data={"stato": "pubblicata"})
    assert missing_note.status_code == 422
    assert client.post(f"/linee-guida/{slug}/stato", data={
        "stato": "pubblicata", "change_note": "Aggiunto il quarto passo."}).status_code == 303
    versions = client.get(f"/linee-guida/{slug}/versioni").get_data(as_text=True)
    assert "Aggiunto il quarto passo." in versions and "Prima versione." in versions
    diff = client.get(f"/linee-guida/{slug}/confronta?da=1&a=2").get_data(as_text=True)
    assert "<ins" in diff and "quattro" in diff
    for bad in ("da=1&a=9", "da=x&a=2", "da=&a=2", "da=1", "da=-1&a=2", "da=99999999&a=1"):
        assert client.get(f"/linee-guida/{slug}/confronta?{bad}").status_code in (400, 404)


def test_versions_list_accepted_consultation_comments(client, app):
    guideline = make_guideline()
    author = make_user(display_name="Commentatrice Attenta")
    for outcome, body in (("recepito", "Aggiungete il caso dei fratelli."),
                          ("non-recepito", "Togliete tutto.")):
        db.session.add(GuidelineComment(
            guideline_id=guideline.id, version=1, section_anchor="passi",
            section_title="Passi", author_id=author.id, body=body, body_html=f"<p>{body}</p>",
            outcome=outcome, reply="Fatto.", reply_html="<p>Fatto.</p>"))
    db.session.commit()
    page = client.get(f"/linee-guida/{guideline.slug}/versioni").get_data(as_text=True)
    assert "Cosa è cambiato grazie alla consultazione" in page
    assert "Aggiungete il caso dei fratelli." in page and "Togliete tutto." not in page
    assert "Commentatrice Attenta" in page


def test_consultation_move_needs_a_future_date_and_shows_the_banner(client, login, app):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    login(owner)
    url = f"/linee-guida/{guideline.slug}/stato"
    past = client.post(url, data={"stato": "in-consultazione",
                                  "consultation_ends_at": date.today().isoformat()})
    assert past.status_code == 422
    bad = client.post(url, data={"stato": "in-consultazione", "consultation_ends_at": "boh"})
    assert bad.status_code == 422
    end = date.today() + timedelta(days=12)
    assert client.post(url, data={"stato": "in-consultazione",
                                  "consultation_ends_at": end.isoformat()}).status_code == 303
    page = client.get(f"/linee-guida/{guideline.slug}").get_data(as_text=True)
    assert "In consultazione fino al" in page
    assert f"/linee-guida/{guideline.slug}/consultazione" in page


def test_pdf_of_the_published_version(client, app):
    guideline = make_guideline(title="Linea guida sulle rette “eque” — 2026")
    response = client.get(f"/linee-guida/{guideline.slug}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Linea guida sulle rette" in text and "A chi serve" in text
    assert "Versione 1" in text and "L. 8 novembre 2000, n. 328" in text


def test_twenty_four_simultaneous_publications_make_one_version(app, login):
    owner = make_user("editor")
    guideline = make_guideline(owner)
    services.edit_guideline(owner, guideline.id, services.GuidelineFields(
        title=guideline.title, summary="Sintesi nuova.", body=guideline.body,
        theme_ids=tuple(t.id for t in db.session.scalars(select(Theme).limit(1))),
        review_by=guideline.review_by))
    session_id, slug = owner.get_id(), guideline.slug
    results = at_once(app, lambda: signed_in_client(app, session_id).post(
        f"/linee-guida/{slug}/stato", data={
            "stato": "pubblicata", "change_note": "Sintesi riscritta."}).status_code, 24)
    assert sorted(results) == [303] + [409] * 23
    db.session.rollback()
    assert db.session.scalar(select(func.count(GuidelineVersion.id))) == 2


def test_propose_from_thread_and_question_page_lists_it(client, login, app):
    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question, body="Usate la tariffa lineare tra un minimo e un massimo.")
    accept_answer(asker, answer.id)
    editor = make_user("editor")
    login(editor)
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Proponi come linea guida" in page
    response = client.post(f"/domande/{question.id}/linea-guida")
    assert response.status_code == 303 and "/modifica" in response.headers["Location"]
    assert db.session.scalar(select(guideline_sources.c.question_id)) == question.id
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Linee guida nate da questa discussione" in page
    twice = client.post(f"/domande/{question.id}/linea-guida")
    assert twice.status_code == 303  # back to the thread with the reason
    login(make_user())
    assert client.post(f"/domande/{question.id}/linea-guida").status_code == 403


def test_answer_citing_a_section_shows_it_and_the_guideline_lists_the_thread(client, login,
                                                                           app):
    guideline = make_guideline()
    question = make_question()
    make_answer(question, body=f"Seguite /linee-guida/{guideline.slug}#passi per le rette.")
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Cita:" in page and f"/linee-guida/{guideline.slug}#passi" in page
    assert "— Passi" in page
    detail = client.get(f"/linee-guida/{guideline.slug}").get_data(as_text=True)
    assert question.title in detail


def test_question_page_statements_do_not_grow_with_guideline_citations(client, app,
                                                                       query_counter):
    guideline = make_guideline()

    def count(n: int) -> int:
        question = make_question()
        for _ in range(n):
            make_answer(question, body=f"Vedi /linee-guida/{guideline.slug}#passi, è utile.")
        with query_counter.counting() as counter:
            assert client.get(f"/domande/{question.id}").status_code == 200
        return counter.count

    assert count(2) == count(12)


def test_the_create_form_takes_hostile_text_and_never_echoes_it_raw(client, login, app):
    from tests.hostile import SAMPLE

    login(make_user("editor"))
    codes = set()
    for text in SAMPLE:
        response = client.post("/linee-guida/nuova", data=form(
            title=text, summary=text, body=text, legal_references=text, owners=text,
            practices=text, events=text))
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert codes <= {303, 422}, codes
    for guideline in db.session.scalars(select(Guideline).where(
            Guideline.status == GuidelineStatus.DRAFT)).all()[:20]:
        page = client.get(f"/linee-guida/{guideline.slug}")
        assert page.status_code == 200 and "<script>alert" not in page.get_data(as_text=True)


def test_pdf_takes_any_text_of_the_corpus(client, app):
    """Emoji, right-to-left scripts, CJK, control-like characters: the PDF (core fonts,
    Latin-1) still comes out, never a 500."""
    from tests.hostile import HOSTILE

    body = "## Sezione\n\n" + "\n\n".join(text.replace("#", "") for text in HOSTILE[::9])
    guideline = make_guideline(title="Linea guida 🏠 ٱلْعَرَبِيَّة 日本語 Ω≈ç√",
                               summary="Sintesi 🤖 with \u202e reversed text", body=body)
    response = client.get(f"/linee-guida/{guideline.slug}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert PdfReader(io.BytesIO(response.data)).pages
