"""Starting conversations, replying, reading, leaving; blocks; reports and their review.

Rules (who may write to whom) are the predicates in `forum.permissions`; this module
enforces them inside the write transaction, where the rows they depend on are locked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select, update

from forum import permissions
from forum.conversations.notify import publish_message
from forum.database import upsert_insert, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    MAX_PARTICIPANTS,
    Block,
    Conversation,
    ConversationMember,
    Message,
    MessageReport,
    Notification,
    ReportStatus,
    User,
)
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.privacy.check import require_no_personal_data
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

SUBJECT_MIN, SUBJECT_MAX = 3, 150
BODY_MAX = 10_000
REASON_MAX = 1_000
RECIPIENTS_MAX_CHARS = 1_000
# The same conversation or message sent again this soon (a double click, a retried
# request, a browser resending the form) returns the first one instead of a copy.
DUPLICATE_WINDOW = timedelta(minutes=2)
_SEPARATORS = re.compile(r"[,;\s]+")


# -- checks on the text ------------------------------------------------------------------------

def _check_body(body: str) -> None:
    if not body:
        raise InvalidInput(_("Controlla i campi evidenziati."),
                           field_errors={"body": [_("Scrivi il messaggio prima di inviarlo.")]})
    if len(body) > BODY_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"body": [_(
            "Il messaggio può avere al massimo %(max)d caratteri (ne ha %(n)d).",
            max=BODY_MAX, n=len(body))]})


def _check_subject(subject: str) -> None:
    if not SUBJECT_MIN <= len(subject) <= SUBJECT_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"subject": [_(
            "L'oggetto deve avere da %(min)d a %(max)d caratteri.",
            min=SUBJECT_MIN, max=SUBJECT_MAX)]})


def parse_usernames(raw: str) -> list[str]:
    """Usernames from the recipients field: separated by commas, semicolons or spaces, an
    initial @ allowed, lower-cased, each once, in the order written."""
    names: list[str] = []
    for part in _SEPARATORS.split(clean_line(raw)[:RECIPIENTS_MAX_CHARS]):
        name = part.strip().lstrip("@").lower()
        if name and name not in names:
            names.append(name)
    return names


def _recipients_error(message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={"recipients": [message]})


# -- blocks ------------------------------------------------------------------------------------

def _blocks_with(user_id: int, others: list[int]) -> tuple[set[int], set[int]]:
    """(who among `others` blocked `user_id`, whom `user_id` blocked among them): one query."""
    if not others:
        return set(), set()
    rows = db.session.execute(select(Block.blocker_id, Block.blocked_id).where(or_(
        (Block.blocked_id == user_id) & Block.blocker_id.in_(others),
        (Block.blocker_id == user_id) & Block.blocked_id.in_(others)))).all()
    blocked_me = {row.blocker_id for row in rows if row.blocked_id == user_id}
    i_blocked = {row.blocked_id for row in rows if row.blocker_id == user_id}
    return blocked_me, i_blocked


def _refuse_blocked(others: list[User], blocked_me: set[int], i_blocked: set[int]) -> None:
    for other in others:
        if other.id in blocked_me:
            raise NotAllowed(_("%(name)s non accetta messaggi da te.", name=other.display_name))
        if other.id in i_blocked:
            raise NotAllowed(_(
                "Hai bloccato %(name)s: sbloccalo da «Membri bloccati» per scrivergli.",
                name=other.display_name))


# -- starting a conversation -------------------------------------------------------------------

def _load_recipients(author: User, names: list[str]) -> list[User]:
    """The members named, checked one by one with a message naming who is refused and why."""
    names = [n for n in names if n != author.username]
    if not names:
        raise _recipients_error(_("Indica almeno un destinatario diverso da te."))
    if len(names) > MAX_PARTICIPANTS - 1:
        raise _recipients_error(ngettext(
            "Una conversazione può avere al massimo %(num)d partecipante oltre a te.",
            "Una conversazione può avere al massimo %(num)d partecipanti oltre a te.",
            MAX_PARTICIPANTS - 1) + " " + _("Ne hai indicati %(n)d.", n=len(names)))
    found = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_(names), User.erased_at.is_(None)))}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise _recipients_error(ngettext(
            "Nessun membro con questo nome utente: %(names)s.",
            "Nessun membro con questi nomi utente: %(names)s.",
            len(unknown), names=", ".join(unknown)))
    recipients = [found[n] for n in names]
    closed = [u.display_name for u in recipients if not permissions.may_receive_messages(u)]
    if closed:
        raise _recipients_error(ngettext(
            "%(names)s non riceve messaggi privati.",
            "%(names)s non ricevono messaggi privati.",
            len(closed), names=", ".join(closed)))
    return recipients


def _check_new_member_cap(author: User) -> None:
    """Below the PRIVILEGE_CONVERSATIONS reputation, a few new conversations a day."""
    if permissions.has_privilege(author, "conversations"):
        return
    cap = int(current_app.config["NEW_MEMBER_CONVERSATIONS_PER_DAY"])
    started = db.session.scalar(select(func.count(Conversation.id)).where(
        Conversation.created_by_id == author.id,
        Conversation.created_at >= utcnow() - timedelta(days=1))) or 0
    if started >= cap:
        raise NotAllowed(ngettext(
            "Chi ha meno di %(rep)d punti di reputazione può iniziare al massimo "
            "%(num)d conversazione al giorno: puoi rispondere a quelle in corso.",
            "Chi ha meno di %(rep)d punti di reputazione può iniziare al massimo "
            "%(num)d conversazioni al giorno: puoi rispondere a quelle in corso.",
            cap, rep=permissions.privilege_threshold("conversations")))


def _same_conversation(author: User, subject: str, body: str,
                       member_ids: set[int]) -> Conversation | None:
    """The conversation this author started moments ago with the same people and text."""
    candidates = db.session.scalars(
        select(Conversation).join(Message, Message.conversation_id == Conversation.id).where(
            Conversation.created_by_id == author.id, Conversation.subject == subject,
            Conversation.created_at >= utcnow() - DUPLICATE_WINDOW,
            Message.author_id == author.id, Message.body == body)).unique().all()
    if not candidates:
        return None
    members: dict[int, set[int]] = {}
    for row in db.session.execute(select(ConversationMember.conversation_id,
                                         ConversationMember.user_id).where(
            ConversationMember.conversation_id.in_([c.id for c in candidates]))):
        members.setdefault(row.conversation_id, set()).add(row.user_id)
    return next((c for c in candidates if members.get(c.id) == member_ids), None)


def _lock_member(user_id: int) -> None:
    """Serialise one member's writes that count their own rows (PostgreSQL row lock;
    SQLite's write transaction is already exclusive)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def start_conversation(author: User, *, recipients: str, subject: str,
                       body: str, confirmed_personal_data: bool = False) -> Conversation:
    """Start a conversation with up to MAX_PARTICIPANTS - 1 members who receive messages
    and have no block with the author; the first message notifies them (off the request).
    Private messages are guarded too: moderators cannot redact them afterwards."""
    require_member(author, _("Accedi per scrivere un messaggio."))
    names = parse_usernames(recipients)
    subject, body = clean_line(subject), clean_text(body)
    if not names:
        raise _recipients_error(_("Indica almeno un destinatario (nome utente)."))
    _check_subject(subject)
    _check_body(body)
    require_no_personal_data(confirmed_personal_data, subject=subject, body=body)
    body_html = render_markdown(body)  # CPU work before the write lock
    with write_intent():
        _lock_member(author.id)
        others = _load_recipients(author, names)
        blocked_me, i_blocked = _blocks_with(author.id, [u.id for u in others])
        _refuse_blocked(others, blocked_me, i_blocked)
        member_ids = {author.id, *(u.id for u in others)}
        existing = _same_conversation(author, subject, body, member_ids)
        if existing is not None:
            db.session.commit()
            return existing
        _check_new_member_cap(author)
        now = utcnow()
        conversation = Conversation(subject=subject, created_by_id=author.id, created_at=now,
                                    last_message_at=now, message_count=1)
        db.session.add(conversation)
        db.session.flush()
        message = Message(conversation_id=conversation.id, author_id=author.id, body=body,
                          body_html=body_html, created_at=now)
        db.session.add(message)
        db.session.flush()
        db.session.add_all([ConversationMember(
            conversation_id=conversation.id, user_id=user_id, joined_at=now,
            last_read_message_id=message.id if user_id == author.id else 0)
            for user_id in sorted(member_ids)])
        publish_message(message.id)
        db.session.commit()
    return conversation


