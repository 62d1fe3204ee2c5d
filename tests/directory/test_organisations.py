"""Organisation pages /enti/<slug>: members, practices, questions, replications; following."""

from __future__ import annotations

import pytest

from forum.admin.catalogue import create_organisation
from forum.extensions import db
from forum.models import FollowTarget, Level, Notification, Organisation
from forum.notifications.follows import set_level
from forum.users.services import ProfileChange, update_profile
from tests.factories import make_practice, make_question, make_user


@pytest.fixture
def comune(app) -> Organisation:
    return create_organisation(make_user("admin"), name="Comune di Borgo Fiorito",
                               organisation_type="comune", region_code="09")


def _member_of(organisation: Organisation, visibility: str = "members", **kw):
    member = make_user(organisation=organisation.name, **kw)
    update_profile(member, ProfileChange(
        display_name=member.display_name, organisation=organisation.name,
        organisation_type="comune", region_code="09",
        visibility={"organisation": visibility}))
    return member


def test_the_slug_comes_from_the_name(comune):
    assert comune.slug == "comune-di-borgo-fiorito"


def test_the_page_lists_members_practices_and_questions_by_visibility(client, login, comune):
    public = _member_of(comune, "public", display_name="Operatrice Pubblica")
    members_only = _member_of(comune, "members", display_name="Operatore Riservato")
    hidden = _member_of(comune, "hidden", display_name="Operatore Nascosto")
    make_question(members_only, title="Come gestiamo le liste d'attesa del nido comunale?")
    make_question(hidden, title="Domanda di chi nasconde il proprio ente al pubblico?")
    make_practice(public, lead_organisation="Comune di Borgo Fiorito",
                  title="Nido diffuso nelle frazioni di Borgo Fiorito")
    path = f"/enti/{comune.slug}"
    page = client.get(path).text
    assert "Operatrice Pubblica" in page and "Nido diffuso nelle frazioni" in page
    assert "Operatore Riservato" not in page and "liste d&#39;attesa" not in page
    login(make_user())
    page = client.get(path).text
    assert "Operatore Riservato" in page and "liste d&#39;attesa" in page
    assert "Operatore Nascosto" not in page and "nasconde il proprio ente" not in page
    assert client.get("/enti").status_code == 200
    assert client.get("/enti/non-esiste").status_code == 404


def test_following_an_organisation_notifies_its_members_questions(client, login, app, comune):
    watcher = make_user()
    login(watcher)
    response = client.post("/segui", data={"tipo": "organisation", "id": str(comune.id),
                                           "livello": "watching"})
    assert response.status_code in (200, 303)
    author = _member_of(comune)
    make_question(author)
    hidden = _member_of(comune, "hidden")
    make_question(hidden)
    notes = db.session.query(Notification).filter_by(user_id=watcher.id).all()
    assert [n.kind for n in notes] == ["new_question"]


def test_following_an_unknown_organisation_is_a_404(client, login, app):
    login(make_user())
    response = client.post("/segui", data={"tipo": "organisation", "id": "987654",
                                           "livello": "watching"})
    assert response.status_code == 404


def test_set_level_on_an_organisation(app, comune):
    member = make_user()
    target = set_level(member, FollowTarget.ORGANISATION, comune.id, Level.TRACKING)
    assert target.url == f"/enti/{comune.slug}"
