"""The directory of members ("Chi fa cosa") and organisation pages.

Every count is one GROUP BY over the same filtered set of members, so a page costs the same
number of statements for 10 members or 10,000. A field a member keeps hidden neither shows
nor matches: filtering on a hidden region would reveal it. Activity (answers, accepted
answers, questions) counts only the public space and open groups, whoever is looking: a
restricted working group's discussions neither show nor match here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    AccountStatus,
    Answer,
    Expertise,
    Organisation,
    Practice,
    PracticeReplication,
    PracticeStatus,
    Question,
    Theme,
    User,
    Visibility,
)
from forum.models.base import utcnow
from forum.practices.vocabulary import LEVELS
from forum.taxonomy import ORGANISATION_TYPES, REGIONS
from forum.text import clean_line, escape_like
from forum.users.vocabulary import REPUTATION_BANDS

PER_PAGE = 20
SORTS = ("attivita", "accettate", "nome")
FACETS = ("regione", "tipo", "livello", "tema", "risposto", "reputazione")


@dataclass
class DirectoryFilters:
    """The directory's state, all of it in the query string."""

    q: str = ""
    regione: str = ""
    tipo: str = ""
    livello: str = ""
    tema: str = ""
    risposto: str = ""
    reputazione: str = ""
    ordina: str = "attivita"

    @classmethod
    def from_args(cls, args: Any) -> DirectoryFilters:
        """Unknown values are dropped rather than refused: an old link still opens."""
        bands = {slug for slug, *_rest in REPUTATION_BANDS}
        wanted = cls(
            q=clean_line(args.get("q", ""))[:100],
            regione=args.get("regione", "") if args.get("regione", "") in REGIONS else "",
            tipo=args.get("tipo", "") if args.get("tipo", "") in ORGANISATION_TYPES else "",
            livello=args.get("livello", "") if args.get("livello", "") in LEVELS else "",
            tema=clean_line(args.get("tema", ""))[:60],
            risposto=clean_line(args.get("risposto", ""))[:60],
            reputazione=args.get("reputazione", "") if args.get("reputazione", "") in bands
            else "",
            ordina=args.get("ordina", "") if args.get("ordina", "") in SORTS else "attivita",
        )
        return wanted

    @property
    def active(self) -> bool:
        """True when something narrows the list."""
        return any(getattr(self, name) for name in ("q", *FACETS))


@dataclass
class Card:
    """A member in the directory, with accepted answers per theme and declared expertise."""

    user: User
    accepted: list[tuple[Theme, int]] = field(default_factory=list)
    expertise: list[Theme] = field(default_factory=list)


@dataclass
class Directory:
    """One page of members, the facets with their counts, and the themes by slug."""

    page: Pagination
    cards: list[Card]
    facets: dict[str, list[tuple[str, str, int]]]
    filters: DirectoryFilters


def _shown(column: Any) -> ColumnElement[bool]:
    return column != Visibility.HIDDEN


def _public_thread() -> ColumnElement[bool]:
    """A visible question in the public space (or an open group): the same for everyone."""
    return and_(Question.hidden_at.is_(None), permissions.public_questions())


def _accepted_answers() -> Select:
    """(author_id, theme_id) of every visible accepted answer in a public thread."""
    return (select(Answer.author_id, Question.theme_id)
            .join(Question, and_(Question.id == Answer.question_id,
                                 Question.accepted_answer_id == Answer.id))
            .where(Answer.hidden_at.is_(None), _public_thread()))


def _band_case() -> Any:
    whens = [(and_(User.reputation >= low, User.reputation <= high) if high is not None
              else User.reputation >= low, slug) for slug, low, high, _label in REPUTATION_BANDS]
    return case(*whens, else_="nuovi")


