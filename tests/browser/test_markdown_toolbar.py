"""The Markdown toolbar in a browser: buttons and shortcuts format the selection, the
toolbar is one tab stop with arrow keys inside, Ctrl+Z undoes a formatting step, axe finds
nothing on the enhanced editor; without JavaScript the text area is plain."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import THREAD_TITLE, question_id, sign_in
from tests.browser.test_accessibility import no_violations


def _editor(page: Page):  # type: ignore[no-untyped-def]
    page.goto("/domande/nuova")
    return page.get_by_label("Descrivi il problema")


def test_buttons_format_the_selection_and_undo_restores_it(page: Page) -> None:
    sign_in(page)
    body = _editor(page)
    toolbar = page.get_by_role("toolbar", name="Strumenti di formattazione")
    expect(toolbar).to_be_visible()
    body.fill("Il nido apre a settembre")
    body.evaluate("t => t.setSelectionRange(3, 7)")  # "nido"
    toolbar.get_by_role("button", name="Grassetto").click()
    expect(body).to_have_value("Il **nido** apre a settembre")
    toolbar.get_by_role("button", name="Grassetto").click()  # again: the marks go
    expect(body).to_have_value("Il nido apre a settembre")
    toolbar.get_by_role("button", name="Grassetto").click()
    expect(body).to_have_value("Il **nido** apre a settembre")
    body.press("Control+z")
    expect(body).to_have_value("Il nido apre a settembre")

    body.evaluate("t => t.setSelectionRange(0, t.value.length)")
    toolbar.get_by_role("button", name="Elenco puntato").click()
    expect(body).to_have_value("- Il nido apre a settembre")
    body.evaluate("t => t.setSelectionRange(0, t.value.length)")
    toolbar.get_by_role("button", name="Citazione").click()
    expect(body).to_have_value("> - Il nido apre a settembre")
    no_violations(page, "domanda con la barra Markdown")


def test_keyboard_shortcuts_and_roving_focus(page: Page) -> None:
    sign_in(page)
    body = _editor(page)
    body.fill("vedi la delibera")
    body.evaluate("t => t.setSelectionRange(5, 16)")
    body.press("Control+i")
    expect(body).to_have_value("vedi *la delibera*")
    body.evaluate("t => t.setSelectionRange(6, 17)")
    body.press("Control+k")
    expect(body).to_have_value("vedi *[la delibera](https://)*")
    # the address is selected: typing replaces it
    body.press_sequentially("https://esempio.it", delay=5)
    expect(body).to_have_value("vedi *[la delibera](https://esempio.it)*")
    body.press("End")
    body.press_sequentially(" art. 5")
    body.evaluate("t => t.setSelectionRange(t.value.length - 6, t.value.length)")
    body.press("Control+e")
    expect(body).to_have_value("vedi *[la delibera](https://esempio.it)* `art. 5`")

    toolbar = page.get_by_role("toolbar", name="Strumenti di formattazione")
    buttons = toolbar.get_by_role("button")
    expect(buttons).to_have_count(6)
    # one tab stop: the first button; arrows move inside, wrapping around
    expect(toolbar.locator("button[tabindex='0']")).to_have_count(1)
    buttons.first.focus()
    page.keyboard.press("ArrowLeft")
    expect(buttons.last).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(buttons.first).to_be_focused()
    page.keyboard.press("End")
    expect(buttons.last).to_be_focused()
    expect(buttons.last).to_have_attribute("aria-label", "Codice")
    expect(toolbar.locator("button[tabindex='0']")).to_have_count(1)


def test_answer_editor_has_the_toolbar_and_plain_without_javascript(
        new_page: Callable[..., Page], live: LiveServer) -> None:
    qid = question_id(live.app, THREAD_TITLE)
    page = new_page()
    sign_in(page)
    page.goto(f"/domande/{qid}")
    answer = page.locator("textarea#body")
    expect(answer).to_have_attribute("data-markdown-toolbar", "on")
    expect(page.locator(f"[role=toolbar][aria-controls='{answer.get_attribute('id')}']")
           ).to_have_count(1)

    plain = new_page(java_script_enabled=False)
    sign_in(plain)
    plain.goto("/domande/nuova")
    expect(plain.get_by_label("Descrivi il problema")).to_be_visible()
    expect(plain.get_by_role("toolbar")).to_have_count(0)
