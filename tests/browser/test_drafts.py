"""Drafts offered back: text typed in the ask form is saved on the server, so a member
who opens the form on another device (a fresh browser) is offered "Ripristina / Scarta";
the answer form keeps its draft across a reload. The offer and a thread with files pass
axe with no violations."""

from __future__ import annotations

import io
from collections.abc import Callable

from playwright.sync_api import Page, expect
from werkzeug.datastructures import FileStorage

from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_question, create_user, sign_in
from tests.browser.test_accessibility import no_violations
from tests.practices.test_uploads import pdf

TITLE = "Regolamento del nido: come gestire le rinunce?"
BODY = "Bozza scritta sul computer dell'ufficio, da finire a casa."


def _saved(page: Page, path: str):
    return page.expect_response(
        lambda r: r.url.split("?")[0].endswith(path) and r.request.method == "POST"
        and r.status == 200)


def test_an_unsent_question_is_offered_back_on_another_device(
        new_page: Callable[..., Page], live: LiveServer) -> None:
    member = create_user(live.app)
    office = new_page()
    sign_in(office, member, PASSWORD)
    office.goto("/domande/nuova")
    office.get_by_label("Titolo").fill(TITLE)
    with _saved(office, "/bozze/ask"):
        office.get_by_label("Descrivi il problema").fill(BODY)

    home = new_page()  # another browser: nothing in its storage
    sign_in(home, member, PASSWORD)
    home.goto("/domande/nuova")
    offer = home.locator("[data-draft-offer]")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Hai una bozza non inviata del")
    no_violations(home, "fai una domanda con bozza offerta")
    offer.get_by_role("button", name="Ripristina").click()
    expect(offer).to_be_hidden()
    expect(home.get_by_label("Titolo")).to_have_value(TITLE)
    expect(home.get_by_label("Descrivi il problema")).to_have_value(BODY)

    home.goto("/domande/nuova")
    with home.expect_response(lambda r: r.url.endswith("/bozze/ask/scarta")):
        home.locator("[data-draft-offer]").get_by_role("button", name="Scarta").click()
    home.goto("/domande/nuova")
    home.wait_for_load_state("networkidle")
    expect(home.locator("[data-draft-offer]")).to_be_hidden()
    expect(home.get_by_label("Descrivi il problema")).to_have_value("")


def test_an_unsent_answer_survives_a_reload(page: Page, live: LiveServer) -> None:
    member = create_user(live.app)
    question = create_question(live.app, create_user(live.app))
    with live.app.app_context():
        from forum.extensions import db
        from forum.models import Question, User
        from forum.questions.services import edit_question

        asked = db.session.get_one(Question, question)
        edit_question(db.session.get_one(User, asked.author_id), question, title=asked.title,
                      body=asked.body, theme_slug="servizi-educativi-0-6", tags="prova",
                      uploads=[FileStorage(io.BytesIO(pdf()), filename="delibera.pdf")])
        db.session.remove()
    sign_in(page, member, PASSWORD)
    page.goto(f"/domande/{question}")
    expect(page.get_by_role("link", name="delibera.pdf")).to_be_visible()
    answer = page.get_by_role("textbox", name="La tua risposta")
    with _saved(page, "/bozze/answer"):
        answer.fill("Da noi le rinunce si gestiscono con una graduatoria aperta.")
    page.reload()
    offer = page.locator("[data-draft-offer]")
    expect(offer).to_be_visible()
    no_violations(page, "domanda con allegato e bozza di risposta offerta")
    offer.get_by_role("button", name="Ripristina").click()
    expect(answer).to_have_value("Da noi le rinunce si gestiscono con una graduatoria aperta.")
