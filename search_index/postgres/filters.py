"""``Filters``: what restricts a search besides its words, as SQL conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["Filters"]


@dataclass(frozen=True)
class Filters:
    """What restricts a search besides its words (``type`` apart: counts ignore it)."""

    theme: str | None = None
    region: str | None = None
    solved: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_hidden: bool = False
    groups: frozenset[int] = frozenset()

    def where(self) -> tuple[list[str], dict[str, Any]]:
        """SQL conditions and their parameters (readable documents only: fail-closed)."""
        conds = ["(group_id IS NULL OR group_id = ANY(:groups))"]
        values: dict[str, Any] = {"groups": sorted(self.groups)}
        if not self.include_hidden:
            conds.append("visible")
        if self.theme:
            conds.append("themes @> CAST(:themes AS text[])")
            values["themes"] = [str(self.theme)]
        if self.region is not None:
            conds.append("region = :region")
            values["region"] = str(self.region).strip()
        if self.solved is not None:
            conds.append("solved = :solved")
            values["solved"] = bool(self.solved)
        if self.since:
            conds.append("created >= :since")
            values["since"] = _naive(self.since)
        if self.until:
            conds.append("created <= :until")
            values["until"] = _naive(self.until)
        return conds, values


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
