"""`flask privacy purge`: the scheduled sweep. Cron may start it on every node at once:
each step claims its rows with a locked read or a conditional UPDATE, so every export
expires once and every account is erased once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from forum.database import write_intent
from forum.extensions import db
from forum.models import PrivacyRequest, RequestKind, RequestStatus, User
from forum.models.base import utcnow
from forum.privacy.erasure import erase_user
from forum.privacy.export import export_storage, remove_archive
from forum.privacy.retention import prune_personal_data
from forum.storage import LocalStorage

log = logging.getLogger(__name__)


@dataclass
class PurgeReport:
    """What one sweep did."""

    exports_expired: int = 0
    accounts_erased: int = 0
    pruned: dict[str, int] = field(default_factory=dict)


def expire_exports(now: datetime | None = None) -> int:
    """Ready archives past their date: the row is claimed by one conditional UPDATE, then
    its file deleted (a file left by a crash in between is found by the next sweep)."""
    now = now or utcnow()
    count = 0
    stale = db.session.execute(select(PrivacyRequest.id, PrivacyRequest.file_path).where(
        PrivacyRequest.kind == RequestKind.EXPORT,
        PrivacyRequest.status == RequestStatus.READY,
        PrivacyRequest.expires_at <= now)).all()
    db.session.rollback()
    for request_id, name in stale:
        with write_intent():
            result = db.session.execute(update(PrivacyRequest).where(
                PrivacyRequest.id == request_id,
                PrivacyRequest.status == RequestStatus.READY,
            ).values(status=RequestStatus.EXPIRED, file_path=None, completed_at=now))
            db.session.commit()
        if isinstance(result, CursorResult) and result.rowcount:
            count += 1
            if name:
                remove_archive(name)
    _remove_orphans()
    return count


def _remove_orphans() -> None:
    """Archive files no ready request points to (a crash after the claim, before the
    unlink): deleted once they are a day old, so an archive being built is left alone. In
    a bucket the sweep is the bucket's own lifecycle rule (README), which lists nothing
    through the app."""
    storage = export_storage()
    if not isinstance(storage, LocalStorage):
        return
    folder = storage.root
    if not folder.is_dir():
        return
    known = set(db.session.scalars(select(PrivacyRequest.file_path).where(
        PrivacyRequest.file_path.is_not(None))))
    db.session.rollback()
    cutoff = utcnow().timestamp() - 86400
    for path in folder.iterdir():
        if path.name not in known and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def erase_due(now: datetime | None = None) -> int:
    """Erase the accounts whose grace period ended; one transaction per account."""
    now = now or utcnow()
    due = list(db.session.scalars(select(PrivacyRequest.id).where(
        PrivacyRequest.kind == RequestKind.DELETION,
        PrivacyRequest.status == RequestStatus.PENDING,
        PrivacyRequest.due_at <= now).order_by(PrivacyRequest.due_at)))
    db.session.rollback()
    count = 0
    for request_id in due:
        files = []
        with write_intent():
            request = db.session.execute(select(PrivacyRequest).where(
                PrivacyRequest.id == request_id).with_for_update()).scalar_one()
            if request.status != RequestStatus.PENDING or request.due_at is None \
                    or request.due_at > now:
                db.session.rollback()  # cancelled, or another node erased it first
                continue
            user_id = request.user_id
            files = erase_user(db.session(), db.session.get_one(User, user_id))
            request.status, request.completed_at = RequestStatus.COMPLETED, utcnow()
            db.session.commit()
        count += 1
        log.info("Account %s cancellato (richiesta %s)", user_id, request_id)
        for name in files:
            remove_archive(name)
    return count


def purge(now: datetime | None = None) -> PurgeReport:
    """Everything the sweep does, in order: expired exports, due erasures, retention."""
    report = PurgeReport()
    report.exports_expired = expire_exports(now)
    report.accounts_erased = erase_due(now)
    report.pruned = prune_personal_data(now)
    return report
