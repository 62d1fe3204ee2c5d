"""Read paths for conversations: a fixed number of statements per page, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from forum import permissions
from forum.errors import NotAllowed, NotFound
from forum.extensions import db
from forum.models import (
    Block,
    Conversation,
    ConversationMember,
    Message,
    MessageReport,
    Notification,
    ReportStatus,
    User,
)

INBOX_LIMIT = 100
MESSAGES_LIMIT = 500  # the newest messages of a conversation shown on its page


def _unread_messages_query(user_id: int) -> Any:
    """Messages by others, newer than the member's read mark, in conversations they are
    still in: one join, no statement per conversation."""
    return (select(func.count(Message.id))
            .join(ConversationMember, and_(
                ConversationMember.conversation_id == Message.conversation_id,
                ConversationMember.user_id == user_id,
                ConversationMember.left_at.is_(None)))
            .where(Message.id > ConversationMember.last_read_message_id,
                   or_(Message.author_id.is_(None), Message.author_id != user_id)))


def unread_total(user_id: int) -> int:
    """How many messages the member has not read yet, all conversations (one query: the
    header badge)."""
    return db.session.scalar(_unread_messages_query(user_id)) or 0


def header_counts(user_id: int) -> tuple[int, int]:
    """Unread notifications and unread messages for the header, in one statement."""
    notifications = (select(func.count(Notification.id))
                     .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                     .scalar_subquery())
    row = db.session.execute(select(notifications,
                                    _unread_messages_query(user_id).scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0)


@dataclass
class InboxRow:
    """One line of the inbox: the conversation, its other participants, unread count."""

    conversation: Conversation
    unread: int
    others: list[User] = field(default_factory=list)
    left: list[User] = field(default_factory=list)


def inbox(user: User, limit: int = INBOX_LIMIT) -> list[InboxRow]:
    """The member's conversations, most recent activity first (two statements)."""
    unread = (select(func.count(Message.id)).where(
        Message.conversation_id == Conversation.id,
        Message.id > ConversationMember.last_read_message_id,
        or_(Message.author_id.is_(None), Message.author_id != user.id))
        .correlate(Conversation, ConversationMember).scalar_subquery())
    rows = db.session.execute(
        select(Conversation, unread.label("unread"))
        .join(ConversationMember, and_(ConversationMember.conversation_id == Conversation.id,
                                       ConversationMember.user_id == user.id))
        .where(ConversationMember.left_at.is_(None))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)).all()
    lines = {row.Conversation.id: InboxRow(row.Conversation, int(row.unread or 0))
             for row in rows}
    if lines:
        for member in db.session.scalars(
                select(ConversationMember).options(joinedload(ConversationMember.user))
                .where(ConversationMember.conversation_id.in_(lines),
                       ConversationMember.user_id != user.id)
                .order_by(ConversationMember.joined_at, ConversationMember.user_id)):
            line = lines[member.conversation_id]
            (line.left if member.left_at else line.others).append(member.user)
    return list(lines.values())


@dataclass
class ConversationPage:
    """Everything the conversation page shows, loaded up front."""

    conversation: Conversation
    me: ConversationMember
    messages: list[Message]
    members: list[ConversationMember]  # everyone else, those who left included
    blocked_me: set[int]  # participants who blocked the reader
    i_blocked: set[int]  # participants the reader blocked
    reported: set[int]  # messages the reader reported (still open)

    @property
    def active_others(self) -> list[User]:
        """The other participants still in the conversation."""
        return [m.user for m in self.members if m.left_at is None]

    @property
    def blocked(self) -> bool:
        """A block stands between the reader and someone still in the conversation."""
        ids = {u.id for u in self.active_others}
        return bool(ids & (self.blocked_me | self.i_blocked))

    @property
    def newest_id(self) -> int:
        """The newest message shown (what "mark read" marks up to)."""
        return self.messages[-1].id if self.messages else 0


