"""Moderation in a real browser: flag, review, hide, and axe on every moderation page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    DEMO_MEMBER,
    DEMO_MODERATOR,
    PASSWORD,
    THREAD_TITLE,
    create_question,
    create_user,
    question_id,
    sign_in,
)
from tests.browser.test_accessibility import check_page

MODERATOR_PAGES = [
    ("coda", "/moderazione"),
    ("coda filtrata", "/moderazione?motivo=attention"),
    ("registro", "/moderazione/registro"),
    ("registro filtrato", "/moderazione/registro?azione=close_question&dal=2020-01-01"),
    ("modifiche proposte", "/moderazione/modifiche"),
    ("notifiche", "/notifiche"),
]


@pytest.mark.parametrize(("label", "path"), MODERATOR_PAGES,
                         ids=[p[0].replace(" ", "-") for p in MODERATOR_PAGES])
def test_moderator_page(page: Page, label: str, path: str) -> None:
    sign_in(page, DEMO_MODERATOR)
    response = page.goto(path)
    assert response is not None and response.status == 200
    check_page(page, f"moderazione: {label}")


def test_help_page_on_privileges(page: Page) -> None:
    response = page.goto("/aiuto/privilegi")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("privilegi")
    check_page(page, "aiuto: privilegi")


def test_moderation_forms_with_errors(page: Page, live: LiveServer) -> None:
    qid = question_id(live.app, THREAD_TITLE)
    sign_in(page, DEMO_MODERATOR)
    page.goto(f"/domande/{qid}")
    page.get_by_text("Strumenti di moderazione").click()
    check_page(page, "domanda con strumenti di moderazione")
    page.goto(f"/domande/{qid}/moderazione/chiudi")
    page.get_by_label("Duplicato di un'altra domanda").check(force=True)
    page.get_by_label("Link o numero della domanda originale").fill("non è un link")
    page.get_by_role("button", name="Chiudi la domanda").click()
    expect(page.locator("#duplicate_of-errori")).to_be_visible()
    expect(page.get_by_label("Link o numero della domanda originale")).to_have_value(
        "non è un link")
    check_page(page, "chiusura con errori")


def test_closed_duplicate_points_to_its_original(page: Page, live: LiveServer) -> None:
    duplicate = question_id(live.app, "Posti liberi al nido a gennaio")
    page.goto(f"/domande/{duplicate}")
    expect(page.get_by_text("È un duplicato di:")).to_be_visible()
    page.get_by_role("link", name=THREAD_TITLE).first.click()
    expect(page.get_by_text("Domande chiuse come duplicati di questa")).to_be_visible()
    check_page(page, "originale con duplicati")


def test_flag_review_and_hide_round_trip(new_page, live: LiveServer) -> None:
    author = create_user(live.app)
    title = "Serve una sede per il centro famiglie: spazio proprio o condiviso?"
    qid = create_question(live.app, author, title=title)
    member = new_page()
    sign_in(member, DEMO_MEMBER)
    member.goto(f"/domande/{qid}")
    member.get_by_role("link", name="Segnala la domanda").click()
    member.get_by_label("Spam o pubblicità").check(force=True)
    check_page(member, "modulo di segnalazione")
    member.get_by_role("button", name="Invia la segnalazione").click()
    expect(member.get_by_text("la segnalazione è arrivata alla moderazione")).to_be_visible()

    moderator = new_page()
    sign_in(moderator, DEMO_MODERATOR)
    moderator.goto("/moderazione")
    item = moderator.locator("article", has_text=title)
    expect(item).to_contain_text("Spam o pubblicità")
    item.get_by_role("link", name="Nascondi").click()
    moderator.get_by_label("Motivo").fill("Contenuto promozionale, non una domanda di lavoro.")
    moderator.get_by_role("button", name="Nascondi il contenuto").click()
    expect(moderator.get_by_text("Contenuto nascosto")).to_be_visible()

    reader = new_page()
    assert reader.goto(f"/domande/{qid}").status == 404
    owner = new_page()
    sign_in(owner, author, PASSWORD)
    owner.goto(f"/domande/{qid}")
    expect(owner.get_by_text("Contenuto promozionale, non una domanda di lavoro.")).to_be_visible()
    owner.goto("/notifiche")
    expect(owner.get_by_text("nascosto dalla moderazione")).to_be_visible()
