"""Feedback after an event: a rating from 1 to 5 and a comment, one per member (a second
one replaces theirs); the results for organisers; and the request to rate, sent once to
whoever held a seat at an event that ended in the last two days."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from forum import permissions
from forum.database import commit_or_conflict, write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.events.access import load_event, organiser_ids, require_organiser
from forum.events.mailing import event_link
from forum.events.registrations import registration_of
from forum.extensions import db
from forum.models import (
    Event,
    EventFeedback,
    EventStatus,
    Notification,
    Registration,
    RegistrationStatus,
    User,
)
from forum.models.base import utcnow
from forum.notifications.services import notify
from forum.text import clean_text

COMMENT_MAX = 2_000
REQUEST_WINDOW = timedelta(days=2)
FEEDBACK_KIND = "event_feedback"


def _rating(raw: object) -> int:
    text = str(raw if raw is not None else "").strip()
    if text not in ("1", "2", "3", "4", "5"):
        raise InvalidInput(_("Il voto va da 1 a 5."), field_errors={
            "rating": [_("Scegli un voto da 1 a 5.")]})
    return int(text)


def _comment(raw: str) -> str:
    comment = clean_text(raw or "")
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "comment": [_("Il commento può avere al massimo %(n)d caratteri.", n=COMMENT_MAX)]})
    return comment


def give_feedback(actor: User, event_id: int, rating: object, comment: str = "") -> EventFeedback:
    """Rate an ended event the actor held a seat at (or attended); a second rating
    replaces the first. Ratings outside 1-5 are refused (422), as the database would."""
    value, text = _rating(rating), _comment(comment)
    with write_intent():
        event = load_event(event_id)
        if not permissions.can_view_event(actor, event, organiser_ids(event)):
            raise NotFound(_("Incontro non trovato."))
        if not permissions.can_give_feedback(actor, event, registration_of(actor, event)):
            raise NotAllowed(_("Valuta l'incontro dopo la sua conclusione, se eri iscritto "
                               "con posto confermato."))
        feedback = db.session.scalar(select(EventFeedback).where(
            EventFeedback.event_id == event.id, EventFeedback.user_id == actor.id))
        if feedback is None:
            feedback = EventFeedback(event_id=event.id, user_id=actor.id, rating=value,
                                     comment=text)
            db.session.add(feedback)
        else:
            feedback.rating, feedback.comment = value, text
        commit_or_conflict(_("La tua valutazione è stata appena registrata: ricarica la "
                             "pagina."))
    return feedback


@dataclass
class Results:
    """What organisers see: how many rated, the average, how many gave each mark, and
    the comments (without names: people rate more freely)."""

    event: Event
    count: int = 0
    average: float | None = None
    distribution: dict[int, int] = field(default_factory=dict)
    comments: list[EventFeedback] = field(default_factory=list)


def feedback_results(actor: User, event_id: int) -> Results:
    """The event's ratings, for its organisers only."""
    event = load_event(event_id)
    require_organiser(actor, event)
    rows = list(db.session.scalars(select(EventFeedback).where(
        EventFeedback.event_id == event.id).order_by(EventFeedback.created_at.desc(),
                                                     EventFeedback.id.desc())))
    counts = Counter(row.rating for row in rows)
    return Results(
        event=event, count=len(rows),
        average=round(sum(r.rating for r in rows) / len(rows), 1) if rows else None,
        distribution={mark: counts.get(mark, 0) for mark in range(5, 0, -1)},
        comments=[row for row in rows if row.comment])


def feedback_link(event: Event) -> str:
    """Where the request to rate points (the event's page, at the form)."""
    return f"{event_link(event)}#valutazione"


def send_feedback_requests(now: datetime | None = None) -> int:
    """Ask whoever held a confirmed seat (or was marked present) at an event that ended
    in the last two days to rate it. An existing notification of this kind with the
    event's link means "already asked": a second run sends nothing, and two runs at once
    queue on the events' row locks (SQLite: on the write lock), so the second sees the
    first's notifications. Returns how many were asked."""
    now = now or utcnow()
    sent = 0
    with write_intent():
        events = list(db.session.scalars(select(Event).where(
            Event.status.in_((EventStatus.PUBLISHED, EventStatus.ENDED)), Event.ends_at <= now,
            Event.ends_at > now - REQUEST_WINDOW).order_by(Event.id).with_for_update(of=Event)))
        for event in events:
            link = feedback_link(event)
            asked = set(db.session.scalars(select(Notification.user_id).where(
                Notification.kind == FEEDBACK_KIND, Notification.link == link)))
            members = db.session.scalars(select(Registration.user_id).where(
                Registration.event_id == event.id,
                or_(Registration.status == RegistrationStatus.CONFIRMED,
                    Registration.attended_at.is_not(None))).order_by(Registration.id))
            for user_id in members:
                if user_id in asked:
                    continue
                notify(user_id, FEEDBACK_KIND, link=link, title=event.title)
                sent += 1
        db.session.commit()
    return sent
