"""Locale choice and Italian-first date formatting for templates."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import TIMEDELTA_UNITS
from flask import current_app, g, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_timedelta,
    get_locale,
    get_timezone,
)

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


# A page shows a relative time and a full date for every post: formatting through
# Flask-Babel each time was about a tenth of rendering a long thread. The relative text
# depends only on (unit, rounded value, direction, language), as in Babel's own rule, so
# it is remembered by that key; the full date is assembled from the locale's month names.
_RELATIVE: dict[tuple[str, str, int, bool], str] = {}
GRANULARITY_THRESHOLD = 1.1


def _dates_context() -> tuple[object, object]:
    """The request's timezone and locale, looked up once per request."""
    if not has_request_context():
        return get_timezone(), get_locale()
    cached = g.get("_officina_dates")
    if cached is None:
        cached = g._officina_dates = (get_timezone(), get_locale())
    return cached


def time_ago(moment: datetime | None) -> str:
    """'3 giorni fa' style relative time, from naive UTC datetimes."""
    if moment is None:
        return ""
    delta = moment - utcnow()
    seconds = int(delta.days * 86400 + delta.seconds)
    _zone, locale = _dates_context()
    for unit, per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / per_unit
        if value >= GRANULARITY_THRESHOLD or unit == "second":
            key = (str(locale), unit, max(1, int(round(value))) if value else 0, seconds >= 0)
            text = _RELATIVE.get(key)
            if text is None:
                text = _RELATIVE[key] = format_timedelta(
                    delta, add_direction=True, threshold=GRANULARITY_THRESHOLD)
            return text
    return format_timedelta(delta, add_direction=True, threshold=GRANULARITY_THRESHOLD)


def long_datetime(moment: datetime | None) -> str:
    """Full date and time in the user's timezone ('5 dicembre 2026, 17:30'), e.g. for a
    title attribute; the same text as Babel's "d MMMM y, HH:mm"."""
    if not moment:
        return ""
    zone, locale = _dates_context()
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(zone)  # type: ignore[arg-type]
    month = locale.months["format"]["wide"][local.month]  # type: ignore[attr-defined]
    return f"{local.day} {month} {local.year}, {local:%H:%M}"


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


def number(value: int) -> str:
    """A whole number grouped as the reader's language writes it (200.000 / 200,000)."""
    return str(format_decimal(value, format="#,##0"))
