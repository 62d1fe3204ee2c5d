"""The best-practice and event lists on a phone and a desktop: the filters are one "Filtri"
disclosure, closed on phones so the first result is on the first screen, open beside the
results on a desktop; long groups show their first options and "Mostra tutte"; a chosen
filter keeps its group open; without JavaScript the desktop still shows the filters."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import no_violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def test_on_a_phone_the_first_result_is_on_the_first_screen(
        new_page: Callable[..., Page]) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/buone-pratiche")
    first = page.locator(".practice-card").first
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] - 100, box
    toggle = page.locator("summary", has_text="Filtri")
    expect(toggle).to_have_count(1)
    expect(page.get_by_role("checkbox", name="Abruzzo (1)")).to_be_hidden()
    toggle.click()
    region = page.get_by_role("group", name="Regione", exact=True)
    expect(region).to_be_visible()
    no_violations(page, "buone pratiche, telefono, filtri aperti")

    more = region.locator("summary", has_text="Mostra tutte")
    expect(region.get_by_text("Piemonte")).to_be_hidden()  # past the first six
    more.click()
    region.get_by_text("Piemonte").click()
    page.get_by_role("button", name="Applica i filtri").click()
    expect(page.get_by_text("1 buona pratica", exact=True)).to_be_visible()
    # the chosen filter is counted on the closed disclosure
    expect(page.locator("summary", has_text="Filtri")).to_contain_text("1 attivo")


def test_on_a_desktop_the_filters_are_open_beside_the_results(
        new_page: Callable[..., Page]) -> None:
    for js in (True, False):
        page = new_page(viewport=DESKTOP, java_script_enabled=js)
        page.goto("/buone-pratiche?regione=01")
        expect(page.get_by_role("checkbox", name="Abruzzo (1)")).to_be_visible()
        expect(page.get_by_role("checkbox", name="Piemonte (1)")).to_be_checked()
        expect(page.get_by_role("checkbox", name="Piemonte (1)")).to_be_visible()
    card = page.locator(".practice-card").first
    expect(card).to_contain_text("Evidenza:")
    # the card ends with its content: no empty strip under the evidence badge
    gap = card.evaluate("c => c.getBoundingClientRect().bottom - c.querySelector('.badge')"
                        ".getBoundingClientRect().bottom")
    assert gap < 40, gap


def test_events_on_a_phone_come_before_their_filters_and_on_a_desktop_beside_them(
        new_page: Callable[..., Page]) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/incontri")
    first = page.locator("main li h2 a").first
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] - 100, box
    theme = page.get_by_label("Tema", exact=True)
    expect(theme).to_be_hidden()
    page.locator("summary", has_text="Filtri").click()
    expect(theme).to_be_visible()
    page.get_by_label("Modalità").select_option(index=1)
    page.get_by_role("button", name="Filtra", exact=True).click()
    expect(page.locator("summary", has_text="Filtri")).to_contain_text("1 attivo")
    no_violations(page, "incontri, telefono, filtri aperti")
    for js in (True, False):
        page = new_page(viewport=DESKTOP, java_script_enabled=js)
        page.goto("/incontri")
        expect(page.get_by_label("Tema", exact=True)).to_be_visible()
