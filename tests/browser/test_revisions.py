"""The revision history page in a real browser: axe WCAG 2.1 AA and a rollback by its author."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from forum.questions.services import edit_question
from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_question, create_user, sign_in
from tests.browser.test_accessibility import check_page

ORIGINAL = "Il nido apre alle sette.\n\nLe tariffe seguono l'ISEE <b>del nucleo</b>."
CHANGED = "Il nido apre alle otto.\n\nLe tariffe seguono l'ISEE del nucleo familiare."


def _edited_question(live: LiveServer, author: str) -> int:
    question_id = create_question(live.app, author, body=ORIGINAL)
    with live.app.app_context():
        user = db.session.execute(select(User).where(User.username == author)).scalar_one()
        edit_question(user, question_id, title=f"Domanda con cronologia {question_id}: orari?",
                      body=CHANGED, theme_slug="servizi-educativi-0-6", tags="prova, orari")
    return question_id


def test_history_page_passes_axe_and_rolls_back(page: Page, live: LiveServer) -> None:
    author = create_user(live.app)
    question_id = _edited_question(live, author)
    sign_in(page, author, PASSWORD)
    page.goto(f"/domande/{question_id}/revisioni")
    expect(page.locator(".revision-diff ins").first).to_be_visible()
    expect(page.locator(".revision-diff del").first).to_be_visible()
    check_page(page, "cronologia della domanda (autore)")
    page.get_by_label("Motivo (facoltativo)").fill("Torno al testo di prima")
    page.get_by_role("button", name="Ripristina questa versione").click()
    page.wait_for_url(f"**/domande/{question_id}")
    expect(page.locator("main")).to_contain_text("Versione ripristinata")
    expect(page.locator("main")).to_contain_text("alle sette")