def conversation_page(user: Any, conversation_id: int) -> ConversationPage:
    """A conversation for one of its participants; NotFound for anyone else (moderators
    included: they read reported messages, one at a time, from their queue)."""
    me = db.session.get(ConversationMember, (conversation_id, getattr(user, "id", None)))
    if not permissions.can_read_conversation(user, me):
        raise NotFound(_("Conversazione non trovata."))
    assert me is not None
    conversation = db.session.get_one(Conversation, conversation_id)
    newest = list(db.session.scalars(
        select(Message).options(joinedload(Message.author))
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc()).limit(MESSAGES_LIMIT)))
    members = list(db.session.scalars(
        select(ConversationMember).options(joinedload(ConversationMember.user))
        .where(ConversationMember.conversation_id == conversation_id,
               ConversationMember.user_id != user.id)
        .order_by(ConversationMember.joined_at, ConversationMember.user_id)))
    other_ids = [m.user_id for m in members]
    blocked_me: set[int] = set()
    i_blocked: set[int] = set()
    if other_ids:
        for blocker, blocked in db.session.execute(
                select(Block.blocker_id, Block.blocked_id).where(or_(
                    (Block.blocked_id == user.id) & Block.blocker_id.in_(other_ids),
                    (Block.blocker_id == user.id) & Block.blocked_id.in_(other_ids)))):
            (blocked_me if blocked == user.id else i_blocked).add(
                blocker if blocked == user.id else blocked)
    reported = set(db.session.scalars(select(MessageReport.message_id).where(
        MessageReport.reporter_id == user.id, MessageReport.status == ReportStatus.OPEN,
        MessageReport.message_id.in_(select(Message.id).where(
            Message.conversation_id == conversation_id)))))
    return ConversationPage(conversation, me, list(reversed(newest)), members, blocked_me,
                            i_blocked, reported)


def blocked_members(user: User) -> list[tuple[User, Block]]:
    """The members this member blocked, most recent first."""
    rows = db.session.execute(
        select(User, Block).join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id).order_by(Block.created_at.desc())).all()
    return [(row.User, row.Block) for row in rows]


def contact_blocks() -> frozenset[int]:
    """Ids of members the signed-in member blocked or was blocked by: what `can_contact`
    needs to hide a "Scrivi" button. One query per request, only on pages that ask."""
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return frozenset()
    cached = g.get("_officina_contact_blocks")
    if cached is None:
        rows = db.session.execute(select(Block.blocker_id, Block.blocked_id).where(or_(
            Block.blocker_id == current_user.id, Block.blocked_id == current_user.id))).all()
        cached = g._officina_contact_blocks = frozenset(
            row.blocked_id if row.blocker_id == current_user.id else row.blocker_id
            for row in rows)
    return cached


@dataclass
class ReportLine:
    """A line of the moderators' queue: who reported whose message, when and why; the
    message itself is not loaded (opening it is an audited action)."""

    report: MessageReport
    reporter: User | None
    author: User | None
    message_created_at: Any


def report_queue(moderator: User, status: str = ReportStatus.OPEN,
                 limit: int = 100) -> list[ReportLine]:
    """Reports in one status, oldest open first (newest closed first); one statement."""
    if not permissions.can_review_message_reports(moderator):
        raise NotAllowed(_("Solo la moderazione esamina i messaggi segnalati."))
    reporter = aliased(User)
    author = aliased(User)
    order = (MessageReport.created_at.asc() if status == ReportStatus.OPEN
             else MessageReport.closed_at.desc())
    rows = db.session.execute(
        select(MessageReport, reporter, author, Message.created_at)
        .join(Message, Message.id == MessageReport.message_id)
        .outerjoin(reporter, reporter.id == MessageReport.reporter_id)
        .outerjoin(author, author.id == Message.author_id)
        .where(MessageReport.status == status)
        .order_by(order, MessageReport.id).limit(limit)).all()
    return [ReportLine(row[0], row[1], row[2], row[3]) for row in rows]


def open_report_count() -> int:
    """Open reports of private messages (for the moderation queue's summary)."""
    return db.session.scalar(select(func.count(MessageReport.id)).where(
        MessageReport.status == ReportStatus.OPEN)) or 0
