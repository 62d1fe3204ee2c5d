"""The main pages at a desktop (1366 px) and a phone (390 px) width: nothing wider than
the window (no sideways scrolling, WCAG 1.4.10) and no interactive control smaller than
24 x 24 px (WCAG 2.5.8), with the criterion's exceptions: a link inside a sentence, and a
small target with a 24 px circle free of other targets (spacing). Screenshots of every page
go to OFFICINA_SCREENSHOTS when that folder is set (for looking at, never committed)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    DEMO_MEMBER,
    DEMO_MODERATOR,
    THREAD_TITLE,
    create_question,
    create_user,
    question_id,
    sign_in,
)
from tests.browser.test_accessibility import no_violations

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}

# label, path (or a callable of the app), who is signed in
PAGES: list[tuple[str, str | Callable[[LiveServer], str], str | None]] = [
    ("home", "/", None),
    ("domande", "/domande", None),
    ("domanda", lambda live: f"/domande/{question_id(live.app, THREAD_TITLE)}", DEMO_MEMBER),
    ("fai una domanda", "/domande/nuova", DEMO_MEMBER),
    ("buone pratiche", "/buone-pratiche", None),
    ("buona pratica", "/buone-pratiche/polo-estivo-agosto-unione-val-serena", None),
    ("cerca", "/cerca?q=nido", None),
    ("incontri", "/incontri", None),
    ("linee guida", "/linee-guida", None),
    ("profilo", "/utenti/giulia.ferraris", DEMO_MEMBER),
    ("accedi", "/accedi", None),
    ("registrati", "/registrati", None),
    ("moderazione", "/moderazione", DEMO_MODERATOR),
]

# Every visible control below 24 x 24 px that no exception of WCAG 2.5.8 covers.
SMALL_TARGETS = """
() => {
  const MIN = 24;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [role=option], [tabindex]:not([tabindex="-1"])';
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    // 1 x 1 px and clipped: visually hidden until focused (the skip links)
    const hidden = r.width <= 1 && r.height <= 1;
    return !hidden && r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.opacity !== '0';
  };
  const targets = [...document.querySelectorAll(selector)].filter(visible).filter((el) => {
    // A control drawn by its label (Bootstrap Italia's checkboxes): the label is the target.
    return !(el.matches('input[type=checkbox], input[type=radio]') && el.labels?.length);
  });
  const rects = targets.map((el) => el.getBoundingClientRect());
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest(
      'p, li, dd, td, span, small, div, label, h1, h2, h3, h4');
    if (!block) return false;
    const own = (el.textContent || '').trim().length;
    return (block.textContent || '').trim().length > own + 2;
  };
  const circleHits = (cx, cy, r) => (rect) => {
    const nx = Math.max(rect.left, Math.min(cx, rect.right));
    const ny = Math.max(rect.top, Math.min(cy, rect.bottom));
    return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r;
  };
  const small = [];
  targets.forEach((el, i) => {
    const r = rects[i];
    if (r.width >= MIN - 0.5 && r.height >= MIN - 0.5) return;
    if (el.tagName === 'A' && inSentence(el)) return;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const hits = circleHits(cx, cy, MIN / 2);
    const crowded = rects.some((other, j) => j !== i && !targets[j].contains(el)
      && !el.contains(targets[j]) && hits(other));
    if (!crowded) return;  // the spacing exception
    const name = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 40);
    small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} «${name}» `
      + `${Math.round(r.width)}x${Math.round(r.height)}`);
  });
  return small;
}
"""


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_main_pages_fit_the_window_and_have_24px_targets(
        new_page: Callable[..., Page], live: LiveServer, width: str) -> None:
    w, h = WIDTHS[width]
    shots = os.environ.get("OFFICINA_SCREENSHOTS")
    pages: dict[str | None, Page] = {}
    problems: list[str] = []
    for label, path, who in PAGES:
        if who not in pages:
            pages[who] = new_page(viewport={"width": w, "height": h})
            if who:
                sign_in(pages[who], who)
        page = pages[who]
        url = path(live) if callable(path) else path
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("load")
        scroll, inner = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{label} ({w} px): larga {scroll} px, più della finestra")
        for target in page.evaluate(SMALL_TARGETS):
            problems.append(f"{label} ({w} px): controllo sotto 24 px: {target}")
        if shots:
            page.screenshot(path=str(Path(shots) / f"{label.replace(' ', '-')}-{w}.png"),
                            full_page=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_main_pages_have_no_axe_violations_at_both_widths(
        new_page: Callable[..., Page], live: LiveServer, width: str) -> None:
    w, h = WIDTHS[width]
    pages: dict[str | None, Page] = {}
    found: list[str] = []
    for label, path, who in PAGES:
        if who not in pages:
            pages[who] = new_page(viewport={"width": w, "height": h})
            if who:
                sign_in(pages[who], who)
        page = pages[who]
        page.goto(path(live) if callable(path) else path)
        try:
            no_violations(page, f"{label} ({w} px)")
        except AssertionError as error:
            found.append(str(error))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", list(WIDTHS), ids=list(WIDTHS))
def test_long_unbroken_words_wrap_instead_of_widening_the_page(
        new_page: Callable[..., Page], live: LiveServer, width: str) -> None:
    """A pasted code or a long tag (no spaces to break at) in a title, a body and tags."""
    author = create_user(live.app)
    word = "Protocollo" * 14
    qid = create_question(live.app, author, title=f"{word}?", body=f"{word} " * 3)
    w, h = WIDTHS[width]
    page = new_page(viewport={"width": w, "height": h})
    for url in ("/", "/domande", f"/domande/{qid}"):
        assert page.goto(url) is not None
        scroll, inner = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map((el) => `${el.tagName}.${el.className}`)""")
        assert scroll <= inner, f"{url} ({w} px): larga {scroll} px: {wide}"
