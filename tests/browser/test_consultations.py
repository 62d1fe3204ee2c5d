"""A consultation in a browser: a member comments a section, a curator marks the comment
"recepito" with a reason; axe finds nothing on the page at each step."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import GuidelineStatus, User
from forum.models.base import utcnow
from tests.browser.conftest import LiveServer
from tests.browser.helpers import DEMO_MODERATOR, sign_in, unique
from tests.browser.test_accessibility import no_violations
from tests.factories import make_guideline


def test_a_member_comments_a_section_and_a_curator_accepts_it(page: Page,
                                                               live: LiveServer) -> None:
    with live.app.app_context():
        curator = db.session.scalars(select(User).where(User.username == DEMO_MODERATOR)).one()
        guideline = make_guideline(curator, title=f"Linea guida in consultazione {unique('g')}")
        guideline.status = GuidelineStatus.CONSULTATION
        guideline.consultation_ends_at = utcnow() + timedelta(days=15)
        db.session.commit()
        url = f"/linee-guida/{guideline.slug}/consultazione"
    page.goto(url)
    no_violations(page, "consultazione, visitatore")
    sign_in(page)
    page.goto(url)
    section = page.locator("section", has=page.locator("h2#passi"))
    section.get_by_label("Il tuo commento (Markdown)").fill("Manca un passo sui **controlli**.")
    section.get_by_role("button", name="Commenta la sezione «Passi»").click()
    section = page.locator("section", has=page.locator("h2#passi"))
    expect(section.locator(".guideline-comment strong")).to_have_text("controlli")
    no_violations(page, "consultazione con un commento")
    page.context.clear_cookies()
    sign_in(page, DEMO_MODERATOR)
    page.goto(url)
    comment = page.locator(".guideline-comment").first
    comment.locator("summary").click()
    comment.get_by_label("Recepito", exact=True).check(force=True)
    comment.get_by_label("Risposta o motivo dell'esito").fill("Aggiunto il passo sui controlli.")
    comment.get_by_role("button", name="Salva la risposta").click()
    comment = page.locator(".guideline-comment").first
    expect(comment.locator(".badge")).to_have_text("Recepito")
    expect(comment).to_contain_text("Aggiunto il passo sui controlli.")
    no_violations(page, "consultazione, risposta dei curatori")
