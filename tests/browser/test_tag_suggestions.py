"""Tag suggestions in the ask form: typing the start of a tag offers the existing ones with
their numbers of questions in an ARIA combobox; arrows and Enter add one (the form is not
sent); axe finds nothing with the list open; without JavaScript the field is plain text."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from forum.questions.services import ask_question
from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MEMBER, sign_in, unique
from tests.browser.test_accessibility import no_violations


def _tagged_questions(live: LiveServer, tags: list[str]) -> None:
    with live.app.app_context():
        author = db.session.execute(select(User).where(User.username == DEMO_MEMBER)).scalar_one()
        for i, tag in enumerate(tags):
            ask_question(author, title=f"Domanda di prova {unique('t')} sulle etichette {i}?",
                         body="Un contesto abbastanza lungo per una domanda di prova.",
                         theme_slug="servizi-educativi-0-6", tags=tag)


def test_existing_tags_are_suggested_with_counts_and_added_by_keyboard(
        page: Page, live: LiveServer) -> None:
    stem = unique("zaf").lower()
    _tagged_questions(live, [f"{stem}-nidi", f"{stem}-nidi", f"{stem}-rette"])
    sign_in(page)
    page.goto("/domande/nuova")
    field = page.get_by_role("combobox", name="Etichette")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.fill("isee, ")
    field.press_sequentially(stem[:6], delay=20)
    listbox = page.get_by_role("listbox", name="Suggerimenti già in uso")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_have_text(f"{stem}-nidi 2 domande")  # most used first
    expect(options.nth(1)).to_have_text(f"{stem}-rette 1 domanda")
    expect(page.locator("#tag-suggestion-status")).to_have_text(
        "2 etichette suggerite: frecce su e giù per scegliere, Invio per aggiungerla, "
        "Esc per chiudere.")
    no_violations(page, "fai una domanda, suggerimenti di etichette aperti")

    field.press("ArrowDown")
    field.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    field.press("Enter")
    expect(field).to_have_value(f"isee, {stem}-rette, ")
    expect(listbox).to_be_hidden()
    assert "/domande/nuova" in page.url  # Enter chose the tag, it did not send the form

    field.press_sequentially("nessuna-etichetta-cosi", delay=5)
    expect(page.locator("#tag-suggestion-status")).to_have_text(
        "Nessuna etichetta esistente: verrà creata.")
    field.press("Escape")
    expect(field).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_tags_field_is_plain_text(new_page: Callable[..., Page]) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page)
    page.goto("/domande/nuova")
    field = page.get_by_label("Etichette")
    expect(field).not_to_have_attribute("role", "combobox")
    field.fill("isee, tariffe")
    expect(field).to_have_value("isee, tariffe")
