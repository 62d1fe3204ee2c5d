"""The accessibility statement in a browser: a visitor reads it, sends a report with the
keyboard-reachable form (errors first, text kept), a moderator answers it from the
"Accessibilità" tab, the admin edits the statement. axe finds nothing on any page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, sign_in, unique
from tests.browser.test_accessibility import no_violations
from tests.browser.test_admin_accessibility import DEMO_ADMIN


def test_a_visitor_reports_and_a_moderator_answers(page: Page, live: LiveServer) -> None:
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Dichiarazione di accessibilità").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dichiarazione di accessibilità")
    no_violations(page, "dichiarazione di accessibilità")
    problem = f"Il menu principale non si apre con la tastiera {unique('a')}."
    page.get_by_label("Descrivi il problema").fill(problem)
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.locator("#email-errori")).to_contain_text("serve per risponderti")
    expect(page.get_by_label("Descrivi il problema")).to_have_value(problem)
    no_violations(page, "segnalazione con errori")
    page.get_by_label("Indirizzo e-mail per la risposta").fill("anna.neri@example.org")
    page.get_by_role("button", name="Invia la segnalazione").click()
    expect(page.locator(".alert-success")).to_contain_text("Ti risponderemo entro il")
    page.goto("/accessibilita/segnalazione?pagina=/temi")
    expect(page.get_by_label("Pagina in cui hai trovato il problema (facoltativo)")) \
        .to_have_value("/temi")
    no_violations(page, "pagina del modulo di segnalazione")

    sign_in(page, DEMO_MODERATOR)
    page.goto("/moderazione")
    page.get_by_role("link", name="Segnalazioni di accessibilità").click()
    expect(page.locator("table")).to_contain_text("30 giorni rimasti")
    no_violations(page, "moderazione: accessibilità")
    page.locator("tr", has_text=problem[:40]).get_by_role("link").click()
    expect(page.locator("main")).to_contain_text(problem)
    no_violations(page, "moderazione: segnalazione")
    page.get_by_role("button", name="Invia la risposta e chiudi").click()
    expect(page.locator("#answer-errori")).to_be_visible()
    no_violations(page, "moderazione: risposta vuota")
    page.get_by_label("Risposta a chi ha segnalato").fill("Corretto, grazie della segnalazione.")
    page.get_by_role("button", name="Invia la risposta e chiudi").click()
    expect(page.locator(".alert-success")).to_contain_text("Risposta inviata")
    page.get_by_role("link", name="Chiuse").click()
    expect(page.locator("table")).to_contain_text("Risposta inviata")
    no_violations(page, "moderazione: segnalazioni chiuse")


def test_the_admin_edits_the_statement(page: Page, live: LiveServer) -> None:
    sign_in(page, DEMO_ADMIN)
    page.goto("/amministrazione/utenti")
    page.get_by_role("link", name="Accessibilità", exact=True).click()
    no_violations(page, "amministrazione: dichiarazione di accessibilità")
    page.get_by_label("Amministrazione titolare del sito").fill("Comune di Val Serena")
    page.get_by_label("Data della dichiarazione").fill("2999-01-01")
    page.get_by_role("button", name="Salva la dichiarazione").click()
    expect(page.locator("#statement_date-errori")).to_contain_text("futuro")
    no_violations(page, "amministrazione: dichiarazione con errori")
    page.get_by_label("Data della dichiarazione").fill("2026-09-20")
    page.get_by_role("button", name="Salva la dichiarazione").click()
    expect(page.locator(".alert-success")).to_contain_text("aggiornata")
    page.goto("/accessibilita")
    expect(page.locator("main")).to_contain_text("Comune di Val Serena si impegna")
    expect(page.locator("main")).to_contain_text("20 settembre 2026")