# -- replying, reading, leaving ----------------------------------------------------------------

def _membership(user: User, conversation_id: int) -> ConversationMember:
    """The member's row; NotFound when the conversation is not theirs (or they left): a
    conversation one may not read does not exist for them, moderators included."""
    member = db.session.get(ConversationMember, (conversation_id, user.id))
    if not permissions.can_read_conversation(user, member):
        raise NotFound(_("Conversazione non trovata."))
    assert member is not None
    return member


def _active_others(conversation_id: int, user_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(
        ConversationMember, ConversationMember.user_id == User.id).where(
        ConversationMember.conversation_id == conversation_id,
        ConversationMember.left_at.is_(None), User.id != user_id).order_by(User.id)))


def post_message(author: User, conversation_id: int, *, body: str,
                 confirmed_personal_data: bool = False) -> Message:
    """Reply in a conversation: participants who may write, when no block stands between
    them and another participant still in it; suspected personal data needs confirming."""
    require_member(author, _("Accedi per scrivere un messaggio."))
    body = clean_text(body)
    _check_body(body)
    require_no_personal_data(confirmed_personal_data, body=body)
    body_html = render_markdown(body)
    with write_intent():
        conversation = db.session.execute(select(Conversation).where(
            Conversation.id == conversation_id).with_for_update()).scalar_one_or_none()
        if conversation is None:
            raise NotFound(_("Conversazione non trovata."))
        member = _membership(author, conversation_id)
        others = _active_others(conversation_id, author.id)
        if not others:
            raise Conflict(_("Gli altri partecipanti hanno lasciato la conversazione: "
                             "non c'è più nessuno a cui scrivere."))
        blocked_me, i_blocked = _blocks_with(author.id, [u.id for u in others])
        _refuse_blocked(others, blocked_me, i_blocked)
        last = db.session.execute(select(Message).where(
            Message.conversation_id == conversation_id).order_by(Message.id.desc()).limit(1)
        ).scalar_one_or_none()
        if (last is not None and last.author_id == author.id and last.body == body
                and last.created_at >= utcnow() - DUPLICATE_WINDOW):
            db.session.commit()
            return last  # the same reply sent twice: keep one
        now = utcnow()
        message = Message(conversation_id=conversation_id, author_id=author.id, body=body,
                          body_html=body_html, created_at=now)
        db.session.add(message)
        db.session.flush()
        conversation.message_count += 1
        conversation.last_message_at = now
        member.last_read_message_id = message.id
        publish_message(message.id)
        db.session.commit()
    return message


