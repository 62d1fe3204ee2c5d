"""Settings the admin changes at run time, stored as SiteSetting rows: one mechanism for
the registration policy, the open-data publisher, the accessibility statement and the
privacy notice (each keeps its defaults in the configuration and its rules in its
service)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from forum.database import upsert_insert
from forum.extensions import db
from forum.models import SiteSetting
from forum.models.base import utcnow


def read_settings(keys: Iterable[str]) -> dict[str, str]:
    """The saved values of `keys` (one query); a key never saved is absent."""
    wanted = list(keys)
    return {key: value for key, value in db.session.execute(
        select(SiteSetting.key, SiteSetting.value).where(SiteSetting.key.in_(wanted)))}


def store_settings(values: Mapping[str, str]) -> None:
    """Insert or update each key in the caller's write transaction (the caller holds
    `write_intent` and commits). An upsert: two admins saving at once both succeed, the
    later one wins, and neither meets a duplicate key."""
    insert = upsert_insert(db.session())
    now = utcnow()
    for key, value in values.items():
        db.session.execute(insert(SiteSetting).values(
            key=key, value=value, updated_at=now).on_conflict_do_update(
            index_elements=[SiteSetting.key], set_={"value": value, "updated_at": now}))
