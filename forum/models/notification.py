"""In-app notifications: what happened, to whom, by whom, about which thread or record."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import enum_values, utcnow


class MailCategory(StrEnum):
    """Kinds of notification a member sets e-mail delivery for (the values are stored)."""

    MY_THREADS = "my_threads"  # answers and comments on my own questions
    REPLIES = "replies"  # replies to my comments, @mentions
    FOLLOWED = "followed"  # activity in what I watch or track: threads, themes, tags, members
    SOLUTIONS = "solutions"  # my answer accepted or not, my solution changed by a moderator
    ACCOUNT = "account"  # notices about my account and my posts from the moderators
    MESSAGES = "messages"  # new private messages in my conversations


class Delivery(StrEnum):
    """When a category's notifications are e-mailed (the values are stored)."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    NONE = "none"


DIGEST_PERIODS = (Delivery.DAILY, Delivery.WEEKLY)
# Answers and comments on my questions, replies and mentions at once; the rest weekly.
DEFAULT_DELIVERY: dict[MailCategory, Delivery] = {
    MailCategory.MY_THREADS: Delivery.IMMEDIATE,
    MailCategory.REPLIES: Delivery.IMMEDIATE,
    MailCategory.FOLLOWED: Delivery.WEEKLY,
    MailCategory.SOLUTIONS: Delivery.WEEKLY,
    MailCategory.ACCOUNT: Delivery.WEEKLY,
    MailCategory.MESSAGES: Delivery.IMMEDIATE,
}



class Notification(Model):
    """A message for one member; `kind` + `params` are rendered in the reader's language.

    `subject_type`/`subject_id` name what it is about (a question, a practice): unread
    notifications of one kind about one subject show as one line ("3 nuove risposte"),
    and the subject is checked again when the list is read, so hidden content never leaks.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    subject_type: Mapped[str] = mapped_column(String(16), default="", server_default="")
    subject_id: Mapped[int | None] = mapped_column(default=None)
    category: Mapped[str] = mapped_column(String(16), default=MailCategory.ACCOUNT,
                                          server_default=MailCategory.ACCOUNT.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class MailPreference(Model):
    """A member's e-mail delivery for one category; no row means DEFAULT_DELIVERY."""

    __tablename__ = "mail_preferences"
    __table_args__ = (
        CheckConstraint(f"category IN ({enum_values(MailCategory)})", name="category_valid"),
        CheckConstraint(f"delivery IN ({enum_values(Delivery)})", name="delivery_valid"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16))


class DigestSent(Model):
    """One digest of one period for one member: the unique row is what keeps a digest from
    going out twice when the sender runs twice or dies halfway (written with its mail job)."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("user_id", "period", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))
    period_key: Mapped[str] = mapped_column(String(20))
    notification_count: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
