"""Routing of unanswered questions, the reminder to accept an answer, and declining.

Asking a question schedules a delayed job (`schedule_routing`); the first answer by
someone else schedules the reminder (`schedule_accept_reminder`). When the job runs, or
when cron's `flask routing run` finds a question whose job was lost, the same service
does the work: `route_question` claims the question with one conditional UPDATE
(`routed_at IS NULL` and still unanswered, open and visible), so any number of runs at
once offer it once; `remind_accept` does the same with `accept_reminded_at`. The
recipients, their notifications and their e-mails are worked out before the write
transaction; the claim, the offers, the notifications and the mail jobs are one commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Table, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from forum import permissions
from forum.database import upsert_insert, write_intent
from forum.errors import NotAllowed, NotFound
from forum.extensions import db
from forum.jobs import enqueue, task
from forum.models import Notification, Question, RoutingOffer, Theme, User
from forum.models.base import utcnow
from forum.notifications.mailing import category_for, compose_immediate, store_notifications
from forum.routing import queries

ROUTE_TASK = "routing.route_question"
REMIND_TASK = "routing.remind_accept"


def _config(name: str) -> float:
    return float(current_app.config[name])


def schedule_routing(question_id: int) -> None:
    """In the asking transaction: offer the question to experts once it has waited
    UNANSWERED_ROUTING_HOURS (the job does nothing if it got an answer by then)."""
    delay = _config("UNANSWERED_ROUTING_HOURS") * 3600
    enqueue(ROUTE_TASK, question_id, key=f"routing:{question_id}", delay=delay)


def schedule_accept_reminder(question_id: int) -> None:
    """In the answering transaction: remind the asker to accept an answer once it has
    been there ACCEPT_REMINDER_DAYS (one pending job per question: later answers reuse it)."""
    delay = _config("ACCEPT_REMINDER_DAYS") * 86400
    enqueue(REMIND_TASK, question_id, key=f"accept-reminder:{question_id}", delay=delay)


def _claimed(session: Session, question_id: int, where: tuple[Any, ...],
             values: dict[str, datetime]) -> bool:
    """One conditional UPDATE of the question: True for the one run that changed it."""
    result = session.execute(update(Question).where(Question.id == question_id, *where)
                             .values(**values).execution_options(synchronize_session=False))
    return isinstance(result, CursorResult) and result.rowcount == 1


@task(ROUTE_TASK)
def route_question(question_id: int) -> list[int]:
    """Offer an unanswered question to up to ROUTING_MAX_EXPERTS members with expertise in
    its theme, once; returns who was offered it (empty: not due, answered, closed, hidden,
    already routed, or nobody to ask: then a later sweep may try again)."""
    now = utcnow()
    cutoff = now - timedelta(hours=_config("UNANSWERED_ROUTING_HOURS"))
    limit = int(_config("ROUTING_MAX_EXPERTS"))
    with Session(db.engine) as session:
        question = session.get(Question, question_id)
        if question is None or not session.scalar(
                queries.select_question_where(question_id, queries.due_for_routing(cutoff))):
            return []
        asker = session.get(User, question.author_id)
        theme = session.get_one(Theme, question.theme_id)
        candidates = queries.expert_candidates(
            session, question, asker.region_code if asker else "", limit)
        experts = [user for user, _count in candidates
                   if permissions.can_be_offered(user, question)][:limit]
        if not experts:
            return []
        offered = [user.id for user in experts]
        params = {"title": question.title, "theme": theme.name}
        notes = [Notification(
            user_id=user.id, kind="routing_offer", params=params,
            link=f"/domande/{question.id}#domanda", subject_type="question",
            subject_id=question.id, category=category_for("routing_offer", own_thread=False),
            created_at=now) for user in experts]
        outgoing = compose_immediate(session, notes)
        with write_intent(session):
            if not _claimed(session, question_id, queries.due_for_routing(cutoff),
                            {"routed_at": now}):
                session.rollback()  # another run offered it, or it changed meanwhile
                return []
            insert: Any = upsert_insert(session)
            session.execute(insert(cast(Table, RoutingOffer.__table__)).values([
                {"question_id": question_id, "user_id": user_id, "offered_at": now}
                for user_id in offered]).on_conflict_do_nothing(
                    index_elements=["question_id", "user_id"]))
            store_notifications(session, notes, outgoing)
    return offered


@task(REMIND_TASK)
def remind_accept(question_id: int) -> bool:
    """Remind the asker, once per question, to accept an answer that has been there
    ACCEPT_REMINDER_DAYS; True when the reminder was written now."""
    now = utcnow()
    answered_before = now - timedelta(days=_config("ACCEPT_REMINDER_DAYS"))
    due = queries.due_for_reminder(answered_before)
    with Session(db.engine) as session:
        question = session.get(Question, question_id)
        if question is None or not session.scalar(
                queries.select_question_where(question_id, due)):
            return False
        asker = session.get(User, question.author_id)
        if asker is None or not (permissions.is_active_member(asker)
                                 and permissions.can_accept(asker, question)):
            return False
        note = Notification(
            user_id=asker.id, kind="accept_reminder", params={"title": question.title},
            link=f"/domande/{question.id}#titolo-risposte", subject_type="question",
            subject_id=question.id, category=category_for("accept_reminder", own_thread=True),
            created_at=now)
        outgoing = compose_immediate(session, [note])
        with write_intent(session):
            if not _claimed(session, question_id, due, {"accept_reminded_at": now}):
                session.rollback()
                return False
            store_notifications(session, [note], outgoing)
    return True


@dataclass
class SweepReport:
    """What one `flask routing run` did."""

    routed: int = 0
    offers: int = 0
    reminded: int = 0


def run_routing() -> SweepReport:
    """Route every due question and send every due reminder of the last
    ROUTING_SWEEP_MAX_DAYS days (cron: safe to run twice, or on several nodes at once)."""
    now = utcnow()
    since = now - timedelta(days=_config("ROUTING_SWEEP_MAX_DAYS"))
    cutoff = now - timedelta(hours=_config("UNANSWERED_ROUTING_HOURS"))
    answered_before = now - timedelta(days=_config("ACCEPT_REMINDER_DAYS"))
    with Session(db.engine) as session:
        to_route = queries.questions_due_for_routing(session, cutoff, since)
        to_remind = queries.questions_due_for_reminder(session, answered_before, since)
    report = SweepReport()
    for question_id in to_route:
        offered = route_question(question_id)
        report.routed += bool(offered)
        report.offers += len(offered)
    for question_id in to_remind:
        report.reminded += remind_accept(question_id)
    return report


def decline_offer(user: User, question_id: int) -> RoutingOffer:
    """"Non è il mio campo": the member declines the question offered to them; the prompt
    disappears. Declining again changes nothing."""
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        offer = db.session.get(RoutingOffer, (question_id, user.id))
        if offer is None or not permissions.can_decline_offer(user, offer):
            raise NotFound(_("Questa domanda non ti è stata proposta."))
        if offer.declined_at is None:
            offer.declined_at = utcnow()
        db.session.commit()
    return offer
