"""Password rules, change, reset by e-mail, and sessions ended on change."""

from __future__ import annotations

import re

import pytest

from forum.auth.password_rules import check_password_strength
from forum.auth.passwords import reset_token
from forum.extensions import db
from forum.mail import outbox_messages
from forum.models import User
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("password", [
    "corta", "password1234", "qwertyuiop123", "aaaaaaaaaaaaaaa", "12345678901234", "x" * 129,
])
def test_short_long_or_common_passwords_are_refused(app, password):
    assert check_password_strength(password) != []


@pytest.mark.parametrize("password", [
    "una frase lunga per il nido", "àèìòù ßü 中文 пароль ключ", "Tre-gatti-sul-tetto-2026",
])
def test_long_unicode_passphrases_are_accepted(app, password):
    assert check_password_strength(password) == []


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, client, login):
    user = make_user()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
    login(user)
    wrong = client.post("/profilo/password", data={
        "current": "sbagliata-davvero", "new": "nuova frase segreta lunga",
        "confirm": "nuova frase segreta lunga",
    })
    assert wrong.status_code == 422
    assert "La password attuale non è corretta" in wrong.get_data(as_text=True)
    ok = client.post("/profilo/password", data={
        "current": PASSWORD, "new": "nuova frase segreta lunga",
        "confirm": "nuova frase segreta lunga",
    })
    assert ok.status_code == 303
    assert client.get("/domande/nuova").status_code == 200  # this session goes on
    assert other.get("/domande/nuova").status_code == 302  # the other one is signed out
    response = client.post("/esci")
    assert response.status_code == 303
    login_ok = client.post("/accedi", data={"login": user.username,
                                            "password": "nuova frase segreta lunga"})
    assert login_ok.status_code == 303


def test_password_reset_by_email_link_is_single_use(app, client):
    user = make_user()
    response = client.post("/password/dimenticata", data={"email": user.email.upper()})
    assert response.status_code == 303
    [message] = outbox_messages()
    assert message["To"] == user.email
    link = re.search(r"(/password/reimposta/\S+)", message.get_content()).group(1)
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"new": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422
    done = client.post(link, data={"new": "la mia nuova frase lunga", "confirm":
                                   "la mia nuova frase lunga"})
    assert done.status_code == 303
    assert client.get(link).status_code == 400  # used: the password changed
    assert client.post("/accedi", data={"login": user.username,
                                        "password": "la mia nuova frase lunga"}).status_code == 303


def test_reset_for_unknown_address_answers_the_same_and_sends_nothing(app, client):
    make_user(email="esiste@ente.example")
    known = client.post("/password/dimenticata", data={"email": "esiste@ente.example"},
                        follow_redirects=True)
    unknown = client.post("/password/dimenticata", data={"email": "ignoto@ente.example"},
                          follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    text = "Se l&#39;indirizzo corrisponde a un account"
    assert text in known.get_data(as_text=True) and text in unknown.get_data(as_text=True)
    assert len(outbox_messages()) == 1


def test_forged_or_expired_tokens_are_refused(app, client):
    user = make_user()
    token = reset_token(user)
    assert client.get(f"/password/reimposta/{token}x").status_code == 400
    assert client.get("/password/reimposta/qualcosa-di-inventato").status_code == 400
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(f"/password/reimposta/{token}").status_code == 400


def test_login_renews_the_session_and_logout_clears_remember_cookie(app, client):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "valore-fissato-da-un-attaccante"
    client.post("/accedi", data={"login": user.username, "password": PASSWORD,
                                 "remember": "y"})
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get_cookie("remember_token") is not None
    client.post("/esci")
    assert client.get_cookie("remember_token") is None
    assert client.get("/domande/nuova").status_code == 302


def test_unknown_and_known_accounts_cost_one_password_check_each(app, monkeypatch):
    from forum.auth import services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash",
                        lambda h, p: calls.append(1) or real(h, p))
    user = make_user()
    services.authenticate(user.username, "sbagliata")
    services.authenticate("nessuno-con-questo-nome", "sbagliata")
    assert len(calls) == 2
    assert db.session.get(User, user.id) is not None
