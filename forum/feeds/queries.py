"""Read paths of the Atom feeds: PUBLIC content only, whoever asks (feeds are read by
aggregators with no session), newest first, with everything an entry shows loaded in a
fixed number of statements.

Visibility is the signed-out visitor's: `permissions.public_questions()` for threads,
published practices, events neither draft nor in a restricted group, the last published
version of each guideline, priorities valid today.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.announcements.queries import valid_on
from forum.errors import NotFound
from forum.events.clock import today_in_rome
from forum.extensions import db
from forum.models import (
    Announcement,
    Event,
    Guideline,
    GuidelineVersion,
    Practice,
    PracticeStatus,
    Question,
    Tag,
    Theme,
)


def _limit() -> int:
    return int(current_app.config["FEED_ENTRIES"])


def theme_by_slug(slug: str) -> Theme:
    """The theme of a theme feed; NotFound for an unknown slug."""
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug))
    if theme is None:
        raise NotFound(_("Tema non trovato."))
    return theme


def tag_by_name(name: str) -> Tag:
    """The tag of a tag feed; NotFound for a tag no question ever had."""
    tag = db.session.scalar(select(Tag).where(Tag.name == name.strip().lower()[:30]))
    if tag is None:
        raise NotFound(_("Etichetta non trovata."))
    return tag


def questions(*, state: str | None = None, theme_id: int | None = None,
              tag_id: int | None = None) -> list[Question]:
    """Public, visible questions (author, theme and tags loaded: two statements). `state`:
    None (all, newest first), "senza-risposta", or "risolte" (most recently active first)."""
    stmt = (select(Question)
            .where(Question.hidden_at.is_(None), permissions.public_questions())
            .options(joinedload(Question.author), joinedload(Question.theme),
                     selectinload(Question.tags)))
    if theme_id is not None:
        stmt = stmt.where(Question.theme_id == theme_id)
    if tag_id is not None:
        stmt = stmt.where(Question.tags.any(Tag.id == tag_id))
    if state == "senza-risposta":
        stmt = stmt.where(Question.answer_count == 0)
    if state == "risolte":
        stmt = stmt.where(Question.accepted_answer_id.is_not(None)).order_by(
            Question.last_activity_at.desc(), Question.id.desc())
    else:
        stmt = stmt.order_by(Question.created_at.desc(), Question.id.desc())
    return list(db.session.scalars(stmt.limit(_limit())).unique())


def practices() -> list[Practice]:
    """Published practices, the most recently published first (facets loaded)."""
    return list(db.session.scalars(
        select(Practice).where(Practice.status == PracticeStatus.PUBLISHED)
        .options(selectinload(Practice.facets))
        .order_by(Practice.published_at.desc(), Practice.id.desc()).limit(_limit())))


def events() -> list[Event]:
    """Events anyone may see (not drafts; no group, or an open group's), the most recently
    announced first, with their themes."""
    return list(db.session.scalars(
        select(Event).where(permissions.public_events())
        .options(selectinload(Event.themes))
        .order_by(Event.created_at.desc(), Event.id.desc()).limit(_limit())))


@dataclass(frozen=True)
class PublishedGuideline:
    """A guideline and its last published version (what the feed shows: never the working
    copy, which may be an unpublished draft)."""

    guideline: Guideline
    version: GuidelineVersion


def guidelines() -> list[PublishedGuideline]:
    """Guidelines with a published version, the most recently published first, each with
    that version and its themes (two statements)."""
    rows = db.session.execute(
        select(Guideline, GuidelineVersion)
        .join(GuidelineVersion, and_(GuidelineVersion.guideline_id == Guideline.id,
                                     GuidelineVersion.version == Guideline.version))
        .where(Guideline.version > 0)
        .options(selectinload(Guideline.themes))
        .order_by(GuidelineVersion.changed_at.desc(), Guideline.id.desc()).limit(_limit()))
    return [PublishedGuideline(g, v) for g, v in rows]


def announcements() -> list[Announcement]:
    """Priorities valid today (Rome), the most recent start first, with their themes."""
    return list(db.session.scalars(
        select(Announcement).where(valid_on(today_in_rome()))
        .options(selectinload(Announcement.themes))
        .order_by(Announcement.valid_from.desc(), Announcement.id.desc()).limit(_limit())))

