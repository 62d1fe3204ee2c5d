"""Read paths for privacy requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import PrivacyRequest, RequestKind, RequestStatus
from forum.models.base import utcnow

PER_PAGE = 50


@dataclass
class MyData:
    """What "I miei dati" shows: the open export, the pending deletion, past requests."""

    export: PrivacyRequest | None
    deletion: PrivacyRequest | None
    history: list[PrivacyRequest]


def my_requests(user_id: int) -> MyData:
    """The member's requests, newest first (one statement)."""
    rows = list(db.session.scalars(select(PrivacyRequest).where(
        PrivacyRequest.user_id == user_id).order_by(PrivacyRequest.id.desc()).limit(50)))
    export = next((r for r in rows if r.kind == RequestKind.EXPORT and r.is_open), None)
    deletion = next((r for r in rows if r.kind == RequestKind.DELETION
                     and r.status == RequestStatus.PENDING), None)
    return MyData(export, deletion, rows)


@dataclass
class AdminPage:
    """A page of every member's requests, and how many deletions are overdue."""

    pagination: Any
    overdue: int


def all_requests(page: int = 1, kind: str = "") -> AdminPage:
    """Every request with its member (eager), newest first; `kind` filters."""
    conditions = [PrivacyRequest.kind == kind] if kind in tuple(RequestKind) else []
    overdue = int(db.session.scalar(select(func.count(PrivacyRequest.id)).where(
        PrivacyRequest.kind == RequestKind.DELETION,
        PrivacyRequest.status == RequestStatus.PENDING,
        PrivacyRequest.due_at <= utcnow())) or 0)
    pagination = db.paginate(
        select(PrivacyRequest).options(joinedload(PrivacyRequest.user)).where(*conditions)
        .order_by(PrivacyRequest.id.desc()), page=page, per_page=PER_PAGE, error_out=False)
    return AdminPage(pagination, overdue)
