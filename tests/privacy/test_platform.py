"""The open platform's personal data in the GDPR paths: API tokens and linked digital
identities are exported (never the secret) and gone after erasure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import ApiToken, ExternalIdentity
from forum.models.base import utcnow
from forum.privacy import services
from forum.privacy.purge import erase_due
from tests.api.helpers import bearer
from tests.factories import PASSWORD, make_user
from tests.privacy.helpers import archive


def _linked(user) -> None:  # type: ignore[no-untyped-def]
    db.session.add(ExternalIdentity(user_id=user.id, issuer="https://idp.example.it",
                                    subject="spid-0001"))
    db.session.commit()


def test_export_lists_tokens_and_identities_without_secrets(app):
    me = make_user()
    headers = bearer(me, "read")
    _linked(me)
    request, _created = services.request_export(me)
    db.session.refresh(request)
    files = archive(request)
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert [t["name"] for t in files["token_api.json"]] == [token.name]
    assert "secret_hash" not in files["token_api.json"][0]
    everything = "".join(str(v) for v in files.values())
    assert token.secret_hash not in everything
    assert headers["Authorization"].split("_", 2)[2] not in everything
    assert files["identita_digitali.json"][0]["subject"] == "spid-0001"


def test_erasure_ends_tokens_and_the_identity_link(app, client):
    me = make_user()
    headers = bearer(me)
    _linked(me)
    assert client.get("/api/v1/questions", headers=headers).status_code == 200
    services.request_deletion(me, password=PASSWORD)
    assert erase_due(utcnow() + timedelta(days=15)) == 1
    assert client.get("/api/v1/questions", headers=headers).status_code == 401
    assert db.session.execute(select(ApiToken)).first() is None
    assert db.session.execute(select(ExternalIdentity)).first() is None
