"""The header at both widths: exactly one menu item is the current page, the one of the
page's section; "Fai una domanda" is offered once per screen (header button on desktop,
menu item on phones, neither where the page has its own)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}

# path, the menu item that is current ("" for none)
SECTIONS = [
    ("/", "Home"),
    ("/domande", "Domande"),
    ("/domande/nuova", "Domande"),
    ("/buone-pratiche", "Buone pratiche"),
    ("/buone-pratiche/polo-estivo-agosto-unione-val-serena", "Buone pratiche"),
    ("/linee-guida", "Linee guida"),
    ("/incontri", "Incontri"),
    ("/temi/servizi-educativi-0-6", "Temi"),
    ("/cerca?q=nido", ""),
]


def _visible_ask_controls(page: Page) -> int:
    """Links and buttons named "Fai una domanda…" that are on screen or in the
    open menu (the phone menu counts as on screen when it is opened)."""
    return int(page.evaluate("""() => [...document.querySelectorAll('a, button')]
      .filter((el) => el.textContent.trim().startsWith('Fai una domanda'))
      .filter((el) => el.getClientRects().length > 0
                     || el.closest('#menu-principale')
                        && getComputedStyle(el.closest('li')).display !== 'none')
      .length"""))


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_one_current_menu_item_and_one_ask_button_per_screen(
        new_page: Callable[..., Page], width: str) -> None:
    w, h = WIDTHS[width]
    page = new_page(viewport={"width": w, "height": h})
    sign_in(page)
    for path, section in SECTIONS:
        page.goto(path)
        current = page.locator("#menu-principale [aria-current='page']")
        if section:
            expect(current).to_have_count(1)
            expect(current).to_have_text(section)
            expect(current).to_have_class("nav-link active")
        else:
            expect(current).to_have_count(0)
        assert page.locator("#menu-principale .nav-link.active").count() == (1 if section else 0)
        # once everywhere (on home and the list it is the page's own button), and not on
        # the ask page itself
        expected_ask = 0 if path == "/domande/nuova" else 1
        assert _visible_ask_controls(page) == expected_ask, (path, width)
