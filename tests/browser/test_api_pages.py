"""The API's pages in a browser: the documentation and the member's tokens (axe: 0)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility import no_violations


def test_api_documentation_page(page: Page) -> None:
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("API di Officina")
    expect(page.locator("code", has_text="/api/v1/questions").first).to_be_visible()
    no_violations(page, "documentazione API")


def test_member_creates_sees_once_and_revokes_a_token(page: Page) -> None:
    sign_in(page)
    page.goto("/profilo/token")
    no_violations(page, "token di accesso")
    page.get_by_label("Nome del token").fill("Cruscotto regionale")
    page.locator("label[for=scope-1]").click()
    page.get_by_role("button", name="Crea il token").click()
    token = page.get_by_label("Il tuo nuovo token")
    assert token.input_value().startswith("off_")
    no_violations(page, "token appena creato")
    page.goto("/profilo/token")
    expect(page.get_by_label("Il tuo nuovo token")).to_have_count(0)
    page.get_by_role("button", name="Revoca Cruscotto regionale").click()
    expect(page.locator("tbody")).to_contain_text("revocato")
