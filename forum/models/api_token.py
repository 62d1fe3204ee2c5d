"""Personal access tokens for the REST API: stored hashed, shown once, scoped, expiring."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User


class TokenScope(StrEnum):
    """What a token may do: `read` only GETs, `write` also the member's writes."""

    READ = "read"
    WRITE = "write"


class ApiToken(Model):
    """A member's token. Only `prefix` (to find the row) and the SHA-256 of the secret are
    kept: the secret has 256 random bits, so a fast hash is as safe as a slow one and a
    request does not pay a password hash."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("scope IN ('read', 'write')", name="scope_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(8), default=TokenScope.READ)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="raise_on_sql")

    @property
    def can_write(self) -> bool:
        """Write scope: the member's writes (ask, answer, vote...) are allowed."""
        return self.scope == TokenScope.WRITE

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > now
