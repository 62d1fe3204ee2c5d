"""Read paths for guidelines: the list, the page (last published version or the working
copy for its editors), the versions and their comparison, and what the question page
shows about guidelines. Eager-loaded, a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.guidelines.legal import references_plain
from forum.guidelines.sections import section_titles
from forum.models import (
    CommentOutcome,
    Criterion,
    Event,
    Guideline,
    GuidelineCitation,
    GuidelineComment,
    GuidelineStatus,
    GuidelineVersion,
    Practice,
    PracticeStatus,
    Question,
    Theme,
    guideline_events,
    guideline_owners,
    guideline_practices,
    guideline_sources,
    guideline_themes,
)
from forum.revisions.diff import FieldDiff, diff_fields

STATUS_FILTERS = tuple(GuidelineStatus)


@dataclass(frozen=True)
class GuidelineFilters:
    """Theme and status chosen on the list (from the query string)."""

    theme: str | None = None
    status: str | None = None

    def as_args(self) -> dict[str, str]:
        """Non-empty filters, for links that keep them."""
        return {k: v for k, v in (("tema", self.theme), ("stato", self.status)) if v}


def _visible(viewer: Any) -> Any:
    """`can_view_guideline` as a WHERE clause: published once, in consultation, or (for
    those who write guidelines, or its owners) any."""
    if permissions.can_write_guidelines(viewer):
        return true()
    public = or_(Guideline.version > 0, Guideline.status == GuidelineStatus.CONSULTATION)
    if getattr(viewer, "is_authenticated", False) and permissions.is_active_member(viewer):
        from forum.models import guideline_owners

        return or_(public, Guideline.id.in_(select(guideline_owners.c.guideline_id).where(
            guideline_owners.c.user_id == viewer.id)))
    return public


def list_guidelines(filters: GuidelineFilters, viewer: Any, page: int, per_page: int
                    ) -> tuple[list[Guideline], int]:
    """One page of the guidelines the viewer may see (themes loaded) and the total."""
    where = [_visible(viewer)]
    if filters.theme:
        where.append(Guideline.id.in_(select(guideline_themes.c.guideline_id).join(
            Theme, Theme.id == guideline_themes.c.theme_id).where(Theme.slug == filters.theme)))
    if filters.status:
        where.append(Guideline.status == filters.status)
    total = db.session.scalar(select(func.count(Guideline.id)).where(*where)) or 0
    items = list(db.session.scalars(
        select(Guideline).where(*where).options(selectinload(Guideline.themes))
        .order_by(func.coalesce(Guideline.published_at, Guideline.created_at).desc(),
                  Guideline.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def guideline_sort_key(guideline: Guideline) -> tuple[Any, int]:
    """The keyset value of a guideline in the list (for API cursors)."""
    return guideline.published_at or guideline.created_at, guideline.id


def guidelines_after(filters: GuidelineFilters, viewer: Any, after: tuple[Any, ...] | None,
                     limit: int) -> list[Guideline]:
    """Up to `limit` guidelines the viewer may see after the one whose key is `after`, in
    the list's order and with its filters (themes loaded): the API's keyset page."""
    when = func.coalesce(Guideline.published_at, Guideline.created_at)
    where = [_visible(viewer)]
    if filters.theme:
        where.append(Guideline.id.in_(select(guideline_themes.c.guideline_id).join(
            Theme, Theme.id == guideline_themes.c.theme_id).where(Theme.slug == filters.theme)))
    if filters.status:
        where.append(Guideline.status == filters.status)
    if after is not None:
        where.append(or_(when < after[0], and_(when == after[0], Guideline.id < after[1])))
    return list(db.session.scalars(
        select(Guideline).where(*where).options(selectinload(Guideline.themes))
        .order_by(when.desc(), Guideline.id.desc()).limit(limit)))


@dataclass
class GuidelinePage:
    """Everything the guideline page shows. `shown` is the last published version, or None
    when the page shows the working copy (never published)."""

    guideline: Guideline
    owner_ids: set[int]
    shown: GuidelineVersion | None
    toc: dict[str, str]
    threads: list[Question] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    has_unpublished_changes: bool = False
    has_checklist: bool = False  # a self-assessment checklist hangs off it

    @property
    def title(self) -> str:
        """The title of what is shown."""
        return self.shown.title if self.shown else self.guideline.title

    @property
    def summary(self) -> str:
        """The summary of what is shown."""
        return self.shown.summary if self.shown else self.guideline.summary

    @property
    def body_html(self) -> str:
        """The body of what is shown (safe HTML rendered at write time)."""
        return self.shown.body_html if self.shown else self.guideline.body_html

    @property
    def legal_references(self) -> list[dict[str, Any]]:
        """The legal references of what is shown."""
        return list((self.shown.legal_references if self.shown
                     else self.guideline.legal_references) or [])


def owner_ids(guideline_id: int) -> set[int]:
    """The ids of a guideline's owners, for `permissions.can_edit_guideline` (one query)."""
    return set(db.session.scalars(select(guideline_owners.c.user_id).where(
        guideline_owners.c.guideline_id == guideline_id)))


