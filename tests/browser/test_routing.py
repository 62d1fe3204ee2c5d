"""Routing in a browser: the invitation on an offered question and its "Non è il mio campo"
button (works, and the invitation goes), the moderators' list reached from the queue; axe
finds no violation on either page."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from forum.database import write_intent
from forum.extensions import db
from forum.models import Expertise, Question, Theme, User
from forum.models.base import utcnow
from forum.routing.services import route_question
from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, PASSWORD, create_question, create_user, sign_in
from tests.browser.test_accessibility import WCAG_AA, _axe


def _no_violations(page: Page, label: str) -> None:
    """axe (WCAG 2.1 A and AA) finds nothing at all, whatever the impact."""
    violations = _axe.run(page, options=WCAG_AA).response["violations"]
    found = [f"{v['id']} [{v['impact']}]: " + "; ".join(" ".join(n["target"])
                                                          for n in v["nodes"][:5])
             for v in violations]
    assert found == [], f"{label}: {found}"


def _offer(app: Flask, expert: str, question: int) -> None:
    """The member declares expertise in the question's theme; two days pass; it is routed."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == expert))
        theme_id = db.session.scalar(select(Theme.id).where(
            Theme.slug == "servizi-educativi-0-6"))
        with write_intent():
            db.session.add(Expertise(user_id=user_id, theme_id=theme_id))
            db.session.execute(update(Question).where(Question.id == question).values(
                created_at=utcnow() - timedelta(hours=49)))
            db.session.commit()
        assert user_id in route_question(question)


def test_an_offered_member_declines_with_not_my_field(page: Page, live: LiveServer) -> None:
    expert = create_user(live.app, region_code="03")
    asker = create_user(live.app, region_code="03")
    question = create_question(live.app, asker, title="Domanda proposta agli esperti nel browser?")
    _offer(live.app, expert, question)
    sign_in(page, expert, PASSWORD)
    page.goto(f"/domande/{question}")
    invitation = page.get_by_role("region", name="Puoi aiutare?")
    expect(invitation).to_be_visible()
    expect(invitation.get_by_role("link", name="Scrivi una risposta")).to_have_attribute(
        "href", "#titolo-rispondi")
    _no_violations(page, "domanda proposta")
    invitation.get_by_role("button", name="Non è il mio campo").click()
    page.wait_for_url(f"**/domande/{question}")
    expect(page.locator(".alert-success")).to_contain_text("non ti proporremo più")
    expect(page.get_by_role("region", name="Puoi aiutare?")).to_have_count(0)


def test_moderators_reach_the_unsolved_list_from_the_queue(page: Page, live: LiveServer) -> None:
    sign_in(page, DEMO_MODERATOR)
    page.goto("/moderazione")
    page.get_by_role("link", name="Senza soluzione da più di 30 giorni").click()
    page.wait_for_url("**/moderazione/senza-soluzione")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Senza soluzione da più di 30 giorni")
    expect(page.locator(".question-list li").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tariffe family-friendly")
    _no_violations(page, "senza soluzione")
