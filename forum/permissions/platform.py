"""Who may use the open platform: personal access tokens and what a token may do.
Part of the one permissions home (`forum.permissions`)."""

from __future__ import annotations

from typing import Any

from forum.models import ApiToken
from forum.permissions.base import _signed_in, is_active_member

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def can_create_token(user: Any) -> bool:
    """Approved, not suspended members: a token acts for them, so it needs an account that
    may act (a pending account's token would read no more than the public pages)."""
    return is_active_member(user)


def can_revoke_token(user: Any, token: ApiToken) -> bool:
    """Only the owner revokes a token (admins revoke by suspending or deleting the account)."""
    return _signed_in(user) and token.user_id == user.id


def token_allows(token: ApiToken, method: str) -> bool:
    """A `read` token reads; writing (any unsafe method) needs the `write` scope."""
    return method.upper() in SAFE_METHODS or token.can_write