def _conditions(filters: DirectoryFilters, themes: dict[str, Theme],
                skip: str | None = None) -> list[ColumnElement[bool]]:
    """The WHERE of the directory; `skip` leaves one facet out, for that facet's counts."""
    now = utcnow()
    where: list[ColumnElement[bool]] = [
        User.status == AccountStatus.ACTIVE, User.erased_at.is_(None),
        or_(User.suspended_until.is_(None), User.suspended_until <= now),
    ]
    if filters.q:
        pattern = f"%{escape_like(filters.q.lower())}%"

        def like(column: Any) -> ColumnElement[bool]:
            return func.lower(column).like(pattern, escape="\\")

        where.append(or_(
            like(User.display_name), like(User.username),
            and_(_shown(User.vis_organisation), like(User.organisation)),
            and_(_shown(User.vis_competences), like(User.competences)),
            and_(_shown(User.vis_job_title), like(User.job_title)),
        ))
    if filters.regione and skip != "regione":
        where += [User.region_code == filters.regione, _shown(User.vis_place)]
    if filters.tipo and skip != "tipo":
        where += [User.organisation_type == filters.tipo, _shown(User.vis_organisation)]
    if filters.livello and skip != "livello":
        where += [User.level_of_government == filters.livello, _shown(User.vis_organisation)]
    if filters.tema and skip != "tema":
        theme = themes.get(filters.tema)
        where += [_shown(User.vis_expertise), exists().where(
            Expertise.user_id == User.id, Expertise.theme_id == (theme.id if theme else -1))]
    if filters.risposto and skip != "risposto":
        theme = themes.get(filters.risposto)
        where.append(exists(
            select(Answer.id).join(Question, Question.id == Answer.question_id)
            .where(Answer.author_id == User.id, Answer.hidden_at.is_(None),
                   _public_thread(),
                   Question.theme_id == (theme.id if theme else -1))))
    if filters.reputazione and skip != "reputazione":
        where.append(_band_case() == filters.reputazione)
    return where


def _order(filters: DirectoryFilters) -> list[Any]:
    if filters.ordina == "nome":
        return [func.lower(User.display_name), User.id]
    if filters.ordina == "accettate":
        accepted = (select(func.count()).select_from(Answer)
                    .join(Question, and_(Question.id == Answer.question_id,
                                         Question.accepted_answer_id == Answer.id))
                    .where(Answer.author_id == User.id, Answer.hidden_at.is_(None),
                           _public_thread())
                    .correlate(User).scalar_subquery())
        return [accepted.desc(), User.reputation.desc(), User.id]
    posts = (select(func.count()).select_from(Answer)
             .join(Question, Question.id == Answer.question_id)
             .where(Answer.author_id == User.id, Answer.hidden_at.is_(None),
                    permissions.public_questions())
             .correlate(User).scalar_subquery()
             + select(func.count()).select_from(Question)
             .where(Question.author_id == User.id, _public_thread())
             .correlate(User).scalar_subquery())
    return [posts.desc(), User.reputation.desc(), User.id]


def _facet_counts(filters: DirectoryFilters, themes: dict[str, Theme],
                  by_id: dict[int, Theme]) -> dict[str, list[tuple[str, str, int]]]:
    """For each facet, (value, label, members) under every other filter: six statements."""
    facets: dict[str, list[tuple[str, str, int]]] = {}

    def grouped(column: Any, skip: str, *extra: ColumnElement[bool]) -> dict[Any, int]:
        stmt = (select(column, func.count(User.id)).where(*_conditions(filters, themes, skip),
                                                          *extra).group_by(column))
        return {key: count for key, count in db.session.execute(stmt)}

    regions = grouped(User.region_code, "regione", _shown(User.vis_place))
    facets["regione"] = [(code, name, regions[code]) for code, name in REGIONS.items()
                         if regions.get(code)]
    kinds = grouped(User.organisation_type, "tipo", _shown(User.vis_organisation))
    facets["tipo"] = [(slug, str(label), kinds[slug]) for slug, label in ORGANISATION_TYPES.items()
                      if kinds.get(slug)]
    levels = grouped(User.level_of_government, "livello", _shown(User.vis_organisation))
    facets["livello"] = [(slug, str(label), levels[slug]) for slug, label in LEVELS.items()
                         if levels.get(slug)]
    bands = grouped(_band_case(), "reputazione")
    facets["reputazione"] = [(slug, str(label), bands[slug])
                             for slug, _low, _high, label in REPUTATION_BANDS if bands.get(slug)]
    members = select(User.id).where(*_conditions(filters, themes, "tema"),
                                    _shown(User.vis_expertise))
    expertise = dict(db.session.execute(
        select(Expertise.theme_id, func.count(Expertise.user_id))
        .where(Expertise.user_id.in_(members)).group_by(Expertise.theme_id)).all())
    facets["tema"] = [(t.slug, _(t.name), expertise[t.id]) for t in by_id.values()
                      if expertise.get(t.id)]
    members = select(User.id).where(*_conditions(filters, themes, "risposto"))
    answered = dict(db.session.execute(
        select(Question.theme_id, func.count(func.distinct(Answer.author_id)))
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.author_id.in_(members), Answer.hidden_at.is_(None), _public_thread())
        .group_by(Question.theme_id)).all())
    facets["risposto"] = [(t.slug, _(t.name), answered[t.id]) for t in by_id.values()
                          if answered.get(t.id)]
    return facets


