"""Checks shared by the API resource tests (part G): tokens, walking cursor pages, problems,
conditional GETs."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from forum.models import User
from forum.tokens.services import create_token


def bearer(user: User, scope: str = "read") -> dict[str, str]:
    """An Authorization header with a new personal token of `user`."""
    _token, plain = create_token(user, name=f"Prova {scope}", scope=scope, days=30)
    return {"Authorization": f"Bearer {plain}"}


def walk(client: FlaskClient, url: str, headers: dict[str, str] | None = None,
         limit: int = 2, between: Any = None) -> list[dict[str, Any]]:
    """Every item of a listing, following `next_cursor` `limit` items at a time;
    `between(page_number)` runs after each page (to add items while paging)."""
    items: list[dict[str, Any]] = []
    sep = "&" if "?" in url else "?"
    cursor: str | None = None
    for number in range(1, 200):
        address = f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(address, headers=headers or {})
        assert response.status_code == 200, response.text
        body = response.get_json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if between is not None:
            between(number)
        if not cursor:
            return items
        assert 'rel="next"' in response.headers["Link"]
    raise AssertionError("too many pages")


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status."""
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


def assert_conditional(client: FlaskClient, url: str,
                       headers: dict[str, str] | None = None) -> None:
    """A GET answers an ETag, and the same GET with If-None-Match answers 304."""
    first = client.get(url, headers=headers or {})
    assert first.status_code == 200 and first.headers.get("ETag")
    again = client.get(url, headers={**(headers or {}), "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
