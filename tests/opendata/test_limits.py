"""Whole open-data downloads are limited per address: each holds a worker for seconds."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_overrides() -> dict:
    """Limits on, with a small export allowance."""
    return {"RATELIMIT_ENABLED": True, "EXPORT_LIMIT": "2 per minute"}


def test_exports_are_limited_per_address(app, client):
    from forum.extensions import limiter

    limiter.reset()
    codes = [client.get(url).status_code for url in (
        "/dati/domande-risposte.csv", "/buone-pratiche/export.json",
        "/dati/domande-risposte.json")]
    assert codes[:2] == [200, 200] and codes[2] == 429
    assert client.get("/dati").status_code == 200  # the page itself is not limited
