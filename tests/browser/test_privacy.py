"""Privacy in a browser: a new member asks for their data, downloads the archive, asks to
delete the account (a wrong password first), sees the banner on every page and cancels;
the notice and the admin's pages. axe finds nothing on any of them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_user, sign_in

DEMO_ADMIN = "elena.marchetti"


def test_export_delete_cancel(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    username = create_user(live.app)
    sign_in(page, username, PASSWORD)
    page.goto("/profilo/dati")
    no_violations(page, "i miei dati")
    page.get_by_role("button", name="Chiedi l'archivio dei miei dati").click()
    expect(page.locator(".alert").first).to_be_visible()
    page.goto("/profilo/dati")  # the thread runner builds it off the request
    expect(page.get_by_role("link", name="Scarica l'archivio")).to_be_visible(timeout=10_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica l'archivio").click()
    assert download.value.suggested_filename.endswith(".zip")
    page.get_by_label("La tua password").fill("non-e-la-mia")
    page.get_by_role("button", name="Chiedi l'eliminazione dell'account").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("La password non è corretta.")
    no_violations(page, "i miei dati con errori")
    page.get_by_label("La tua password").fill(PASSWORD)
    page.get_by_role("button", name="Chiedi l'eliminazione dell'account").click()
    page.goto("/domande")
    banner = page.get_by_role("button", name="Annulla la richiesta")
    expect(banner).to_be_visible()
    no_violations(page, "domande con l'avviso di eliminazione")
    banner.click()
    expect(page.get_by_text("Richiesta di eliminazione annullata")).to_be_visible()
    no_violations(page, "i miei dati dopo l'annullamento")


def test_notice_and_admin_pages(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    page.goto("/privacy")
    no_violations(page, "informativa privacy")
    sign_in(page, DEMO_ADMIN)
    for label, path in (("richieste privacy", "/amministrazione/privacy"),
                        ("modifica informativa", "/amministrazione/privacy/informativa")):
        response = page.goto(path)
        assert response is not None and response.status == 200
        no_violations(page, label)
    page.get_by_label("Titolare del trattamento: denominazione").fill("")
    page.get_by_role("button", name="Salva l'informativa").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    no_violations(page, "modifica informativa con errori")
