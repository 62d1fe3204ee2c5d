"""Registration, sign-in, sign-out, safe redirects, CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD, make_user

VALID = {
    "username": "giulia.neri",
    "display_name": "Giulia Neri",
    "email": "giulia.neri@comune.example",
    "password": "una password lunga e sicura",
    "organisation": "Comune di Borgo Chiaro (fittizio)",
    "organisation_type": "comune",
    "region_code": "09",
}


def test_register_creates_account_signs_in_and_hashes_password(client, app):
    response = client.post("/registrati", data=VALID)
    assert response.status_code == 303
    user = db.session.scalars(select(User)).one()
    assert user.password_hash != VALID["password"]
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.role == "member" and user.region_code == "09"
    assert "Giulia Neri" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("username", "A!", "Il nome utente deve avere"),
    ("password", "corta", "almeno 12 caratteri"),
    ("region_code", "99", "Not a valid choice"),
    ("organisation_type", "banca", "Not a valid choice"),
    ("email", "non-una-email", "Invalid email"),
    ("display_name", "", "This field is required"),
])
def test_register_rejects_bad_fields_and_keeps_the_rest(client, app, field, value, message):
    data = dict(VALID, **{field: value})
    response = client.post("/registrati", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Comune di Borgo Chiaro (fittizio)" in page or field == "organisation"
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_register_duplicate_username_or_email_is_409(client, app):
    make_user(username="giulia.neri")
    response = client.post("/registrati", data=VALID)
    assert response.status_code == 409
    assert "nome utente è già in uso" in response.get_data(as_text=True)
    make_user(email="altro@comune.example")
    response = client.post("/registrati", data=dict(VALID, username="giulia2",
                                                    email="ALTRO@comune.example"))
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_login_with_username_or_email_and_logout(client, app):
    user = make_user()
    response = client.post("/accedi", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 303
    assert user.display_name in client.get("/").get_data(as_text=True)
    assert client.post("/esci").status_code == 303
    assert client.get("/domande/nuova").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client, app):
    user = make_user()
    wrong = client.post("/accedi", data={"login": user.username, "password": "sbagliata!!"})
    unknown = client.post("/accedi", data={"login": "nessuno", "password": "sbagliata!!"})
    assert wrong.status_code == unknown.status_code == 401
    message = "Nome utente, email o password non corretti."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("/domande", "/domande"),
    ("https://evil.example/x", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_next_redirects_only_to_this_site(client, app, target, expected):
    user = make_user()
    response = client.post("/accedi", data={
        "login": user.username, "password": PASSWORD, "next": target,
    })
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_state_changing_requests_need_a_csrf_token(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user()
    response = client.post("/accedi", data={"login": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "sessione del modulo" in response.get_data(as_text=True)


def test_changing_session_version_signs_out_existing_sessions(client, login, app):
    user = make_user()
    login(user)
    assert client.get("/domande/nuova").status_code == 200
    user.session_version += 1
    db.session.commit()
    assert client.get("/domande/nuova").status_code == 302
