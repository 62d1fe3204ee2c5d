"""Read paths for practices: faceted list with counts, detail page, small lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.cache import shared
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    Practice,
    PracticeAttachment,
    PracticeCitation,
    PracticeFacet,
    PracticeLink,
    PracticeReplication,
    PracticeStatus,
    Question,
)
from forum.sql import unindexed

# URL parameter -> (kind, where the value lives). "facet" rows live in practice_facets.
FILTERS: dict[str, tuple[str, Any]] = {
    "tema": ("facet", "theme"),
    "destinatari": ("facet", "target_group"),
    "finanziamento": ("facet", "funding_source"),
    "regione": ("column", Practice.region_code),
    "livello": ("column", Practice.level_of_government),
    "tipo": ("column", Practice.organisation_type),
    "evidenza": ("column", Practice.evidence_level),
    "fase": ("column", Practice.stage),
    "anno": ("column", Practice.start_year),
}
SORTS = ("recenti", "evidenza", "titolo")
EVIDENCE_RANK = {"comprovata": 4, "promettente": 3, "emergente": 2, "non-valutata": 1}


@dataclass
class PracticeFilters:
    """Selected values per facet (OR inside a facet, AND across facets) and the sort."""

    selected: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "recenti"

    def condition(self, skip: str | None = None) -> list[Any]:
        """WHERE clauses for every facet but `skip` (for disjunctive facet counts)."""
        clauses: list[Any] = [Practice.status == PracticeStatus.PUBLISHED]
        for name, values in self.selected.items():
            if name == skip or not values:
                continue
            kind, target = FILTERS[name]
            if kind == "facet":
                clauses.append(Practice.id.in_(
                    select(PracticeFacet.practice_id).where(
                        PracticeFacet.facet == target, PracticeFacet.value.in_(values))
                ))
            elif name == "anno":
                clauses.append(target.in_([int(v) for v in values if v.isdigit()]))
            elif name == "regione" and "nazionale" in values:
                others = [v for v in values if v != "nazionale"]
                clauses.append(or_(target.is_(None), target.in_(others)))
            else:
                clauses.append(target.in_(values))
        return clauses

    def is_selected(self, name: str, value: Any) -> bool:
        """Whether a facet value is active (for checkboxes)."""
        return str(value) in self.selected.get(name, [])


def _ordered(stmt: Select, sort: str) -> Select:
    if sort == "titolo":
        return stmt.order_by(Practice.title, Practice.id)
    if sort == "evidenza":
        rank = case(EVIDENCE_RANK, value=Practice.evidence_level, else_=0)
        return stmt.order_by(rank.desc(), Practice.published_at.desc(), Practice.id.desc())
    return stmt.order_by(Practice.published_at.desc(), Practice.id.desc())


def list_practices(filters: PracticeFilters, page: int, per_page: int) -> tuple[list, int]:
    """One page of published practices (facets loaded) and the total, in three statements."""
    where = and_(*filters.condition())
    total = db.session.scalar(select(func.count(Practice.id)).where(where)) or 0
    stmt = _ordered(select(Practice).where(where), filters.sort)
    items = list(db.session.execute(
        stmt.options(selectinload(Practice.facets)).limit(per_page).offset((page - 1) * per_page)
    ).scalars())
    return items, total


def _published() -> Any:
    return func.coalesce(Practice.published_at, Practice.created_at)


def practice_sort_key(practice: Practice, sort: str) -> tuple[Any, ...]:
    """The keyset value of a practice in a list sorted by `sort` (for API cursors)."""
    published = practice.published_at or practice.created_at
    if sort == "titolo":
        return practice.title, practice.id
    if sort == "evidenza":
        return EVIDENCE_RANK.get(practice.evidence_level, 0), published, practice.id
    return published, practice.id


def practices_after(filters: PracticeFilters, after: tuple[Any, ...] | None,
                    limit: int) -> list[Practice]:
    """Up to `limit` published practices after the one whose sort key is `after`: the
    keyset page of the API, with the list page's filters (facets loaded)."""
    stmt = select(Practice).where(and_(*filters.condition()))
    published = _published()
    if filters.sort == "titolo":
        stmt = stmt.order_by(Practice.title, Practice.id)
        if after is not None:
            stmt = stmt.where(or_(Practice.title > after[0],
                                  and_(Practice.title == after[0], Practice.id > after[1])))
    elif filters.sort == "evidenza":
        rank = case(EVIDENCE_RANK, value=Practice.evidence_level, else_=0)
        stmt = stmt.order_by(rank.desc(), published.desc(), Practice.id.desc())
        if after is not None:
            stmt = stmt.where(or_(rank < after[0], and_(rank == after[0], or_(
                published < after[1], and_(published == after[1], Practice.id < after[2])))))
    else:
        stmt = stmt.order_by(published.desc(), Practice.id.desc())
        if after is not None:
            stmt = stmt.where(or_(published < after[0],
                                  and_(published == after[0], Practice.id < after[1])))
    return list(db.session.execute(
        stmt.options(selectinload(Practice.facets)).limit(limit)).scalars())


