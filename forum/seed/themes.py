"""The twelve policy themes, upserted by slug."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import Theme
from forum.taxonomy import THEMES


def ensure_themes() -> int:
    """Insert missing themes; returns how many were added.

    Existing themes are left alone: once created, their name, order and archive state
    belong to the admin (Amministrazione > Temi), and a later seed must not undo that.
    """
    existing = {t.slug: t for t in db.session.execute(select(Theme)).scalars()}
    added = 0
    for position, (slug, name, description) in enumerate(THEMES, start=1):
        theme = existing.get(slug)
        if theme is None:
            db.session.add(Theme(slug=slug, name=name, description=description, position=position))
            added += 1
    db.session.commit()
    return added
