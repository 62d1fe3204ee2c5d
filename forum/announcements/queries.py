"""Read paths of the priorities (indirizzi): what is valid today, what is coming (the
board's), the archive, and the small pinned lists of the home and theme pages.

"Today" is the date in Rome: a priority valid "until 31 December" is valid all that day
for an office in Italy, whatever the server's clock says.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.errors import NotFound
from forum.events.clock import today_in_rome as today
from forum.extensions import db
from forum.models import Announcement, announcement_themes

PINNED_LIMIT = 3


def valid_on(day: date) -> ColumnElement[bool]:
    """Announcements valid on `day` (both ends inclusive; open-ended when no end)."""
    return and_(Announcement.valid_from <= day,
                or_(Announcement.valid_until.is_(None), Announcement.valid_until >= day))


def is_valid(announcement: Announcement, day: date | None = None) -> bool:
    """The same rule in Python, for one loaded announcement."""
    day = day or today()
    return announcement.valid_from <= day and (
        announcement.valid_until is None or announcement.valid_until >= day)


def current_announcements() -> list[Announcement]:
    """Valid today, the most recent start first, with their themes (two statements)."""
    day = today()
    return list(db.session.scalars(
        select(Announcement).options(selectinload(Announcement.themes))
        .where(valid_on(day))
        .order_by(Announcement.valid_from.desc(), Announcement.id.desc())))


def future_announcements() -> list[Announcement]:
    """Not valid yet, the soonest first (shown to the board only)."""
    return list(db.session.scalars(
        select(Announcement).options(selectinload(Announcement.themes))
        .where(Announcement.valid_from > today())
        .order_by(Announcement.valid_from, Announcement.id)))


def past_announcements(page: int, per_page: int) -> Pagination:
    """The archive: ended priorities, the most recently ended first."""
    return SelectPagination(
        select=select(Announcement).options(selectinload(Announcement.themes))
        .where(Announcement.valid_until < today())
        .order_by(Announcement.valid_until.desc(), Announcement.id.desc()),
        session=db.session(), page=page, per_page=per_page, max_per_page=None,
        error_out=False)


def archive_sort_key(announcement: Announcement) -> tuple[datetime, int]:
    """The keyset value of an ended priority in the archive (for API cursors)."""
    return datetime.combine(announcement.valid_until or date.min, time()), announcement.id


def archive_after(after: tuple[Any, ...] | None, limit: int) -> list[Announcement]:
    """Up to `limit` ended priorities after the one whose key is `after` (themes loaded):
    the archive as the API's keyset page, the most recently ended first."""
    stmt = (select(Announcement).options(selectinload(Announcement.themes))
            .where(Announcement.valid_until < today())
            .order_by(Announcement.valid_until.desc(), Announcement.id.desc()))
    if after is not None:
        until = after[0].date()
        stmt = stmt.where(or_(Announcement.valid_until < until, and_(
            Announcement.valid_until == until, Announcement.id < after[1])))
    return list(db.session.scalars(stmt.limit(limit)))


def pinned(theme_id: int | None = None, limit: int = PINNED_LIMIT) -> list[Announcement]:
    """The priorities pinned on the home page (any theme) or on one theme's page: one
    statement, no relations loaded (the box shows title, link and validity only)."""
    stmt = select(Announcement).where(valid_on(today()))
    if theme_id is not None:
        stmt = stmt.where(Announcement.id.in_(select(announcement_themes.c.announcement_id)
                                              .where(announcement_themes.c.theme_id == theme_id)))
    return list(db.session.scalars(stmt.order_by(Announcement.valid_from.desc(),
                                                 Announcement.id.desc()).limit(limit)))


def announcement_by_slug(viewer: Any, slug: str) -> Announcement:
    """One priority with its themes and author; a future one exists for the board only."""
    found = db.session.scalar(
        select(Announcement).options(selectinload(Announcement.themes),
                                     selectinload(Announcement.created_by))
        .where(Announcement.slug == slug[:120]))
    if found is None or (found.valid_from > today()
                         and not permissions.can_manage_announcements(viewer)):
        raise NotFound(_("Priorità non trovata."))
    return found
