"""The monthly newsletter "Officina informa": composed issues and who each was sent to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import enum_values, utcnow
from forum.models.user import User


class NewsletterStatus(StrEnum):
    """A draft is previewed and edited; a sent issue is frozen (the values are stored)."""

    DRAFT = "bozza"
    SENDING = "in-invio"
    SENT = "inviata"


class NewsletterIssue(Model):
    """One month's issue; `body_html` is frozen when it is sent and shown in the archive."""

    __tablename__ = "newsletter_issues"
    __table_args__ = (
        UniqueConstraint("year", "month", name="uq_newsletter_issues_month"),
        CheckConstraint(f"status IN ({enum_values(NewsletterStatus)})",
                        name="newsletter_status_valid"),
        CheckConstraint("month BETWEEN 1 AND 12", name="newsletter_month_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    # The board's own words above the composed sections (Markdown).
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    # The composed sections frozen at send time (titles and links, no translated words),
    # so each member's e-mail and the archive page show them in the reader's language.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    status: Mapped[str] = mapped_column(String(16), default=NewsletterStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    recipient_count: Mapped[int] = mapped_column(default=0)

    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id], lazy="raise_on_sql")


class NewsletterDelivery(Model):
    """One member's copy of one issue: the unique pair makes a second send a no-op."""

    __tablename__ = "newsletter_deliveries"
    __table_args__ = (
        UniqueConstraint("issue_id", "user_id", name="uq_newsletter_deliveries_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("newsletter_issues.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
