"""Suspensions: when one ends and how it is applied, shared by the admin pages and the
review queue (a theme's moderator suspending a post's author), so both follow one rule."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from forum.errors import Conflict, InvalidInput
from forum.i18n import long_datetime
from forum.models import Role, User
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.notifications.services import notify


def _local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def suspension_end(*, days: int | None = None, until: date | None = None) -> datetime:
    """Naive UTC end of a suspension: `days` from now, or the end of `until` (local time)."""
    max_days = int(current_app.config["SUSPENSION_MAX_DAYS"])
    now = utcnow()
    if (days is None) == (until is None):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"days": [_(
            "Indica la durata in giorni oppure la data di fine, non entrambe.")]})
    if days is not None:
        if not 1 <= days <= max_days:
            raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"days": [_(
                "La durata deve essere tra 1 e %(n)d giorni.", n=max_days)]})
        return now + timedelta(days=days)
    assert until is not None
    zone = _local_zone()
    local_end = datetime.combine(until, time(23, 59, 59), tzinfo=zone)
    end = local_end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    if end <= now or end > now + timedelta(days=max_days + 1):
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"until": [_(
            "La data di fine deve essere da oggi a non oltre %(n)d giorni.", n=max_days)]})
    return end


def apply_suspension(actor: User, user: User, *, end: datetime, reason: str,
                     days: int | None = None, **details: Any) -> None:
    """Suspend `user` in the current transaction (audited, notified); admins never."""
    if user.role == Role.ADMIN:
        raise Conflict(_(
            "Un amministratore non può essere sospeso: se serve, cambia prima il suo ruolo."
        ))
    user.suspended_until, user.suspension_reason = end, reason
    record_action(actor, "suspend_user", "user", user.id, reason=reason,
                  until=end.isoformat(timespec="seconds"), days=days, **details)
    notify(user.id, "account_suspended", until=long_datetime(end), reason=reason)
