"""24 simultaneous first log-ins of one person make one account and one link: the unique
(issuer, subject) decides, the losing inserts roll back and sign in through the winner's."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ExternalIdentity, User
from tests.concurrency import at_once
from tests.factories import make_user
from tests.identities.conftest import sign_in
from tests.identities.provider import Person

CONCURRENT = 24


def _storm(app) -> Counter[int]:  # type: ignore[no-untyped-def]
    def one() -> int:
        return sign_in(app.test_client()).status_code

    return Counter(at_once(app, one, CONCURRENT))


def test_simultaneous_first_logins_make_one_account(app, client, provider):
    codes = _storm(app)
    assert codes == Counter({303: CONCURRENT})
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(ExternalIdentity.id))) == 1


@pytest.mark.parametrize("verified", [True, False])
def test_simultaneous_first_logins_with_an_existing_email(app, client, provider, verified):
    member = make_user(email="mario.rossi@comune.example")
    provider.person = Person(email_verified=verified)
    codes = _storm(app)
    assert codes == Counter({303: CONCURRENT})
    [identity] = db.session.scalars(select(ExternalIdentity)).all()
    assert (identity.user_id == member.id) is verified
    assert db.session.scalar(select(func.count(User.id))) == (1 if verified else 2)
