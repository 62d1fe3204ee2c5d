"""In-app notifications: written with the action that causes them, read by their owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from forum import permissions
from forum.database import write_intent
from forum.errors import NotAllowed, NotFound
from forum.extensions import db
from forum.models import Delivery, MailCategory, Notification, Practice, Question, User
from forum.models.base import utcnow
from forum.notifications.mailing import compose, deliveries, may_receive_mail
from forum.notifications.messages import GROUPED, MESSAGES


def notify(user_id: int, kind: str, *, link: str = "", **params: Any) -> Notification:
    """Queue a notification in the current transaction; `kind` must have a message. A
    member who wants account notices at once gets the e-mail in the same transaction."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    note = Notification(user_id=user_id, kind=kind, link=link, params=params,
                        category=MailCategory.ACCOUNT)
    db.session.add(note)
    user = db.session.get(User, user_id)
    wanted = deliveries(db.session(), [user_id])[user_id][MailCategory.ACCOUNT]
    if user is not None and wanted == Delivery.IMMEDIATE and may_receive_mail(user):
        compose(user, [note]).queue()
    return note


@dataclass
class Line:
    """One line of the notification centre: the newest notification of its group, how many
    the group holds (3 answers on one thread = one line) and whether any is unread."""

    latest: Notification
    count: int
    unread: bool


def _group_key(note: Notification) -> tuple[Any, ...]:
    if note.kind in GROUPED and note.subject_id is not None:
        return (note.kind, note.subject_type, note.subject_id, note.read_at is None)
    return ("single", note.id)


def visible_notifications(viewer: User, notes: list[Notification]) -> list[Notification]:
    """Drop notifications about threads or practices the member can no longer see (hidden
    or withdrawn since): their titles must not leak. One query per kind of subject."""
    wanted: dict[str, set[int]] = {"question": set(), "practice": set()}
    for note in notes:
        if note.subject_type in wanted and note.subject_id is not None:
            wanted[note.subject_type].add(note.subject_id)
    found: dict[tuple[str, int], bool] = {}
    if wanted["question"]:
        for question in db.session.scalars(select(Question).where(
                Question.id.in_(wanted["question"]))):
            found[("question", question.id)] = permissions.can_view_question(viewer, question)
    if wanted["practice"]:
        for practice in db.session.scalars(select(Practice).where(
                Practice.id.in_(wanted["practice"]))):
            found[("practice", practice.id)] = permissions.can_view_practice(viewer, practice)
    return [note for note in notes if note.subject_type not in wanted
            or note.subject_id is None or found.get((note.subject_type, note.subject_id))]


def notification_lines(viewer: User, limit: int = 50) -> list[Line]:
    """The member's latest notifications, newest first, grouped by kind and thread."""
    notes = list(db.session.scalars(
        select(Notification)
        .where(Notification.user_id == viewer.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit * 4)))
    lines: dict[tuple[Any, ...], Line] = {}
    for note in visible_notifications(viewer, notes):
        key = _group_key(note)
        if key in lines:
            lines[key].count += 1
        elif len(lines) < limit:
            lines[key] = Line(note, 1, note.read_at is None)
    return list(lines.values())


def open_notification(user: User, notification_id: int) -> str:
    """Mark a notification read, with the unread ones of its group; returns where it
    points (the view checks it is a path on this site)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        note = db.session.get(Notification, notification_id)
        if note is None or note.user_id != user.id or not visible_notifications(user, [note]):
            raise NotFound(_("Notifica non trovata."))
        where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
        if _group_key(note)[0] == "single":
            where.append(Notification.id == note.id)
        else:
            where += [Notification.kind == note.kind,
                      Notification.subject_type == note.subject_type,
                      Notification.subject_id == note.subject_id]
        db.session.execute(update(Notification).where(*where).values(read_at=utcnow()))
        link = note.link
        db.session.commit()
    return link


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user as read; returns how many changed."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        result = db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)  # a CursorResult for UPDATE


def mail_choices(user: User) -> dict[str, str]:
    """The member's e-mail delivery per category, defaults filled in."""
    return {str(category): str(delivery)
            for category, delivery in deliveries(db.session(), [user.id])[user.id].items()}


def save_mail_settings(user: User, choices: dict[str, str], *,
                       newsletter: bool | None = None) -> None:
    """The member's e-mail delivery per category and, when given, whether they receive
    the monthly newsletter (the settings page)."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    from forum.notifications.mailing import set_deliveries

    with write_intent():
        set_deliveries(user, choices)
        # Saving is the member's word that the address works again after a bounce.
        member = db.session.get_one(User, user.id)
        member.email_bounced_at = None
        if newsletter is not None:
            member.newsletter_opt_in = newsletter
        db.session.commit()


def unsubscribe(token: str) -> tuple[User, str]:
    """Stop the e-mails a signed token names (one category, or all); no sign-in needed.
    Returns the member and the category; NotFound for a forged or stale token."""
    from forum.notifications.mailing import (
        ALL,
        NEWSLETTER,
        read_unsubscribe_token,
        set_deliveries,
    )

    found = read_unsubscribe_token(token)
    if found is None:
        raise NotFound(_("Il link per annullare l'iscrizione non è valido."))
    user_id, category = found
    with write_intent():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(_("Il link per annullare l'iscrizione non è valido."))
        if category == NEWSLETTER:
            user.newsletter_opt_in = False
        else:
            names = [str(c) for c in MailCategory] if category == ALL else [category]
            set_deliveries(user, dict.fromkeys(names, Delivery.NONE.value))
        db.session.commit()
    return user, category
