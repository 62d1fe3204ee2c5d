"""Read paths of the newsletter: the public archive and one issue."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import NewsletterIssue, NewsletterStatus


def sent_issues() -> list[NewsletterIssue]:
    """Every issue sent (or being sent), the newest month first."""
    return list(db.session.scalars(select(NewsletterIssue).where(
        NewsletterIssue.status != NewsletterStatus.DRAFT)
        .order_by(NewsletterIssue.year.desc(), NewsletterIssue.month.desc())))


def drafts() -> list[NewsletterIssue]:
    """Issues still in preparation (the board's)."""
    return list(db.session.scalars(select(NewsletterIssue).where(
        NewsletterIssue.status == NewsletterStatus.DRAFT)
        .order_by(NewsletterIssue.year.desc(), NewsletterIssue.month.desc())))


def issue_for_month(viewer: Any, year: int, month: int) -> NewsletterIssue:
    """The issue of a month: a sent one for everyone, a draft for the board only."""
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise NotFound(_("Numero della newsletter non trovato."))
    issue = db.session.scalar(select(NewsletterIssue).where(
        NewsletterIssue.year == year, NewsletterIssue.month == month))
    if issue is None or (issue.status == NewsletterStatus.DRAFT
                         and not permissions.can_send_newsletter(viewer)):
        raise NotFound(_("Numero della newsletter non trovato."))
    return issue
