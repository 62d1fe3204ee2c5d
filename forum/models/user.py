"""Accounts: operators of public administrations, with their role and reputation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import enum_values, utcnow
from forum.models.profile import ProfileColumns, visibility_checks


class Role(StrEnum):
    """What an account may do beyond writing: moderate some themes, or administer."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"
    # La redazione: writes guidelines, priorities and the newsletter, reads the aggregates.
    EDITOR = "editor"


class AccountStatus(StrEnum):
    """Whether a sign-up may write: pending and rejected accounts only read."""

    ACTIVE = "active"
    PENDING = "pending"
    REJECTED = "rejected"


ROLES = tuple(Role)
STATUSES = tuple(AccountStatus)


class User(ProfileColumns, UserMixin, Model):
    """A registered operator; `reputation` is kept by services and recomputable."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({enum_values(Role)})", name="role_valid"),
        CheckConstraint("status IN ('active', 'pending', 'rejected')", name="status_valid"),
        *visibility_checks(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(2))
    bio: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    reputation: Mapped[int] = mapped_column(default=1)
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Membership: pending accounts read but do not post until a moderator approves them.
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.ACTIVE,
                                        server_default="active")
    suspended_until: Mapped[datetime | None] = mapped_column(default=None)
    suspension_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Theme ids a moderator is limited to, comma-separated; empty means every theme.
    moderated_theme_ids: Mapped[str] = mapped_column(String(400), default="", server_default="")
    # The language of the member's e-mails: the one they last chose in the interface.
    language: Mapped[str] = mapped_column(String(5), default="it", server_default="it")
    # Set when the mail server refused the address for good (5xx): no more notification
    # e-mail until the member asks to try again from their settings.
    email_bounced_at: Mapped[datetime | None] = mapped_column(default=None)
    # Given by admins: may create events and training paths (moderators and admins may too).
    is_organiser: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The secret in the address of the member's personal calendar feed; reset by them.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # Opted in to the monthly newsletter "Officina informa" (off until the member says yes).
    newsletter_opt_in: Mapped[bool] = mapped_column(default=False, server_default="0")
    # GDPR erasure: the member asked to delete the account, effective at this moment (the
    # banner on every page offers to cancel); `erased_at` is set once the purge erased them.
    deletion_due_at: Mapped[datetime | None] = mapped_column(default=None)
    erased_at: Mapped[datetime | None] = mapped_column(default=None)

    def get_id(self) -> str:
        """Session id: changes when `session_version` is bumped, which logs others out."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_erased(self) -> bool:
        """Personal data erased: contributions remain, shown as "utente rimosso"."""
        return self.erased_at is not None

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins both moderate."""
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_editor(self) -> bool:
        """The editorial board (redazione) and admins write guidelines and priorities."""
        return self.role in (Role.EDITOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        """Only admins manage roles."""
        return self.role == Role.ADMIN

    @property
    def is_pending(self) -> bool:
        """Waiting for a moderator's approval (or rejected): may read, may not post."""
        return self.status != AccountStatus.ACTIVE

    @property
    def awaits_review(self) -> bool:
        """A sign-up nobody has approved or rejected yet (shown in the review queue)."""
        return self.status == AccountStatus.PENDING

    @property
    def is_rejected(self) -> bool:
        """A sign-up a moderator refused: reads only, and may be approved later."""
        return self.status == AccountStatus.REJECTED

    @property
    def is_suspended(self) -> bool:
        """Suspended until a moment still in the future; expiry needs no job."""
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def theme_scope(self) -> frozenset[int]:
        """Theme ids a moderator is limited to; empty means no limit."""
        return frozenset(int(x) for x in self.moderated_theme_ids.split(",") if x.strip())
