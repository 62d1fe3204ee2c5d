"""The ask form's file picker says at once when the chosen files break the per-post
count, and keeps the form (and its text) from being sent; within the limits the question
is published with its files listed under it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_user, sign_in
from tests.practices.test_uploads import pdf


def _file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf()}


def test_too_many_files_are_caught_before_sending_and_the_rest_is_published(
        page: Page, live: LiveServer) -> None:
    sign_in(page, create_user(live.app), PASSWORD)
    page.goto("/domande/nuova")
    page.get_by_label("Titolo").fill("Delibera sulle tariffe del nido: come l'avete scritta?")
    page.get_by_label("Tema").select_option("servizi-educativi-0-6")
    page.get_by_label("Descrivi il problema").fill(
        "Allego la nostra delibera e il regolamento: cosa cambiereste?")
    picker = page.get_by_label("Aggiungi file (delibere, regolamenti, moduli)")
    limit = live.app.config["POST_ATTACHMENTS_MAX"]
    picker.set_input_files([_file(f"documento-{n}.pdf") for n in range(limit + 1)])
    expect(page.locator("#files-limiti")).to_have_text(
        f"Troppi file: al massimo {limit} per messaggio.")
    page.get_by_role("button", name="Pubblica la domanda").click()
    expect(picker).to_be_focused()
    assert page.url.endswith("/domande/nuova")
    picker.set_input_files([_file("delibera tariffe 2025.pdf")])
    expect(page.locator("#files-limiti")).to_be_hidden()
    page.get_by_role("button", name="Pubblica la domanda").click()
    page.wait_for_url(lambda url: "/domande/nuova" not in url)
    expect(page.get_by_role("link", name="delibera tariffe 2025.pdf")).to_be_visible()
