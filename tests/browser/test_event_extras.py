"""The events archive with materials and the personal calendar page in a browser: axe
finds nothing; resetting the personal feed address changes it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import sign_in
from tests.browser.test_accessibility import no_violations


def test_archive_and_personal_calendar_pages(page: Page, live: LiveServer) -> None:
    page.goto("/incontri/archivio")
    expect(page.locator("main")).to_contain_text("Registrazione video")
    no_violations(page, "archivio degli incontri")
    sign_in(page)
    page.goto("/profilo/calendario")
    no_violations(page, "calendario personale")
    page.get_by_role("button", name="Crea l'indirizzo del mio calendario").click()
    address = page.get_by_label("Indirizzo del tuo calendario", exact=False).input_value()
    assert "/calendario/" in address and address.endswith(".ics")
    page.get_by_role("button", name="Crea un nuovo indirizzo").click()
    expect(page.get_by_label("Indirizzo del tuo calendario", exact=False)).not_to_have_value(
        address)
    no_violations(page, "calendario personale, nuovo indirizzo")
