"""Rome time for people, UTC for storage: every event time goes through here.

Stored datetimes are naive UTC (like all timestamps in Officina); forms and pages speak
Europe/Rome wall-clock time, across the daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def rome_to_utc(local: datetime) -> datetime:
    """A Rome wall-clock time (naive) as naive UTC. On the autumn night the clock goes
    back, an ambiguous hour is read as the first one (fold=0), as calendars do."""
    return local.replace(tzinfo=ROME).astimezone(UTC).replace(tzinfo=None)


def utc_to_rome(stored: datetime) -> datetime:
    """A stored naive-UTC time as an aware Europe/Rome datetime."""
    return stored.replace(tzinfo=UTC).astimezone(ROME)


def as_aware_utc(stored: datetime) -> datetime:
    """A stored naive-UTC time, aware (for iCalendar and comparisons with aware values)."""
    return stored.replace(tzinfo=UTC)


def today_in_rome() -> date:
    """Today's date where the community lives: review dates, validity periods and the
    newsletter's month are Rome dates."""
    from forum.models.base import utcnow

    return utc_to_rome(utcnow()).date()
