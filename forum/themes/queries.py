"""A theme page as a map of what the community knows about it: valid priorities,
guidelines, practices, solved and unanswered questions, upcoming events and the members
with expertise. Each section is one statement, limited to a few items ("see all" leads
to the filtered list), so the page costs the same number of statements whatever the
theme holds. Visibility is the viewer's: a restricted working
group's threads and events appear only to its members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.announcements import queries as announcement_queries
from forum.events.queries import visible_to as visible_events
from forum.extensions import db
from forum.models import (
    AccountStatus,
    Announcement,
    Event,
    EventStatus,
    Expertise,
    Guideline,
    GuidelineStatus,
    GuidelineVersion,
    Practice,
    PracticeFacet,
    PracticeStatus,
    Question,
    Theme,
    User,
    Visibility,
    event_themes,
    guideline_themes,
)
from forum.models.base import utcnow

SECTION = 6


@dataclass
class Section:
    """The first few items of a section."""

    items: list[Any]


@dataclass
class ThemeMap:
    """Everything a theme page shows, in its order."""

    priorities: list[Announcement]
    guidelines: Section
    practices: Section
    solved: Section
    unanswered: Section
    events: Section
    experts: Section
    today: date


def _section(rows: list[Any]) -> Section:
    return Section(rows)


def _questions(theme: Theme, viewer: Any, *where: Any) -> Section:
    stmt = (select(Question).options(joinedload(Question.author))
            .where(Question.theme_id == theme.id, Question.hidden_at.is_(None),
                   permissions.visible_questions(viewer), *where)
            .order_by(Question.last_activity_at.desc(), Question.id.desc())
            .limit(SECTION))
    return _section(list(db.session.scalars(stmt).unique()))


def _guidelines(theme: Theme) -> Section:
    """Published guidelines of the theme (archived ones are no longer listed), with the
    title and summary of their published version: the working copy may hold a draft."""
    stmt = (select(Guideline.slug, Guideline.review_by, GuidelineVersion.title,
                   GuidelineVersion.summary)
            .join(GuidelineVersion, and_(GuidelineVersion.guideline_id == Guideline.id,
                                         GuidelineVersion.version == Guideline.version))
            .where(Guideline.version > 0, Guideline.status != GuidelineStatus.ARCHIVED,
                   Guideline.id.in_(select(guideline_themes.c.guideline_id)
                                    .where(guideline_themes.c.theme_id == theme.id)))
            .order_by(Guideline.published_at.desc(), Guideline.id.desc()).limit(SECTION))
    return _section(list(db.session.execute(stmt)))


def _practices(theme: Theme) -> Section:
    stmt = (select(Practice).where(
        Practice.status == PracticeStatus.PUBLISHED,
        Practice.id.in_(select(PracticeFacet.practice_id).where(
            PracticeFacet.facet == "theme", PracticeFacet.value == theme.slug)))
        .order_by(Practice.published_at.desc(), Practice.id.desc()).limit(SECTION))
    return _section(list(db.session.scalars(stmt)))


def _events(theme: Theme, viewer: Any) -> Section:
    stmt = (select(Event).where(
        Event.status == EventStatus.PUBLISHED, Event.ends_at > utcnow(), visible_events(viewer),
        exists().where(event_themes.c.event_id == Event.id,
                       event_themes.c.theme_id == theme.id))
        .order_by(Event.starts_at, Event.id).limit(SECTION))
    return _section(list(db.session.scalars(stmt)))


def _experts(theme: Theme, viewer: Any) -> Section:
    """Active members who declared expertise in the theme and show it to this viewer,
    the most reputed first."""
    shown = User.vis_expertise == Visibility.PUBLIC
    if permissions.is_member_viewer(viewer):
        shown = or_(shown, User.vis_expertise != Visibility.HIDDEN)
    stmt = (select(User).where(
        User.status == AccountStatus.ACTIVE,
        or_(User.suspended_until.is_(None), User.suspended_until <= utcnow()), shown,
        exists().where(and_(Expertise.user_id == User.id, Expertise.theme_id == theme.id)))
        .order_by(User.reputation.desc(), User.id).limit(SECTION))
    return _section(list(db.session.scalars(stmt)))


def theme_map(theme: Theme, viewer: Any) -> ThemeMap:
    """The sections of a theme page (seven statements)."""
    return ThemeMap(
        priorities=announcement_queries.pinned(theme.id, limit=SECTION),
        guidelines=_guidelines(theme),
        practices=_practices(theme),
        solved=_questions(theme, viewer, Question.accepted_answer_id.is_not(None)),
        unanswered=_questions(theme, viewer, Question.answer_count == 0,
                              Question.closed_at.is_(None)),
        events=_events(theme, viewer),
        experts=_experts(theme, viewer),
        today=announcement_queries.today(),
    )
