"""Identities from an external provider (OpenID Connect): (issuer, subject) -> account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User

# Accounts created from a provider that did not vouch for the e-mail get an address in the
# reserved .invalid domain (RFC 2606): unique, never routed, never mailed.
PLACEHOLDER_EMAIL_DOMAIN = "oidc.invalid"
# The password hash of accounts created by a provider: not a werkzeug hash, so no password
# ever matches it until the member sets one (through "Password dimenticata?").
UNUSABLE_PASSWORD = "!oidc"


class ExternalIdentity(Model):
    """One person at one identity provider, linked to one Officina account.

    The pair (issuer, subject) is what OpenID Connect guarantees stable and unique; the
    unique constraint is also what makes simultaneous first log-ins create one account.
    """

    __tablename__ = "external_identities"
    __table_args__ = (
        UniqueConstraint("issuer", "subject", name="uq_external_identity_issuer_subject"),
        Index("ix_external_identities_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


def has_placeholder_email(user: User) -> bool:
    """True for accounts whose address is a stand-in, not a mailbox."""
    return user.email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN)
