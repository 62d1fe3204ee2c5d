"""The dashboard's figures, computed by the database: four aggregate statements (questions,
active members, practices, event attendance) plus the theme list, whatever the data size.

Each statement stacks its rows under four dimensions with UNION ALL (the whole period,
each month, each theme, each region) and groups by (dimension, key): SQLite has no
GROUPING SETS, and one statement per figure family keeps the count constant. Medians are
taken in SQL too: durations ranked with ROW_NUMBER() and counted with COUNT() over the
same partition, then the middle one (odd counts) or the mean of the middle two (even).

What is counted (the figures are public-space figures, like the public lists):
- questions: not hidden, readable by a signed-out visitor (`permissions.public_questions`),
  so a private group's activity never shows, not even as a count; answers and
  acceptances count only when not hidden (and not withdrawn);
- a question's month, theme and region are those of its asking (`created_at`), its theme
  and its author's region; active members are counted in the region of their profile;
- practices: published (or published then archived) ones, in the month of publication, by
  their main theme and region; replications in their month, by the practice's theme and
  region;
- events: public (not a group's), published or ended, already over, in the month they
  started, by their region and each of their themes; "registered" are the confirmed
  places, "attended" those marked present.
Months are UTC calendar months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from forum import permissions
from forum.dashboard.filters import DashboardFilters
from forum.dashboard.sql import month_of, seconds_between
from forum.extensions import db
from forum.models import (
    Acceptance,
    Answer,
    Comment,
    Event,
    EventStatus,
    Practice,
    PracticeReplication,
    PracticeStatus,
    Question,
    Registration,
    RegistrationStatus,
    Theme,
    User,
    Vote,
    event_themes,
)
from forum.models.base import utcnow
from forum.taxonomy import REGIONS

UNANSWERED_AFTER = timedelta(hours=48)
ALL, MONTH, THEME, REGION = "all", "month", "theme", "region"
_PUBLISHED_PRACTICE = (PracticeStatus.PUBLISHED.value, PracticeStatus.ARCHIVED.value)
_PUBLIC_EVENT = (EventStatus.PUBLISHED.value, EventStatus.ENDED.value)


@dataclass(frozen=True)
class Figures:
    """The dashboard's figures for one slice (the period, a month, a theme, a region)."""

    asked: int = 0
    answered: int = 0
    eligible_48h: int = 0
    unanswered_48h: int = 0
    median_first_answer_s: float | None = None
    median_solution_s: float | None = None
    active_members: int = 0
    practices_published: int = 0
    practices_replicated: int = 0
    registered: int = 0
    attended: int = 0

    @property
    def answer_rate(self) -> float | None:
        """Share of the questions asked that have at least one visible answer (0-1)."""
        return self.answered / self.asked if self.asked else None

    @property
    def unanswered_48h_share(self) -> float | None:
        """Share of the questions at least 48 h old still without an answer 48 h after
        being asked (answered late or never)."""
        return self.unanswered_48h / self.eligible_48h if self.eligible_48h else None

    @property
    def attendance_rate(self) -> float | None:
        """Share of confirmed registrations marked present."""
        return self.attended / self.registered if self.registered else None

    @property
    def median_first_answer_h(self) -> float | None:
        """Median time to the first answer, in hours."""
        return None if self.median_first_answer_s is None else self.median_first_answer_s / 3600

    @property
    def median_solution_h(self) -> float | None:
        """Median time to an accepted solution, in hours."""
        return None if self.median_solution_s is None else self.median_solution_s / 3600


@dataclass(frozen=True)
class Slice:
    """One row of a breakdown: its key (month "YYYY-MM", theme slug, region code), the
    label shown, and its figures."""

    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Dashboard:
    """Everything the page and the CSV show."""

    filters: DashboardFilters
    overall: Figures
    by_month: list[Slice]
    by_theme: list[Slice]
    by_region: list[Slice]


def _dimension(name: str) -> ColumnElement[str]:
    # Inlined constants (not bind parameters): PostgreSQL must know their type in a UNION.
    return literal_column(f"'{name}'")


