"""The directory /rete: search, facets with counts, sorts, privacy, fixed statements."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from forum.answers.services import accept_answer
from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Expertise, Theme, User
from forum.users.services import ProfileChange, update_profile
from tests.factories import make_answer, make_question, make_user


def _profile(user: User, **changes) -> User:
    data = {"display_name": user.display_name, "organisation": user.organisation,
            "organisation_type": user.organisation_type, "region_code": user.region_code}
    data.update(changes)
    return update_profile(user, ProfileChange(**data))


def _theme(slug: str) -> Theme:
    return db.session.query(Theme).filter_by(slug=slug).one()


@pytest.fixture
def network(app):
    """Three operators in two regions with expertise, answers and an accepted one."""
    nidi = _theme("servizi-educativi-0-6")
    anna = _profile(make_user(username="anna.nidi", display_name="Anna Bianchi"),
                    region_code="01", competences="gare per nidi, tariffe",
                    expertise=[nidi.id], job_title="Funzionaria")
    bruno = _profile(make_user(username="bruno.ambito", display_name="Bruno Verdi",
                               organisation_type="ambito-sociale"),
                     organisation_type="ambito-sociale", region_code="08",
                     competences="piano di zona", expertise=[nidi.id])
    carla = _profile(make_user(username="carla.segreta", display_name="Carla Neri"),
                     region_code="01", competences="affido familiare",
                     visibility={"place": "hidden", "competences": "hidden"})
    asker = make_user(username="chi.chiede")
    question = make_question(asker)
    accept_answer(asker, make_answer(question, anna).id)
    make_answer(make_question(asker), bruno)
    return {"anna": anna, "bruno": bruno, "carla": carla, "asker": asker, "nidi": nidi}


def _names(page: str) -> set[str]:
    return {name for name in ("Anna Bianchi", "Bruno Verdi", "Carla Neri") if name in page}


def test_the_directory_is_for_approved_members(client, login, network):
    response = client.get("/rete")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
    login(make_user(status="pending"))
    assert client.get("/rete").status_code == 403
    login(network["asker"])
    assert client.get("/rete").status_code == 200


def test_search_by_name_organisation_and_competences(client, login, network):
    login(network["asker"])
    assert _names(client.get("/rete?q=bianchi").text) == {"Anna Bianchi"}
    assert _names(client.get("/rete?q=GARE PER").text) == {"Anna Bianchi"}
    assert _names(client.get("/rete?q=piano di zona").text) == {"Bruno Verdi"}
    # Carla hides her competences: they do not match, or the search would reveal them.
    assert _names(client.get("/rete?q=affido").text) == set()
    assert _names(client.get("/rete?q=%25").text) == set()  # a wildcard matches itself


def test_facets_count_and_filter_and_a_hidden_region_never_matches(client, login, network):
    login(network["asker"])
    page = client.get("/rete?regione=01").text
    assert _names(page) == {"Anna Bianchi"}  # Carla is in 01 but hides it
    everyone = client.get("/rete").text
    assert "Piemonte <span class=\"text-muted\">(1)</span>" in everyone
    assert _names(client.get("/rete?tipo=ambito-sociale").text) == {"Bruno Verdi"}
    assert _names(client.get("/rete?tema=servizi-educativi-0-6").text) == {
        "Anna Bianchi", "Bruno Verdi"}
    assert _names(client.get("/rete?risposto=servizi-educativi-0-6&regione=08").text) == {
        "Bruno Verdi"}
    assert _names(client.get("/rete?reputazione=guide").text) == set()
    # Three facets at once, with the state kept in every facet link and in the form.
    page = client.get("/rete?regione=08&tipo=ambito-sociale&tema=servizi-educativi-0-6").text
    assert _names(page) == {"Bruno Verdi"}
    assert 'name="regione" value="08" id="f-regione-1" checked' in page


def test_unknown_filter_values_are_ignored_not_a_500(client, login, network):
    login(network["asker"])
    for query in ("regione=99", "tipo=<script>", "ordina=DROP TABLE", "page=-4",
                  "page=999999999999", "tema=%00", "q=" + "x" * 5000, "reputazione=%F0%9F"):
        assert client.get(f"/rete?{query}").status_code == 200, query


def test_cards_show_accepted_answers_per_theme_and_sorts_work(client, login, network):
    login(network["asker"])
    page = client.get("/rete?ordina=accettate").text
    assert page.index("Anna Bianchi") < page.index("Bruno Verdi")
    assert "Servizi educativi 0-6 e nidi d&#39;infanzia (1)" in page
    by_name = client.get("/rete?ordina=nome").text
    assert by_name.index("Anna Bianchi") < by_name.index("Bruno Verdi") < by_name.index(
        "Carla Neri")


def test_sort_links_keep_the_filters(client, login, network):
    login(network["asker"])
    page = client.get("/rete?regione=08&q=bruno").text
    start = page.index('href="', page.index("Ordina per:")) + 6
    link = page[start:page.index('"', start)].replace("&amp;", "&")
    assert parse_qs(urlparse(link).query) == {"regione": ["08"], "q": ["bruno"],
                                              "ordina": ["accettate"]}


def test_pending_and_suspended_members_are_not_listed(client, login, network):
    from datetime import timedelta

    from forum.models.base import utcnow
    make_user(status="pending", display_name="Persona In Attesa")
    away = make_user(display_name="Persona Sospesa")
    db.session.get(User, away.id).suspended_until = utcnow() + timedelta(days=2)
    db.session.commit()
    login(network["asker"])
    page = client.get("/rete?ordina=nome").text
    assert "Persona In Attesa" not in page and "Persona Sospesa" not in page


def test_a_three_facet_query_costs_the_same_statements_for_more_members(
        client, login, network, query_counter):
    login(network["asker"])
    url = "/rete?regione=08&tipo=ambito-sociale&risposto=servizi-educativi-0-6&ordina=accettate"

    def statements() -> int:
        with query_counter.counting() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = statements()
    nidi = network["nidi"]
    for _ in range(30):
        member = make_user(organisation_type="ambito-sociale")
        _profile(member, organisation_type="ambito-sociale", expertise=[nidi.id])
        make_answer(make_question(network["asker"]), member)
    assert statements() == few
    assert "31 colleghi" in client.get(url).text


def test_expertise_is_limited_to_five_themes(app):
    themes = db.session.query(Theme).limit(6).all()
    member = make_user()
    with pytest.raises(InvalidInput) as refused:
        _profile(member, expertise=[t.id for t in themes])
    assert "al massimo 5" in refused.value.field_errors["expertise"][0]
    assert db.session.query(Expertise).filter_by(user_id=member.id).count() == 0
