"""The rules of private conversations, without HTTP: who may write to whom, blocks both
ways, group size, the new-member limit, reading marks, leaving, reports and their audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.conversations import queries, services
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import (
    MAX_PARTICIPANTS,
    AuditEntry,
    Conversation,
    ConversationMember,
    Message,
    MessageReport,
    Notification,
    User,
)
from forum.models.base import utcnow
from tests.conversations.helpers import start
from tests.factories import make_user


def _closed(**attrs) -> User:
    user = make_user()
    for name, value in attrs.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def test_a_conversation_starts_with_its_first_message_rendered_and_sanitised(app):
    anna, marco = make_user(), make_user()
    conversation = start(anna, marco, body="Ciao **Marco** <script>alert(1)</script>")
    message = db.session.scalars(select(Message)).one()
    assert conversation.message_count == 1 and message.author_id == anna.id
    assert "<strong>Marco</strong>" in message.body_html and "<script" not in message.body_html
    assert queries.unread_total(marco.id) == 1 and queries.unread_total(anna.id) == 0


def test_only_members_who_allow_contact_and_are_active_receive_conversations(app):
    anna = make_user()
    closed = _closed(open_to_contact=False, display_name="Chiusa Contatti")
    pending = _closed(status="pending", display_name="In Attesa")
    suspended = _closed(suspended_until=utcnow() + timedelta(days=2), display_name="Sospeso")
    for other in (closed, pending, suspended):
        with pytest.raises(InvalidInput) as refused:
            start(anna, other)
        assert other.display_name in refused.value.message
        assert refused.value.field_errors["recipients"]
    assert db.session.scalar(select(func.count(Conversation.id))) == 0


def test_pending_or_suspended_members_cannot_start_conversations(app):
    writer = _closed(status="pending")
    with pytest.raises(NotAllowed):
        start(writer, make_user())


def test_unknown_usernames_are_named_in_the_refusal(app):
    anna = make_user()
    with pytest.raises(InvalidInput) as refused:
        services.start_conversation(anna, recipients="nessuno.qui, @ALTRO", subject="Ciao a tutti",
                                    body="Testo")
    assert "nessuno.qui" in refused.value.message and "altro" in refused.value.message


def test_writing_only_to_oneself_is_refused(app):
    anna = make_user()
    with pytest.raises(InvalidInput):
        start(anna, anna)


def test_a_group_takes_at_most_ten_participants(app):
    author = make_user()
    nine = [make_user() for _ in range(MAX_PARTICIPANTS - 1)]
    conversation = start(author, *nine)
    assert db.session.scalar(select(func.count()).select_from(ConversationMember).where(
        ConversationMember.conversation_id == conversation.id)) == MAX_PARTICIPANTS
    with pytest.raises(InvalidInput) as refused:
        start(author, *nine, make_user(), subject="Un gruppo troppo grande")
    assert "al massimo 9" in refused.value.message


@pytest.mark.parametrize("text,field", [("", "body"), ("x" * (services.BODY_MAX + 1), "body")])
def test_empty_or_too_long_bodies_are_refused(app, text, field):
    with pytest.raises(InvalidInput) as refused:
        start(make_user(), make_user(), body=text)
    assert refused.value.field_errors[field]


def test_a_block_stops_new_conversations_both_ways(app):
    anna, bruno = make_user(), make_user()
    services.block_member(bruno, anna.username)
    with pytest.raises(NotAllowed) as refused:
        start(anna, bruno)
    assert "non accetta messaggi da te" in refused.value.message
    with pytest.raises(NotAllowed) as own:
        start(bruno, anna)
    assert "Hai bloccato" in own.value.message
    services.unblock_member(bruno, anna.username)
    assert start(anna, bruno).id


def test_a_block_stops_replies_in_an_existing_conversation_but_not_the_others(app):
    anna, bruno, carla = make_user(), make_user(), make_user()
    conversation = start(anna, bruno, carla)
    services.block_member(bruno, anna.username)
    with pytest.raises(NotAllowed):
        services.post_message(anna, conversation.id, body="Posso ancora scrivere?")
    with pytest.raises(NotAllowed):
        services.post_message(bruno, conversation.id, body="E io?")
    page = queries.conversation_page(anna, conversation.id)
    assert page.blocked and bruno.id in page.blocked_me
    # carla has no block with anyone: she still writes
    assert services.post_message(carla, conversation.id, body="Io scrivo ancora.").id


def test_blocking_oneself_or_someone_unknown_is_refused_and_blocking_twice_is_harmless(app):
    anna, bruno = make_user(), make_user()
    with pytest.raises(InvalidInput):
        services.block_member(anna, anna.username)
    with pytest.raises(NotFound):
        services.block_member(anna, "nessuno")
    services.block_member(anna, bruno.username)
    services.block_member(anna, "@" + bruno.username.upper())
    assert [u.id for u, _ in queries.blocked_members(anna)] == [bruno.id]


def test_replies_notify_the_others_but_never_the_author_a_blocker_or_who_left(app):
    anna, bruno, carla, dario = (make_user() for _ in range(4))
    conversation = start(anna, bruno, carla, dario)
    services.leave_conversation(dario, conversation.id)
    db.session.query(Notification).delete()
    db.session.commit()
    services.post_message(bruno, conversation.id, body="Ecco i dati del 2025.")
    # carla blocks bruno after his message: his next one cannot be sent at all
    services.block_member(carla, bruno.username)
    with pytest.raises(NotAllowed):
        services.post_message(bruno, conversation.id, body="Altro messaggio.")
    notes = db.session.scalars(select(Notification)).all()
    assert sorted(n.user_id for n in notes) == sorted([anna.id, carla.id])
    assert {n.kind for n in notes} == {"private_message"}
    assert {n.category for n in notes} == {"messages"}
    assert all(n.link.startswith(f"/messaggi/{conversation.id}#messaggio-") for n in notes)


def test_the_fan_out_skips_someone_who_blocked_the_author_in_between(app):
    from forum.conversations.notify import fan_out

    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    message = db.session.scalars(select(Message)).one()
    db.session.query(Notification).delete()
    services.block_member(bruno, anna.username)
    assert fan_out(message.id) == 0
    assert conversation.id


def test_marking_read_counts_down_never_moves_back_and_clears_the_notifications(app):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    first = db.session.scalars(select(Message)).one()
    second = services.post_message(anna, conversation.id, body="Secondo messaggio.")
    assert queries.unread_total(bruno.id) == 2
    assert services.mark_read(bruno, conversation.id, up_to=first.id) == first.id
    assert queries.unread_total(bruno.id) == 1
    assert services.mark_read(bruno, conversation.id, up_to=0) == first.id  # never back
    assert services.mark_read(bruno, conversation.id, up_to=10**9) == second.id
    assert queries.unread_total(bruno.id) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == bruno.id, Notification.read_at.is_(None))) == 0


def test_a_member_who_left_can_no_longer_read_write_or_mark(app):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    services.leave_conversation(bruno, conversation.id)
    for call in (lambda: queries.conversation_page(bruno, conversation.id),
                 lambda: services.post_message(bruno, conversation.id, body="Ci sono?"),
                 lambda: services.mark_read(bruno, conversation.id)):
        with pytest.raises(NotFound):
            call()
    assert queries.inbox(bruno) == []
    with pytest.raises(Conflict):  # nobody left to write to
        services.post_message(anna, conversation.id, body="Sei ancora qui?")


def test_outsiders_and_moderators_cannot_read_a_conversation(app):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno)
    for outsider in (make_user(), make_user("moderator"), make_user("admin")):
        with pytest.raises(NotFound):
            queries.conversation_page(outsider, conversation.id)


def test_new_members_start_few_conversations_a_day_but_reply_freely(app):
    app.config.update(PRIVILEGE_CONVERSATIONS=10, NEW_MEMBER_CONVERSATIONS_PER_DAY=2)
    newcomer = make_user()
    first = start(newcomer, make_user())
    start(newcomer, make_user())
    with pytest.raises(NotAllowed) as refused:
        start(newcomer, make_user())
    assert "al massimo 2 conversazioni al giorno" in refused.value.message
    assert services.post_message(newcomer, first.id, body="Rispondere si può.").id
    newcomer.reputation = 10
    db.session.commit()
    assert start(newcomer, make_user()).id  # enough reputation: no daily cap
    moderator = make_user("moderator")
    for _ in range(3):
        start(moderator, make_user())


def test_the_same_conversation_or_reply_sent_twice_is_kept_once(app):
    anna, bruno = make_user(), make_user()
    first = start(anna, bruno)
    assert start(anna, bruno).id == first.id
    one = services.post_message(anna, first.id, body="Doppio clic.")
    assert services.post_message(anna, first.id, body="Doppio clic.").id == one.id
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_reports_reach_the_moderators_and_each_reading_is_audited(app):
    anna, bruno = make_user(), make_user()
    conversation = start(anna, bruno, body="Un messaggio offensivo.")
    message = db.session.scalars(select(Message)).one()
    with pytest.raises(NotAllowed):
        services.report_message(anna, message.id, reason="mio")
    with pytest.raises(NotFound):
        services.report_message(make_user(), message.id, reason="non sono dentro")
    report, created = services.report_message(bruno, message.id, reason="Offensivo")
    again, created_again = services.report_message(bruno, message.id, reason="di nuovo")
    assert created and not created_again and again.id == report.id
    with pytest.raises(NotAllowed):
        services.read_reported_message(bruno, report.id)
    moderator = make_user("moderator")
    for _ in range(2):
        found = services.read_reported_message(moderator, report.id)
        assert found.message.id == message.id and found.author.id == anna.id
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "read_reported_message")).all()
    assert len(entries) == 2 and {e.actor_id for e in entries} == {moderator.id}
    assert entries[0].target_type == "message" and entries[0].target_id == message.id
    assert entries[0].details["report"] == report.id
    services.close_report(moderator, report.id, note="Avvisato l'autore")
    with pytest.raises(Conflict):
        services.close_report(moderator, report.id)
    assert db.session.get(MessageReport, report.id).status == "closed"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "close_message_report")) == 1
    with pytest.raises(NotFound):  # still no way into the conversation itself
        queries.conversation_page(moderator, conversation.id)
    with pytest.raises(NotFound):
        services.read_reported_message(moderator, report.id + 100)


def test_inbox_lists_participants_unread_counts_and_newest_first(app):
    anna, bruno, carla = make_user(), make_user(), make_user()
    older = start(anna, bruno, subject="Prima conversazione")
    newer = start(carla, anna, subject="Seconda conversazione")
    services.post_message(carla, newer.id, body="Un altro messaggio per Anna.")
    rows = queries.inbox(anna)
    assert [r.conversation.id for r in rows] == [newer.id, older.id]
    assert [r.unread for r in rows] == [2, 0]
    assert [u.id for u in rows[0].others] == [carla.id]
