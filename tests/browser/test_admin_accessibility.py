"""axe-core (WCAG 2.1 AA) on the administration pages, signed in as the demo admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility import check_page

DEMO_ADMIN = "elena.marchetti"
ADMIN_PAGES = [
    ("utenti", "/amministrazione/utenti"),
    ("utenti filtrati", "/amministrazione/utenti?stato=attivo&regione=08&q=comune"),
    ("iscrizioni in attesa", "/amministrazione/iscrizioni"),
    ("temi", "/amministrazione/temi"),
    ("enti", "/amministrazione/enti"),
    ("regole di iscrizione", "/amministrazione/impostazioni"),
]


@pytest.mark.parametrize(("label", "path"), ADMIN_PAGES,
                         ids=[p[0].replace(" ", "-") for p in ADMIN_PAGES])
def test_admin_page(page: Page, label: str, path: str) -> None:
    sign_in(page, DEMO_ADMIN)
    response = page.goto(path)
    assert response is not None and response.status == 200
    check_page(page, f"amministrazione: {label}")


def test_user_manage_page_with_errors(page: Page) -> None:
    sign_in(page, DEMO_ADMIN)
    page.goto("/amministrazione/utenti?ruolo=membro")
    page.locator("table tbody th a").first.click()
    page.get_by_label("Durata in giorni").fill("sette")
    page.get_by_role("button", name="Sospendi l'account").click()
    assert page.locator("#days-errori").is_visible()
    check_page(page, "amministrazione: utente con errori")
