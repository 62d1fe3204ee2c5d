"""A new private message notifies the other participants, off the request path.

`publish_message` writes one job in the sending transaction (like
`forum.notifications.activity.publish`); the job writes a "private_message" notification
for each participant still in the conversation, never the author, never someone who
blocked the author, and queues the e-mails of those who want this category at once.
Several messages in one conversation are one line in /notifiche (grouped by subject),
and one e-mail until the member opens the conversation: a message arriving while an
earlier notification of the same conversation is unread adds to the line, not to the inbox.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum.database import write_intent
from forum.jobs import enqueue, task
from forum.models import (
    AccountStatus,
    Block,
    Conversation,
    ConversationMember,
    MailCategory,
    Message,
    Notification,
    User,
)
from forum.models.base import utcnow
from forum.notifications.mailing import compose_immediate, store_notifications

FAN_OUT = "conversations.fan_out"
KIND = "private_message"
SUBJECT_TYPE = "conversation"


def publish_message(message_id: int) -> None:
    """Notify about the message once the caller's transaction commits (call inside it)."""
    enqueue(FAN_OUT, message_id)


def message_link(conversation_id: int, message_id: int) -> str:
    """Where a notification about a message points."""
    return f"/messaggi/{conversation_id}#messaggio-{message_id}"


def _recipients(session: Session, message: Message) -> list[User]:
    ids = set(session.scalars(select(ConversationMember.user_id).where(
        ConversationMember.conversation_id == message.conversation_id,
        ConversationMember.left_at.is_(None))))
    ids.discard(message.author_id)  # type: ignore[arg-type]
    if message.author_id is not None and ids:
        ids -= set(session.scalars(select(Block.blocker_id).where(
            Block.blocked_id == message.author_id, Block.blocker_id.in_(ids))))
    if not ids:
        return []
    return list(session.scalars(select(User).where(
        User.id.in_(ids), User.status != AccountStatus.REJECTED).order_by(User.id)))


@task(FAN_OUT, batch_seconds="NOTIFICATIONS_DELAY")
def fan_out(message_id: int) -> int:
    """The job: one notification per recipient, e-mails for the first unread one of each
    conversation; returns how many notifications were written."""
    from forum.extensions import db

    with Session(db.engine) as session:
        message = session.get(Message, int(message_id))
        conversation = session.get(Conversation, message.conversation_id) if message else None
        notes: list[Notification] = []
        waiting: set[int] = set()
        if message is not None and conversation is not None:
            users = _recipients(session, message)
            author = session.get(User, message.author_id) if message.author_id else None
            if users:
                waiting = set(session.scalars(select(Notification.user_id).where(
                    Notification.user_id.in_([u.id for u in users]),
                    Notification.kind == KIND, Notification.subject_type == SUBJECT_TYPE,
                    Notification.subject_id == conversation.id,
                    Notification.read_at.is_(None))))
            now = utcnow()
            params = {"title": conversation.subject,
                      "actor": author.display_name if author else ""}
            notes = [Notification(
                user_id=user.id, kind=KIND, params=params,
                link=message_link(conversation.id, message.id), actor_id=message.author_id,
                subject_type=SUBJECT_TYPE, subject_id=conversation.id,
                category=MailCategory.MESSAGES, created_at=now) for user in users]
        outgoing = compose_immediate(session, [n for n in notes if n.user_id not in waiting])
        with write_intent(session):
            store_notifications(session, notes, outgoing)
    return len(notes)
