"""The sign-in limit holds under concurrency and across spellings: attempts are counted
before the password check, per account (username and e-mail are one bucket), on memory
and on Redis storage."""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, make_user

LIMIT = 5
CONCURRENT = 24
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL")


@pytest.fixture(params=["memory", "redis"])
def app_overrides(request) -> dict:
    """Limits on, five failed sign-ins per account, on each storage."""
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("FORUM_TEST_REDIS_URL non impostata: limite su Redis non provato")
    return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": f"{LIMIT} per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per 15 minutes",
            "RATELIMIT_STORAGE_URI": REDIS_URL if request.param == "redis" else "memory://"}


@pytest.fixture
def checks(app, monkeypatch):
    """Counts the password checks that really run, each slowed so requests overlap."""
    from forum.auth import services

    seen: Counter[str] = Counter()
    real = services.check_password_hash
    lock = threading.Lock()

    def counted(pwhash: str, password: str) -> bool:
        with lock:
            seen["checks"] += 1
        time.sleep(0.05)
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counted)
    from forum.extensions import limiter

    limiter.reset()
    yield seen
    limiter.reset()


@pytest.fixture
def server(app):
    """The app served by a threaded HTTP server on a free loopback port."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join(5)


def _post_login(port: int, login: str, password: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/accedi", body=urlencode({"login": login, "password": password}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        return conn.getresponse().status
    finally:
        conn.close()


def _storm(port: int, logins: list[str], password: str) -> Counter[int]:
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        return Counter(pool.map(lambda login: _post_login(port, login, password), logins))


def test_concurrent_wrong_passwords_never_pass_the_limit(app, checks, server):
    user = make_user()
    spellings = [user.username, user.email, user.email.upper(), f"  {user.username} "]
    statuses = _storm(server, [spellings[n % 4] for n in range(CONCURRENT)], "sbagliata!")
    assert checks["checks"] == LIMIT, statuses
    assert statuses == Counter({401: LIMIT, 429: CONCURRENT - LIMIT})
    # the right password is refused too while the window lasts (no oracle for guessers)
    assert _post_login(server, user.email, PASSWORD) == 429


def test_unknown_logins_are_limited_the_same_way(app, checks, server):
    statuses = _storm(server, ["Nessuno@Ente.example"] * CONCURRENT, "sbagliata!")
    assert statuses == Counter({401: LIMIT, 429: CONCURRENT - LIMIT})
    assert checks["checks"] == LIMIT  # unknown logins pay for one (dummy) check too


def test_successful_sign_ins_give_their_place_back(app, checks, server):
    user = make_user()
    for _ in range(LIMIT + 3):
        assert _post_login(server, user.username, PASSWORD) == 303
    assert [_post_login(server, user.email, "sbagliata!") for _ in range(LIMIT + 1)] == [
        401] * LIMIT + [429]
