"""Working groups (tavoli di lavoro): members, join requests, invitations and documents.

A group's kind decides who reads its discussions: an open group's are public; those of a
group joined on request or by invitation only reach its members. Membership is read at
query time (never copied onto the content), so leaving, being removed or a group turning
private takes effect on the next request.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
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
from forum.models.theme import Theme
from forum.models.user import User


class GroupKind(StrEnum):
    """Who may join: anyone (open), whom a facilitator approves, or whom one invites."""

    OPEN = "open"
    ON_REQUEST = "request"
    PRIVATE = "private"


class GroupRole(StrEnum):
    """Facilitators manage members and content; members take part."""

    FACILITATOR = "facilitator"
    MEMBER = "member"



group_themes = Table(
    "group_themes",
    db.metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Model):
    """A working group; `listed` lets a private group show its name (only) to others."""

    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(GroupKind)})", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default=GroupKind.OPEN)
    listed: Mapped[bool] = mapped_column(default=True)
    region_code: Mapped[str] = mapped_column(String(2), default="", server_default="")
    # Organisation types it is for, comma-separated keys of taxonomy.ORGANISATION_TYPES.
    audience: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    member_count: Mapped[int] = mapped_column(default=0)

    themes: Mapped[list[Theme]] = relationship(
        secondary=group_themes, lazy="raise_on_sql", order_by=Theme.position)

    @property
    def is_open(self) -> bool:
        """Open groups' discussions are public; anyone joins."""
        return self.kind == GroupKind.OPEN

    @property
    def is_restricted(self) -> bool:
        """Discussions and documents reach members only."""
        return self.kind != GroupKind.OPEN

    @property
    def audience_types(self) -> list[str]:
        """The organisation types this group is for."""
        return [t for t in self.audience.split(",") if t]


class GroupMember(Model):
    """One member of one group, with their role."""

    __tablename__ = "group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        CheckConstraint(f"role IN ({enum_values(GroupRole)})", name="role_valid"),
        Index("ix_group_members_user", "user_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default=GroupRole.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise_on_sql")
    group: Mapped[Group] = relationship(lazy="raise_on_sql")

    @property
    def is_facilitator(self) -> bool:
        """Facilitators manage the group."""
        return self.role == GroupRole.FACILITATOR


class GroupRequest(Model):
    """A pending request to join a group that facilitators approve."""

    __tablename__ = "group_requests"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class GroupInvitation(Model):
    """An invitation to a member (by username) or to an address not yet registered.

    Only a hash of the token is stored; the link in the e-mail carries the token itself.
    """

    __tablename__ = "group_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"),
                                          index=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    declined_at: Mapped[datetime | None] = mapped_column(default=None)

    group: Mapped[Group] = relationship(lazy="raise_on_sql")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id],
                                                   lazy="raise_on_sql")

    @property
    def is_open(self) -> bool:
        """Neither accepted, declined nor expired."""
        return (self.accepted_at is None and self.declined_at is None
                and self.expires_at > utcnow())


class GroupDocument(Model):
    """A document in a group's library: a title in a folder, with numbered versions."""

    __tablename__ = "group_documents"
    __table_args__ = (Index("ix_group_documents_group_folder", "group_id", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(80), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version_count: Mapped[int] = mapped_column(default=0)

    versions: Mapped[list[GroupDocumentVersion]] = relationship(
        lazy="raise_on_sql", order_by="GroupDocumentVersion.number.desc()",
        back_populates="document")


class GroupDocumentVersion(Model):
    """One uploaded file of a document: who uploaded it, when, and why (a note)."""

    __tablename__ = "group_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("group_documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    mime: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[GroupDocument] = relationship(lazy="raise_on_sql",
                                                   back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship(lazy="raise_on_sql")
