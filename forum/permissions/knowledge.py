"""Guidelines, policy priorities, the newsletter, self-assessment and the dashboard: who
writes, who comments, who sees what. Part of the one permissions home (`forum.permissions`).

The editorial board (redazione) is the `editor` role plus admins; guidelines are also
written by moderators, and each guideline's owners (loaded by the caller) edit it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from forum.models import Guideline, GuidelineStatus
from forum.models.base import utcnow
from forum.permissions.base import _signed_in, can_moderate, is_active_member


def is_board(user: Any) -> bool:
    """The editorial board: the `editor` role and admins (not suspended)."""
    return is_active_member(user) and bool(user.is_editor)


def can_write_guidelines(user: Any) -> bool:
    """The board and moderators create guidelines and become their owners."""
    return is_board(user) or can_moderate(user)


def is_guideline_owner(user: Any, guideline: Guideline,
                       owner_ids: Collection[int] = ()) -> bool:
    """One of the guideline's owners (`owner_ids`, loaded by the caller), or an admin."""
    if not is_active_member(user):
        return False
    return bool(user.is_admin) or user.id in owner_ids


def can_edit_guideline(user: Any, guideline: Guideline,
                       owner_ids: Collection[int] = ()) -> bool:
    """Owners edit the working copy, change status, publish and answer consultation
    comments; the board and moderators may too (any guideline is the community's)."""
    return is_guideline_owner(user, guideline, owner_ids) or can_write_guidelines(user)


def can_view_guideline(user: Any, guideline: Guideline,
                       owner_ids: Collection[int] = ()) -> bool:
    """A guideline with a published version, or in consultation, is public; a draft never
    published is seen by the people who may edit it."""
    if guideline.version > 0 or guideline.status == GuidelineStatus.CONSULTATION:
        return True
    return can_edit_guideline(user, guideline, owner_ids)


def consultation_open(guideline: Guideline, now: datetime | None = None) -> bool:
    """In consultation and before its end date."""
    moment = now or utcnow()
    return (guideline.status == GuidelineStatus.CONSULTATION
            and guideline.consultation_ends_at is not None
            and moment < guideline.consultation_ends_at)


def can_comment_guideline(user: Any, guideline: Guideline) -> bool:
    """Active members comment on a section while the consultation is open."""
    return is_active_member(user) and consultation_open(guideline)


def can_propose_guideline(user: Any) -> bool:
    """Turning a solved thread into a guideline draft: the people who write guidelines."""
    return can_write_guidelines(user)


def can_manage_announcements(user: Any) -> bool:
    """Priorities (indirizzi) are the board's."""
    return is_board(user)


def can_send_newsletter(user: Any) -> bool:
    """The board composes, previews and sends the newsletter."""
    return is_board(user)


def can_view_dashboard(user: Any) -> bool:
    """The community-health dashboard is for moderators and the board."""
    return is_board(user) or can_moderate(user)


def can_assess(user: Any) -> bool:
    """Active members with an organisation fill its self-assessments."""
    return is_active_member(user) and bool((user.organisation or "").strip())


def same_organisation(user: Any, organisation_key: str) -> bool:
    """Whether the member belongs to the organisation an assessment is about."""
    return _signed_in(user) and (user.organisation or "").strip().casefold() == organisation_key


def can_view_assessment(user: Any, organisation_key: str) -> bool:
    """An assessment is private to its organisation (no role sees another's answers)."""
    return is_active_member(user) and same_organisation(user, organisation_key)


def can_view_assessment_aggregates(user: Any) -> bool:
    """The board sees aggregate figures only (and only where 5 organisations answered)."""
    return is_board(user)
