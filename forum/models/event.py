"""Meetings and training (incontri e formazione): events with dated sessions, registrations
with capacity and a waiting list, materials, feedback and attendance certificates.

Times are stored as naive UTC (like every other timestamp) and shown in Europe/Rome.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model, db
from forum.models.base import enum_values, utcnow
from forum.models.group import Group
from forum.models.theme import Theme
from forum.models.user import User


class EventKind(StrEnum):
    """What kind of meeting (domain.md 4.1; the values are stored)."""

    WEBINAR = "webinar"
    SEMINAR = "seminario"
    WORKSHOP = "laboratorio"
    COURSE = "formazione"


class EventMode(StrEnum):
    """Derived from the fields: a link, a place, or both."""

    ONLINE = "online"
    IN_PERSON = "in-presenza"
    HYBRID = "ibrida"


class EventStatus(StrEnum):
    """Stored statuses; "concluso" is also what a published event reads as after its end."""

    DRAFT = "bozza"
    PUBLISHED = "pubblicato"
    CANCELLED = "annullato"
    ENDED = "concluso"


# Who may move an event between statuses: its organisers ("organiser"); ended events end
# by themselves (read as ended once the last session is over).
EVENT_WORKFLOW: dict[tuple[str, str], str] = {
    (EventStatus.DRAFT, EventStatus.PUBLISHED): "organiser",
    (EventStatus.PUBLISHED, EventStatus.DRAFT): "organiser",
    (EventStatus.PUBLISHED, EventStatus.CANCELLED): "organiser",
    (EventStatus.DRAFT, EventStatus.CANCELLED): "organiser",
}


class RegistrationStatus(StrEnum):
    """A member's place: confirmed, on the waiting list, waiting for approval, or gone."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REFUSED = "refused"


# Statuses that hold (or wait for) a seat: one registration per member and event counts.
ACTIVE_REGISTRATIONS = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING,
                        RegistrationStatus.PENDING)



event_themes = Table(
    "event_themes",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

event_organisers = Table(
    "event_organisers",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

event_practices = Table(
    "event_practices",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
)


class Event(Model):
    """A webinar, seminar, workshop or course; its sessions carry the dates, `starts_at`
    and `ends_at` are the first start and the last end (kept by the services)."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(EventKind)})", name="kind_valid"),
        CheckConstraint(f"status IN ({enum_values(EventStatus)})", name="status_valid"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_events_status_start", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(600))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    online_url: Mapped[str] = mapped_column(String(500), default="")
    place_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    municipality: Mapped[str] = mapped_column(String(120), default="")
    region_code: Mapped[str] = mapped_column(String(2), default="")
    organiser: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    registration_required: Mapped[bool] = mapped_column(default=True)
    registration_url: Mapped[str] = mapped_column(String(500), default="")
    registration_deadline: Mapped[datetime | None] = mapped_column(default=None)
    capacity: Mapped[int | None] = mapped_column(default=None)
    waiting_list: Mapped[bool] = mapped_column(default=True)
    requires_approval: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.DRAFT)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # Raised on every change that attendees' calendars must see (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    confirmed_count: Mapped[int] = mapped_column(default=0)
    waiting_count: Mapped[int] = mapped_column(default=0)
    checkin_code: Mapped[str] = mapped_column(String(12), default="")
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), default=None, index=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[EventSession]] = relationship(
        lazy="raise_on_sql", order_by="EventSession.starts_at", back_populates="event",
        cascade="all, delete-orphan")
    themes: Mapped[list[Theme]] = relationship(
        secondary=event_themes, lazy="raise_on_sql", order_by=Theme.position)
    organisers: Mapped[list[User]] = relationship(secondary=event_organisers,
                                                  lazy="raise_on_sql")
    # Joined with every event: who may see a group's event depends on the group's kind.
    group: Mapped[Group | None] = relationship(lazy="joined", innerjoin=False)

    @property
    def mode(self) -> EventMode:
        """Online with a link only, in presence with a place only, hybrid with both."""
        online = bool(self.online_url)
        present = bool(self.place_name or self.address)
        if online and present:
            return EventMode.HYBRID
        return EventMode.ONLINE if online else EventMode.IN_PERSON

    @property
    def shown_status(self) -> str:
        """A published event reads as ended once its last session is over."""
        if self.status == EventStatus.PUBLISHED and self.ends_at <= utcnow():
            return EventStatus.ENDED
        return self.status

    @property
    def is_public(self) -> bool:
        """Published (upcoming or ended) events are seen by everyone."""
        return self.status in (EventStatus.PUBLISHED, EventStatus.ENDED)

    @property
    def seats_left(self) -> int | None:
        """Free seats (None: no limit)."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_count)


class EventSession(Model):
    """One dated meeting of an event (a three-session course has three)."""

    __tablename__ = "event_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()

    event: Mapped[Event] = relationship(lazy="raise_on_sql", back_populates="sessions")

    @property
    def hours(self) -> float:
        """Length in hours (certificates add them up)."""
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Registration(Model):
    """A member's registration to an event, with the answers to its questions.

    `position` orders the waiting list (first come, first promoted); reminders are stamped
    once sent, so a job that runs twice sends nothing twice."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint(f"status IN ({enum_values(RegistrationStatus)})", name="status_valid"),
        Index("ix_event_registrations_event_status", "event_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(default=None)
    attended_at: Mapped[datetime | None] = mapped_column(default=None)
    reminded_day_at: Mapped[datetime | None] = mapped_column(default=None)
    reminded_hour_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="raise_on_sql")
    event: Mapped[Event] = relationship(lazy="raise_on_sql")


class EventMaterial(Model):
    """Slides, documents (an attachment checked by content) or a recording link."""

    __tablename__ = "event_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    label: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    mime: Mapped[str] = mapped_column(String(100), default="")
    size_bytes: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventFeedback(Model):
    """One member's rating (1-5) and comment on an event they attended."""

    __tablename__ = "event_feedback"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(Model):
    """An attendance (or path completion) certificate: what it says is frozen in
    `details` at issue time; `code` is what the public verification page looks up."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "event_id", name="uq_certificates_user_event"),
        UniqueConstraint("user_id", "path_id", name="uq_certificates_user_path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), default=None)
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_paths.id", ondelete="CASCADE"), default=None)
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
