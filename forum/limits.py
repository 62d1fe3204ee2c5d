"""Rate limits on writing (posting, commenting, voting, flagging), values from the config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter


def config_limit(name: str) -> Callable[[], str]:
    """A limit read from the configuration at request time, so tests and deployments set it."""
    return lambda: current_app.config[name]


def member_key() -> str:
    """Count per signed-in member (shared offices share one address); per address otherwise."""
    if getattr(current_user, "is_authenticated", False):
        return f"member:{current_user.id}"
    return f"address:{get_remote_address()}"


def write_limit(name: str, scope: str, methods: tuple[str, ...] = ("POST",)
                ) -> Callable[[Any], Any]:
    """Decorator: limit writes (`methods`) of every route sharing `scope` by the config
    value `name`."""
    return limiter.shared_limit(
        config_limit(name), scope=scope, key_func=member_key, methods=list(methods)
    )
