"""Guidelines in a browser: a moderator writes one, publishes it, edits and publishes a
second version, then compares the two. axe finds nothing on any page on the way."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, sign_in, unique


def test_write_publish_edit_publish_and_compare(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    sign_in(page, DEMO_MODERATOR)
    page.goto("/linee-guida")
    no_violations(page, "elenco linee guida")
    page.get_by_role("link", name="Scrivi una linea guida").click()
    no_violations(page, "nuova linea guida")
    title = f"Accoglienza nei centri per le famiglie {unique('g')}"
    page.get_by_label("Titolo").fill(title)
    page.get_by_label("Sintesi").fill("Come accogliere le famiglie al primo contatto.")
    page.get_by_label("Testo").fill("## Primo contatto\n\nAscoltare e orientare.\n\n"
                                    "## Dopo\n\nRichiamare entro una settimana.")
    page.get_by_label("Servizi educativi 0-6 e nidi d'infanzia").check(force=True)
    page.get_by_label("Riferimenti normativi").fill("Legge strana | urn:sbagliato")
    page.get_by_label("Da rivedere entro").fill(
        (date.today() + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Salva").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("forma di Normattiva")
    no_violations(page, "nuova linea guida con errori")
    page.get_by_label("Riferimenti normativi").fill(
        "L. 8 novembre 2000, n. 328 | urn:nir:stato:legge:2000-11-08;328")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    no_violations(page, "linea guida in bozza")
    page.get_by_role("button", name="Pubblica", exact=True).click()
    expect(page.get_by_text("Versione 1 · aggiornata il")).to_be_visible()
    expect(page.get_by_role("link", name="L. 8 novembre 2000, n. 328")).to_have_attribute(
        "href", "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:legge:2000-11-08;328")
    no_violations(page, "linea guida pubblicata")
    page.get_by_role("link", name="Modifica la copia di lavoro").click()
    page.get_by_label("Testo").fill("## Primo contatto\n\nAscoltare, orientare e annotare.\n\n"
                                    "## Dopo\n\nRichiamare entro una settimana.")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Ci sono modifiche non ancora pubblicate")).to_be_visible()
    page.get_by_label("Nota di modifica").fill("Aggiunta l'annotazione del primo contatto.")
    page.get_by_role("button", name="Pubblica una nuova versione").click()
    expect(page.get_by_text("Versione 2 · aggiornata il")).to_be_visible()
    page.get_by_role("link", name="Versioni e modifiche").click()
    expect(page.get_by_text("Aggiunta l'annotazione del primo contatto.")).to_be_visible()
    no_violations(page, "versioni della linea guida")
    page.get_by_role("button", name="Confronta").click()
    expect(page.locator(".revision-diff ins").last).to_contain_text("annotare")
    no_violations(page, "confronto tra versioni")
