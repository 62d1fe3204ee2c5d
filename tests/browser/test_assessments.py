"""Self-assessment in a browser: a member fills the checklist (radio buttons by keyboard
and by click), saves and reads the results with suggestions; the curator's editor and the
board's aggregates. axe finds nothing on each page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import Guideline, User
from forum.seed.assessments import GUIDELINE_SLUG, seed_assessments
from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_user, sign_in, unique
from tests.browser.test_accessibility import no_violations


def _checklist(live: LiveServer) -> str:
    """The demo checklist (its guideline made here when no seeder wrote it); its title."""
    from tests.factories import make_guideline

    with live.app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        guideline = db.session.scalar(select(Guideline).where(Guideline.slug == GUIDELINE_SLUG))
        if guideline is None:
            guideline = make_guideline(users["chiara.lombardo"], slug=GUIDELINE_SLUG,
                                       title="Tariffe dei servizi 0-3 con l'ISEE",
                                       themes=("servizi-educativi-0-6", "sostegno-economico"))
        seed_assessments(users)
        title = guideline.title
        db.session.remove()
    return title


def test_a_member_fills_the_checklist_and_reads_results_with_suggestions(
        page: Page, live: LiveServer) -> None:
    title = _checklist(live)
    username = create_user(live.app, organisation=f"Comune di {unique('Prova')} (fittizio)")
    sign_in(page, username, PASSWORD)
    page.goto("/autovalutazione")
    no_violations(page, "autovalutazione")
    page.get_by_role("link", name=f"Compila per il mio ente {title}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    no_violations(page, "compila l'autovalutazione")
    groups = page.locator("main fieldset")
    count = groups.count()
    assert count == 8
    # a value no radio offers (a stale or forged form): 422, the message beside the criterion
    groups.nth(2).get_by_role("radio").last.evaluate("(radio) => { radio.value = '9'; }")
    groups.nth(2).locator("label.form-check-label").last.click()
    groups.nth(3).get_by_label(re.compile("^Nota")).fill("Testo da non perdere")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Salva le risposte").click()
    assert nav.value is not None and nav.value.status == 422
    expect(groups.nth(2)).to_contain_text("il punteggio deve essere un numero intero da 0 a 4")
    expect(groups.nth(3).get_by_label(re.compile("^Nota"))).to_have_value("Testo da non perdere")
    no_violations(page, "compila l'autovalutazione, errori")
    first = groups.nth(0)
    first.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")  # keyboard: from 0 to 1
    expect(first.get_by_role("radio").nth(1)).to_be_checked()
    for n in range(1, count):
        group = groups.nth(n)
        label = "Pienamente realizzato" if n % 2 else "Parzialmente realizzato"
        group.locator("label.form-check-label", has_text=label).click()
        expect(group.get_by_role("radio", name=re.compile(label))).to_be_checked()
    first.get_by_label(re.compile("^Nota")).fill("Ne parliamo in giunta a maggio.")
    page.get_by_role("button", name="Salva le risposte").click()
    expect(page.locator("main")).to_contain_text("Risposte salvate.")
    expect(page.locator("main")).to_contain_text("Completa.")
    expect(page.get_by_label(re.compile("^Nota")).first).to_have_value(
        "Ne parliamo in giunta a maggio.")
    page.locator("main").get_by_role("link", name="Vedi i risultati").first.click()
    expect(page.get_by_role("table", name="Punteggio per area")).to_be_visible()
    weak = page.locator("main section[aria-labelledby^='debole-']")
    expect(weak).to_have_count(4)  # 1 of 4 and the three "parzialmente realizzato"
    expect(weak.locator("a[href^='/buone-pratiche/'], a[href^='/domande/']").first
           ).to_be_visible()
    no_violations(page, "risultati dell'autovalutazione")


def test_the_curator_edits_the_checklist_and_the_board_reads_aggregates(
        page: Page, live: LiveServer) -> None:
    _checklist(live)
    sign_in(page, "elena.marchetti")
    page.goto("/autovalutazione")
    expect(page.get_by_role("heading", name="Prepara le liste di controllo")).to_be_visible()
    no_violations(page, "autovalutazione (redazione)")
    page.goto(f"/autovalutazione/{GUIDELINE_SLUG}/aggregati")
    expect(page.locator("main")).to_contain_text("Meno di 5 enti")
    no_violations(page, "dati aggregati")
    page.goto(f"/autovalutazione/{GUIDELINE_SLUG}/criteri")
    no_violations(page, "criteri di autovalutazione")
    page.get_by_label(re.compile("^Area")).fill("Accesso")
    page.get_by_label("Punteggio massimo della scala", exact=False).fill("12")
    page.get_by_role("button", name="Aggiungi il criterio").click()
    expect(page.locator("main")).to_contain_text("Scrivi il titolo del criterio.")
    expect(page.get_by_label(re.compile("^Area"))).to_have_value("Accesso")
    no_violations(page, "criteri di autovalutazione, errori")
    page.get_by_label("Criterio", exact=True).fill("Sportello di orientamento per le rette")
    page.locator("label", has_text="Sostegno economico e Assegno unico").click()
    page.get_by_label("Punteggio massimo della scala", exact=False).fill("4")
    page.get_by_role("button", name="Aggiungi il criterio").click()
    expect(page.locator("main")).to_contain_text("Criterio aggiunto.")
    added = "Sportello di orientamento per le rette"
    page.get_by_role("link", name=f"Modifica {added}").click()
    expect(page.get_by_label("Criterio", exact=True)).to_have_value(added)
    expect(page.get_by_label("Sostegno economico e Assegno unico")).to_be_checked()
    no_violations(page, "modifica un criterio")
    page.get_by_role("button", name="Salva il criterio").click()
    expect(page.locator("main")).to_contain_text("Criterio aggiornato.")
    page.get_by_role("button", name=f"Sposta su {added}").click()
    expect(page.get_by_role("button", name=f"Sposta giù {added}")).to_be_visible()
    page.get_by_role("button", name=f"Elimina {added}").click()  # the demo stays as seeded
    expect(page.locator("main")).to_contain_text("Criterio eliminato.")
    expect(page.locator("main")).not_to_contain_text(added)