def _keyed(base: CTE, columns: list[str], theme_part: Select[Any] | None = None) -> CTE:
    """The base rows stacked once per dimension: (dim, key, *columns)."""
    cols = [base.c[name] for name in columns]
    parts: list[Select[Any]] = [
        select(_dimension(ALL).label("dim"), literal_column("''").label("key"), *cols),
        select(_dimension(MONTH), base.c.month, *cols),
        theme_part if theme_part is not None else select(_dimension(THEME), base.c.theme, *cols),
        select(_dimension(REGION), base.c.region, *cols),
    ]
    return union_all(*parts).cte(f"{base.name}_keyed")


def _median(keyed: CTE, start: Any, end: Any, name: str) -> CTE:
    """Per (dim, key): the median of `end - start` in seconds over the rows where `end`
    is set. Rows ranked 1..n; the middle ranks r satisfy n <= 2r <= n + 2 (one rank for
    odd n, two for even n), averaged: no integer division, same SQL on both databases."""
    seconds = seconds_between(start, end)
    partition = (keyed.c.dim, keyed.c.key)
    ranked = select(
        keyed.c.dim, keyed.c.key, seconds.label("s"),
        func.row_number().over(partition_by=partition, order_by=seconds).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).where(end.is_not(None)).cte(f"{name}_ranked")
    return (select(ranked.c.dim, ranked.c.key, func.avg(ranked.c.s).label(name))
            .where(ranked.c.rn * 2 >= ranked.c.n, ranked.c.rn * 2 <= ranked.c.n + 2)
            .group_by(ranked.c.dim, ranked.c.key).cte(name))


def _visible_question() -> ColumnElement[bool]:
    return and_(Question.hidden_at.is_(None), permissions.public_questions())


def _in_period(column: Any, filters: DashboardFilters) -> ColumnElement[bool]:
    return and_(column >= filters.since, column < filters.until)


def _question_figures(filters: DashboardFilters, now: datetime) -> list[Any]:
    """Questions asked, answered, unanswered after 48 h, and the two medians."""
    first_answer = (select(func.min(Answer.created_at))
                    .where(Answer.question_id == Question.id, Answer.hidden_at.is_(None))
                    .correlate(Question).scalar_subquery())
    solved = (select(func.min(Acceptance.accepted_at))
              .join(Answer, Answer.id == Acceptance.answer_id)
              .where(Acceptance.question_id == Question.id, Acceptance.withdrawn_at.is_(None),
                     Answer.hidden_at.is_(None))
              .correlate(Question).scalar_subquery())
    base_stmt = (select(Question.created_at.label("asked_at"),
                        month_of(Question.created_at).label("month"),
                        Theme.slug.label("theme"),
                        func.coalesce(User.region_code, "").label("region"),
                        first_answer.label("first_answer_at"), solved.label("solved_at"))
                 .join(Theme, Theme.id == Question.theme_id)
                 .join(User, User.id == Question.author_id)
                 .where(_visible_question(), _in_period(Question.created_at, filters)))
    if filters.theme:
        base_stmt = base_stmt.where(Theme.slug == filters.theme)
    if filters.region:
        base_stmt = base_stmt.where(User.region_code == filters.region)
    base = base_stmt.cte("asked")
    keyed = _keyed(base, ["asked_at", "first_answer_at", "solved_at"])
    cutoff = now - UNANSWERED_AFTER
    eligible = keyed.c.asked_at <= cutoff
    late = or_(keyed.c.first_answer_at.is_(None),
               seconds_between(keyed.c.asked_at, keyed.c.first_answer_at)
               > UNANSWERED_AFTER.total_seconds())
    counts = select(
        keyed.c.dim, keyed.c.key, func.count().label("asked"),
        func.sum(case((keyed.c.first_answer_at.is_not(None), 1), else_=0)).label("answered"),
        func.sum(case((eligible, 1), else_=0)).label("eligible_48h"),
        func.sum(case((and_(eligible, late), 1), else_=0)).label("unanswered_48h"),
    ).group_by(keyed.c.dim, keyed.c.key).cte("asked_counts")
    first = _median(keyed, keyed.c.asked_at, keyed.c.first_answer_at, "median_first_answer_s")
    solution = _median(keyed, keyed.c.asked_at, keyed.c.solved_at, "median_solution_s")
    stmt = (select(counts, first.c.median_first_answer_s, solution.c.median_solution_s)
            .outerjoin(first, and_(first.c.dim == counts.c.dim, first.c.key == counts.c.key))
            .outerjoin(solution, and_(solution.c.dim == counts.c.dim,
                                      solution.c.key == counts.c.key)))
    return list(db.session.execute(stmt).mappings())


