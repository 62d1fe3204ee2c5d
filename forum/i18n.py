"""Locale choice and Italian-first date formatting for templates."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_timedelta

from forum.models.base import utcnow


def select_locale() -> str:
    """The language chosen with the switcher, Italian otherwise; API clients choose with
    Accept-Language (a script has no switcher)."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    if has_request_context() and request.path.startswith("/api/"):
        best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
        if best:
            return str(best)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def time_ago(moment: datetime | None) -> str:
    """'3 giorni fa' style relative time, from naive UTC datetimes."""
    if moment is None:
        return ""
    return format_timedelta(moment - utcnow(), add_direction=True, threshold=1.1)


def long_datetime(moment: datetime | None) -> str:
    """Full date and time in the user's timezone, e.g. for a title attribute."""
    return format_datetime(moment, "d MMMM y, HH:mm") if moment else ""


def long_date(moment: datetime | None) -> str:
    """'12 marzo 2024'."""
    return format_date(moment, "d MMMM y") if moment else ""


def weekday_date(moment: datetime | None) -> str:
    """'giovedì 12 marzo 2024', in the site's timezone (Europe/Rome) from naive UTC."""
    return format_datetime(moment, "EEEE d MMMM y") if moment else ""


def clock_time(moment: datetime | None) -> str:
    """'15:30', in the site's timezone (Europe/Rome) from naive UTC."""
    return format_datetime(moment, "HH:mm") if moment else ""


def machine_time(moment: datetime | None) -> str:
    """A naive-UTC moment as HTML's `<time datetime>` wants it: whole seconds and a Z
    (Python's isoformat gives microseconds, which the HTML standard does not allow)."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
