"""The basics every permission builds on: who is signed in, active, a moderator or an
admin, and what reputation unlocks. Part of the one permissions home (`forum.permissions`)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from forum.models import NEVER_PUBLIC, ProfileField, User, Visibility

PRIVILEGES = ("comment_everywhere", "vote_down", "flag_weight", "suggest_edit", "conversations")


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_view_profile(viewer: Any, user: User) -> bool:
    """Approved members' profiles are seen by everyone; one awaiting approval (or refused) is
    seen only by its owner and the staff; a suspended member's only by signed-in members; an
    erased account by nobody (its contributions stay, signed "utente rimosso")."""
    if user.is_erased:
        return False
    if user.is_pending:
        return _signed_in(viewer) and (viewer.id == user.id or viewer.is_moderator)
    if user.is_suspended:
        return _signed_in(viewer)
    return True


def is_member_viewer(viewer: Any) -> bool:
    """Signed in and approved: who sees the fields a member shares with "members only"."""
    return _signed_in(viewer) and not viewer.is_pending


def can_see_field(viewer: Any, user: User, field: ProfileField | str) -> bool:
    """A profile field by its owner's choice; contact details never reach anonymous
    visitors whatever was chosen; the owner always sees their own."""
    if _signed_in(viewer) and viewer.id == user.id:
        return True
    chosen = user.visibility(field)
    if chosen == Visibility.HIDDEN:
        return False
    if chosen == Visibility.PUBLIC and field not in NEVER_PUBLIC:
        return True
    return is_member_viewer(viewer)


def can_use_directory(viewer: Any) -> bool:
    """The directory of members ("Chi fa cosa") is for approved members."""
    return is_member_viewer(viewer)


def privilege_threshold(name: str) -> int:
    """Reputation needed for a privilege (`PRIVILEGE_<NAME>` in the configuration)."""
    return int(current_app.config[f"PRIVILEGE_{name.upper()}"])


def has_privilege(user: Any, name: str) -> bool:
    """Active members reach a privilege by reputation; moderators have them all.

    A threshold of 0 or less turns the requirement off (reputation can go below zero).
    """
    if not is_active_member(user):
        return False
    threshold = privilege_threshold(name)
    return user.is_moderator or threshold <= 0 or user.reputation >= threshold


def is_active_member(user: Any) -> bool:
    """Signed in, approved and not suspended: the people who may write."""
    return _signed_in(user) and not user.is_pending and not user.is_suspended


def can_moderate(user: Any, theme_id: int | None = None) -> bool:
    """Moderators and admins; a moderator limited to some themes only moderates those."""
    if not _signed_in(user) or not user.is_moderator or user.is_suspended:
        return False
    if user.is_admin or theme_id is None:
        return True
    scope = user.theme_scope
    return not scope or theme_id in scope


def is_admin(user: Any) -> bool:
    """Admins manage members, roles, themes and settings."""
    return _signed_in(user) and isinstance(user, User) and user.is_admin and not user.is_suspended


def can_follow(user: Any) -> bool:
    """Any signed-in member whose sign-up was not refused may follow and be notified
    (reading is all it takes: pending and suspended members still read)."""
    return _signed_in(user) and not user.is_rejected


def can_post(user: Any) -> bool:
    """Active members ask, answer and comment; pending and suspended accounts only read."""
    return is_active_member(user)
