"""Log-in with SPID/CIE through OpenID Connect, in a browser: the button on the log-in page
(axe finds nothing), the local provider approves at once, the member lands signed in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import ExternalIdentity, User
from tests.browser.conftest import LiveServer
from tests.browser.helpers import unique
from tests.identities.conftest import oidc_settings
from tests.identities.provider import Person, Provider, running_provider


@pytest.fixture
def provider(live: LiveServer) -> Iterator[Provider]:
    """A local provider, and the live Officina configured for it during the test."""
    with running_provider() as running:
        settings = {**oidc_settings(running), "SITE_URL": live.url}
        saved = {key: live.app.config.get(key) for key in settings}
        live.app.config.update(settings)
        try:
            yield running
        finally:
            live.app.config.update(saved)


def test_button_signs_in_with_a_new_pending_account(page: Page, live: LiveServer,
                                                   provider: Provider) -> None:
    from tests.browser.test_accessibility import no_violations

    sub = unique("spid")
    provider.person = Person(sub=sub, email=f"{sub}@comune.example", given_name="Chiara",
                             family_name="Fontana")
    page.goto("/accedi?next=/domande")
    button = page.get_by_role("link", name="Entra con SPID o CIE")
    expect(button).to_be_visible()
    no_violations(page, "accedi con il pulsante SPID/CIE")
    button.click()
    page.wait_for_url(lambda url: url.endswith("/domande"))
    expect(page.get_by_text("Accesso effettuato.")).to_be_visible()
    expect(page.get_by_text("in attesa di approvazione")).to_be_visible()
    no_violations(page, "dopo l'accesso con SPID/CIE")
    with live.app.app_context():
        identity = db.session.scalars(
            select(ExternalIdentity).where(ExternalIdentity.subject == sub)).one()
        user = db.session.get(User, identity.user_id)
        assert user is not None and user.display_name == "Chiara Fontana"
        db.session.remove()
