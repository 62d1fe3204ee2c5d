"""Read path of the consultation page: the text under consultation split into sections,
each with its comments, in a fixed number of statements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.guidelines.queries import load_guideline
from forum.guidelines.sections import html_sections
from forum.models import (
    CommentOutcome,
    Guideline,
    GuidelineComment,
    GuidelineStatus,
    GuidelineVersion,
)


@dataclass
class SectionView:
    """One section of the text with the comments made on it."""

    anchor: str
    title: Markup
    html: Markup
    comments: list[GuidelineComment] = field(default_factory=list)


@dataclass
class ConsultationPage:
    """Everything the consultation page shows; `version` is the one the comments prepare."""

    guideline: Guideline
    version: int
    is_open: bool
    ends_at: datetime | None
    sections: list[SectionView]
    orphans: list[GuidelineComment]  # on a section the text no longer has
    counts: dict[str, int]
    owner_ids: set[int]
    can_respond: bool


def _consulted_version(guideline: Guideline) -> int:
    """The version whose consultation the page shows: the one in preparation while in
    consultation, else the last one that received comments."""
    if guideline.status == GuidelineStatus.CONSULTATION:
        return guideline.version + 1
    last = db.session.scalar(select(func.max(GuidelineComment.version)).where(
        GuidelineComment.guideline_id == guideline.id))
    if last is None:
        raise NotFound(_("Questa linea guida non è in consultazione."))
    return int(last)


def consultation_page(slug: str, viewer: Any) -> ConsultationPage:
    """The sections of the consulted text with their comments (oldest first)."""
    guideline, owners = load_guideline(slug, viewer)
    version = _consulted_version(guideline)
    text = guideline.body_html
    if version <= guideline.version:  # that consultation's version is published: its text
        text = db.session.scalar(select(GuidelineVersion.body_html).where(
            GuidelineVersion.guideline_id == guideline.id,
            GuidelineVersion.version == version)) or text
    comments = list(db.session.scalars(
        select(GuidelineComment).where(GuidelineComment.guideline_id == guideline.id,
                                       GuidelineComment.version == version)
        .options(joinedload(GuidelineComment.author), joinedload(GuidelineComment.responded_by))
        .order_by(GuidelineComment.created_at, GuidelineComment.id)))
    sections = [SectionView(anchor, title, html) for anchor, title, html in html_sections(text)]
    by_anchor = {section.anchor: section for section in sections}
    orphans: list[GuidelineComment] = []
    for comment in comments:
        target = by_anchor.get(comment.section_anchor)
        (target.comments if target else orphans).append(comment)
    counts = Counter(comment.outcome for comment in comments)
    return ConsultationPage(
        guideline=guideline, version=version,
        is_open=version == guideline.version + 1 and permissions.consultation_open(guideline),
        ends_at=guideline.consultation_ends_at, sections=sections, orphans=orphans,
        counts={outcome.value: counts.get(outcome, 0) for outcome in CommentOutcome},
        owner_ids=owners,
        can_respond=version > guideline.version
        and permissions.can_edit_guideline(viewer, guideline, owners))
