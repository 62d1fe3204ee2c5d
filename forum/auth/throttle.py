"""Sign-in attempts, counted before the password is checked.

Flask-Limiter's `deduct_when` counts a failure after the response, so requests in
flight all pass the test first: 24 concurrent wrong passwords let 9-16 reach the check
with a limit of 5. Here each attempt takes its place with one atomic increment in the
limiter's storage (memory or Redis) before the check, so no more than the limit ever
reach it, and a successful sign-in gives its place back (only failures count).

The per-account bucket is keyed on the account (its id), so a username and an e-mail
are one bucket; an unknown login is keyed on its normalised text. Known and unknown
logins take the same path (one lookup, the counters, one password check), so neither
the answers nor their timing tell which logins exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from forum.errors import TooManyRequests
from forum.extensions import limiter


@dataclass
class Attempt:
    """The places one sign-in attempt took; given back when it succeeds."""

    taken: list[tuple[RateLimitItem, str]] = field(default_factory=list)

    def succeeded(self) -> None:
        """Give the places back: successful sign-ins do not count against the limits."""
        for item, key in self.taken:
            limiter.limiter.hit(item, key, cost=-1)
        self.taken.clear()


def begin_attempt(account_key: str) -> Attempt:
    """Take a place in the per-account and per-address buckets, or refuse with 429.

    `account_key` is the account id for a known login, its normalised text otherwise.
    """
    attempt = Attempt()
    if not limiter.enabled:
        return attempt
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")  # deployments sharing Redis
    buckets = (("LOGIN_LIMIT_PER_ACCOUNT", f"{prefix}login-account:{account_key}"),
               ("LOGIN_LIMIT_PER_ADDRESS", f"{prefix}login-address:{get_remote_address()}"))
    for config_name, key in buckets:
        for item in parse_many(current_app.config[config_name]):
            if not limiter.limiter.hit(item, key):
                attempt.succeeded()  # what this attempt took elsewhere goes back
                raise _too_many(item, key)
            attempt.taken.append((item, key))
    return attempt


def _too_many(item: RateLimitItem, key: str) -> TooManyRequests:
    reset_at = limiter.limiter.get_window_stats(item, key).reset_time
    wait = max(1, int(reset_at - time.time()))
    minutes = max(1, round(wait / 60))
    return TooManyRequests(ngettext(
        "Troppi tentativi in poco tempo. Riprova tra %(num)d minuto.",
        "Troppi tentativi in poco tempo. Riprova tra %(num)d minuti.",
        minutes,
    ), retry_after=wait)
