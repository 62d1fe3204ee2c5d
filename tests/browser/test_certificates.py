"""After an event, in the browser: no axe finding on the public verification of an
attendance certificate, nor on the organisers' feedback results (a table with caption)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.certificates.feedback import give_feedback
from forum.certificates.materials import add_material
from forum.certificates.services import issue_certificate
from forum.extensions import db
from forum.models import User
from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, PASSWORD, create_user, sign_in, unique
from tests.browser.test_accessibility import no_violations
from tests.certificates.helpers import ended_event


def _people(*usernames: str) -> list[User]:
    return [db.session.scalars(select(User).where(User.username == name)).one()
            for name in usernames]


MEMBERS: list[str] = []


def _post_from_page(page: Page, action: str, fields: dict[str, str]) -> None:
    """Submit a form to `action` as the page's own forms would (its CSRF token): how a
    refused submission (422) re-shows the after-the-event part with its forms."""
    with page.expect_navigation():
        page.evaluate("""([action, fields]) => {
          const form = document.createElement("form");
          form.method = "post"; form.action = action; form.enctype = "multipart/form-data";
          const token = document.querySelector("input[name=csrf_token]").value;
          for (const [name, value] of Object.entries({...fields, csrf_token: token})) {
            const input = document.createElement("input");
            input.type = "hidden"; input.name = name; input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        }""", [action, fields])


@pytest.fixture(scope="module")
def after(live: LiveServer) -> tuple[str, str]:
    """An ended event by the demo moderator, three members present who rated it; returns
    the event's slug and one member's certificate code."""
    names = [create_user(live.app) for _n in range(3)]
    MEMBERS[:] = names
    with live.app.app_context():
        moderator, *members = _people(DEMO_MODERATOR, *names)
        event = ended_event(moderator, present=tuple(members),
                            title=unique("Corso sulle tariffe dei nidi "),
                            organiser="Regione di Prova (fittizia)")
        add_material(moderator, event.id, "Registrazione", url="https://video.example.org/r")
        for member, rating, comment in zip(members, (5, 4, 3),
                                           ("Chiaro e concreto.", "", "Troppo veloce."),
                                           strict=True):
            give_feedback(member, event.id, rating, comment)
        return event.slug, issue_certificate(members[0], event.id).code


def test_verification_page_has_no_axe_violations(page: Page, after: tuple[str, str]) -> None:
    _slug, code = after
    response = page.goto(f"/attestati/{code}")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Attestato valido")).to_be_visible()
    expect(page.get_by_text("Regione di Prova (fittizia)")).to_be_visible()
    no_violations(page, "verifica dell'attestato")


def test_unknown_code_page_has_no_axe_violations(page: Page) -> None:
    response = page.goto("/attestati/NONESISTE2345")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Attestato non trovato: controlla il codice.")).to_be_visible()
    no_violations(page, "attestato non trovato")


def test_feedback_results_have_no_axe_violations(page: Page, after: tuple[str, str]) -> None:
    slug, _code = after
    sign_in(page, DEMO_MODERATOR)
    response = page.goto(f"/incontri/{slug}/valutazioni")
    assert response is not None and response.status == 200
    table = page.get_by_role("table", name="Quanti partecipanti hanno dato ciascun voto")
    expect(table).to_be_visible()
    expect(page.get_by_text("Troppo veloce.")).to_be_visible()
    no_violations(page, "valutazioni dell'incontro")


def test_refused_material_shows_the_after_part_without_axe_violations(
        page: Page, after: tuple[str, str], expect_refusal) -> None:  # type: ignore[no-untyped-def]
    slug, _code = after
    sign_in(page, DEMO_MODERATOR)
    page.goto(f"/incontri/{slug}/valutazioni")
    expect_refusal(f"/incontri/{slug}/materiali", 422)
    _post_from_page(page, f"/incontri/{slug}/materiali", {"label": "", "url": "ftp://x"})
    expect(page.get_by_role("heading", name="Aggiungi un materiale")).to_be_visible()
    expect(page.get_by_text("Scrivi una descrizione.").first).to_be_visible()
    no_violations(page, "materiale rifiutato")


def test_refused_rating_shows_the_after_part_without_axe_violations(
        page: Page, after: tuple[str, str], expect_refusal) -> None:  # type: ignore[no-untyped-def]
    slug, code = after
    sign_in(page, MEMBERS[1], PASSWORD)
    page.goto(f"/attestati/{code}")
    expect_refusal(f"/incontri/{slug}/valutazione", 422)
    _post_from_page(page, f"/incontri/{slug}/valutazione", {"rating": "9", "comment": "Ok"})
    expect(page.get_by_role("group", name="Voto da 1")).to_be_visible()
    expect(page.get_by_role("button", name="Scarica l'attestato")).to_be_visible()
    no_violations(page, "valutazione rifiutata")
