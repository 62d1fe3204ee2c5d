"""Profile fields of a member, who may see each of them, expertise and the avatar image."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class Visibility(StrEnum):
    """Who sees a profile field: everyone, signed-in members, or nobody but the owner."""

    PUBLIC = "public"
    MEMBERS = "members"
    HIDDEN = "hidden"


class ProfileField(StrEnum):
    """The profile fields a member sets a visibility for (name of the `vis_*` column)."""

    ORGANISATION = "organisation"
    PLACE = "place"
    JOB_TITLE = "job_title"
    EXPERTISE = "expertise"
    COMPETENCES = "competences"
    LANGUAGES = "languages"
    BIO = "bio"
    EMAIL = "email"
    PHONE = "phone"


# Contact details are never shown to anonymous visitors, whatever the member chose.
NEVER_PUBLIC = frozenset({ProfileField.EMAIL, ProfileField.PHONE})
DEFAULT_VISIBILITY = Visibility.MEMBERS
MAX_EXPERTISE = 5


def _vis_column() -> Mapped[str]:
    return mapped_column(String(8), default=DEFAULT_VISIBILITY, server_default="members")


class ProfileColumns:
    """The profile part of `users`: one table keeps the directory's facet query to one
    statement; each privacy choice is a column so SQL can filter on it."""

    level_of_government: Mapped[str] = mapped_column(String(20), default="", server_default="")
    province_code: Mapped[str] = mapped_column(String(3), default="", server_default="")
    job_title: Mapped[str] = mapped_column(String(120), default="", server_default="")
    competences: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Comma-separated ISO 639-1 codes from `forum.users.vocabulary.LANGUAGES`.
    languages: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    open_to_contact: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Bumped at each upload: part of the avatar URL, so browsers may cache it for long.
    avatar_version: Mapped[int] = mapped_column(default=0, server_default="0")
    vis_organisation: Mapped[str] = _vis_column()
    vis_place: Mapped[str] = _vis_column()
    vis_job_title: Mapped[str] = _vis_column()
    vis_expertise: Mapped[str] = _vis_column()
    vis_competences: Mapped[str] = _vis_column()
    vis_languages: Mapped[str] = _vis_column()
    vis_bio: Mapped[str] = _vis_column()
    vis_email: Mapped[str] = _vis_column()
    vis_phone: Mapped[str] = _vis_column()

    @declared_attr
    def organisation_id(cls) -> Mapped[int | None]:  # noqa: N805
        """The organisation on the managed list, when the member's matches one."""
        return mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                             default=None, index=True)

    def visibility(self, field: ProfileField | str) -> Visibility:
        """The member's choice for one field."""
        return Visibility(getattr(self, f"vis_{ProfileField(field).value}"))


def visibility_checks() -> tuple[CheckConstraint, ...]:
    """One check constraint per `vis_*` column."""
    allowed = ", ".join(f"'{v.value}'" for v in Visibility)
    return tuple(CheckConstraint(f"vis_{f.value} IN ({allowed})", name=f"vis_{f.value}_valid")
                 for f in ProfileField)


class Expertise(Model):
    """A theme a member declares expertise in (one to five per member)."""

    __tablename__ = "user_expertise"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"),
                                          primary_key=True, index=True)


class Avatar(Model):
    """A member's photo, already resized and re-encoded server-side; in the database so
    every web server has it."""

    __tablename__ = "avatars"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
