"""Who handles the accessibility feedback. Anyone may report (signed in or not, pending or
suspended too: the law gives the right to every person), so reporting has no predicate."""

from __future__ import annotations

from typing import Any

from forum.permissions.base import can_moderate


def can_handle_accessibility_reports(user: Any) -> bool:
    """Every moderator (whatever their themes: a report concerns the whole site) and admin
    reads, answers and closes the accessibility reports."""
    return can_moderate(user)

