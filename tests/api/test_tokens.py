"""Personal access tokens: created in the profile, shown once, stored hashed, scoped,
expiring, revocable; a token request is authenticated without cookies or CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text

from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import AccountStatus, ApiToken
from forum.models.base import utcnow
from forum.tokens import services
from tests.api.helpers import bearer
from tests.concurrency import at_once
from tests.factories import make_question, make_user

pytestmark = pytest.mark.usefixtures("app")


def test_token_page_shows_the_new_token_once_and_stores_only_its_hash(client, login):
    member = make_user()
    login(member)
    response = client.post("/profilo/token", data={"name": "Sito del Comune",
                                                   "scope": "read", "days": "90"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    plain = page.split('id="token-valore"')[1].split('value="')[1].split('"')[0]
    assert plain.startswith("off_")
    row = db.session.execute(select(ApiToken)).scalar_one()
    stored = " ".join(str(v) for v in db.session.execute(
        text("SELECT * FROM api_tokens")).one())
    assert plain.split("_", 2)[2] not in stored and row.secret_hash in stored
    again = client.get("/profilo/token").get_data(as_text=True)
    assert plain not in again and "Sito del Comune" in again and "attivo" in again
    # it works, as its member
    me = client.get("/api/v1/questions", headers={"Authorization": f"Bearer {plain}"})
    assert me.status_code == 200


def test_token_form_keeps_the_name_on_error(client, login):
    login(make_user())
    response = client.post("/profilo/token", data={"name": "Cruscotto", "scope": "admin",
                                                   "days": "90"})
    assert response.status_code == 422
    assert 'value="Cruscotto"' in response.get_data(as_text=True)
    assert db.session.execute(select(ApiToken)).first() is None


def test_pending_member_cannot_create_a_token():
    pending = make_user(status=AccountStatus.PENDING)
    with pytest.raises(NotAllowed):
        services.create_token(pending, name="x", scope="read", days=30)


@pytest.mark.parametrize("days", [0, 7, 400, -1])
def test_lifetime_must_be_one_of_the_offered(days):
    with pytest.raises(InvalidInput):
        services.create_token(make_user(), name="x", scope="read", days=days)


def test_revoked_token_is_refused_at_once(client, login):
    member = make_user()
    headers = bearer(member, "read")
    assert client.get("/api/v1/questions", headers=headers).status_code == 200
    token = db.session.execute(select(ApiToken)).scalar_one()
    login(member)
    assert client.post(f"/profilo/token/{token.id}/revoca").status_code == 303
    client.get("/esci")
    refused = client.get("/api/v1/questions", headers=headers)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert "revocato" in refused.json["detail"]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_someone_elses_token_cannot_be_revoked(client, login):
    owner = make_user()
    bearer(owner)
    token = db.session.execute(select(ApiToken)).scalar_one()
    login(make_user())
    assert client.post(f"/profilo/token/{token.id}/revoca").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_expired_token_is_refused_with_the_reason(client):
    member = make_user()
    headers = bearer(member, "read", days=30)
    db.session.execute(ApiToken.__table__.update().values(
        expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    refused = client.get("/api/v1/questions", headers=headers)
    assert refused.status_code == 401 and "scaduto" in refused.json["detail"]


@pytest.mark.parametrize("value", [
    "Bearer", "Bearer off_abc", "Basic dXNlcjpwYXNz", "Bearer off_AAAAAAAAAAAA_" + "x" * 43,
    "Bearer " + "A" * 5000, "Bearer off_\x00\x01_\u202e", "Token abc",
])
def test_malformed_or_unknown_credentials_are_a_401_problem(client, value):
    response = client.get("/api/v1/questions", headers={"Authorization": value})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401


def test_read_token_cannot_write(client):
    member = make_user()
    response = client.post("/api/v1/questions", headers=bearer(member, "read"), json={
        "title": "Come gestire le graduatorie dei nidi?", "body": "Testo " * 10,
        "theme": "servizi-educativi-0-6"})
    assert response.status_code == 403
    assert "sola lettura" in response.json["detail"]


def test_token_of_a_suspended_member_stops_working(client):
    member = make_user()
    headers = bearer(member)
    member.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    assert client.get("/api/v1/questions", headers=headers).status_code == 401


def test_token_request_sets_no_cookie_and_needs_no_csrf(app: Flask):
    app.config["WTF_CSRF_ENABLED"] = True
    member = make_user()
    question = make_question()
    client = app.test_client()
    response = client.post(f"/api/v1/questions/{question.id}/answers", headers=bearer(member),
                           json={"body": "Da noi ha funzionato una convenzione tra enti."})
    assert response.status_code == 201, response.json
    assert "Set-Cookie" not in response.headers


def test_session_write_without_csrf_token_is_refused(app: Flask, client, login):
    app.config["WTF_CSRF_ENABLED"] = True
    question = make_question()
    login(make_user())
    response = client.post(f"/api/v1/questions/{question.id}/answers",
                           json={"body": "Da noi ha funzionato una convenzione tra enti."})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_last_use_is_recorded_but_not_on_every_request(client, query_counter):
    member = make_user()
    headers = bearer(member, "read")
    client.get("/api/v1/questions", headers=headers)
    first = db.session.execute(select(ApiToken.last_used_at)).scalar_one()
    assert first is not None
    client.get("/api/v1/questions", headers=headers)
    assert db.session.execute(select(ApiToken.last_used_at)).scalar_one() == first


def test_crowd_of_creations_respects_the_cap(app: Flask):
    member = make_user()
    member_id = member.id

    def create() -> str:
        from forum.models import User

        user = db.session.get(User, member_id)
        try:
            services.create_token(user, name="crowd", scope="read", days=30)
        except InvalidInput:
            return "refused"
        return "created"

    outcomes = at_once(app, create, 24)
    db.session.rollback()  # a fresh snapshot, after the threads' commits
    assert outcomes.count("created") == services.MAX_ACTIVE
    assert db.session.execute(select(db.func.count()).select_from(ApiToken)).scalar_one() == (
        services.MAX_ACTIVE)


def test_token_form_takes_any_string_without_a_5xx(client, login):
    from tests.hostile import HOSTILE, SAMPLE

    login(make_user())
    codes = set()
    for hostile in SAMPLE:
        response = client.post("/profilo/token", data={"name": hostile, "scope": hostile,
                                                       "days": hostile})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
    for hostile in HOSTILE[:40]:
        codes.add(client.post("/profilo/token", data={"name": hostile, "scope": "read",
                                                      "days": "30"}).status_code)
    assert codes <= {201, 422}, codes
    names = [t.name for t in db.session.execute(select(ApiToken)).scalars()]
    assert len(names) <= services.MAX_ACTIVE and all("\x00" not in n for n in names)
