"""Why a signed-in account may not write right now, in words the member understands."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from forum import permissions
from forum.errors import NotAllowed
from forum.i18n import long_datetime
from forum.models import AccountStatus


def standing_message(user: Any) -> str | None:
    """The reason a signed-in account cannot write (pending, rejected, suspended), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.status == AccountStatus.PENDING:
        return _(
            "Il tuo account è in attesa di approvazione da parte della moderazione: puoi "
            "leggere, ma non ancora scrivere, votare o segnalare."
        )
    if user.status == AccountStatus.REJECTED:
        return _(
            "La tua richiesta di iscrizione non è stata approvata: puoi leggere, ma non "
            "scrivere."
        )
    if user.is_suspended:
        message = _(
            "Il tuo account è sospeso fino al %(until)s: puoi leggere, ma non scrivere né "
            "votare.", until=long_datetime(user.suspended_until),
        )
        if user.suspension_reason:
            message += " " + _("Motivo: %(reason)s", reason=user.suspension_reason)
        return message
    return None


def require_member(user: Any, signed_out_message: str) -> None:
    """Refuse (403) unless the user is an active member; the message says why."""
    if permissions.is_active_member(user):
        return
    raise NotAllowed(standing_message(user) or signed_out_message)
