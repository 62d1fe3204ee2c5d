"""The privacy guard in a browser: a member asks with personal data, the form comes back
with the message focused and the passages marked, the box publishes (with a file); a
moderator then redacts the question and takes the file off. axe finds nothing on the form
with marks nor on the redaction page with its files."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, sign_in, unique
from tests.practices.test_uploads import pdf


def test_guarded_ask_then_redaction(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    sign_in(page)
    page.goto("/domande/nuova")
    title = f"Affido e richieste della famiglia {unique('p')}"
    page.get_by_label("Titolo").fill(title)
    page.get_by_label("Tema").select_option("servizi-educativi-0-6")
    body = "La mamma di Giulia (in affido) chiede di essere richiamata al 333 1234567."
    page.get_by_label("Descrivi il problema").fill(body)
    page.get_by_role("button", name="Pubblica la domanda").click()
    box = page.locator("#controllo-privacy")
    expect(box).to_be_focused()
    expect(box.locator("mark")).to_have_count(2)
    expect(box).to_contain_text("[numero di telefono]")
    expect(page.get_by_label("Descrivi il problema")).to_have_value(body)
    no_violations(page, "domanda con dati personali")
    page.get_by_label("Ho controllato: non sono dati personali di famiglie o minori").check(
        force=True)
    page.locator('input[type="file"]').set_input_files(files=[
        {"name": "scheda famiglia.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    page.get_by_role("button", name="Pubblica la domanda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("link", name="scheda famiglia.pdf")).to_be_visible()
    question_path = page.url.split(live.url, 1)[-1].split("#")[0]
    question_id = question_path.strip("/").split("/")[1]

    page.context.clear_cookies()
    sign_in(page, DEMO_MODERATOR)
    page.goto(f"/moderazione/oscura/question/{question_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oscura dati personali")
    no_violations(page, "oscuramento dati personali")  # with the post's file listed
    page.locator('button[name="omissis"][value="body:1"]').click()  # the phone number
    expect(page.get_by_label("Testo oscurato")).to_have_value(
        "La mamma di Giulia (in affido) chiede di essere richiamata al [omissis].")
    page.get_by_label("Motivo (lo legge l'autore)").fill("Recapito di una famiglia.")
    page.get_by_label("Rimuovi «scheda famiglia.pdf»").check(force=True)
    page.get_by_role("button", name="Oscura e pubblica").click()
    expect(page.get_by_text("Dati personali oscurati")).to_be_visible()
    expect(page.locator(".post-body, article").first).not_to_contain_text("333 1234567")
    expect(page.get_by_role("link", name="scheda famiglia.pdf")).to_have_count(0)
