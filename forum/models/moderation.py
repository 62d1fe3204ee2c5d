"""Moderation records: flags, edit suggestions, the audit log, settings."""

from __future__ import annotations

import zlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User
from forum.text import slugify


class PostType(StrEnum):
    """The kinds of post members write and moderators act on."""

    QUESTION = "question"
    ANSWER = "answer"
    COMMENT = "comment"


class FlagReason(StrEnum):
    """Why a member reports a post."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    ATTENTION = "attention"


class FlagStatus(StrEnum):
    """A flag waits in the queue (open) until a moderator dismisses it or acts on the post."""

    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"


class SuggestionStatus(StrEnum):
    """An edit suggestion waits (pending) until the author or a moderator decides."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


POST_TYPES = tuple(PostType)
FLAG_REASONS = tuple(FlagReason)
FLAG_STATUSES = tuple(FlagStatus)


class Flag(Model):
    """A member's report on a post; one open flag per member and post (partial unique index)."""

    __tablename__ = "flags"
    __table_args__ = (
        Index(
            "uq_flags_open_per_reporter",
            "post_type",
            "post_id",
            "reporter_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_flags_status_post", "status", "post_type", "post_id"),
        CheckConstraint(
            "post_type IN ('question', 'answer', 'comment')", name="flag_post_type_valid"
        ),
        CheckConstraint(
            "reason IN ('spam', 'offensive', 'off_topic', 'duplicate', 'attention')",
            name="flag_reason_valid",
        ),
        CheckConstraint(
            "status IN ('open', 'dismissed', 'actioned')", name="flag_status_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_type: Mapped[str] = mapped_column(String(10))
    post_id: Mapped[int]
    # The thread the post belongs to, so the queue can filter by theme in one join.
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None
    )
    # Flags from members above the trust threshold count towards hiding a post.
    is_trusted: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(String(30), default="")

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="raise_on_sql")


class EditSuggestion(Model):
    """An edit proposed by a member who may not edit the post directly; a moderator decides."""

    __tablename__ = "edit_suggestions"
    __table_args__ = (
        CheckConstraint("post_type IN ('question', 'answer')", name="suggestion_post_type_valid"),
        CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name="suggestion_status_valid"
        ),
        Index("ix_edit_suggestions_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_type: Mapped[str] = mapped_column(String(10))
    post_id: Mapped[int]
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(150), default="")
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default=SuggestionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")


class AuditEntry(Model):
    """One moderator or admin action. Rows are only ever inserted (see the guard below)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_created", "created_at"),
        Index("ix_audit_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise_on_sql")


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(*_args: Any) -> None:
    """The audit log is evidence: the ORM refuses to change or remove a row."""
    raise RuntimeError("audit entries are append-only")


class SiteSetting(Model):
    """A setting the admin changes at run time (e.g. the registration policy)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def _slug_from_name(context: Any) -> str:
    name = str(context.get_current_parameters()["name"])
    return slugify(name, 200) or f"ente-{zlib.crc32(name.encode())}"


class Organisation(Model):
    """An administration on the managed list offered at registration and in the directory."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The page address `/enti/<slug>`, made from the name once and then kept.
    slug: Mapped[str] = mapped_column(String(220), unique=True, default=_slug_from_name)
    organisation_type: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(2))
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
