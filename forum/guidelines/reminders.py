"""The review-by reminder: when a guideline's review date has passed, its owners are told
once (in the app, and by e-mail as their settings say). Each guideline is claimed with one
conditional UPDATE of `review_reminded_at`, so `flask guidelines remind` started by cron on
several nodes at once reminds once; a new review date clears the mark (services)."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from forum.database import write_intent
from forum.events.clock import today_in_rome
from forum.extensions import db
from forum.guidelines.queries import owner_ids
from forum.models import Guideline, GuidelineStatus
from forum.models.base import utcnow
from forum.notifications.services import notify

KIND = "guideline_review_due"


def _due(today: date) -> tuple:  # type: ignore[type-arg]
    return (Guideline.review_by < today, Guideline.review_reminded_at.is_(None),
            Guideline.status != GuidelineStatus.ARCHIVED)


def remind_owners(today: date | None = None) -> int:
    """Remind the owners of every guideline past its review date and not yet reminded;
    returns how many guidelines this run claimed."""
    day = today or today_in_rome()
    ids = list(db.session.scalars(select(Guideline.id).where(*_due(day)).order_by(Guideline.id)))
    db.session.rollback()  # end the read: each claim below is its own write transaction
    claimed = 0
    for guideline_id in ids:
        with write_intent():
            result = db.session.execute(
                update(Guideline).where(Guideline.id == guideline_id, *_due(day))
                .values(review_reminded_at=utcnow())
                .execution_options(synchronize_session=False))
            if cast(CursorResult, result).rowcount != 1:
                db.session.rollback()  # another run claimed it
                continue
            slug, title, review_by = db.session.execute(
                select(Guideline.slug, Guideline.title, Guideline.review_by)
                .where(Guideline.id == guideline_id)).one()
            for user_id in sorted(owner_ids(guideline_id)):
                notify(user_id, KIND, link=f"/linee-guida/{slug}", title=title,
                       date=review_by.strftime("%d/%m/%Y"))
            db.session.commit()
            claimed += 1
    return claimed
