"""Who may do what with personal-data requests. Part of the one permissions home
(`forum.permissions`)."""

from __future__ import annotations

from typing import Any

from forum.models import PrivacyRequest, RequestKind, RequestStatus
from forum.permissions.base import _signed_in, is_admin


def can_request_privacy(user: Any) -> bool:
    """Every signed-in account, pending or suspended included, may export its data or ask
    for erasure (GDPR rights do not depend on standing); an erased account no longer can."""
    return _signed_in(user) and not user.is_erased


def can_download_export(user: Any, request: PrivacyRequest) -> bool:
    """Only the member who asked, while the archive is ready (others get 404)."""
    return (_signed_in(user) and request.user_id == user.id
            and request.kind == RequestKind.EXPORT and request.status == RequestStatus.READY)


def can_cancel_deletion(user: Any) -> bool:
    """The member, while their deletion request is still in its grace period."""
    return can_request_privacy(user) and user.deletion_due_at is not None


def can_review_privacy_requests(user: Any) -> bool:
    """Admins see every request (they answer to the data protection officer); they can
    neither run nor speed up a member's deletion."""
    return is_admin(user)


def can_edit_privacy_notice(user: Any) -> bool:
    """The privacy notice is the controller's text: admins edit it."""
    return is_admin(user)