def _member_figures(filters: DashboardFilters) -> list[Any]:
    """Distinct members who asked, answered, commented or voted in the public space."""
    visible = _visible_question()
    voted_answer = aliased(Answer)
    # The period is checked in each part, where each table's own timestamp is.
    acts = union_all(
        select(Question.author_id.label("user_id"), Question.created_at.label("at"),
               Question.theme_id.label("theme_id"))
        .where(visible, _in_period(Question.created_at, filters)),
        select(Answer.author_id, Answer.created_at, Question.theme_id)
        .join(Question, Question.id == Answer.question_id)
        .where(visible, Answer.hidden_at.is_(None), _in_period(Answer.created_at, filters)),
        select(Comment.author_id, Comment.created_at, Question.theme_id)
        .join(Question, Question.id == Comment.question_id)
        .where(visible, Comment.hidden_at.is_(None), _in_period(Comment.created_at, filters)),
        select(Vote.user_id, Vote.created_at, Question.theme_id)
        .join(Question, Question.id == Vote.question_id)
        .where(visible, _in_period(Vote.created_at, filters)),
        select(Vote.user_id, Vote.created_at, Question.theme_id)
        .join(voted_answer, voted_answer.id == Vote.answer_id)
        .join(Question, Question.id == voted_answer.question_id)
        .where(visible, _in_period(Vote.created_at, filters)),
    ).subquery("acts")
    # One row per member, month and theme before stacking: a few thousand rows to count
    # instead of every post and vote four times over.
    base_stmt = (select(acts.c.user_id, month_of(acts.c.at).label("month"),
                        Theme.slug.label("theme"),
                        func.coalesce(User.region_code, "").label("region"))
                 .distinct()
                 .join(Theme, Theme.id == acts.c.theme_id)
                 .join(User, User.id == acts.c.user_id))
    if filters.theme:
        base_stmt = base_stmt.where(Theme.slug == filters.theme)
    if filters.region:
        base_stmt = base_stmt.where(User.region_code == filters.region)
    keyed = _keyed(base_stmt.cte("active"), ["user_id"])
    stmt = (select(keyed.c.dim, keyed.c.key,
                   func.count(keyed.c.user_id.distinct()).label("active_members"))
            .group_by(keyed.c.dim, keyed.c.key))
    return list(db.session.execute(stmt).mappings())


def _practice_figures(filters: DashboardFilters) -> list[Any]:
    """Practices published in the period, and replications recorded in it."""
    published = Practice.status.in_(_PUBLISHED_PRACTICE)
    region = func.coalesce(Practice.region_code, "")
    moves = union_all(
        select(literal_column("1").label("is_publication"), Practice.published_at.label("at"),
               Practice.main_theme.label("theme"), region.label("region"))
        .where(published, Practice.published_at.is_not(None)),
        select(literal_column("0"), PracticeReplication.created_at, Practice.main_theme, region)
        .join(Practice, Practice.id == PracticeReplication.practice_id).where(published),
    ).subquery("moves")
    base_stmt = (select(moves.c.is_publication, month_of(moves.c.at).label("month"),
                        moves.c.theme, moves.c.region)
                 .where(_in_period(moves.c.at, filters)))
    if filters.theme:
        base_stmt = base_stmt.where(moves.c.theme == filters.theme)
    if filters.region:
        base_stmt = base_stmt.where(moves.c.region == filters.region)
    keyed = _keyed(base_stmt.cte("practice_moves"), ["is_publication"])
    stmt = (select(keyed.c.dim, keyed.c.key,
                   func.sum(keyed.c.is_publication).label("practices_published"),
                   func.sum(1 - keyed.c.is_publication).label("practices_replicated"))
            .group_by(keyed.c.dim, keyed.c.key))
    return list(db.session.execute(stmt).mappings())