def _read_notifications(user_id: int, conversation_id: int) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None),
        Notification.kind == "private_message", Notification.subject_type == "conversation",
        Notification.subject_id == conversation_id).values(read_at=utcnow()))


def mark_read(user: User, conversation_id: int, *, up_to: int | None = None) -> int:
    """Mark the conversation read up to message `up_to` (the newest shown on the page;
    all when None), with its notifications. Never moves the mark back. Returns it."""
    with write_intent():
        member = _membership(user, conversation_id)
        newest = db.session.scalar(select(func.max(Message.id)).where(
            Message.conversation_id == conversation_id)) or 0
        target = newest if up_to is None else max(0, min(up_to, newest))
        db.session.execute(update(ConversationMember).where(
            ConversationMember.conversation_id == conversation_id,
            ConversationMember.user_id == user.id,
            ConversationMember.last_read_message_id < target,
        ).values(last_read_message_id=target))
        _read_notifications(user.id, conversation_id)
        mark = max(member.last_read_message_id, target)
        db.session.commit()
    return mark


def leave_conversation(user: User, conversation_id: int) -> None:
    """Leave: the conversation disappears from the member's list; they get nothing more
    from it and can no longer read it. The others see that they left."""
    with write_intent():
        member = _membership(user, conversation_id)
        member.left_at = utcnow()
        _read_notifications(user.id, conversation_id)
        db.session.commit()


# -- blocks ------------------------------------------------------------------------------------

def _member_by_username(username: str) -> User:
    user = db.session.scalar(select(User).where(
        User.username == clean_line(username).lstrip("@").lower()[:64]))
    if user is None:
        raise NotFound(_("Nessun membro con questo nome utente."))
    return user


