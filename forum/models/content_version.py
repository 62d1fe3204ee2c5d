"""Versions of what pages show, bumped in the transaction that changes it."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model


class ContentVersion(Model):
    """One counter per scope ("thread:12", "questions", "people", ...): a rendered page is
    stored under the versions of the scopes it shows, so a change makes a new key at once
    on every server, without expiry or a message to send."""

    __tablename__ = "content_versions"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
