"""Events, training paths and certificates: who organises, who sees an event, who
registers, who gets a certificate or rates an event. Part of the one permissions home
(`forum.permissions`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from forum.models import Event, EventStatus, Group, GroupKind
from forum.permissions.base import is_active_member, is_admin
from forum.permissions.groups import can_read_group_content


def can_organise(user: Any) -> bool:
    """Moderators, admins and members given the organiser role create events and paths."""
    return is_active_member(user) and (user.is_moderator or bool(user.is_organiser))


def is_event_organiser(user: Any, event: Any, organiser_ids: Collection[int] = ()) -> bool:
    """The event's creator or a co-organiser (`organiser_ids`, loaded by the caller), or an
    admin; they edit the event, see registrants, mark attendance."""
    if not is_active_member(user):
        return False
    return is_admin(user) or user.id == event.created_by_id or user.id in organiser_ids


def can_view_event(user: Any, event: Any, organiser_ids: Collection[int] = ()) -> bool:
    """Published, ended and cancelled events are public (a group's event follows the
    group); drafts only for their organisers."""
    if event.group is not None and not can_read_group_content(user, event.group):
        return False
    if event.status != "bozza":
        return True
    return is_event_organiser(user, event, organiser_ids)


def public_events() -> ColumnElement[bool]:
    """`can_view_event` for a signed-out visitor, as a WHERE clause (the Atom feed): not a
    draft, and outside any group or in an open one."""
    return and_(Event.status != EventStatus.DRAFT, or_(
        Event.group_id.is_(None),
        Event.group_id.in_(select(Group.id).where(Group.kind == GroupKind.OPEN))))


def can_register(user: Any, event: Any) -> bool:
    """Active members register to a published event that takes registrations here, before
    it starts and its deadline; capacity is the service's business."""
    from forum.models.base import utcnow

    if not is_active_member(user) or event.status != "pubblicato":
        return False
    if not event.registration_required or event.registration_url:
        return False
    now = utcnow()
    if event.starts_at <= now:
        return False
    return event.registration_deadline is None or now <= event.registration_deadline


def can_manage_path(user: Any, path: Any) -> bool:
    """Who composed a training path (still an organiser), or an admin, edits it and sees
    its members' progress."""
    return is_admin(user) or (can_organise(user) and path.created_by_id == user.id)


def _has_ended(event: Any) -> bool:
    return str(event.shown_status) == "concluso"


def can_get_certificate(user: Any, event: Any, registration: Any) -> bool:
    """The attendance certificate is for whoever was marked present (`registration` is
    theirs), once the event has ended; a suspension does not take a past attendance away."""
    return (bool(getattr(user, "is_authenticated", False)) and registration is not None
            and registration.user_id == user.id and registration.attended_at is not None
            and _has_ended(event))


def can_give_feedback(user: Any, event: Any, registration: Any) -> bool:
    """After the event, active members who held a confirmed seat (or were marked present)
    rate it, once (a second rating replaces theirs)."""
    if not is_active_member(user) or registration is None or registration.user_id != user.id:
        return False
    return _has_ended(event) and (registration.status == "confirmed"
                                  or registration.attended_at is not None)
