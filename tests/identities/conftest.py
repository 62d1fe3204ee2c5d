"""A local OpenID Connect provider for the module's tests, and Officina configured for it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from tests.identities.provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider


@pytest.fixture(scope="session")
def _provider_server() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(_provider_server: Provider) -> Iterator[Provider]:
    """The running provider, well-behaved and with the default person at each test."""
    _provider_server.reset()
    yield _provider_server
    _provider_server.reset()


@pytest.fixture
def app_overrides(provider: Provider) -> dict:
    """Officina pointed at the local provider."""
    return oidc_settings(provider)


def oidc_settings(provider: Provider) -> dict:
    """The settings that turn the OIDC log-in on against `provider`."""
    return {"OIDC_ISSUER": provider.url, "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_TIMEOUT_SECONDS": 5}


def begin(client, next_url: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Start the log-in on Officina; the provider's authorization URL."""
    response = client.get("/accedi/identita-digitale",
                          query_string={"next": next_url} if next_url else None)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def at_provider(url: str) -> str:
    """Follow the authorization URL at the provider; where it sends the browser back."""
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def come_back(client, location: str):  # type: ignore[no-untyped-def]
    """The provider's redirect arriving at Officina."""
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, next_url: str | None = None):  # type: ignore[no-untyped-def]
    """The whole flow: start, provider, callback; Officina's answer to the callback."""
    return come_back(client, at_provider(begin(client, next_url)))
