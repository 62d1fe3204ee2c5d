"""The board's aggregate figures of a checklist: completed assessments by region and by
organisation type, computed in SQL, shown only where at least 5 organisations answered.

What is never shown, and why:

- a group of fewer than `THRESHOLD` organisations: its count and means stay in the
  database (the means are asked only for the groups that pass);
- the total over every organisation, unless it cannot be used to recover a hidden group.
  Total minus the shown groups of a breakdown equals the hidden groups of that breakdown
  taken together; when those together are 1-4 organisations (a single small region, say),
  the difference would disclose exactly what the threshold hides. So the total is shown
  only when, in each breakdown, the hidden groups together are none or at least
  `THRESHOLD` organisations, and the total itself has at least `THRESHOLD`. The hidden
  groups are then only a pooled figure of 5 or more, the same protection a shown group has.

Regions and types are two separate breakdowns, never crossed, so no cell smaller than the
groups shown is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select

from forum.extensions import db
from forum.models import Assessment, AssessmentAnswer, Criterion, Guideline
from forum.taxonomy import organisation_type_label, region_name

THRESHOLD = 5


@dataclass
class Group:
    """One region or organisation type: shown with its figures, or hidden (count below the
    threshold: no figure at all)."""

    key: str
    label: str
    shown: bool
    organisations: int | None = None
    areas: dict[str, float] = field(default_factory=dict)
    overall: float | None = None


@dataclass
class Breakdown:
    """Groups of one dimension, and how many organisations the hidden ones hold together
    (kept here only to decide about the total; never rendered)."""

    title: str
    groups: list[Group]
    hidden_total: int


@dataclass
class Aggregates:
    """The two breakdowns, the areas in checklist order, and the total when it is safe."""

    version: int
    areas: list[str]
    breakdowns: list[Breakdown]
    total: Group | None


def _score() -> ColumnElement[Any]:
    return AssessmentAnswer.score * 100.0 / Criterion.scale_max


def _completed(guideline: Guideline) -> list[ColumnElement[bool]]:
    return [Assessment.guideline_id == guideline.id,
            Assessment.guideline_version == guideline.version,
            Assessment.completed_at.is_not(None)]


def _figures(guideline: Guideline, column: Any, keys: list[Any]
             ) -> tuple[dict[Any, dict[str, float]], dict[Any, float]]:
    """Mean per area and overall (as % of each criterion's scale) of the given groups."""
    if not keys:
        return {}, {}
    joined = (select().select_from(AssessmentAnswer)
              .join(Assessment, Assessment.id == AssessmentAnswer.assessment_id)
              .join(Criterion, Criterion.id == AssessmentAnswer.criterion_id)
              .where(*_completed(guideline), column.in_(keys)))
    areas: dict[Any, dict[str, float]] = {}
    for key, area, mean in db.session.execute(
            joined.add_columns(column, Criterion.area, func.avg(_score()))
            .group_by(column, Criterion.area)):
        areas.setdefault(key, {})[area] = float(mean)
    overall = {key: float(mean) for key, mean in db.session.execute(
        joined.add_columns(column, func.avg(_score())).group_by(column))}
    return areas, overall


def _breakdown(guideline: Guideline, title: str, column: Any, label: Any) -> Breakdown:
    counts: dict[str, int] = {key: n for key, n in db.session.execute(
        select(column, func.count(Assessment.id)).where(*_completed(guideline))
        .group_by(column))}
    shown = sorted(k for k, n in counts.items() if n >= THRESHOLD)
    areas, overall = _figures(guideline, column, shown)
    groups = [Group(k, label(k) or k or "—", k in shown,
                    counts[k] if k in shown else None, areas.get(k, {}), overall.get(k))
              for k in sorted(counts, key=lambda k: (label(k) or k).casefold())]
    return Breakdown(title, groups, sum(n for k, n in counts.items() if k not in shown))


def _total(guideline: Guideline, breakdowns: list[Breakdown]) -> Group | None:
    count = sum(g.organisations or 0 for g in breakdowns[0].groups) + breakdowns[0].hidden_total
    if count < THRESHOLD or any(0 < b.hidden_total < THRESHOLD for b in breakdowns):
        return None
    constant: Any = func.coalesce(Assessment.guideline_id, 0)
    areas, overall = _figures(guideline, constant, [guideline.id])
    return Group("", "", True, count, areas.get(guideline.id, {}), overall.get(guideline.id))


def aggregates(guideline: Guideline, titles: tuple[str, str]) -> Aggregates:
    """The completed assessments of the current version, by region and by type."""
    areas = list(dict.fromkeys(db.session.scalars(
        select(Criterion.area).where(Criterion.guideline_id == guideline.id)
        .order_by(Criterion.position, Criterion.id))))
    breakdowns = [
        _breakdown(guideline, titles[0], Assessment.region_code, region_name),
        _breakdown(guideline, titles[1], Assessment.organisation_type, organisation_type_label),
    ]
    return Aggregates(guideline.version, areas, breakdowns, _total(guideline, breakdowns))
