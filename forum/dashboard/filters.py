"""The dashboard's filters, read from the query string: the period (from/to months),
a theme and a region. A value that does not parse is ignored with a message, never an
error: the page (and the CSV) then show the default for that filter."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from forum.taxonomy import REGIONS

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
_MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")


def add_months(first: date, months: int) -> date:
    """The first day of the month `months` after (or before) `first`'s month."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """Every month from `start` to `end` included, as first days."""
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return [add_months(start, n) for n in range(max(count, 0))]


def _month(raw: str) -> date | None:
    match = _MONTH.match(raw.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


@dataclass(frozen=True)
class DashboardFilters:
    """The months shown (first days, both included), and an optional theme and region."""

    start: date
    end: date
    theme: str | None = None
    region: str | None = None
    messages: tuple[str, ...] = field(default=(), compare=False)

    @property
    def months(self) -> list[date]:
        """The months of the period, oldest first."""
        return months_between(self.start, self.end)

    @property
    def since(self) -> datetime:
        """The period's first instant (UTC, naive like the stored timestamps)."""
        return datetime(self.start.year, self.start.month, 1)

    @property
    def until(self) -> datetime:
        """The instant just after the period (exclusive bound)."""
        following = add_months(self.end, 1)
        return datetime(following.year, following.month, 1)

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for links (the CSV) and the form."""
        args = {"da": self.start.strftime("%Y-%m"), "a": self.end.strftime("%Y-%m")}
        if self.theme:
            args["tema"] = self.theme
        if self.region:
            args["regione"] = self.region
        return args


def parse_filters(args: Mapping[str, str], theme_slugs: Collection[str],
                  today: date) -> DashboardFilters:
    """The filters from the query string; what does not parse falls back to the default
    (the last 12 months, every theme, every region) with a message saying so."""
    messages: list[str] = []
    default_end = date(today.year, today.month, 1)
    end = _month(args.get("a", "")) if args.get("a") else default_end
    if end is None:
        messages.append(_("Il mese finale non è valido (usa il formato AAAA-MM): "
                          "mostro fino al mese corrente."))
        end = default_end
    start = _month(args.get("da", "")) if args.get("da") else add_months(end, 1 - DEFAULT_MONTHS)
    if start is None:
        messages.append(_("Il mese iniziale non è valido (usa il formato AAAA-MM): "
                          "mostro gli ultimi 12 mesi del periodo."))
        start = add_months(end, 1 - DEFAULT_MONTHS)
    if start > end:
        messages.append(_("Il mese iniziale viene dopo quello finale: mostro gli ultimi "
                          "12 mesi del periodo."))
        start = add_months(end, 1 - DEFAULT_MONTHS)
    if len(months_between(start, end)) > MAX_MONTHS:
        messages.append(_("Il periodo può coprire al massimo %(n)d mesi: mostro gli ultimi "
                          "%(n)d.", n=MAX_MONTHS))
        start = add_months(end, 1 - MAX_MONTHS)
    theme = (args.get("tema") or "").strip() or None
    if theme is not None and theme not in theme_slugs:
        messages.append(_("Il tema indicato non esiste: mostro tutti i temi."))
        theme = None
    region = (args.get("regione") or "").strip() or None
    if region is not None and region not in REGIONS:
        messages.append(_("La regione indicata non esiste: mostro tutte le regioni."))
        region = None
    return DashboardFilters(start, end, theme, region, tuple(messages))
