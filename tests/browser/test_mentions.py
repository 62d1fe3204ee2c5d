"""@mention suggestions in a browser: typing "@" and a few letters in the answer editor
opens a listbox (axe finds nothing wrong with it open), the keyboard inserts the member,
publishing notifies them; without JavaScript the textarea is plain text and still mentions."""

from __future__ import annotations

from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_question, create_user, sign_in, unique
from tests.browser.test_accessibility import WCAG_AA, check_page

ANSWER = " ha seguito un caso simile: chiedo a lei di raccontare come hanno fatto."


def unread_badge(page: Page):  # type: ignore[no-untyped-def]
    """The header's unread count (absent when nothing is unread)."""
    return page.locator("header a[href='/notifiche'] .badge")


def test_typing_at_suggests_members_and_the_chosen_one_is_notified(
        new_page: Callable[..., Page], live: LiveServer) -> None:
    mentioned = create_user(live.app, username=unique("menzionata"),
                            display_name="Menzionata Di Prova")
    writer = create_user(live.app)
    question = create_question(live.app, create_user(live.app),
                               title="Domanda con una menzione nel browser?")
    reader = new_page()
    sign_in(reader, mentioned, PASSWORD)
    expect(unread_badge(reader)).to_have_count(0)

    page = new_page()
    sign_in(page, writer, PASSWORD)
    page.goto(f"/domande/{question}")
    editor = page.locator("textarea#body")
    expect(editor).to_have_attribute("aria-autocomplete", "list")
    expect(editor).to_have_attribute("aria-controls", "body-menzioni")
    editor.click()
    editor.press_sequentially("Forse @" + mentioned[:-3], delay=30)
    listbox = page.get_by_role("listbox", name="Membri da menzionare")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text(f"@{mentioned}")
    expect(options.first).to_contain_text("Menzionata Di Prova")
    expect(page.locator("#mention-status")).to_have_text(
        "1 membro suggerito: frecce su e giù per scegliere, Invio per inserirlo, Esc per chiudere.")

    # axe with the list open: nothing at all on the editor, nothing serious on the page
    for rules in (WCAG_AA, {"resultTypes": ["violations"]}):  # and every other rule
        violations = Axe().run(page, context="form[action$='/risposte']",
                               options=rules).response["violations"]
        assert violations == [], [(v["id"], v["help"]) for v in violations]
    check_page(page, "risposta con suggerimenti di menzione aperti")

    editor.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(editor).to_have_attribute("aria-activedescendant", "body-menzioni-0")
    editor.press("Enter")
    expect(listbox).to_be_hidden()
    expect(editor).not_to_have_attribute("aria-activedescendant", "body-menzioni-0")
    expect(editor).to_have_value(f"Forse @{mentioned} ")
    editor.press_sequentially(ANSWER.strip())
    page.get_by_role("button", name="Pubblica la risposta").click()
    page.wait_for_url(f"**/domande/{question}*")
    expect(page.locator("article.answer").filter(has_text=ANSWER.strip()).first).to_be_visible()

    reader.reload()
    expect(unread_badge(reader)).to_contain_text("1")


def test_escape_closes_the_list_and_click_inserts(page: Page, live: LiveServer) -> None:
    name = unique("cliccabile")
    create_user(live.app, username=name, display_name="Persona Cliccabile")
    writer = create_user(live.app)
    question = create_question(live.app, writer, title="Domanda per cliccare una menzione?")
    sign_in(page, writer, PASSWORD)
    page.goto(f"/domande/{question}")
    editor = page.locator("textarea#body")
    editor.click()
    editor.press_sequentially("@clicc", delay=30)  # a word of the name works too: "@Persona"
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option", name=f"@{name}")).to_be_visible()
    editor.press("Escape")
    expect(listbox).to_be_hidden()
    editor.press_sequentially("a", delay=30)  # typing on reopens it
    expect(listbox).to_be_visible()
    editor.press("Backspace")
    listbox.get_by_role("option").filter(has_text=f"@{name}").click()
    expect(editor).to_have_value(f"@{name} ")
    expect(editor).to_be_focused()


def test_without_javascript_the_editor_is_plain_text(new_page: Callable[..., Page],
                                                     live: LiveServer) -> None:
    writer = create_user(live.app)
    question = create_question(live.app, writer, title="Domanda senza JavaScript e menzioni?")
    page = new_page(java_script_enabled=False)
    sign_in(page, writer, PASSWORD)
    page.goto(f"/domande/{question}")
    editor = page.locator("textarea#body")
    expect(editor).not_to_have_attribute("aria-autocomplete", "list")
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(page.locator("#mention-config")).to_be_hidden()