def directory(filters: DirectoryFilters, page: int) -> Directory:
    """One page of the directory, in a fixed number of statements."""
    all_themes = list(db.session.execute(select(Theme).order_by(Theme.position)).scalars())
    themes = {t.slug: t for t in all_themes}
    by_id = {t.id: t for t in all_themes}
    stmt = select(User).where(*_conditions(filters, themes)).order_by(*_order(filters))
    pagination = db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False, count=True)
    users: list[User] = list(pagination.items)
    cards = {u.id: Card(u) for u in users}
    # Run even for an empty page, so a page costs the same statements whatever it finds.
    accepted = _accepted_answers().subquery()
    for author_id, theme_id, count in db.session.execute(
        select(accepted.c.author_id, accepted.c.theme_id, func.count())
        .where(accepted.c.author_id.in_(cards)).group_by(accepted.c.author_id,
                                                         accepted.c.theme_id)
    ):
        cards[author_id].accepted.append((by_id[theme_id], count))
    for user_id, theme_id in db.session.execute(
        select(Expertise.user_id, Expertise.theme_id)
        .join(User, User.id == Expertise.user_id)
        .where(Expertise.user_id.in_(cards), _shown(User.vis_expertise))
    ):
        cards[user_id].expertise.append(by_id[theme_id])
    for card in cards.values():
        card.accepted.sort(key=lambda item: -item[1])
        card.expertise.sort(key=lambda t: t.position)
    return Directory(pagination, list(cards.values()), _facet_counts(filters, themes, by_id),
                     filters)


@dataclass
class OrganisationPage:
    """An organisation with its members, practices, questions and replications."""

    organisation: Organisation
    members: list[User]
    practices: list[Practice]
    questions: list[Question]
    replications: list[tuple[PracticeReplication, Practice]]


def organisation_page(slug: str, viewer: Any) -> OrganisationPage:
    """The page `/enti/<slug>`: members who show their organisation to this viewer, the
    practices it leads, its members' questions (those the viewer may read), the practices
    it replicated."""
    organisation = db.session.execute(
        select(Organisation).where(Organisation.slug == slug)).scalar_one_or_none()
    if organisation is None:
        raise NotFound(_("Ente non trovato."))
    now = utcnow()
    visible = [User.vis_organisation == Visibility.PUBLIC]
    if permissions.is_member_viewer(viewer):
        visible.append(User.vis_organisation == Visibility.MEMBERS)
    members = list(db.session.execute(
        select(User).where(
            User.organisation_id == organisation.id, User.status == AccountStatus.ACTIVE,
            User.erased_at.is_(None),
            or_(User.suspended_until.is_(None), User.suspended_until <= now), or_(*visible))
        .order_by(User.reputation.desc(), User.id).limit(100)
    ).scalars())
    name = func.lower(organisation.name)
    practices = list(db.session.execute(
        select(Practice).where(func.lower(Practice.lead_organisation) == name,
                               Practice.status == PracticeStatus.PUBLISHED)
        .order_by(Practice.title)
    ).scalars())
    member_ids = [m.id for m in members]
    questions = list(db.session.execute(
        select(Question).where(Question.author_id.in_(member_ids), Question.hidden_at.is_(None),
                               permissions.visible_questions(viewer))
        .options(joinedload(Question.theme), joinedload(Question.author))
        .order_by(Question.created_at.desc()).limit(20)
    ).unique().scalars()) if member_ids else []
    replications = [(r, p) for r, p in db.session.execute(
        select(PracticeReplication, Practice)
        .join(Practice, Practice.id == PracticeReplication.practice_id)
        .where(func.lower(PracticeReplication.organisation) == name,
               Practice.status == PracticeStatus.PUBLISHED)
        .order_by(PracticeReplication.created_at.desc())
    ).all()]
    return OrganisationPage(organisation, members, practices, questions, replications)


def organisation_counts() -> dict[int, int]:
    """Members per organisation (for the list of organisations)."""
    return {org: count for org, count in db.session.execute(
        select(User.organisation_id, func.count(User.id))
        .where(User.organisation_id.is_not(None), User.status == AccountStatus.ACTIVE)
        .group_by(User.organisation_id)) if org is not None}


def organisations() -> list[Organisation]:
    """Organisations on the managed list, by name."""
    return list(db.session.execute(
        select(Organisation).where(Organisation.is_archived.is_(False))
        .order_by(func.lower(Organisation.name))).scalars())
