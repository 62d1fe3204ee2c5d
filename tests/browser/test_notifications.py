"""The notification centre in a browser: the header count, grouped lines, 'Apri' that
lands on the answer, the follow control without JavaScript, axe on the new pages."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import PASSWORD, create_answer, create_question, create_user, sign_in
from tests.browser.test_accessibility import check_page


def test_answers_reach_the_asker_s_header_and_open_on_the_answer(page: Page,
                                                                  live: LiveServer) -> None:
    asker, answerer = create_user(live.app), create_user(live.app)
    question = create_question(live.app, asker, title="Domanda per le notifiche nel browser?")
    for _ in range(2):
        answer = create_answer(live.app, question, answerer)
    sign_in(page, asker, PASSWORD)
    header_link = page.locator("header a[href='/notifiche']")
    expect(header_link).to_contain_text("2")
    page.goto("/notifiche")
    line = page.locator(".notification-list li").first
    expect(line).to_contain_text("2 nuove risposte a «Domanda per le notifiche nel browser?»")
    check_page(page, "notifiche")
    line.get_by_role("button", name="Apri").click()
    page.wait_for_url(f"**/domande/{question}#risposta-{answer}")
    expect(page.locator("header a[href='/notifiche'] .badge")).to_have_count(0)
    page.goto("/impostazioni/notifiche")
    expect(page.locator("main")).to_contain_text("Domanda per le notifiche nel browser?")
    check_page(page, "impostazioni notifiche")


def test_follow_level_is_chosen_without_javascript_and_listed_in_settings(
        new_page: Callable[..., Page], live: LiveServer) -> None:
    member = create_user(live.app)
    question = create_question(live.app, create_user(live.app),
                               title="Domanda da seguire senza JavaScript?")
    page = new_page(java_script_enabled=False)
    sign_in(page, member, PASSWORD)
    page.goto(f"/domande/{question}")
    page.get_by_label("Notifiche di questa discussione").select_option("watching")
    page.locator(".follow-control").get_by_role("button", name="Salva").click()
    page.wait_for_url(f"**/domande/{question}")
    expect(page.locator(".alert-success")).to_contain_text("In osservazione")
    page.goto("/impostazioni/notifiche")
    expect(page.locator("main")).to_contain_text("Domanda da seguire senza JavaScript?")
    # (axe needs JavaScript: the settings page is checked in the test above)
