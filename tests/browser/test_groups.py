"""Working groups in a browser: asking to join a group on request, a facilitator approving,
posting a discussion in the group; axe finds nothing on each new page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_user, sign_in, unique
from tests.browser.test_accessibility import no_violations

GROUP = "Tavolo tariffe e accesso ai nidi"
FACILITATOR = "giulia.ferraris"


def test_joining_a_group_on_request_then_posting_in_it(page: Page, live: LiveServer) -> None:
    newcomer = create_user(live.app, display_name="Ilaria Nuova")
    sign_in(page, newcomer, PASSWORD)
    page.goto("/tavoli")
    no_violations(page, "elenco tavoli")
    page.get_by_label("Nome o descrizione").fill("tariffe")
    page.get_by_role("complementary", name="Cerca e filtra").get_by_role("button",
                                                                         name="Cerca").click()
    page.get_by_role("link", name=GROUP).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(GROUP)
    expect(page.locator("main")).not_to_contain_text("progressività lineare")
    no_violations(page, "tavolo su richiesta, non membro")
    page.get_by_label("Messaggio per i facilitatori (facoltativo)").fill(
        "Seguo le tariffe dei servizi 0-3 del mio comune.")
    page.get_by_role("button", name="Chiedi di partecipare").click()
    expect(page.locator("main")).to_contain_text("Hai chiesto di partecipare")
    group_url = page.url

    page.context.clear_cookies()
    sign_in(page, FACILITATOR)
    page.goto(group_url.rstrip("/") + "/membri")
    no_violations(page, "membri del tavolo, facilitatore")
    request = page.locator("li").filter(has_text="Ilaria Nuova")
    expect(request).to_contain_text("Seguo le tariffe")
    request.get_by_role("button", name="Approva").click()
    expect(page.locator(".alert-success")).to_contain_text("Richiesta approvata")
    expect(page.get_by_role("button", name="Approva Ilaria Nuova")).to_have_count(0)
    expect(page.get_by_role("button", name="Rimuovi Ilaria Nuova")).to_have_count(1)

    page.context.clear_cookies()
    sign_in(page, newcomer, PASSWORD)
    page.goto(group_url)
    expect(page.locator("main")).to_contain_text("Fai parte di questo tavolo")
    expect(page.locator("main")).to_contain_text("progressività lineare")
    no_violations(page, "tavolo su richiesta, membro")
    page.get_by_role("link", name="Nuova discussione").click()
    no_violations(page, "nuova discussione nel tavolo")
    title = f"Esenzione dal nido per il terzo figlio {unique('t')}"
    page.get_by_label("Titolo").fill(title)
    page.get_by_label("Tema").select_option("servizi-educativi-0-6")
    page.get_by_label("Descrivi il problema").fill(
        "Nel tavolo vorrei capire chi ha introdotto l'esenzione totale dal terzo figlio.")
    page.get_by_role("button", name="Pubblica la domanda").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("Visibile solo ai membri del tavolo")
    no_violations(page, "discussione del tavolo")
    thread_url = page.url
    page.goto(group_url)
    expect(page.locator("main")).to_contain_text(title)

    page.context.clear_cookies()
    response = page.goto(thread_url)
    assert response is not None and response.status == 404
    expect(page.locator("main")).not_to_contain_text(title)


def test_opening_a_group_with_the_form(page: Page, live: LiveServer) -> None:
    founder = create_user(live.app)
    sign_in(page, founder, PASSWORD)
    page.goto("/tavoli/nuovo")
    no_violations(page, "apri un tavolo")
    page.get_by_role("button", name="Apri il tavolo").click()
    expect(page.locator("#name-errori, .invalid-feedback").first).to_be_visible()
    no_violations(page, "apri un tavolo, errori")
    name = f"Tavolo conciliazione {unique('g')}"
    page.get_by_label("Nome del tavolo").fill(name)
    page.get_by_text("Riservato: solo su invito, invisibile a chi non ne fa parte").click()
    page.get_by_role("group", name="Temi (al massimo 5)").get_by_text(
        "Conciliazione vita-lavoro", exact=False).first.click()
    page.get_by_role("button", name="Apri il tavolo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("Sei facilitatore di questo tavolo")
    page.get_by_role("link", name="Membri").click()
    page.get_by_label("Nome utente o indirizzo e-mail").fill("nessuno-ha-questo-nome")
    page.get_by_role("button", name="Invia l'invito").click()
    expect(page.locator("main")).to_contain_text("Nessun membro ha il nome utente")
    expect(page.get_by_label("Nome utente o indirizzo e-mail")).to_have_value(
        "nessuno-ha-questo-nome")
    no_violations(page, "invito rifiutato")
