"""Account management: approving sign-ups, roles, suspensions.

Every action checks who acts, changes the account, writes an audit row and notifies the
member in the same transaction, so nothing is recorded that did not happen (or vice versa).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import ROLES, AccountStatus, Role, Theme, User
from forum.moderation.audit import record_action
from forum.moderation.services import checked_reason
from forum.moderation.suspensions import apply_suspension, suspension_end
from forum.notifications.services import notify
from forum.taxonomy import ROLE_LABELS


def _require_admin(actor: Any) -> None:
    if not permissions.is_admin(actor):
        raise NotAllowed(_("Solo gli amministratori possono gestire gli account."))


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Utente non trovato."))
    return user


def _reason(text: str, *, required: bool) -> str:
    return checked_reason(text, required=required)


def approve_user(actor: User, user_id: int) -> User:
    """Let a pending (or previously rejected) account write; the member is told in-app."""
    if not permissions.can_review_accounts(actor):
        raise NotAllowed(_("Solo moderatori e amministratori approvano le iscrizioni."))
    with write_intent():
        user = _target(user_id)
        if user.status == AccountStatus.ACTIVE:
            raise Conflict(_("Questo account è già attivo."))
        previous = user.status
        user.status = AccountStatus.ACTIVE
        record_action(actor, "approve_user", "user", user.id, previous_status=previous)
        notify(user.id, "account_approved")
        db.session.commit()
    return user


def reject_user(actor: User, user_id: int, *, reason: str = "") -> User:
    """Refuse a pending account, with an optional reason the member reads in-app."""
    if not permissions.can_review_accounts(actor):
        raise NotAllowed(_("Solo moderatori e amministratori approvano le iscrizioni."))
    reason = _reason(reason, required=False)
    with write_intent():
        user = _target(user_id)
        if user.status != AccountStatus.PENDING:
            raise Conflict(_("Solo le iscrizioni in attesa possono essere rifiutate."))
        user.status = AccountStatus.REJECTED
        record_action(actor, "reject_user", "user", user.id, reason=reason)
        notify(user.id, "account_rejected", reason=reason)
        db.session.commit()
    return user


def _admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN)) or 0


def _theme_ids(wanted: Iterable[int]) -> list[int]:
    ids = sorted({int(i) for i in wanted})
    if not ids:
        return []
    known = set(db.session.execute(select(Theme.id).where(Theme.id.in_(ids))).scalars())
    if unknown := [i for i in ids if i not in known]:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "themes": [_("Temi inesistenti: %(ids)s.", ids=", ".join(map(str, unknown)))]})
    return ids


def change_role(
    actor: User, user_id: int, role: str, *, theme_ids: Iterable[int] = ()
) -> User:
    """Set a member's role; a moderator may be limited to some themes (none = all themes).

    The last admin cannot step down: someone must always be able to manage the site.
    """
    _require_admin(actor)
    if role not in ROLES:
        raise InvalidInput(_("Controlla i campi evidenziati."),
                           field_errors={"role": [_("Ruolo non valido.")]})
    with write_intent():
        user = _target(user_id)
        scope = _theme_ids(theme_ids) if role == Role.MODERATOR else []
        scope_csv = ",".join(map(str, scope))
        if user.role == Role.ADMIN and role != Role.ADMIN and _admin_count() <= 1:
            raise Conflict(_(
                "Sei l'unico amministratore: nomina prima un altro amministratore, poi "
                "potrai cambiare il tuo ruolo."
            ) if user.id == actor.id else _("Deve restare almeno un amministratore."))
        if user.role == role and user.moderated_theme_ids == scope_csv:
            return user
        previous = user.role
        user.role, user.moderated_theme_ids = role, scope_csv
        record_action(actor, "change_role", "user", user.id,
                      previous_role=previous, role=role, theme_ids=scope or None)
        if previous != role:
            notify(user.id, "role_changed", role=str(ROLE_LABELS[Role(role)]))
        db.session.commit()
    return user


def toggle_organiser(actor: User, user_id: int) -> User:
    """Give or take away the organiser role (events and training paths), audited."""
    _require_admin(actor)
    with write_intent():
        user = _target(user_id)
        user.is_organiser = not user.is_organiser
        record_action(actor, "toggle_organiser", "user", user.id,
                      is_organiser=user.is_organiser)
        db.session.commit()
    return user


def suspend_user(
    actor: User,
    user_id: int,
    *,
    reason: str,
    days: int | None = None,
    until: date | None = None,
) -> User:
    """Suspend an account for some days or until a date; the member reads until when and why.

    Sessions stay open: the permission checks refuse writes while the suspension lasts.
    """
    _require_admin(actor)
    end = suspension_end(days=days, until=until)
    reason = _reason(reason, required=True)
    with write_intent():
        user = _target(user_id)
        apply_suspension(actor, user, end=end, reason=reason, days=days)
        db.session.commit()
    return user


def reactivate_user(actor: User, user_id: int) -> User:
    """End a suspension before it expires."""
    _require_admin(actor)
    with write_intent():
        user = _target(user_id)
        if not user.is_suspended:
            raise Conflict(_("Questo account non è sospeso."))
        until = user.suspended_until
        user.suspended_until, user.suspension_reason = None, ""
        record_action(actor, "reactivate_user", "user", user.id,
                      was_until=until.isoformat(timespec="seconds") if until else None)
        notify(user.id, "account_reactivated")
        db.session.commit()
    return user
