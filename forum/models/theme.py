"""Policy themes (temi): the twelve areas every question belongs to."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model


class Theme(Model):
    """A policy theme; the slug is the stable key used in URLs."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Archived themes keep their threads but take no new questions and leave the menus.
    is_archived: Mapped[bool] = mapped_column(default=False, server_default="0")
