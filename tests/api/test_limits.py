"""API rate limits count per personal access token and answer 429 problems."""

from __future__ import annotations

import pytest

from tests.api.helpers import bearer
from tests.factories import make_user


@pytest.fixture
def app_overrides() -> dict:
    """Limits on, with a small API allowance."""
    return {"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}


def test_limit_counts_per_token_and_answers_a_problem_with_retry_after(app, client):
    from forum.extensions import limiter

    limiter.reset()
    one, other = bearer(make_user(), "read"), bearer(make_user(), "read")
    codes = [client.get("/api/v1/questions", headers=one).status_code for _i in range(3)]
    assert codes == [200, 200, 200]
    limited = client.get("/api/v1/questions", headers={**one, "Accept-Language": "en"})
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json["title"] == "Too many requests"
    assert client.get("/api/v1/questions", headers=other).status_code == 200
