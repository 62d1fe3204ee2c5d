"""Training paths (percorsi formativi): ordered modules (events, practices, readings, a
practical task), members' enrolment and their progress per module."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import enum_values, utcnow


class ModuleKind(StrEnum):
    """What a module asks of the member (the values are stored)."""

    EVENT = "event"
    PRACTICE = "practice"
    READING = "reading"
    TASK = "task"



class TrainingPath(Model):
    """A path an organiser composes and members enrol in."""

    __tablename__ = "training_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="bozza")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    modules: Mapped[list[PathModule]] = relationship(
        lazy="raise_on_sql", order_by="PathModule.position", cascade="all, delete-orphan")


class PathModule(Model):
    """One step of a path: an event to attend, a practice to study, a reading (a link) or
    a practical task on a theme (a question to post or answer)."""

    __tablename__ = "path_modules"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(ModuleKind)})", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), default=None)
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="SET NULL"), default=None)
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="SET NULL"), default=None)


class PathEnrolment(Model):
    """A member on a path; `completed_at` once every module is done."""

    __tablename__ = "path_enrolments"
    __table_args__ = (UniqueConstraint("path_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class PathProgress(Model):
    """A module a member has done (an attended event counts by itself)."""

    __tablename__ = "path_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("path_enrolments.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("path_modules.id", ondelete="CASCADE"))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)