def load_guideline(slug: str, viewer: Any) -> tuple[Guideline, set[int]]:
    """The guideline (owners, themes, creator, approver loaded) and its owner ids;
    NotFound when missing or not visible to the viewer."""
    guideline = db.session.execute(
        select(Guideline).where(Guideline.slug == slug[:200]).options(
            selectinload(Guideline.owners), selectinload(Guideline.themes),
            joinedload(Guideline.approved_by))
    ).unique().scalar_one_or_none()
    if guideline is None:
        raise NotFound(_("Linea guida non trovata."))
    owner_ids = {u.id for u in guideline.owners}
    if not permissions.can_view_guideline(viewer, guideline, owner_ids):
        raise NotFound(_("Linea guida non trovata."))
    return guideline, owner_ids


def _version(guideline_id: int, number: int) -> GuidelineVersion | None:
    return db.session.scalars(
        select(GuidelineVersion).where(GuidelineVersion.guideline_id == guideline_id,
                                       GuidelineVersion.version == number)
        .options(joinedload(GuidelineVersion.changed_by))).one_or_none()


def guideline_page(slug: str, viewer: Any, *, working_copy: bool = False) -> GuidelinePage:
    """The guideline page for `viewer`: its last published version (or, never published or
    `working_copy` asked by an editor, the working copy), the table of contents, and the
    threads, practices and events linked to it that the viewer may see."""
    guideline, owner_ids = load_guideline(slug, viewer)
    editor = permissions.can_edit_guideline(viewer, guideline, owner_ids)
    if working_copy and not editor:
        raise NotFound(_("Linea guida non trovata."))
    current = _version(guideline.id, guideline.version) if guideline.version > 0 else None
    shown = None if working_copy else current
    body = shown.body if shown else guideline.body
    from forum.guidelines.services import differs_from

    page = GuidelinePage(guideline, owner_ids, shown, section_titles(body),
                         has_unpublished_changes=current is not None
                         and differs_from(guideline, current))
    cited = select(GuidelineCitation.question_id).where(
        GuidelineCitation.guideline_id == guideline.id)
    sources = select(guideline_sources.c.question_id).where(
        guideline_sources.c.guideline_id == guideline.id)
    page.threads = list(db.session.scalars(
        select(Question).where(or_(Question.id.in_(cited), Question.id.in_(sources)),
                               Question.hidden_at.is_(None),
                               permissions.visible_questions(viewer))
        .order_by(Question.score.desc(), Question.id)))
    page.practices = list(db.session.scalars(
        select(Practice).join(guideline_practices,
                              guideline_practices.c.practice_id == Practice.id)
        .where(guideline_practices.c.guideline_id == guideline.id,
               Practice.status == PracticeStatus.PUBLISHED).order_by(Practice.title)))
    events = db.session.scalars(
        select(Event).join(guideline_events, guideline_events.c.event_id == Event.id)
        .where(guideline_events.c.guideline_id == guideline.id, Event.status != "bozza",
               or_(Event.group_id.is_(None),
                   Event.group_id.in_(permissions.readable_group_ids(viewer))))
        .options(joinedload(Event.group)).order_by(Event.starts_at.desc()))
    page.events = [e for e in events.unique() if permissions.can_view_event(viewer, e)]
    page.has_checklist = db.session.scalar(select(Criterion.id).where(
        Criterion.guideline_id == guideline.id).limit(1)) is not None
    return page


@dataclass
class VersionsPage:
    """The published versions, newest first, with the consultation comments each one
    accepted (by version number)."""

    guideline: Guideline
    owner_ids: set[int]
    versions: list[GuidelineVersion]
    accepted: dict[int, list[GuidelineComment]]


def versions_page(slug: str, viewer: Any) -> VersionsPage:
    """Every published version of a guideline and the comments they took in."""
    guideline, owner_ids = load_guideline(slug, viewer)
    versions = list(db.session.scalars(
        select(GuidelineVersion).where(GuidelineVersion.guideline_id == guideline.id)
        .options(joinedload(GuidelineVersion.changed_by))
        .order_by(GuidelineVersion.version.desc())))
    accepted: dict[int, list[GuidelineComment]] = {}
    for comment in db.session.scalars(
            select(GuidelineComment).where(GuidelineComment.guideline_id == guideline.id,
                                           GuidelineComment.outcome == CommentOutcome.ACCEPTED)
            .options(joinedload(GuidelineComment.author))
            .order_by(GuidelineComment.created_at, GuidelineComment.id)):
        accepted.setdefault(comment.version, []).append(comment)
    return VersionsPage(guideline, owner_ids, versions, accepted)


def diff_labels() -> dict[str, str]:
    """The compared fields and their labels, in page order."""
    return {"title": _("Titolo"), "summary": _("Sintesi"), "body": _("Testo"),
            "legal_references": _("Riferimenti normativi")}


def _state(version: GuidelineVersion) -> dict[str, str]:
    return {"title": version.title, "summary": version.summary, "body": version.body,
            "legal_references": references_plain(version.legal_references)}


