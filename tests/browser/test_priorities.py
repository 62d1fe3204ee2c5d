"""Priorities and the newsletter in a real browser: the board publishes a priority and
sees it pinned on the home and theme pages; a member opts in to the newsletter; axe finds
nothing on any of their pages."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.announcements.queries import today
from forum.extensions import db
from forum.models import Announcement, NewsletterIssue, User
from tests.browser.conftest import LiveServer
from tests.browser.helpers import sign_in
from tests.browser.test_accessibility import no_violations

BOARD = "elena.marchetti"  # the demo admin: part of the editorial board
THEME = "servizi-educativi-0-6"
THEME_NAME = "Servizi educativi 0-6 e nidi d'infanzia"


def _demo(live: LiveServer) -> tuple[str, str]:
    """A seeded priority's slug and the sent issue's path."""
    with live.app.app_context():
        slug = db.session.scalars(select(Announcement.slug).order_by(Announcement.id)).first()
        issue = db.session.scalars(select(NewsletterIssue).where(
            NewsletterIssue.status == "inviata")).first()
        assert slug is not None and issue is not None
        return slug, f"/newsletter/{issue.year}/{issue.month}"


def test_priority_and_newsletter_pages_signed_out(page: Page, live: LiveServer) -> None:
    slug, issue = _demo(live)
    for label, path in (("indirizzi", "/indirizzi"), ("una priorità", f"/indirizzi/{slug}"),
                        ("archivio newsletter", "/newsletter"), ("un numero", issue),
                        ("tema come mappa", f"/temi/{THEME}"), ("home con priorità", "/")):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        no_violations(page, label)


def test_board_forms_and_preview(page: Page, live: LiveServer) -> None:
    sign_in(page, BOARD)
    page.goto("/indirizzi/nuovo")
    no_violations(page, "nuova priorità")
    page.get_by_label("Titolo").fill("Ok")
    page.get_by_label("Valida fino al (facoltativo)").fill("2020-01-01")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Pubblica la priorità").click()
    assert nav.value is not None and nav.value.status == 422
    no_violations(page, "nuova priorità con errori")
    page.goto("/newsletter/nuova")
    no_violations(page, "nuovo numero")
    day = today()
    with live.app.app_context():
        exists = db.session.scalar(select(NewsletterIssue.id).where(
            NewsletterIssue.year == day.year, NewsletterIssue.month == day.month))
    if exists is None:
        page.get_by_label("Titolo").fill("Officina informa in preparazione")
        page.get_by_label("Introduzione della redazione (Markdown, facoltativa)").fill(
            "Una **bozza** per la prova.")
        page.get_by_role("button", name="Salva la bozza").click()
        page.wait_for_url(lambda url: url.endswith("/anteprima"))
    page.goto(f"/newsletter/{day.year}/{day.month}/anteprima")
    expect(page.get_by_role("heading", name="Versione solo testo")).to_be_visible()
    no_violations(page, "anteprima della newsletter")
    page.goto(f"/newsletter/{day.year}/{day.month}/modifica")
    no_violations(page, "modifica della bozza")


def test_board_publishes_a_priority_pinned_on_home_and_theme(page: Page, live: LiveServer
                                                             ) -> None:
    title = "Priorità di prova: sportelli unici nelle aree interne"
    sign_in(page, BOARD)
    page.goto("/indirizzi/nuovo")
    page.get_by_label("Titolo").fill(title)
    page.get_by_label("Testo (Markdown)").fill(
        "Uno **sportello unico** per le famiglie in ogni unione di comuni.")
    page.get_by_label(THEME_NAME).check(force=True)  # the styled label covers the box
    page.get_by_role("button", name="Pubblica la priorità").click()
    page.wait_for_url(lambda url: "/indirizzi/" in url and "nuovo" not in url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".post-body strong")).to_have_text("sportello unico")
    for path in ("/", f"/temi/{THEME}"):
        page.goto(path)
        box = page.locator(".pinned-priorities")
        expect(box.get_by_role("link", name=title)).to_be_visible()
    page.goto("/temi/giovani")
    expect(page.get_by_role("link", name=title)).to_have_count(0)


def test_member_opts_in_to_the_newsletter(page: Page, live: LiveServer) -> None:
    sign_in(page, "francesca.sanna")
    page.goto("/newsletter")
    page.get_by_role("link", name="impostazioni delle notifiche").click()
    box = page.get_by_label("Ricevi la newsletter mensile Officina informa")
    expect(box).not_to_be_checked()
    no_violations(page, "impostazioni con la newsletter")
    box.check(force=True)
    page.get_by_role("button", name="Salva le preferenze email").click()
    expect(page.get_by_text("Preferenze email salvate.")).to_be_visible()
    expect(page.get_by_label("Ricevi la newsletter mensile Officina informa")).to_be_checked()
    with live.app.app_context():
        assert db.session.scalars(select(User.newsletter_opt_in).where(
            User.username == "francesca.sanna")).one() is True
