"""Events in a browser: a member finds an event in the list and the calendar, registers and
cancels; the organiser opens the form and the registrants page. axe finds nothing on each."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, PASSWORD, create_user, sign_in, unique


def _event(live: LiveServer) -> tuple[str, str, str]:
    """A published workshop of the demo moderator: its title, address and month."""
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import User
    from tests.events.helpers import published_event

    title = f"Laboratorio sulle rette dei nidi {unique('e')}"
    with live.app.app_context():
        organiser = db.session.scalars(select(User).where(
            User.username == DEMO_MODERATOR)).one()
        event = published_event(organiser, title=title, kind="laboratorio", capacity=25,
                                place_name="Sala Borsa", address="Piazza Nettuno 3",
                                municipality="Bologna", region="08")
        return title, f"/incontri/{event.slug}", event.starts_at.strftime("%Y-%m")


def _register(live: LiveServer, username: str, url: str) -> None:
    from sqlalchemy import select

    from forum.events.registrations import Answers, register
    from forum.extensions import db
    from forum.models import Event, User

    with live.app.app_context():
        member = db.session.scalars(select(User).where(User.username == username)).one()
        event = db.session.scalars(select(Event).where(
            Event.slug == url.rsplit("/", 1)[-1])).one()
        register(member, event.id, Answers(job_title="Educatrice",
                                           accessibility_needs="Sottotitoli"))


def test_a_member_registers_and_cancels(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    title, url, month = _event(live)
    member = create_user(live.app, display_name="Marta Iscritta")
    sign_in(page, member, PASSWORD)
    page.goto("/incontri")
    no_violations(page, "elenco incontri")
    expect(page.get_by_role("link", name=title)).to_have_count(1)
    page.goto(f"/incontri/calendario?mese={month}")
    no_violations(page, "calendario incontri")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("Collegamento disponibile agli iscritti")
    no_violations(page, "pagina dell'incontro, non iscritta")
    page.get_by_label("Ruolo").fill("Istruttrice amministrativa")
    page.get_by_label("Esigenze di accessibilità (facoltativo)").fill("Sottotitoli")
    page.get_by_role("button", name="Iscriviti").click()
    expect(page.locator(".alert-success")).to_contain_text("Iscrizione confermata")
    expect(page.locator("main")).to_contain_text("meet.example.org")
    no_violations(page, "pagina dell'incontro, iscritta")
    page.get_by_role("button", name="Annulla l'iscrizione").click()
    expect(page.locator("main")).to_contain_text("Iscrizione annullata")
    expect(page.get_by_role("button", name="Iscriviti")).to_have_count(1)
    assert page.url.endswith(url)


def test_the_organiser_form_and_registrants_page(page: Page, live: LiveServer) -> None:
    from tests.browser.test_accessibility import no_violations

    _title, url, _month = _event(live)
    _register(live, create_user(live.app, display_name="Nadia Presente"), url)
    sign_in(page, DEMO_MODERATOR)
    page.goto("/incontri/nuovo")
    no_violations(page, "nuovo incontro")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    no_violations(page, "nuovo incontro con errori")
    page.goto(url + "/iscritti")
    expect(page.locator("#codice-presenza")).not_to_be_empty()
    no_violations(page, "iscritti all'incontro")
    page.get_by_role("button", name="Segna presente Nadia Presente").click()
    expect(page.locator(".alert-success")).to_contain_text("Presenza registrata")
    no_violations(page, "iscritti all'incontro, presenza segnata")
