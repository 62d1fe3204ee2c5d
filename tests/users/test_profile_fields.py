"""Profile fields and who sees each: public, members only (the default), hidden."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Expertise, Theme, User
from forum.users.services import ProfileChange, update_profile
from tests.factories import make_user

FORM = {
    "display_name": "Giulia Ferraris", "organisation": "Comune di Prova",
    "organisation_type": "comune", "level_of_government": "", "region_code": "01",
    "province_code": "001", "job_title": "Responsabile ufficio di piano",
    "competences": "Gare per nidi, tariffe ISEE", "languages": ["it", "fr"],
    "bio": "Mi occupo di servizi 0-6.", "contact_email": "giulia@comune.esempio.it",
    "contact_phone": "+39 011 1234567", "open_to_contact": "y",
}


def _edit(client, **changes):
    data = dict(FORM)
    data.update(changes)
    return client.post("/profilo/modifica", data=data)


def test_a_member_fills_the_profile_and_the_page_shows_it_to_members(client, login, app):
    owner = make_user(username="giulia.f")
    themes = db.session.query(Theme).order_by(Theme.position).limit(2).all()
    login(owner)
    response = _edit(client, expertise=[str(t.id) for t in themes])
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(User, owner.id)
    assert saved.level_of_government == "comunale"  # from the organisation type
    assert saved.languages == "it,fr"
    assert {e.theme_id for e in db.session.query(Expertise).filter_by(user_id=owner.id)} == {
        t.id for t in themes}
    login(make_user())
    page = client.get("/utenti/giulia.f").get_data(as_text=True)
    for text in ("Responsabile ufficio di piano", "Gare per nidi", "Torino", "Francese",
                 "giulia@comune.esempio.it", "+39 011 1234567", "Mi occupo di servizi 0-6."):
        assert text in page


def test_members_only_fields_are_not_shown_to_anonymous_visitors(client, login, app):
    owner = make_user(username="riservata")
    login(owner)
    _edit(client)
    client.post("/esci")
    page = client.get("/utenti/riservata").get_data(as_text=True)
    assert "Giulia Ferraris" in page  # the name is always public
    for text in ("Comune di Prova", "Responsabile ufficio di piano", "Gare per nidi",
                 "Torino", "giulia@comune.esempio.it", "+39 011 1234567", "Mi occupo"):
        assert text not in page


def test_public_fields_reach_anonymous_visitors_but_contact_details_never_do(client, login, app):
    owner = make_user(username="pubblica")
    login(owner)
    public = {f"vis_{name}": "public" for name in (
        "organisation", "place", "job_title", "expertise", "competences", "languages", "bio")}
    assert _edit(client, **public).status_code == 303
    # "public" is not offered for e-mail and phone; a forged form is refused.
    refused = _edit(client, vis_email="public", vis_phone="public")
    assert refused.status_code == 422
    assert "giulia@comune.esempio.it" in refused.get_data(as_text=True)  # text kept
    client.post("/esci")
    page = client.get("/utenti/pubblica").get_data(as_text=True)
    for text in ("Comune di Prova", "Responsabile ufficio di piano", "Gare per nidi", "Torino"):
        assert text in page
    assert "giulia@comune.esempio.it" not in page and "1234567" not in page


def test_hidden_fields_are_seen_by_nobody_but_the_owner(client, login, app):
    owner = make_user(username="nascosta")
    login(owner)
    hidden = {f"vis_{name}": "hidden" for name in (
        "organisation", "place", "job_title", "competences", "bio", "email", "phone")}
    assert _edit(client, **hidden).status_code == 303
    own_page = client.get("/utenti/nascosta").get_data(as_text=True)
    assert "Responsabile ufficio di piano" in own_page
    for viewer in (make_user(), make_user("moderator")):
        login(viewer)
        page = client.get("/utenti/nascosta").get_data(as_text=True)
        for text in ("Comune di Prova", "Responsabile ufficio", "Gare per nidi",
                     "giulia@comune", "1234567", "Mi occupo"):
            assert text not in page, (viewer.role, text)


def test_the_byline_follows_the_organisation_choice(client, login, app):
    from tests.factories import make_question
    author = make_user(organisation="Comune Riservato di Prova")
    question = make_question(author)
    path = f"/domande/{question.id}"
    assert "Comune Riservato di Prova" not in client.get(path).get_data(as_text=True)
    login(make_user())
    assert "Comune Riservato di Prova" in client.get(path).get_data(as_text=True)
    update_profile(author, ProfileChange(
        display_name=author.display_name, organisation=author.organisation,
        organisation_type="comune", region_code="08", visibility={"organisation": "hidden"}))
    assert "Comune Riservato di Prova" not in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("changes, field", [
    ({"province_code": "058"}, "province_code"),  # Roma is not in Piemonte
    ({"expertise": ["1", "2", "3", "4", "5", "6"]}, "expertise"),
    ({"expertise": ["99999"]}, "expertise"),
    ({"languages": ["xx"]}, "languages"),
    ({"contact_email": "non-una-email"}, "contact_email"),
    ({"contact_phone": "chiamami <script>"}, "contact_phone"),
    ({"level_of_government": "galattico"}, "level_of_government"),
    ({"vis_bio": "tutti-tranne-te"}, "vis_bio"),
    ({"competences": "x" * 2001}, "competences"),
])
def test_bad_values_are_refused_with_the_text_kept(client, login, app, changes, field):
    login(make_user())
    response = _edit(client, **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Responsabile ufficio di piano" in page
    assert "invalid-feedback" in page


def test_an_organisation_on_the_list_links_the_profile_to_its_page(client, login, app):
    from forum.admin.catalogue import create_organisation
    admin = make_user("admin")
    organisation = create_organisation(admin, name="Comune di Collina Verde",
                                       organisation_type="comune", region_code="09")
    owner = make_user(username="collina")
    login(owner)
    _edit(client, organisation="comune di collina verde", vis_organisation="public")
    db.session.expire_all()
    saved = db.session.get(User, owner.id)
    assert saved.organisation_id == organisation.id
    assert saved.organisation == "Comune di Collina Verde"  # the list's spelling
    page = client.get("/utenti/collina").get_data(as_text=True)
    assert f'href="/enti/{organisation.slug}"' in page


def test_registration_links_an_organisation_on_the_list(app):
    from forum.admin.catalogue import create_organisation
    organisation = create_organisation(make_user("admin"), name="Ambito Sociale Valle Sud",
                                       organisation_type="ambito-sociale", region_code="16")
    member = make_user(organisation="Ambito Sociale Valle Sud", organisation_type="ambito-sociale")
    assert member.organisation_id == organisation.id
    assert member.level_of_government == "intercomunale"


def test_suspended_members_are_not_shown_to_anonymous_visitors(client, login, app):
    from datetime import timedelta

    from forum.models.base import utcnow
    member = make_user(username="sospeso")
    db.session.get(User, member.id).suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    assert client.get("/utenti/sospeso").status_code == 404
    login(make_user())
    assert client.get("/utenti/sospeso").status_code == 200


def test_the_profile_shows_activity_per_theme_in_a_fixed_number_of_statements(
        client, login, app, query_counter):
    from forum.answers.services import accept_answer
    from tests.factories import make_answer, make_question
    expert = make_user(username="esperta")
    login(make_user())

    def statements() -> int:
        from forum.extensions import cache

        cache.clear()  # a render from scratch each time, not the shared copy
        with query_counter.counting() as counter:
            assert client.get("/utenti/esperta").status_code == 200
        return counter.count

    asker = make_user()
    question = make_question(asker)
    answer = make_answer(question, expert)
    accept_answer(asker, answer.id)
    make_question(expert)
    few = statements()
    for slug in ("conciliazione-vita-lavoro", "giovani", "disabilita"):
        other = make_question(asker, theme_slug=slug)
        make_answer(other, expert)
        make_question(expert, theme_slug=slug)
    assert statements() == few
    page = client.get("/utenti/esperta").get_data(as_text=True)
    assert "Attività per tema" in page and "Giovani e politiche giovanili" in page


def test_24_simultaneous_saves_of_one_profile_all_succeed_and_leave_one_expertise_set(app):
    import threading

    from forum.extensions import db as database
    member = make_user()
    themes = [t.id for t in database.session.query(Theme).order_by(Theme.position).limit(3)]
    barrier = threading.Barrier(24)
    codes: list[int] = []
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            with app.app_context():
                client = app.test_client()
                with client.session_transaction() as session:
                    session["_user_id"] = member.get_id()
                barrier.wait(10)
                codes.append(client.post("/profilo/modifica", data={
                    **FORM, "expertise": [str(t) for t in themes[: 1 + n % 3]],
                    "job_title": f"Ruolo {n}"}).status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and codes == [303] * 24
    database.session.commit()
    saved = database.session.get(User, member.id)
    count = database.session.query(Expertise).filter_by(user_id=member.id).count()
    assert count == 1 + int(saved.job_title.split()[-1]) % 3  # the last save won, whole
