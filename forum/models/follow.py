"""Following: a member's notification level on a theme, tag, thread, practice, organisation
or member (Discourse's levels)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import enum_values, utcnow


class Level(StrEnum):
    """How much a member hears about what they follow.

    watching: every new question (themes, tags, organisations, members), every answer and
    comment (threads); tracking: new answers, and comments that reply to them; normal: only
    what is addressed to them (mentions, replies, their own posts); muted: nothing from it.
    """

    WATCHING = "watching"
    TRACKING = "tracking"
    NORMAL = "normal"
    MUTED = "muted"


class FollowTarget(StrEnum):
    """What can be followed (the values are stored)."""

    THEME = "theme"
    TAG = "tag"
    QUESTION = "question"
    PRACTICE = "practice"
    ORGANISATION = "organisation"
    MEMBER = "member"
    GROUP = "group"


# Automatic follows never lower a level: asking watches, answering or commenting tracks.
LEVEL_RANK = {Level.MUTED: 0, Level.NORMAL: 1, Level.TRACKING: 2, Level.WATCHING: 3}



class Follow(Model):
    """One member's level on one target; `chosen` when the member set it themselves, so
    automatic follows (asking, answering) leave their choice alone."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        CheckConstraint(f"level IN ({enum_values(Level)})", name="level_valid"),
        CheckConstraint(f"target_type IN ({enum_values(FollowTarget)})", name="target_type_valid"),
        Index("ix_follows_target", "target_type", "target_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column()
    level: Mapped[str] = mapped_column(String(16))
    chosen: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