@dataclass
class Comparison:
    """Two versions of a guideline and the fields that differ."""

    guideline: Guideline
    old: GuidelineVersion
    new: GuidelineVersion
    changes: list[FieldDiff]


def compare_versions(slug: str, viewer: Any, old: int, new: int) -> Comparison:
    """The word-level differences between two published versions (NotFound for a number
    that is not one of them)."""
    guideline, _owners = load_guideline(slug, viewer)
    rows = {v.version: v for v in db.session.scalars(select(GuidelineVersion).where(
        GuidelineVersion.guideline_id == guideline.id,
        GuidelineVersion.version.in_({old, new})).options(
            joinedload(GuidelineVersion.changed_by)))}
    if old not in rows or new not in rows:
        raise NotFound(_("Versione non trovata."))
    return Comparison(guideline, rows[old], rows[new],
                      diff_fields(_state(rows[old]), _state(rows[new]), diff_labels()))


def published_version(slug: str, viewer: Any) -> tuple[Guideline, GuidelineVersion]:
    """The guideline and its last published version (for the PDF); NotFound if none."""
    guideline, _owners = load_guideline(slug, viewer)
    version = _version(guideline.id, guideline.version) if guideline.version > 0 else None
    if version is None:
        raise NotFound(_("Questa linea guida non ha ancora una versione pubblicata."))
    return guideline, version


def guideline_for_edit(slug: str) -> Guideline:
    """The working copy with its owners and themes, for the edit form."""
    guideline = db.session.execute(
        select(Guideline).where(Guideline.slug == slug[:200]).options(
            selectinload(Guideline.owners), selectinload(Guideline.themes))
    ).scalar_one_or_none()
    if guideline is None:
        raise NotFound(_("Linea guida non trovata."))
    return guideline


def linked_slugs(guideline_id: int) -> tuple[list[str], list[str]]:
    """The slugs of the practices and events linked to a guideline (the edit form)."""
    practices = list(db.session.scalars(select(Practice.slug).join(
        guideline_practices, guideline_practices.c.practice_id == Practice.id).where(
        guideline_practices.c.guideline_id == guideline_id)))
    events = list(db.session.scalars(select(Event.slug).join(
        guideline_events, guideline_events.c.event_id == Event.id).where(
        guideline_events.c.guideline_id == guideline_id)))
    return practices, events


@dataclass(frozen=True)
class CitedGuideline:
    """A guideline cited by an answer, with the section's title when one is cited."""

    slug: str
    title: str
    anchor: str
    section_title: str


def guidelines_for_question(question_id: int, answer_ids: list[int], viewer: Any
                            ) -> tuple[dict[int, list[CitedGuideline]], list[Guideline]]:
    """For the question page, in one statement: the published guidelines each of the
    (visible) answers cites, and the guidelines drawn from the thread or cited in it that
    the viewer may see."""
    cited = select(GuidelineCitation.guideline_id).where(
        GuidelineCitation.question_id == question_id)
    drawn = select(guideline_sources.c.guideline_id).where(
        guideline_sources.c.question_id == question_id)
    rows = db.session.execute(
        select(Guideline, GuidelineCitation.answer_id, GuidelineCitation.section_anchor,
               GuidelineVersion.title, GuidelineVersion.body)
        .outerjoin(GuidelineCitation, and_(GuidelineCitation.guideline_id == Guideline.id,
                                           GuidelineCitation.question_id == question_id))
        .outerjoin(GuidelineVersion, and_(GuidelineVersion.guideline_id == Guideline.id,
                                          GuidelineVersion.version == Guideline.version))
        .where(or_(Guideline.id.in_(cited), Guideline.id.in_(drawn)), _visible(viewer))
        .order_by(Guideline.title, Guideline.id, GuidelineCitation.id)).all()
    visible_answers = set(answer_ids)
    citations: dict[int, list[CitedGuideline]] = {}
    guidelines: dict[int, Guideline] = {}
    titles: dict[int, dict[str, str]] = {}
    for guideline, answer_id, anchor, title, body in rows:
        guidelines.setdefault(guideline.id, guideline)
        if answer_id not in visible_answers or title is None:
            continue
        if guideline.id not in titles:
            titles[guideline.id] = section_titles(body)
        sections = titles[guideline.id]
        citations.setdefault(answer_id, []).append(CitedGuideline(
            guideline.slug, title, anchor if anchor in sections else "", sections.get(anchor, "")))
    return citations, list(guidelines.values())


def theme_guidelines(theme_id: int, limit: int = 5) -> list[Guideline]:
    """Published guidelines of a theme, newest first (for the theme page)."""
    return list(db.session.scalars(
        select(Guideline).join(guideline_themes, guideline_themes.c.guideline_id == Guideline.id)
        .where(guideline_themes.c.theme_id == theme_id, Guideline.version > 0,
               Guideline.status != GuidelineStatus.ARCHIVED)
        .order_by(Guideline.published_at.desc()).limit(limit)))
