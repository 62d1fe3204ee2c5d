"""Administration pages: access, filters, forms and their error statuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.admin import catalogue, settings
from forum.extensions import db
from forum.models import AuditEntry, Notification, Organisation, SiteSetting, Theme, User
from tests.factories import make_user

ADMIN_PAGES = ["/amministrazione/utenti", "/amministrazione/temi", "/amministrazione/enti",
               "/amministrazione/impostazioni"]


@pytest.fixture
def admin(app):
    """An administrator."""
    return make_user("admin", display_name="Ada Amministratrice")


def _page(response) -> str:
    return response.get_data(as_text=True)


# Access ------------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client, app):
    for path in [*ADMIN_PAGES, "/amministrazione/iscrizioni"]:
        response = client.get(path)
        assert response.status_code == 302
        assert "/accedi" in response.headers["Location"]


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_get_403_on_admin_pages(client, login, app, role):
    user, target = make_user(role), make_user()
    login(user)
    for path in ADMIN_PAGES + [f"/amministrazione/utenti/{target.id}"]:
        assert client.get(path).status_code == 403, path
    response = client.post(f"/amministrazione/utenti/{target.id}/ruolo", data={"role": "admin"})
    assert response.status_code == 403
    assert db.session.get(User, target.id).role == "member"
    assert client.post(f"/amministrazione/utenti/{target.id}/sospendi",
                       data={"days": "3", "reason": "x"}).status_code == 403


def test_moderators_reach_the_signup_queue_members_do_not(client, login, app):
    login(make_user("moderator"))
    assert client.get("/amministrazione/iscrizioni").status_code == 200
    login(make_user())
    assert client.get("/amministrazione/iscrizioni").status_code == 403


def test_admin_pages_render_for_admins(client, login, admin):
    login(admin)
    for path in [*ADMIN_PAGES, "/amministrazione/iscrizioni",
                 f"/amministrazione/utenti/{admin.id}"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/amministrazione/").status_code == 302


# Registration policy and review ------------------------------------------------------------

REGISTRATION = {
    "username": "giulia.neri", "display_name": "Giulia Neri",
    "email": "giulia.neri@comune.example", "password": "una password lunga e sicura",
    "organisation": "Comune di Borgo Chiaro (fittizio)", "organisation_type": "comune",
    "region_code": "09",
}


def test_registration_under_approval_policy_says_the_account_awaits_approval(client, admin):
    settings.set_registration_policy(admin, policy="approval", domains_text="")
    response = client.post("/registrati", data=REGISTRATION, follow_redirects=True)
    assert response.status_code == 200
    assert "in attesa di approvazione" in _page(response)
    assert db.session.scalar(select(User).where(User.username == "giulia.neri")).is_pending


def test_registration_with_an_allowed_domain_is_active_at_once(client, admin):
    settings.set_registration_policy(admin, policy="domains", domains_text="comune.example")
    data = dict(REGISTRATION, email="giulia@sociali.comune.example")
    response = client.post("/registrati", data=data, follow_redirects=True)
    assert "in attesa di approvazione" not in _page(response)
    assert db.session.scalar(select(User).where(User.username == "giulia.neri")).status == "active"


def test_moderator_approves_and_rejects_from_the_queue(client, login, admin):
    settings.set_registration_policy(admin, policy="approval", domains_text="")
    first, second = make_user(display_name="Primo Attesa"), make_user(display_name="Seconda Attesa")
    login(make_user("moderator"))
    page = _page(client.get("/amministrazione/iscrizioni"))
    assert "Primo Attesa" in page and "Seconda Attesa" in page
    response = client.post(f"/amministrazione/iscrizioni/{first.id}/approva")
    assert response.status_code == 303
    response = client.post(f"/amministrazione/iscrizioni/{second.id}/rifiuta",
                           data={"reason": "Indirizzo personale, non di un ente."})
    assert response.status_code == 303
    assert db.session.get(User, first.id).status == "active"
    assert db.session.get(User, second.id).status == "rejected"
    kinds = {n.user_id: n.kind for n in db.session.scalars(select(Notification))}
    assert kinds == {first.id: "account_approved", second.id: "account_rejected"}
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "user"))]
    assert actions == ["approve_user", "reject_user"]
    page = _page(client.get("/amministrazione/iscrizioni"))
    assert "Nessuna iscrizione in attesa" in page


# Users list --------------------------------------------------------------------------------

def test_users_list_searches_and_filters(client, login, admin):
    make_user(display_name="Marta Rossi", organisation="Comune di Lucca", region_code="09")
    make_user("moderator", display_name="Luca Bianchi", region_code="03")
    suspended = make_user(display_name="Sara Sospesa")
    from forum.admin import services
    services.suspend_user(admin, suspended.id, days=5, reason="Prova.")
    login(admin)

    def names(query: str) -> str:
        response = client.get("/amministrazione/utenti" + query)
        assert response.status_code == 200
        return _page(response)

    page = names("?q=lucca")
    assert "Marta Rossi" in page and "Luca Bianchi" not in page
    page = names("?q=BIANCHI")
    assert "Luca Bianchi" in page and "Marta Rossi" not in page
    page = names(f"?q={admin.email}")
    assert "Ada Amministratrice" in page and "Marta Rossi" not in page
    page = names("?ruolo=moderatore")
    assert "Luca Bianchi" in page and "Marta Rossi" not in page
    page = names("?regione=03")
    assert "Luca Bianchi" in page and "Marta Rossi" not in page
    page = names("?stato=sospeso")
    assert "Sara Sospesa" in page and "Marta Rossi" not in page
    page = names("?stato=attivo")
    assert "Marta Rossi" in page and "Sara Sospesa" not in page
    assert "Sospeso fino al" in names("?q=sara")
    assert client.get("/amministrazione/utenti?stato=boh").status_code == 400
    assert client.get("/amministrazione/utenti?ruolo=re").status_code == 400


def test_users_list_filters_pending_and_rejected(client, login, admin):
    settings.set_registration_policy(admin, policy="approval", domains_text="")
    waiting = make_user(display_name="Wanda Attesa")
    refused = make_user(display_name="Rita Rifiutata")
    from forum.admin import services
    services.reject_user(admin, refused.id)
    login(admin)
    page = _page(client.get("/amministrazione/utenti?stato=in-attesa"))
    assert waiting.display_name in page and refused.display_name not in page
    page = _page(client.get("/amministrazione/utenti?stato=rifiutato"))
    assert refused.display_name in page and waiting.display_name not in page


def test_users_list_paginates(client, login, admin, app):
    app.config["ADMIN_USERS_PER_PAGE"] = 2
    for _n in range(4):
        make_user()
    login(admin)
    assert client.get("/amministrazione/utenti?page=3").status_code == 200
    assert client.get("/amministrazione/utenti?page=4").status_code == 404
    assert "Successiva" in _page(client.get("/amministrazione/utenti"))


def test_users_list_statement_count_does_not_grow_with_users(client, login, admin, query_counter):
    login(admin)
    for _n in range(3):
        make_user()
    client.get("/amministrazione/utenti")  # warm-up: translations, first-request set-up
    with query_counter.counting() as few:
        assert client.get("/amministrazione/utenti").status_code == 200
    few_count = few.count
    for _n in range(27):
        make_user()
    with query_counter.counting() as many:
        assert client.get("/amministrazione/utenti").status_code == 200
    assert many.count == few_count, many.statements


# Roles and suspensions ---------------------------------------------------------------------

def test_admin_makes_a_member_moderator_of_two_themes(client, login, admin):
    member = make_user()
    ids = list(db.session.scalars(select(Theme.id).order_by(Theme.id).limit(2)))
    login(admin)
    response = client.post(f"/amministrazione/utenti/{member.id}/ruolo",
                           data={"role": "moderator", "themes": [str(i) for i in ids]})
    assert response.status_code == 303
    member = db.session.get(User, member.id)
    assert member.role == "moderator" and member.theme_scope == frozenset(ids)
    page = _page(client.get(f"/amministrazione/utenti/{member.id}"))
    assert page.count("checked") >= 3  # the role radio and the two themes


def test_last_admin_demoting_themself_gets_409(client, login, admin):
    login(admin)
    response = client.post(f"/amministrazione/utenti/{admin.id}/ruolo", data={"role": "member"})
    assert response.status_code == 409
    assert "unico amministratore" in _page(response)
    assert db.session.get(User, admin.id).role == "admin"


def test_suspend_with_reason_shows_until_then_reactivate(client, login, admin):
    member = make_user()
    login(admin)
    response = client.post(f"/amministrazione/utenti/{member.id}/sospendi",
                           data={"days": "7", "until": "", "reason": "Offese ripetute."},
                           follow_redirects=True)
    assert response.status_code == 200
    page = _page(response)
    assert "Sospeso fino al" in page and "Offese ripetute." in page
    member = db.session.get(User, member.id)
    assert member.is_suspended
    note = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert note.kind == "account_suspended" and note.params["reason"] == "Offese ripetute."
    response = client.post(f"/amministrazione/utenti/{member.id}/riattiva")
    assert response.status_code == 303
    assert not db.session.get(User, member.id).is_suspended


def test_suspend_until_a_date(client, login, admin):
    from datetime import date, timedelta

    member = make_user()
    login(admin)
    end = date.today() + timedelta(days=30)
    response = client.post(f"/amministrazione/utenti/{member.id}/sospendi",
                           data={"until": end.isoformat(), "reason": "Spam."})
    assert response.status_code == 303
    assert db.session.get(User, member.id).suspended_until.date() >= end - timedelta(days=1)


@pytest.mark.parametrize("data,kept", [
    ({"days": "sette", "reason": "Motivo tenuto."}, 'value="sette"'),
    ({"days": "0", "reason": "Motivo tenuto."}, 'value="0"'),
    ({"until": "31/02/2030", "reason": "Motivo tenuto."}, 'value="31/02/2030"'),
    ({"days": "5", "reason": ""}, 'value="5"'),
])
def test_malformed_suspension_is_422_and_keeps_the_input(client, login, admin, data, kept):
    member = make_user()
    login(admin)
    response = client.post(f"/amministrazione/utenti/{member.id}/sospendi", data=data)
    assert response.status_code == 422
    page = _page(response)
    assert kept in page
    if data["reason"]:
        assert "Motivo tenuto." in page
    assert not db.session.get(User, member.id).is_suspended


def test_suspending_an_admin_is_refused(client, login, admin):
    other = make_user("admin")
    login(admin)
    response = client.post(f"/amministrazione/utenti/{other.id}/sospendi",
                           data={"days": "3", "reason": "Prova."})
    assert response.status_code == 409
    assert "amministratore non può essere sospeso" in _page(response)
    assert not db.session.get(User, other.id).is_suspended


def test_unknown_user_is_404(client, login, admin):
    login(admin)
    assert client.get("/amministrazione/utenti/9999").status_code == 404
    assert client.post("/amministrazione/utenti/9999/sospendi",
                       data={"days": "3", "reason": "x"}).status_code == 404


# Themes, organisations, settings -----------------------------------------------------------

def test_themes_create_edit_archive(client, login, admin):
    login(admin)
    response = client.post("/amministrazione/temi",
                           data={"name": "Casa e abitare", "description": "Politiche abitative."})
    assert response.status_code == 303
    theme = db.session.scalar(select(Theme).where(Theme.slug == "casa-e-abitare"))
    assert theme is not None
    response = client.post(f"/amministrazione/temi/{theme.id}",
                           data={"name": "Casa e abitare sociale", "description": "",
                                 "position": "3"})
    assert response.status_code == 303
    theme = db.session.get(Theme, theme.id)
    assert theme.name == "Casa e abitare sociale" and theme.position == 3
    assert theme.slug == "casa-e-abitare"
    response = client.post(f"/amministrazione/temi/{theme.id}/archivio", data={"archivia": "1"})
    assert response.status_code == 303
    assert db.session.get(Theme, theme.id).is_archived
    assert "Archiviato" in _page(client.get("/amministrazione/temi"))
    client.post(f"/amministrazione/temi/{theme.id}/archivio", data={"archivia": "0"})
    assert not db.session.get(Theme, theme.id).is_archived


def test_theme_form_errors_keep_the_input(client, login, admin):
    login(admin)
    response = client.post("/amministrazione/temi",
                           data={"name": "Nome buono", "position": "primo"})
    assert response.status_code == 422
    assert 'value="primo"' in _page(response) and 'value="Nome buono"' in _page(response)
    existing = db.session.scalar(select(Theme).where(Theme.slug == "giovani"))
    response = client.post("/amministrazione/temi", data={"name": existing.name})
    assert response.status_code == 409


def test_organisations_add_archive_and_registration_datalist(client, login, admin):
    login(admin)
    response = client.post("/amministrazione/enti", data={
        "name": "Comune di Lucca", "organisation_type": "comune", "region_code": "09"})
    assert response.status_code == 303
    client.post("/amministrazione/enti", data={
        "name": "Unione Valdera", "organisation_type": "unione-comuni", "region_code": "09"})
    assert client.post("/amministrazione/enti", data={
        "name": "comune di lucca", "organisation_type": "comune",
        "region_code": "09"}).status_code == 409
    gone = db.session.scalar(select(Organisation).where(Organisation.name == "Unione Valdera"))
    assert client.post(f"/amministrazione/enti/{gone.id}/archivio",
                       data={"archivia": "1"}).status_code == 303
    client.post("/esci")
    page = _page(client.get("/registrati"))
    assert 'list="elenco-enti"' in page and '<datalist id="elenco-enti">' in page
    assert '<option value="Comune di Lucca">' in page
    assert "Unione Valdera" not in page
    response = client.post("/registrati",
                           data=dict(REGISTRATION, organisation="Ente non in elenco"))
    assert response.status_code == 303


def test_settings_page_saves_policy_and_refuses_bad_domains(client, login, admin):
    login(admin)
    response = client.post("/amministrazione/impostazioni",
                           data={"policy": "domains",
                                 "domains": "comune.milano.it\nnon un dominio"})
    assert response.status_code == 422
    page = _page(response)
    assert "non un dominio" in page and "Domini non validi" in page
    assert db.session.scalar(select(SiteSetting)) is None
    response = client.post("/amministrazione/impostazioni",
                           data={"policy": "domains",
                                 "domains": "comune.milano.it\r\ncomune.roma.it"})
    assert response.status_code == 303
    policy = settings.get_registration_policy()
    assert policy.policy == "domains"
    assert policy.domains == ("comune.milano.it", "comune.roma.it")
    page = _page(client.get("/amministrazione/impostazioni"))
    assert "comune.roma.it" in page
    assert client.post("/amministrazione/impostazioni",
                       data={"policy": "chiusa"}).status_code == 422


def test_catalogue_changes_are_audited(client, login, admin):
    catalogue.create_theme(admin, name="Tema di prova")
    assert db.session.scalar(select(AuditEntry.action)) == "create_theme"