def _event_figures(filters: DashboardFilters, now: datetime) -> list[Any]:
    """Confirmed registrations and attendance at public events over by now."""
    base_stmt = (select(Registration.attended_at, Event.id.label("event_id"),
                        month_of(Event.starts_at).label("month"),
                        func.coalesce(Event.region_code, "").label("region"))
                 .join(Event, Event.id == Registration.event_id)
                 .where(Event.group_id.is_(None), Event.status.in_(_PUBLIC_EVENT),
                        Event.ends_at <= now,
                        Registration.status == RegistrationStatus.CONFIRMED.value,
                        _in_period(Event.starts_at, filters)))
    if filters.theme:
        base_stmt = base_stmt.where(exists().where(
            event_themes.c.event_id == Event.id, event_themes.c.theme_id == Theme.id,
            Theme.slug == filters.theme))
    if filters.region:
        base_stmt = base_stmt.where(Event.region_code == filters.region)
    base = base_stmt.cte("attendance")
    # An event with several themes counts under each of them (and once in the others).
    by_theme = (select(_dimension(THEME), Theme.slug, base.c.attended_at)
                .join(event_themes, event_themes.c.event_id == base.c.event_id)
                .join(Theme, Theme.id == event_themes.c.theme_id))
    if filters.theme:
        by_theme = by_theme.where(Theme.slug == filters.theme)
    keyed = _keyed(base, ["attended_at"], theme_part=by_theme)
    stmt = (select(keyed.c.dim, keyed.c.key, func.count().label("registered"),
                   func.sum(case((keyed.c.attended_at.is_not(None), 1), else_=0))
                   .label("attended"))
            .group_by(keyed.c.dim, keyed.c.key))
    return list(db.session.execute(stmt).mappings())


def theme_choices() -> list[tuple[str, str]]:
    """Every theme (archived ones keep their threads) as (slug, name), in menu order."""
    return [(slug, name) for slug, name in db.session.execute(
        select(Theme.slug, Theme.name).order_by(Theme.position, Theme.name))]


def dashboard(filters: DashboardFilters, themes: list[tuple[str, str]],
              now: datetime | None = None) -> Dashboard:
    """The figures for the filters: four aggregate statements, merged by slice."""
    moment = now or utcnow()
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for rows in (_question_figures(filters, moment), _member_figures(filters),
                 _practice_figures(filters), _event_figures(filters, moment)):
        for row in rows:
            values = {k: v for k, v in row.items() if k not in ("dim", "key") and v is not None}
            merged.setdefault((row["dim"], row["key"] or ""), {}).update(values)

    def figures(dim: str, key: str) -> Figures:
        found = merged.get((dim, key), {})
        values: dict[str, Any] = {name: (float(value) if name.startswith("median")
                                         else int(value)) for name, value in found.items()}
        return Figures(**values)

    months = [month.strftime("%Y-%m") for month in filters.months]
    theme_rows = [(slug, name) for slug, name in themes
                  if not filters.theme or slug == filters.theme]
    region_rows = [(code, name) for code, name in REGIONS.items()
                   if not filters.region or code == filters.region]
    if not filters.region and any(dim == REGION and key == "" for dim, key in merged):
        region_rows.append(("", ""))  # labelled "not given" by the page
    return Dashboard(
        filters=filters,
        overall=figures(ALL, ""),
        by_month=[Slice(key, month_label(key), figures(MONTH, key)) for key in months],
        by_theme=[Slice(slug, name, figures(THEME, slug)) for slug, name in theme_rows],
        by_region=[Slice(code, name, figures(REGION, code)) for code, name in region_rows],
    )


def month_label(key: str) -> str:
    """"2026-03" as "03/2026" (short, unambiguous in Italian and English)."""
    year, month = key.split("-")
    return f"{month}/{year}"
