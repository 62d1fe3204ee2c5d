"""Policy priorities (indirizzi): announcements of the editorial board, valid for a period."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model, db
from forum.models.base import utcnow
from forum.models.theme import Theme
from forum.models.user import User

announcement_themes = Table(
    "announcement_themes",
    db.metadata,
    Column("announcement_id", ForeignKey("announcements.id", ondelete="CASCADE"),
           primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Announcement(Model):
    """A priority: pinned on the home and its themes' pages from `valid_from` to
    `valid_until` (inclusive; open-ended when None), then kept in the archive."""

    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from",
                        name="announcement_period_ordered"),
        Index("ix_announcements_validity", "valid_from", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date]
    valid_until: Mapped[date | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set (by one conditional UPDATE) when the theme watchers' notification was queued:
    # at creation when already valid, else by `flask announcements notify` once it is.
    notified_at: Mapped[datetime | None] = mapped_column(default=None)

    themes: Mapped[list[Theme]] = relationship(
        secondary=announcement_themes, lazy="raise_on_sql", order_by=Theme.position)
    created_by: Mapped[User | None] = relationship(lazy="raise_on_sql")