FACET_SECONDS = 300


def cached_facet_counts(filters: PracticeFilters) -> dict[str, dict[str, int]]:
    """`facet_counts`, reused (by every server: the app's cache) until any practice is
    added, edited or changes status.

    The version check is one cheap statement, so every process sees changes at once: four
    maxima, each read from the end of an index (practices are never deleted, so the
    highest id tells additions as a count would, without reading every row).
    """
    version = tuple(db.session.execute(select(*(
        select(func.max(column)).scalar_subquery()
        for column in (Practice.id, Practice.updated_at, Practice.created_at,
                       Practice.published_at)
    ))).one())
    key = (tuple(sorted((k, tuple(sorted(v))) for k, v in filters.selected.items())), version)
    return shared(  # type: ignore[no-any-return]
        "facets", key, lambda: facet_counts(filters), FACET_SECONDS)


def facet_counts(filters: PracticeFilters) -> dict[str, dict[str, int]]:
    """Counts per facet value, each facet counted under all the other facets' filters.

    One statement (a UNION ALL of grouped counts) whatever the number of results.
    """
    parts = []
    for name, (kind, target) in FILTERS.items():
        where = and_(*filters.condition(skip=name))
        if kind == "facet":
            parts.append(
                select(literal(name).label("facet"), PracticeFacet.value.label("value"),
                       func.count(func.distinct(Practice.id)).label("n"))
                .join(Practice, Practice.id == PracticeFacet.practice_id)
                .where(where, PracticeFacet.facet == target)
                .group_by(PracticeFacet.value)
            )
        else:
            value = func.coalesce(cast(target, String), "nazionale")
            parts.append(
                select(literal(name).label("facet"), value.label("value"),
                       func.count(Practice.id).label("n"))
                .where(where).group_by(value)
            )
    counts: dict[str, dict[str, int]] = {name: {} for name in FILTERS}
    for row in db.session.execute(union_all(*parts)):
        counts[row.facet][str(row.value)] = row.n
    return counts


@dataclass
class PracticePage:
    """The detail page: practice, citing threads, replications, attachments, origin."""

    practice: Practice
    citing_questions: list[Question]
    replications: list[PracticeReplication]
    attachments: list[PracticeAttachment]
    source_question: Question | None


def practice_page(slug: str, viewer: Any) -> PracticePage:
    """Everything the practice page shows; NotFound for records the viewer may not see.
    Citing threads and the thread it came from show only when the viewer may read them (a
    restricted working group's stay with its members)."""
    practice = db.session.execute(
        select(Practice).where(Practice.slug == slug).options(
            selectinload(Practice.facets), joinedload(Practice.created_by),
            joinedload(Practice.curated_by),
        )
    ).unique().scalar_one_or_none()
    if practice is None or not permissions.can_view_practice(viewer, practice):
        raise NotFound(_("Buona pratica non trovata."))
    citing = list(db.session.execute(
        select(Question).where(Question.id.in_(
            select(PracticeCitation.question_id).where(PracticeCitation.practice_id == practice.id)
        ), Question.hidden_at.is_(None), permissions.visible_questions(viewer))
        .options(joinedload(Question.author)).order_by(Question.score.desc())
    ).scalars())
    replications = list(db.session.execute(
        select(PracticeReplication).where(PracticeReplication.practice_id == practice.id)
        .options(joinedload(PracticeReplication.user)).order_by(PracticeReplication.created_at)
    ).scalars())
    attachments = list(db.session.execute(
        select(PracticeAttachment).where(PracticeAttachment.practice_id == practice.id)
        .order_by(PracticeAttachment.created_at)
    ).scalars())
    source = None
    if practice.source_question_id:
        source = db.session.get(Question, practice.source_question_id)
        if source is not None and not permissions.can_read_group_content(viewer, source.group):
            source = None
    return PracticePage(practice, citing, replications, attachments, source)


