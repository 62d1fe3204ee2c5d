"""Open data in a browser: the /dati page reached from the footer, its downloads and
metadata links, and the admin's settings page (saved, then shown on /dati). axe finds
nothing on either page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import sign_in

DEMO_ADMIN = "elena.marchetti"


def test_open_data_page_and_its_settings(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Dati aperti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dati aperti")
    expect(page.locator('link[rel="alternate"][type="application/rdf+xml"]')).to_have_count(1)
    no_violations(page, "dati aperti")
    sign_in(page, DEMO_ADMIN)
    page.goto("/amministrazione/dati-aperti")
    no_violations(page, "impostazioni dei dati aperti")
    page.get_by_label("Codice IPA dell'ente").fill("codice sbagliato!")
    page.get_by_role("button", name="Salva le impostazioni").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("codice IPA")
    no_violations(page, "impostazioni dei dati aperti con errori")
    page.get_by_label("CC BY-SA 4.0").check(force=True)
    page.get_by_label("Codice IPA dell'ente").fill("c_x123")
    page.get_by_role("button", name="Salva le impostazioni").click()
    expect(page.get_by_text("Impostazioni dei dati aperti salvate.")).to_be_visible()
    page.goto("/dati")
    expect(page.get_by_role("link", name="CC BY-SA 4.0")).to_be_visible()
    page.goto("/amministrazione/dati-aperti")
    page.get_by_label("CC BY 4.0", exact=True).check(force=True)
    page.get_by_role("button", name="Salva le impostazioni").click()
    expect(page.get_by_text("Impostazioni dei dati aperti salvate.")).to_be_visible()


def test_pages_announce_feeds_to_the_browser(page: Page, live: LiveServer) -> None:
    page.goto("/domande?stato=risolte")
    feeds = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(feeds).to_have_count(2)
    expect(feeds.first).to_have_attribute("href", "/feed/domande/risolte.atom")
