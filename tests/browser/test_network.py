"""Profiles, the directory and organisation pages in a browser, with axe on each."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import Organisation
from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_user, sign_in
from tests.browser.test_accessibility import no_violations


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def test_a_member_completes_the_profile_with_a_photo(page: Page, live: LiveServer) -> None:
    member = create_user(live.app)
    sign_in(page, member, PASSWORD)
    page.goto("/profilo/modifica")
    no_violations(page, "modifica profilo")
    page.get_by_label("Ruolo o incarico").fill("Coordinatrice dei servizi per l'infanzia")
    page.get_by_label("Competenze", exact=True).fill("Gare per nidi, tariffe")
    page.get_by_role("group", name="Temi di competenza (al massimo 5)").get_by_text(
        "Servizi educativi 0-6 e nidi d'infanzia").click()
    page.get_by_label("Chi vede il ruolo").select_option("public")
    page.locator("form").filter(has=page.get_by_label("Nome e cognome")).get_by_role(
        "button", name="Salva").click()
    page.wait_for_url(f"**/utenti/{member}")
    expect(page.locator("main")).to_contain_text("Coordinatrice dei servizi per l'infanzia")
    no_violations(page, "profilo")
    page.goto("/profilo/modifica")
    page.get_by_label("Foto (JPEG, PNG o WebP, al massimo 2 MB)").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": _png()}])
    page.get_by_role("button", name="Carica la foto").click()
    expect(page.locator(".alert-success")).to_contain_text("Foto aggiornata")
    photo = page.locator("main img.officina-avatar")
    expect(photo).to_have_count(1)
    page.wait_for_function("""() => {
        const img = document.querySelector('main img.officina-avatar');
        return img && img.complete && img.naturalWidth === 256;
    }""")
    page.get_by_label("Foto (JPEG, PNG o WebP, al massimo 2 MB)").set_input_files(
        files=[{"name": "logo.svg", "mimeType": "image/svg+xml",
                "buffer": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}])
    page.get_by_role("button", name="Carica la foto").click()
    expect(page.locator("#photo-errori")).to_contain_text("SVG non sono accettate")
    no_violations(page, "foto rifiutata")


def test_the_directory_filters_by_facet_with_the_state_in_the_url(page: Page,
                                                                  live: LiveServer) -> None:
    sign_in(page)
    page.locator("header").get_by_role("link", name="Rete").click()
    page.wait_for_url("**/rete")
    no_violations(page, "rete")
    page.get_by_role("group", name="Regione").get_by_text("Piemonte").click()
    page.get_by_role("group", name="Tema di competenza").get_by_text(
        "Servizi educativi 0-6 e nidi d'infanzia").click()
    page.get_by_role("button", name="Cerca nella rete").click()
    page.wait_for_url("**/rete?**regione=01**")
    assert "tema=servizi-educativi-0-6" in page.url
    expect(page.locator(".directory-card")).to_contain_text(["Giulia Ferraris"])
    page.get_by_role("link", name="nome").click()
    page.wait_for_url("**ordina=nome**")
    assert "regione=01" in page.url
    no_violations(page, "rete filtrata")
    page.locator(".directory-card").get_by_role("link", name="Giulia Ferraris").click()
    expect(page.locator("main")).to_contain_text("Attività per tema")


def test_an_organisation_page(page: Page, live: LiveServer) -> None:
    with live.app.app_context():
        slug = db.session.scalars(select(Organisation.slug).where(
            Organisation.name == "Comune di Valverde (fittizio)")).one()
    page.goto(f"/enti/{slug}")
    expect(page.locator("h1")).to_have_text("Comune di Valverde (fittizio)")
    expect(page.locator("main")).to_contain_text("Giulia Ferraris")  # her organisation is public
    no_violations(page, "ente")
    sign_in(page)
    page.goto("/enti")
    no_violations(page, "enti")
