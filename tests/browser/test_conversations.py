"""Private conversations in a browser: 'Contatta l'autore' on a practice opens the form with
the recipient filled in, the recipient's header counts the message and the page marks it
read, a report reaches a moderator who reads it; axe finds no violation on any new page."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from tests.browser.conftest import LiveServer
from tests.browser.helpers import (
    DEMO_MODERATOR,
    DEMO_PASSWORD,
    PASSWORD,
    create_user,
    sign_in,
    unique,
)
from tests.browser.test_accessibility import no_violations


def _practice_by(live: LiveServer, username: str) -> str:
    from tests.factories import make_practice

    with live.app.app_context():
        author = db.session.execute(select(User).where(User.username == username)).scalar_one()
        return make_practice(author, title=f"Pratica da contattare {unique('p')}").slug


def test_contact_the_author_write_read_and_report(new_page: Callable[..., Page],
                                                   live: LiveServer) -> None:
    writer = create_user(live.app, display_name="Serena Scrive")
    author = create_user(live.app, display_name="Ottavio Autore")
    slug = _practice_by(live, author)
    subject = f"Domanda sulla vostra pratica {unique('s')}"

    page = new_page()
    sign_in(page, writer, PASSWORD)
    page.goto(f"/buone-pratiche/{slug}")
    page.get_by_role("link", name="Contatta l'autore").click()
    page.wait_for_url(f"**/messaggi/nuovo?a={author}")
    recipients = page.get_by_label("Destinatari (nomi utente, separati da virgole)")
    expect(recipients).to_have_value(author)
    no_violations(page, "nuovo messaggio")
    page.get_by_label("Oggetto").fill(subject)
    page.get_by_label("Messaggio", exact=True).fill(
        "Buongiorno, **come** avete coinvolto le scuole?")
    page.locator("main").get_by_role("button", name="Invia").click()
    page.wait_for_url("**/messaggi/*")
    byline = page.locator(".message-list .message > p.small strong").first
    expect(byline).to_have_text("Serena Scrive")
    no_violations(page, "conversazione")
    page.goto("/messaggi")
    expect(page.locator(".conversation-list")).to_contain_text(subject)
    no_violations(page, "messaggi")
    page.goto("/messaggi/bloccati")
    no_violations(page, "membri bloccati")

    reader = new_page()
    sign_in(reader, author, PASSWORD)
    expect(reader.locator("header a[href='/messaggi'] .badge")).to_contain_text("1")
    reader.goto("/messaggi")
    reader.get_by_role("link", name=subject).click()
    expect(reader.locator(".post-body strong")).to_have_text("come")
    expect(reader.locator("header a[href='/messaggi'] .badge")).to_have_count(0)  # marked read
    reader.get_by_text("Segnala alla moderazione").click()
    reader.get_by_label("Motivo della segnalazione (facoltativo)").fill("Pubblicità")
    no_violations(reader, "conversazione con il modulo di segnalazione aperto")
    reader.get_by_role("button", name="Segnala", exact=True).click()
    expect(reader.locator(".alert-success")).to_contain_text("segnalato alla moderazione")

    moderator = new_page()
    sign_in(moderator, DEMO_MODERATOR, DEMO_PASSWORD)
    moderator.goto("/moderazione/messaggi")
    no_violations(moderator, "messaggi segnalati")
    moderator.locator("tr", has_text="Pubblicità").get_by_role(
        "button", name="Leggi il messaggio").click()
    expect(moderator.locator(".post-body")).to_contain_text("avete coinvolto le scuole")
    no_violations(moderator, "messaggio segnalato")
    moderator.get_by_role("button", name="Chiudi la segnalazione").click()
    expect(moderator.locator(".alert-success")).to_contain_text("Segnalazione chiusa")


def test_the_conversation_works_without_javascript(new_page: Callable[..., Page],
                                                   live: LiveServer) -> None:
    anna, bruno = create_user(live.app), create_user(live.app)
    page = new_page(java_script_enabled=False)
    sign_in(page, anna, PASSWORD)
    page.goto(f"/messaggi/nuovo?a={bruno}")
    page.get_by_label("Oggetto").fill("Senza JavaScript")
    page.get_by_label("Messaggio", exact=True).fill("Funziona anche così.")
    page.locator("main").get_by_role("button", name="Invia").click()
    page.wait_for_url("**/messaggi/*")
    other = new_page(java_script_enabled=False)
    sign_in(other, bruno, PASSWORD)
    other.goto("/messaggi")
    other.get_by_role("link", name="Senza JavaScript").click()
    other.get_by_role("button", name="Segna come letti").click()
    expect(other.locator("header a[href='/messaggi'] .badge")).to_have_count(0)
    other.get_by_label("La tua risposta").fill("Ricevuto, grazie!")
    other.locator("main").get_by_role("button", name="Invia").click()
    expect(other.locator(".message-list")).to_contain_text("Ricevuto, grazie!")