def practice_for_edit(slug: str) -> Practice:
    """The practice with its facets, for the edit form."""
    practice = db.session.execute(
        select(Practice).where(Practice.slug == slug).options(selectinload(Practice.facets))
    ).scalar_one_or_none()
    if practice is None:
        raise NotFound(_("Buona pratica non trovata."))
    return practice


def theme_practices(theme_slug: str, limit: int = 5) -> tuple[list[Practice], int]:
    """Published practices of a theme (newest first) and how many there are."""
    in_theme = Practice.id.in_(select(PracticeFacet.practice_id).where(
        PracticeFacet.facet == "theme", PracticeFacet.value == theme_slug))
    where = and_(Practice.status == PracticeStatus.PUBLISHED, in_theme)
    total = db.session.scalar(select(func.count(Practice.id)).where(where)) or 0
    items = list(db.session.execute(
        select(Practice).where(where).order_by(Practice.published_at.desc()).limit(limit)
    ).scalars())
    return items, total


def citations_for_answers(answer_ids: list[int]) -> dict[int, list[Practice]]:
    """Published practices cited by each answer, in one statement, led by the answers'
    citations (SQLite would otherwise walk every published practice: `unindexed`)."""
    if not answer_ids:
        return {}
    rows = db.session.execute(
        select(PracticeCitation.answer_id, Practice)
        .join(Practice, Practice.id == PracticeCitation.practice_id)
        .where(PracticeCitation.answer_id.in_(answer_ids),
               unindexed(Practice.status) == PracticeStatus.PUBLISHED)
        .order_by(Practice.title)
    ).all()
    cited: dict[int, list[Practice]] = {}
    for answer_id, practice in rows:
        cited.setdefault(answer_id, []).append(practice)
    return cited


def practices_for_question(question_id: int) -> tuple[list[Practice], list[Practice]]:
    """In one statement: the practices drafted from a thread (visible ones are filtered by
    the caller) and the published practices pinned to it, oldest pin first.

    The ids come from a union of two index lookups: an OR across the two tables made
    the planners read every practice."""
    ids = union(select(Practice.id).where(Practice.source_question_id == question_id),
                select(PracticeLink.practice_id).where(PracticeLink.question_id == question_id))
    rows = db.session.execute(
        select(Practice, PracticeLink.created_at)
        .outerjoin(PracticeLink, and_(PracticeLink.practice_id == Practice.id,
                                      PracticeLink.question_id == question_id))
        .where(Practice.id.in_(ids))
        .order_by(PracticeLink.created_at, Practice.id)).all()
    derived = [p for p, _pinned_at in rows if p.source_question_id == question_id]
    pinned = [p for p, pinned_at in rows
              if pinned_at is not None and p.status == PracticeStatus.PUBLISHED]
    return derived, pinned


def suggest(text: str, limit: int = 8) -> list[Practice]:
    """Published practices whose title contains the text (for the citation picker)."""
    term = text.strip()[:80]
    if len(term) < 2:
        return []
    like = f"%{term.replace('%', '').replace('_', '')}%"
    return list(db.session.execute(
        select(Practice).where(Practice.status == PracticeStatus.PUBLISHED,
                               func.lower(Practice.title).like(func.lower(like)))
        .order_by(Practice.title).limit(limit)
    ).scalars())


def my_practices(user_id: int) -> list[Practice]:
    """The practices a user proposed, whatever their status."""
    return list(db.session.execute(
        select(Practice).where(Practice.created_by_id == user_id)
        .order_by(Practice.created_at.desc())
    ).scalars())


def pending_review() -> list[Practice]:
    """Practices waiting for a moderator."""
    return list(db.session.execute(
        select(Practice).where(Practice.status == PracticeStatus.IN_REVIEW)
        .order_by(Practice.updated_at)
    ).scalars())
