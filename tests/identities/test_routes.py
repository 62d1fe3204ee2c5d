"""Log-in through OpenID Connect against a local provider: first log-in (new pending account,
link by verified e-mail, no link on an unverified one), later log-ins by the link, and every
way the exchange can go wrong answered with a clear 4xx."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from forum.auth.passwords import request_password_reset
from forum.auth.services import authenticate
from forum.extensions import db
from forum.mail import outbox_messages
from forum.models import ExternalIdentity, User
from forum.models.base import utcnow
from forum.models.identity import PLACEHOLDER_EMAIL_DOMAIN, UNUSABLE_PASSWORD
from forum.notifications.mailing import may_receive_mail
from tests.factories import PASSWORD, make_user
from tests.identities.conftest import at_provider, begin, come_back, sign_in
from tests.identities.provider import OTHER_KEY, Person


def _page(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def _identities() -> list[ExternalIdentity]:
    return list(db.session.scalars(select(ExternalIdentity)))


def _signed_in_as(client, user: User) -> bool:  # type: ignore[no-untyped-def]
    with client.session_transaction() as session:
        return session.get("_user_id") == user.get_id()


def test_login_page_shows_the_button_and_start_sends_to_provider_with_pkce(client, provider):
    page = _page(client.get("/accedi"))
    assert "Entra con SPID o CIE" in page and "/accedi/identita-digitale" in page
    query = parse_qs(urlsplit(begin(client)).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/accedi/identita-digitale/ritorno"]


def test_first_login_creates_a_pending_account_without_password(client, provider):
    response = sign_in(client, next_url="/domande")
    assert response.status_code == 303 and response.headers["Location"] == "/domande"
    user = db.session.scalars(select(User)).one()
    assert (user.username, user.display_name, user.email) == (
        "mario.rossi", "Mario Rossi", "mario.rossi@comune.example")
    assert user.awaits_review and user.password_hash == UNUSABLE_PASSWORD
    [identity] = _identities()
    assert (identity.issuer, identity.subject, identity.user_id) == (
        provider.url, "utente-1", user.id)
    assert _signed_in_as(client, user)
    assert "in attesa di approvazione" in _page(client.get("/"))
    assert authenticate("mario.rossi", "") is None
    assert authenticate("mario.rossi", UNUSABLE_PASSWORD) is None


def test_verified_email_links_the_existing_account(client, provider):
    member = make_user(email="Mario.Rossi@comune.example")
    provider.person = Person(email="MARIO.ROSSI@comune.example", email_verified=True)
    response = sign_in(client)
    assert response.status_code == 303 and _users() == 1
    assert [i.user_id for i in _identities()] == [member.id]
    assert _signed_in_as(client, member)
    assert "ora collegata al tuo account" in _page(client.get("/"))
    assert authenticate(member.username, PASSWORD) is not None  # the password still works


@pytest.mark.parametrize("verified", [False, None, "yes", 1])
def test_unverified_email_never_links_nor_is_stored(client, provider, verified):
    member = make_user(email="mario.rossi@comune.example")
    provider.person = Person(email="mario.rossi@comune.example", email_verified=verified)
    response = sign_in(client)
    assert response.status_code == 303 and _users() == 2
    newcomer = db.session.scalars(select(User).where(User.id != member.id)).one()
    assert newcomer.email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN) and newcomer.awaits_review
    assert [i.user_id for i in _identities()] == [newcomer.id]
    assert _signed_in_as(client, newcomer) and not _signed_in_as(client, member)
    assert "non ha confermato il tuo indirizzo email" in _page(client.get("/"))
    newcomer.status = "active"
    assert not may_receive_mail(newcomer)  # the stand-in address is never mailed


def test_later_logins_use_the_link_whatever_the_claims_say(client, provider, app):
    sign_in(client)
    user = db.session.scalars(select(User)).one()
    client.post("/esci")
    provider.person = Person(email="altro@comune.example", given_name="Altro",
                             family_name="Nome")
    assert sign_in(client).status_code == 303
    assert _users() == 1 and len(_identities()) == 1 and _signed_in_as(client, user)
    db.session.refresh(user)
    assert user.email == "mario.rossi@comune.example"


def test_same_subject_at_another_issuer_is_another_identity(client, provider):
    sign_in(client)
    db.session.add(ExternalIdentity(user_id=make_user().id, issuer="https://altro.example",
                                    subject="utente-1"))
    db.session.commit()
    client.post("/esci")
    assert sign_in(client).status_code == 303 and _users() == 2


def test_username_taken_gets_a_number_and_names_are_folded(client, provider):
    make_user(username="mario.rossi")
    provider.person = Person(sub="due", email=None, given_name="Mario", family_name="Rossi")
    sign_in(client)
    client.post("/esci")
    provider.person = Person(sub="tre", email=None, given_name="Niccolò",
                             family_name="D'Amico Bianchi")
    sign_in(client)
    names = set(db.session.scalars(select(User.username)))
    assert names == {"mario.rossi", "mario.rossi2", "niccolo.damico.bianchi"}


def test_suspended_account_cannot_log_in_by_link_nor_by_email(client, provider):
    member = make_user(email="mario.rossi@comune.example")
    member.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    response = sign_in(client)
    assert response.status_code == 403 and "sospeso" in _page(response)
    assert _identities() == [] and not _signed_in_as(client, member)
    member.suspended_until = None
    db.session.commit()
    sign_in(client)
    client.post("/esci")
    member.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    assert sign_in(client).status_code == 403 and not _signed_in_as(client, member)


def _with_state(location: str, state: str) -> str:
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    query["state"] = [state]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


@pytest.mark.parametrize("state", ["forged-state", "", "x" * 5000, "<script>", "%00"])
def test_forged_or_missing_state_is_400_and_writes_nothing(client, provider, state):
    location = at_provider(begin(client))
    response = come_back(client, _with_state(location, state))
    assert response.status_code == 400
    assert "Ricomincia l'accesso" in _page(response)
    assert _users() == 0 and provider.token_requests == 0


def test_callback_without_a_started_login_is_400(client, provider, app):
    location = at_provider(begin(app.test_client()))  # started in another browser
    response = come_back(client, location)
    assert response.status_code == 400 and _users() == 0 and provider.token_requests == 0
    assert client.get("/accedi/identita-digitale/ritorno").status_code == 400


def test_replayed_callback_is_400(client, provider):
    location = at_provider(begin(client))
    assert come_back(client, location).status_code == 303
    client.post("/esci")
    again = come_back(client, location)
    assert again.status_code == 400 and "già stata usata" in _page(again)


def test_replayed_code_with_a_fresh_state_is_refused_by_the_provider(client, provider):
    first = at_provider(begin(client))
    assert come_back(client, first).status_code == 303
    client.post("/esci")
    second = at_provider(begin(client))
    code = parse_qs(urlsplit(first).query)["code"][0]
    parts = urlsplit(second)
    query = parse_qs(parts.query)
    query["code"] = [code]
    replay = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    assert come_back(client, replay).status_code == 400


def test_provider_error_access_denied_is_a_clear_400(client, provider):
    provider.deny = True
    response = sign_in(client)
    assert response.status_code == 400
    assert "Accesso annullato" in _page(response) and _users() == 0


@pytest.mark.parametrize("knob,value", [
    ("token_issuer", "https://impostore.example"),
    ("audience", "un-altro-client"),
    ("nonce", "nonce-sbagliato"),
    ("lifetime", -600),
    ("sign_key", OTHER_KEY),
])
def test_invalid_id_token_is_400(client, provider, knob, value):
    setattr(provider, knob, value)
    response = sign_in(client)
    assert response.status_code == 400, knob
    assert "Non è stato possibile verificare l'identità" in _page(response)
    assert _users() == 0 and _identities() == []


def test_discovery_naming_another_issuer_is_refused(client, provider, app):
    provider.discovery_issuer = "https://impostore.example"
    response = client.get("/accedi/identita-digitale")
    assert response.status_code == 400 and "non risponde" in _page(response)


def test_broken_discovery_document_is_400(client, provider):
    provider.discovery_broken = True
    assert client.get("/accedi/identita-digitale").status_code == 400


def test_unreachable_provider_is_400(client, provider, app):
    app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"  # discard port: nothing listens
    response = client.get("/accedi/identita-digitale")
    assert response.status_code == 400 and "non risponde" in _page(response)


def test_start_keeps_only_local_next_and_signed_in_members_go_home(client, provider, login):
    response = sign_in(client, next_url="https://malevolo.example/")
    assert response.headers["Location"] == "/"
    assert client.get("/accedi/identita-digitale").status_code == 303


@pytest.mark.parametrize("args", [
    {"error": "access_denied", "state": "x"}, {"error": "server_error"},
    {"code": "x"}, {"state": "x"}, "code=%00&state=%ED%A0%80",
    "state=%ff&code=%c0%af&error_description=%00",
])
def test_hostile_callback_parameters_are_4xx(client, provider, args):
    response = client.get("/accedi/identita-digitale/ritorno", query_string=args)
    assert 400 <= response.status_code < 500 and _users() == 0


def test_new_account_pages_work_for_member_and_moderators(client, provider, login):
    sign_in(client)
    user = db.session.scalars(select(User)).one()
    for url in (f"/utenti/{user.username}", "/profilo/modifica", "/profilo/password"):
        assert client.get(url).status_code == 200, url
    client.post("/esci")
    login(make_user(role="admin"))
    queue = client.get("/amministrazione/iscrizioni")
    assert queue.status_code == 200 and "Mario Rossi" in _page(queue)
    assert client.get(f"/amministrazione/utenti/{user.id}").status_code == 200
    approved = client.post(f"/amministrazione/iscrizioni/{user.id}/approva")
    assert approved.status_code in (302, 303)
    db.session.refresh(user)
    assert not user.awaits_review


def test_member_without_password_sets_one_by_the_reset_link(client, provider):
    sign_in(client)
    client.post("/esci")
    user = db.session.scalars(select(User)).one()
    assert client.post("/password/dimenticata", data={"email": user.email}).status_code == 303
    [message] = outbox_messages()
    link = re.search(r"(/password/reimposta/\S+)", message.get_content()).group(1)
    new = "la mia prima password lunga"
    assert client.post(link, data={"new": new, "confirm": new}).status_code == 303
    assert client.post("/accedi", data={"login": user.username,
                                        "password": new}).status_code == 303


def test_no_reset_mail_to_a_stand_in_address(client, provider):
    provider.person = Person(email_verified=False)
    sign_in(client)
    client.post("/esci")
    user = db.session.scalars(select(User)).one()
    assert client.post("/password/dimenticata", data={"email": user.email}).status_code == 422
    request_password_reset(user.email)  # past the form's check, the service sends nothing
    assert outbox_messages() == []


def test_only_the_latest_start_is_kept_in_the_session(client, provider):
    first = at_provider(begin(client))
    for _ in range(30):
        latest = at_provider(begin(client))
    with client.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 1
    assert come_back(client, first).status_code == 400
    assert come_back(client, latest).status_code == 303


def test_client_secret_post_works_too(client, provider, app):
    app.config["OIDC_TOKEN_AUTH_METHOD"] = "client_secret_post"
    assert sign_in(client).status_code == 303


def test_wrong_client_secret_is_400(client, provider, app):
    app.config["OIDC_CLIENT_SECRET"] = "segreto-sbagliato"
    response = sign_in(client)
    assert response.status_code == 400 and _users() == 0


@pytest.mark.parametrize("missing", ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"])
def test_not_configured_shows_nothing_and_routes_404(client, provider, app, missing):
    app.config[missing] = None
    assert "identita-digitale" not in _page(client.get("/accedi"))
    assert client.get("/accedi/identita-digitale").status_code == 404
    assert client.get("/accedi/identita-digitale/ritorno?code=x&state=y").status_code == 404
    assert provider.token_requests == 0
    assert client.post("/accedi", data={"login": make_user().username,
                                        "password": PASSWORD}).status_code == 303