def block_member(blocker: User, username: str) -> User:
    """Block a member: they cannot start a conversation with you nor write in one you are
    in (and you cannot write to them until you unblock). Blocking twice changes nothing."""
    if not getattr(blocker, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        blocked = _member_by_username(username)
        if blocked.id == blocker.id:
            raise InvalidInput(_("Non puoi bloccare te stesso."))
        insert = upsert_insert(db.session())
        db.session.execute(insert(Block).values(
            blocker_id=blocker.id, blocked_id=blocked.id, created_at=utcnow()
        ).on_conflict_do_nothing(index_elements=["blocker_id", "blocked_id"]))
        db.session.commit()
    return blocked


def unblock_member(blocker: User, username: str) -> User:
    """Lift a block (nothing happens if there was none)."""
    if not getattr(blocker, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        blocked = _member_by_username(username)
        block = db.session.get(Block, (blocker.id, blocked.id))
        if block is not None:
            db.session.delete(block)
        db.session.commit()
    return blocked


# -- reports -----------------------------------------------------------------------------------

def report_message(reporter: User, message_id: int, *, reason: str) -> tuple[MessageReport, bool]:
    """Report someone else's message to the moderators (only then may they read it).
    Returns the report and whether it is new: an open report by the same member is kept."""
    reason = clean_text(reason)
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={"reason": [_(
            "Il motivo può avere al massimo %(max)d caratteri.", max=REASON_MAX)]})
    require_member(reporter, _("Accedi per segnalare un messaggio."))
    with write_intent():
        message = db.session.execute(select(Message).where(
            Message.id == message_id).with_for_update()).scalar_one_or_none()
        if message is None:
            raise NotFound(_("Messaggio non trovato."))
        member = _membership(reporter, message.conversation_id)
        if not permissions.can_report_message(reporter, member, message.author_id):
            raise NotAllowed(_("Non puoi segnalare un tuo messaggio."))
        existing = db.session.scalar(select(MessageReport).where(
            MessageReport.message_id == message.id, MessageReport.reporter_id == reporter.id,
            MessageReport.status == ReportStatus.OPEN))
        if existing is not None:
            db.session.commit()
            return existing, False
        report = MessageReport(message_id=message.id, reporter_id=reporter.id, reason=reason,
                               status=ReportStatus.OPEN, created_at=utcnow())
        db.session.add(report)
        db.session.commit()
    return report, True


@dataclass
class ReportedMessage:
    """What a moderator sees of a report: the one message reported, its author, the
    reporter and their reason; never the rest of the conversation."""

    report: MessageReport
    message: Message
    author: User | None
    reporter: User | None


def _report_for_review(moderator: User, report_id: int) -> MessageReport:
    if not permissions.can_review_message_reports(moderator):
        raise NotAllowed(_("Solo la moderazione esamina i messaggi segnalati."))
    report = db.session.execute(select(MessageReport).where(
        MessageReport.id == report_id).with_for_update()).scalar_one_or_none()
    if report is None:
        raise NotFound(_("Segnalazione non trovata."))
    return report


def read_reported_message(moderator: User, report_id: int) -> ReportedMessage:
    """Open a reported message; every reading is written in the audit log, in the same
    transaction (no reading without its record)."""
    with write_intent():
        report = _report_for_review(moderator, report_id)
        message = db.session.get_one(Message, report.message_id)
        record_action(moderator, "read_reported_message", "message", message.id,
                      report=report.id, conversation=message.conversation_id)
        db.session.commit()
        author = db.session.get(User, message.author_id) if message.author_id else None
        reporter = db.session.get(User, report.reporter_id)
    return ReportedMessage(report, message, author, reporter)


def close_report(moderator: User, report_id: int, *, note: str = "") -> MessageReport:
    """Close a report (recorded in the audit log with the moderator's note)."""
    note = clean_line(note)[:500]
    with write_intent():
        report = _report_for_review(moderator, report_id)
        if report.status == ReportStatus.CLOSED:
            raise Conflict(_("La segnalazione è già chiusa."))
        report.status = ReportStatus.CLOSED
        report.closed_at = utcnow()
        report.closed_by_id = moderator.id
        record_action(moderator, "close_message_report", "message", report.message_id,
                      reason=note, report=report.id)
        db.session.commit()
    return report
