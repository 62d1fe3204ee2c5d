"""Feedback after an event: 1 to 5 with a comment, only from who held a seat, one per
member (a second replaces the first); results for organisers; the request to rate is
sent once however often the job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.certificates.feedback import feedback_results, give_feedback, send_feedback_requests
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import EventFeedback, Notification
from forum.models.base import utcnow
from tests.certificates.helpers import ended_event
from tests.events.helpers import published_event
from tests.factories import make_user


@pytest.fixture
def organiser(app):  # type: ignore[no-untyped-def]
    """A moderator (moderators organise events)."""
    return make_user("moderator")


def _count() -> int:
    return db.session.scalar(select(func.count(EventFeedback.id))) or 0


def test_confirmed_member_rates_once_and_a_second_rating_replaces_it(
        app, client, login, organiser) -> None:
    member = make_user()
    event = ended_event(organiser, confirmed=(member,))
    login(member)
    response = client.post(f"/incontri/{event.slug}/valutazione",
                           data={"rating": "4", "comment": "Molto concreto."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#valutazione")
    response = client.post(f"/incontri/{event.slug}/valutazione", data={"rating": "2"})
    assert response.status_code == 303
    feedback = db.session.scalars(select(EventFeedback)).one()
    assert (feedback.rating, feedback.comment, feedback.user_id) == (2, "", member.id)


@pytest.mark.parametrize("rating", ["0", "6", "x", "", "4.5", "-1", "١"])
def test_rating_outside_one_to_five_is_refused(app, client, login, organiser, rating) -> None:
    member = make_user()
    event = ended_event(organiser, present=(member,))
    login(member)
    response = client.post(f"/incontri/{event.slug}/valutazione",
                           data={"rating": rating, "comment": "Il mio commento resta."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Scegli un voto da 1 a 5." in page
    assert "Il mio commento resta." in page
    assert _count() == 0
    with pytest.raises(InvalidInput):
        give_feedback(member, event.id, rating)


def test_only_members_with_a_seat_rate_after_the_end(app, client, login, organiser) -> None:
    member, stranger, waiting = make_user(), make_user(), make_user()
    event = ended_event(organiser, confirmed=(member,))
    from forum.models import Registration

    db.session.add(Registration(event_id=event.id, user_id=waiting.id, status="waiting"))
    db.session.commit()
    for who in (stranger, waiting, organiser):
        with pytest.raises(NotAllowed):
            give_feedback(who, event.id, 5)
        login(who)
        assert client.post(f"/incontri/{event.slug}/valutazione",
                           data={"rating": "5"}).status_code == 403
    upcoming = published_event(organiser)
    db.session.add(Registration(event_id=upcoming.id, user_id=member.id, status="confirmed"))
    db.session.commit()
    with pytest.raises(NotAllowed):
        give_feedback(member, upcoming.id, 5)
    assert _count() == 0


def test_organisers_see_average_distribution_and_comments(app, client, login,
                                                          organiser) -> None:
    members = [make_user() for _n in range(3)]
    event = ended_event(organiser, confirmed=tuple(members))
    for member, rating, comment in zip(members, (5, 4, 4), ("Ottimo", "", "Slide utili"),
                                       strict=True):
        give_feedback(member, event.id, rating, comment)
    results = feedback_results(organiser, event.id)
    assert (results.count, results.average) == (3, 4.3)
    assert results.distribution == {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}
    assert sorted(c.comment for c in results.comments) == ["Ottimo", "Slide utili"]
    login(organiser)
    response = client.get(f"/incontri/{event.slug}/valutazioni")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<caption>" in page and "4,3" in page and "Slide utili" in page
    login(members[0])
    assert client.get(f"/incontri/{event.slug}/valutazioni").status_code == 403


def test_feedback_requests_are_sent_once_across_runs(app, organiser) -> None:
    asked, present, cancelled = make_user(), make_user(), make_user()
    event = ended_event(organiser, confirmed=(asked,), present=(present,))
    from forum.models import Registration

    db.session.add(Registration(event_id=event.id, user_id=cancelled.id, status="cancelled"))
    old = ended_event(organiser, confirmed=(make_user(),), title="Incontro di un mese fa")
    old.starts_at, old.ends_at = utcnow() - timedelta(days=31), utcnow() - timedelta(days=30)
    db.session.commit()
    assert send_feedback_requests() == 2
    assert send_feedback_requests() == 0
    assert send_feedback_requests(utcnow() + timedelta(hours=1)) == 0
    notes = list(db.session.scalars(select(Notification).where(
        Notification.kind == "event_feedback")))
    assert sorted(n.user_id for n in notes) == sorted([asked.id, present.id])
    assert all(n.link == f"/incontri/{event.slug}#valutazione" for n in notes)
    assert all(n.params["title"] == event.title for n in notes)


def test_feedback_command_sends_the_requests(app, runner, organiser) -> None:
    ended_event(organiser, confirmed=(make_user(),))
    result = runner.invoke(args=["events", "feedback"])
    assert result.exit_code == 0, result.output
    assert "Richieste di valutazione inviate: 1." in result.output
    assert "inviate: 0." in runner.invoke(args=["events", "feedback"]).output
