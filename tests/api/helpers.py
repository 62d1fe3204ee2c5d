"""Shared helpers of the API tests: tokens and authorised headers."""

from __future__ import annotations

from forum.models import User
from forum.tokens.services import create_token


def bearer(user: User, scope: str = "write", days: int = 90) -> dict[str, str]:
    """Headers carrying a new personal access token of `user`."""
    _token, plain = create_token(user, name=f"Prova {scope}", scope=scope, days=days)
    return {"Authorization": f"Bearer {plain}"}
