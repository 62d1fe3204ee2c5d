"""Sign-in brute force: limits per account and per address, 429 in Italian."""

from __future__ import annotations

import os

import pytest

from tests.factories import PASSWORD, make_user


@pytest.fixture
def app_overrides() -> dict:
    """Limits on, with small numbers, in this module's apps."""
    return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "6 per 15 minutes"}


@pytest.fixture
def limited(app):
    """The app, with the limiter's counters empty."""
    from forum.extensions import limiter

    limiter.reset()
    return app


def test_too_many_failed_logins_on_one_account_get_429_with_retry_after(limited, client):
    user = make_user()
    for _ in range(3):
        assert client.post("/accedi", data={"login": user.username,
                                            "password": "sbagliata!"}).status_code == 401
    blocked = client.post("/accedi", data={"login": user.username, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Troppi tentativi" in blocked.get_data(as_text=True)
    other = make_user()
    assert client.post("/accedi", data={"login": other.username,
                                        "password": PASSWORD}).status_code == 303


def test_many_accounts_from_one_address_hit_the_address_limit(limited, client):
    for n in range(6):
        client.post("/accedi", data={"login": f"ignoto{n}", "password": "sbagliata!"})
    assert client.post("/accedi", data={"login": "ancora-un-altro",
                                        "password": "x"}).status_code == 429


def test_successful_logins_do_not_count(limited, client):
    user = make_user()
    for _ in range(5):
        assert client.post("/accedi", data={"login": user.username,
                                            "password": PASSWORD}).status_code == 303
        client.post("/esci")


@pytest.mark.skipif(not os.environ.get("FORUM_TEST_REDIS_URL"),
                    reason="FORUM_TEST_REDIS_URL non impostata: limiti condivisi non provati")
def test_limits_are_shared_through_redis_between_two_app_processes(tmp_path):
    """Two app instances (as two gunicorn workers) share one counter in Redis."""
    from forum import create_app
    from forum.extensions import db, limiter

    url = os.environ["FORUM_TEST_REDIS_URL"]
    db_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    apps = [create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI=db_url,
                       RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url,
                       LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes") for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
        limiter.reset()
    statuses = []
    for n in range(3):
        app = apps[n % 2]
        statuses.append(app.test_client().post(
            "/accedi", data={"login": "condiviso", "password": "sbagliata!"}).status_code)
    assert statuses == [401, 401, 429]
    with apps[0].app_context():
        limiter.reset()
        db.drop_all()
