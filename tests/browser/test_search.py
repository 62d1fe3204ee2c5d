"""Finding past solutions in the browser: suggestions while asking, search, related lists."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import THREAD_TITLE, question_id, sign_in


def test_similar_questions_and_practices_appear_while_typing(page: Page) -> None:
    sign_in(page)
    page.goto("/domande/nuova")
    page.evaluate("window.__noReload = true")
    page.get_by_label("Titolo").fill("Centri estivi ad agosto per i bambini di 3-6 anni")
    page.get_by_label("Descrivi il problema").fill(
        "Come organizzare il servizio estivo quando i genitori lavorano ad agosto?")
    similar = page.locator("[data-similar-questions] a")
    expect(similar.first).to_be_visible()
    expect(page.locator("[data-similar-practices] a").first).to_be_visible()
    assert page.evaluate("window.__noReload") is True


def test_header_search_corrects_a_typo_and_highlights(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Cerca in Officina").fill("afido")
    page.get_by_role("button", name="Cerca", exact=True).first.click()
    page.wait_for_url("**/cerca?q=afido")
    expect(page.locator(".search-results li").first).to_be_visible()
    text = page.locator("main").inner_text().lower()
    assert "affid" in text
    expect(page.locator(".search-snippet mark").first).to_be_visible()


def test_question_page_lists_related_practices(page: Page, live: LiveServer) -> None:
    page.goto(f"/domande/{question_id(live.app, THREAD_TITLE)}")
    related = page.locator(".related-lists")
    expect(related.get_by_role("heading", name="Buone pratiche correlate")).to_be_visible()
    expect(related.locator("a").first).to_be_visible()


def test_new_answer_becomes_findable(page: Page, live: LiveServer) -> None:
    sign_in(page)
    page.goto(f"/domande/{question_id(live.app, THREAD_TITLE)}")
    page.locator("#body").fill("Una parola rara per la ricerca: zanzibarico, da ritrovare.")
    page.get_by_role("button", name="Pubblica la risposta").click()
    for _ in range(20):
        page.goto("/cerca?q=zanzibarico")
        if page.locator(".search-results li").count():
            break
        page.wait_for_timeout(500)
    expect(page.locator(".search-results li").first).to_be_visible()
