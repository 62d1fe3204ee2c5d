"""The job that tells the watchers of a priority's themes that it is now valid.

Queued once per priority (see `services._claim_notification`); it writes one in-app
notification per watcher and queues the e-mails of those who get the "followed" category
at once (the others find it in their digest), all in the transaction that ends the job,
the way a new question in a watched theme reaches its watchers.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.database import write_intent
from forum.jobs import task
from forum.models import (
    AccountStatus,
    Announcement,
    Follow,
    FollowTarget,
    Level,
    Notification,
    User,
    announcement_themes,
)
from forum.models.base import utcnow
from forum.notifications.mailing import category_for, compose_immediate, store_notifications

KIND = "priority_valid"


def watchers(session: Session, announcement: Announcement) -> list[User]:
    """Members watching at least one of its themes, except its author and refused or
    pending sign-ups (one statement)."""
    theme_ids = select(announcement_themes.c.theme_id).where(
        announcement_themes.c.announcement_id == announcement.id)
    watching = select(Follow.user_id).where(
        Follow.target_type == FollowTarget.THEME, Follow.level == Level.WATCHING,
        Follow.target_id.in_(theme_ids))
    return list(session.scalars(select(User).where(
        User.id.in_(watching), User.id != (announcement.created_by_id or 0),
        User.status == AccountStatus.ACTIVE).order_by(User.id)))


@task("announcements.notify")
def notify_watchers(announcement_id: int) -> int:
    """Write the notifications and queue their immediate e-mails; returns how many."""
    from forum.extensions import db

    with Session(db.engine) as session:
        announcement = session.get(Announcement, int(announcement_id))
        notes: list[Notification] = []
        if announcement is not None:
            now = utcnow()
            params = {"title": announcement.title}
            link = f"/indirizzi/{announcement.slug}"
            notes = [Notification(
                user_id=user.id, kind=KIND, params=params, link=link,
                actor_id=announcement.created_by_id, subject_type="announcement",
                subject_id=announcement.id,
                category=category_for(KIND, own_thread=False), created_at=now)
                for user in watchers(session, announcement)]
        outgoing = compose_immediate(session, notes)
        with write_intent(session):
            store_notifications(session, notes, outgoing)
    return len(notes)
