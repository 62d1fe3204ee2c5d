"""Training paths in a browser: the list, a path with progress, the organiser's form and
report; axe finds nothing on each."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from forum.paths.services import ModuleFields, PathFields, publish_path, save_path
from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, sign_in, unique
from tests.browser.test_accessibility import no_violations


def test_a_member_enrols_and_marks_a_reading_done(page: Page, live: LiveServer) -> None:
    title = f"Percorso sui centri per le famiglie {unique('p')}"
    with live.app.app_context():
        organiser = db.session.scalars(select(User).where(User.username == DEMO_MODERATOR)).one()
        path = save_path(organiser, PathFields(title=title, summary="Tre passi per iniziare.",
                                               modules=(
            ModuleFields("reading", "Le linee di indirizzo", "https://www.example.org/linee"),
            ModuleFields("task", "Racconta il tuo territorio", "centri-famiglia-consultori"),
        )))
        publish_path(organiser, path.id, published=True)
        slug = path.slug
    page.goto("/percorsi")
    no_violations(page, "percorsi formativi")
    sign_in(page)
    page.goto(f"/percorsi/{slug}")
    page.get_by_role("button", name="Iscriviti al percorso").click()
    expect(page.locator("main")).to_contain_text("0 moduli su 2 completati")
    page.get_by_role("button", name="Segna come fatto Le linee di indirizzo").click()
    expect(page.locator("main")).to_contain_text("1 moduli su 2 completati")
    no_violations(page, "percorso con avanzamento")
    page.context.clear_cookies()
    sign_in(page, DEMO_MODERATOR)
    page.goto(f"/percorsi/{slug}/progressi")
    expect(page.locator("main")).to_contain_text("1 / 2")
    no_violations(page, "progressi del percorso")
    page.goto("/percorsi/nuovo")
    no_violations(page, "componi un percorso")
    page.get_by_label("Titolo del percorso").fill("Percorso senza moduli validi")
    page.get_by_role("button", name="Salva il percorso").click()
    expect(page.locator("#moduli-errori")).to_contain_text("Aggiungi almeno un modulo")
    no_violations(page, "componi un percorso, errori")
