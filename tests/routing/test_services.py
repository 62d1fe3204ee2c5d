"""Routing of unanswered questions and the reminder to accept: who is chosen (region first,
then accepted answers in the theme, at most five, experts only, never the asker, the muted,
accounts that may not write or members who cannot see), once however many runs race, and
nothing for questions answered, closed, locked or hidden in time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import permissions
from forum.answers.services import accept_answer
from forum.database import write_intent
from forum.extensions import db
from forum.jobs.api import run_due
from forum.mail import outbox_messages
from forum.models import FollowTarget, Job, JobStatus, Notification, Question, RoutingOffer
from forum.models.base import utcnow
from forum.moderation.services import hide_post
from forum.moderation.threads import close_question, lock_question
from forum.notifications.follows import set_level
from forum.notifications.mailing import set_deliveries
from forum.routing.services import (
    REMIND_TASK,
    ROUTE_TASK,
    decline_offer,
    remind_accept,
    route_question,
    run_routing,
)
from tests.factories import make_answer, make_question, make_user
from tests.routing.helpers import (
    OTHER_THEME,
    THEME,
    age_answers,
    age_question,
    count,
    make_expert,
    make_jobs_due,
    notes,
    offered_ids,
    theme_id,
)


def _question(asker=None, **kw):  # type: ignore[no-untyped-def]
    return make_question(asker or make_user(region_code="08"), **kw)


def _unanswered_for(hours: float = 49, **kw):  # type: ignore[no-untyped-def]
    question = _question(**kw)
    age_question(question, hours)
    return question


def _give_accepted(expert, n: int, slug: str = THEME) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        asker = make_user()
        question = make_question(asker, theme_slug=slug)
        accept_answer(asker, make_answer(question, expert).id)


def _set_reputation(user, value: int) -> None:  # type: ignore[no-untyped-def]
    with write_intent():
        user.reputation = value
        db.session.commit()


# -- the delayed job ---------------------------------------------------------------------

def test_asking_schedules_one_routing_job_for_when_the_wait_is_over(app):
    question = _question()
    db.session.commit()
    [job] = db.session.scalars(select(Job).where(Job.task == ROUTE_TASK)).all()
    assert job.status == JobStatus.PENDING and job.args == [question.id]
    assert job.key == f"routing:{question.id}"
    wait = job.run_after - utcnow()
    assert timedelta(hours=47, minutes=59) < wait <= timedelta(hours=48)


def test_the_job_offers_a_question_still_unanswered_after_48_hours(app):
    expert = make_expert()
    question = _question()
    age_question(question, 49)
    make_jobs_due(ROUTE_TASK)
    assert run_due(app) >= 1
    assert offered_ids(question) == [expert.id]
    [note] = notes("routing_offer", expert)
    assert note.link == f"/domande/{question.id}#domanda"
    assert (note.subject_type, note.subject_id) == ("question", question.id)
    assert note.category == "followed"
    assert note.params == {"title": question.title,
                           "theme": "Servizi educativi 0-6 e nidi d'infanzia"}
    db.session.refresh(question)
    assert question.routed_at is not None


def test_the_message_names_the_theme_and_asks_for_help(app):
    from forum.notifications.messages import render_message

    text = render_message("routing_offer", {"title": "Domanda", "theme": "Disabilità"})
    assert text == "Una domanda senza risposta sul tema Disabilità: puoi aiutare? «Domanda»"


def test_before_the_wait_is_over_nothing_is_offered(app):
    make_expert()
    question = _question()
    assert route_question(question.id) == []
    assert offered_ids(question) == []


# -- who is chosen -----------------------------------------------------------------------

def test_region_first_then_accepted_answers_in_the_theme_then_reputation_at_most_five(app):
    near_plain = make_expert(region="08")
    near_accepted = make_expert(region="08")
    far = {n: make_expert(region="12") for n in ("three", "two", "one_high", "one_low", "zero")}
    _give_accepted(near_accepted, 1)
    _give_accepted(far["three"], 3)
    _give_accepted(far["two"], 2)
    _give_accepted(far["one_high"], 1)
    _give_accepted(far["one_low"], 1)
    _give_accepted(far["zero"], 4, slug=OTHER_THEME)  # accepted elsewhere: not this theme
    _set_reputation(far["one_high"], 500)
    _set_reputation(far["one_low"], 10)
    _set_reputation(far["zero"], 10_000)
    question = _unanswered_for()
    assert route_question(question.id) == [
        near_accepted.id, near_plain.id, far["three"].id, far["two"].id, far["one_high"].id]
    assert len(offered_ids(question)) == 5


def test_only_active_experts_of_the_theme_who_may_see_it_and_did_not_mute_it(app):
    asker = make_expert(region="08")  # the asker's own expertise does not count
    eligible = make_expert()
    once_suspended = make_expert()
    elsewhere = make_expert(OTHER_THEME)
    theme_muter, thread_muter = make_expert(), make_expert()
    pending, rejected, suspended = make_expert(), make_expert(), make_expert()
    make_user()  # no expertise at all
    question = _unanswered_for(asker=asker)
    set_level(theme_muter, FollowTarget.THEME, theme_id(), "muted")
    set_level(thread_muter, FollowTarget.QUESTION, question.id, "muted")
    with write_intent():
        pending.status = "pending"
        rejected.status = "rejected"
        suspended.suspended_until = utcnow() + timedelta(days=3)
        once_suspended.suspended_until = utcnow() - timedelta(days=1)  # over
        db.session.commit()
    assert sorted(route_question(question.id)) == sorted([eligible.id, once_suspended.id])
    assert elsewhere.id not in offered_ids(question)


def test_members_who_cannot_see_the_question_are_never_offered_it(app):
    member, moderator = make_expert(), make_user("moderator")
    question = _unanswered_for()
    hide_post(moderator, "question", question.id, reason="Dati personali nel testo.")
    db.session.refresh(question)
    assert not permissions.can_be_offered(member, question)
    assert route_question(question.id) == []
    assert notes("routing_offer") == []


def test_the_rule_refuses_the_asker_and_accounts_that_may_not_write(app):
    asker, member, pending = make_user(), make_user(), make_user()
    pending.status = "pending"
    question = _question(asker)
    assert permissions.can_be_offered(member, question)
    assert not permissions.can_be_offered(asker, question)
    assert not permissions.can_be_offered(pending, question)
    assert not permissions.can_be_offered(None, question)


@pytest.mark.parametrize("change", ["answered", "closed", "locked", "hidden"])
def test_a_question_answered_closed_locked_or_hidden_in_time_is_not_routed(app, change):
    make_expert()
    moderator = make_user("moderator")
    question = _question()
    if change == "answered":
        make_answer(question)
    elif change == "closed":
        close_question(moderator, question.id, reason="off_topic")
    elif change == "locked":
        lock_question(moderator, question.id, reason="Toni accesi.")
    else:
        hide_post(moderator, "question", question.id, reason="Fuori luogo.")
    age_question(question, 49)
    make_jobs_due(ROUTE_TASK)
    run_due(app)
    assert offered_ids(question) == [] and notes("routing_offer") == []
    assert run_routing().routed == 0


def test_with_no_expert_yet_the_question_waits_for_a_later_sweep(app):
    question = _unanswered_for()
    assert route_question(question.id) == []
    db.session.refresh(question)
    assert question.routed_at is None
    expert = make_expert()  # declares expertise later
    report = run_routing()
    assert (report.routed, report.offers) == (1, 1)
    assert offered_ids(question) == [expert.id]


# -- once ------------------------------------------------------------------------------------

def test_running_twice_offers_once(app):
    experts = [make_expert() for _ in range(6)]
    question = _unanswered_for()
    first = route_question(question.id)
    assert len(first) == 5 and set(first) <= {e.id for e in experts}
    assert route_question(question.id) == []
    assert run_routing().routed == 0
    assert len(offered_ids(question)) == 5
    assert len(notes("routing_offer")) == 5


def test_24_concurrent_runs_offer_the_question_to_five_members_once(app):
    for _ in range(7):
        make_expert()
    question_id = _unanswered_for().id
    barrier = threading.Barrier(24)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(10)
                results.append(route_question(question_id))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(results) == 24 and sum(bool(r) for r in results) == 1
    db.session.commit()
    assert count(RoutingOffer) == 5
    assert len(notes("routing_offer")) == 5


# -- the sweep -------------------------------------------------------------------------------

def test_the_sweep_routes_questions_whose_job_was_lost(app):
    expert = make_expert()
    question = _unanswered_for(hours=60)
    with write_intent():
        db.session.query(Job).delete()  # asked before the deploy, or the job row was lost
        db.session.commit()
    report = run_routing()
    assert (report.routed, report.offers) == (1, 1)
    assert offered_ids(question) == [expert.id]


def test_the_sweep_leaves_questions_older_than_its_window_to_the_moderators(app):
    make_expert()
    question = _unanswered_for(hours=24 * 31)
    assert run_routing().routed == 0
    assert offered_ids(question) == []


# -- declining -------------------------------------------------------------------------------

def test_declining_records_when_and_again_changes_nothing(app):
    expert = make_expert()
    question = _unanswered_for()
    route_question(question.id)
    first = decline_offer(expert, question.id).declined_at
    assert first is not None
    assert decline_offer(expert, question.id).declined_at == first


def test_declining_a_question_never_offered_is_not_found(app):
    from forum.errors import NotFound

    make_expert()
    stranger = make_user()
    question = _unanswered_for()
    route_question(question.id)
    with pytest.raises(NotFound):
        decline_offer(stranger, question.id)


# -- the reminder to accept ------------------------------------------------------------------

def _answered(days: float):  # type: ignore[no-untyped-def]
    asker = make_user()
    question = make_question(asker)
    make_answer(question)
    age_answers(question, days)
    return asker, question


def test_an_answer_schedules_the_reminder_and_it_reaches_the_asker_once(app):
    asker, question = _answered(4)
    make_answer(question)  # a second answer reuses the pending job
    db.session.commit()
    jobs = db.session.scalars(select(Job).where(Job.task == REMIND_TASK)).all()
    assert [(j.key, j.status) for j in jobs] == [(f"accept-reminder:{question.id}", "pending")]
    age_answers(question, 4)
    make_jobs_due(REMIND_TASK)
    run_due(app)
    [note] = notes("accept_reminder", asker)
    assert note.link == f"/domande/{question.id}#titolo-risposte"
    assert note.category == "my_threads"
    assert remind_accept(question.id) is False
    assert run_routing().reminded == 0
    assert len(notes("accept_reminder")) == 1
    db.session.refresh(question)
    assert question.accept_reminded_at is not None


def test_no_reminder_before_the_answer_has_waited_three_days(app):
    _asker, question = _answered(2)
    assert remind_accept(question.id) is False
    assert run_routing().reminded == 0


def test_no_reminder_once_an_answer_is_accepted(app):
    asker = make_user()
    question = make_question(asker)
    accept_answer(asker, make_answer(question).id)
    age_answers(question, 5)
    assert remind_accept(question.id) is False
    assert notes("accept_reminder") == []


def test_the_asker_s_own_answer_does_not_call_for_a_reminder(app):
    asker = make_user()
    question = make_question(asker)
    make_answer(question, asker)
    age_answers(question, 5)
    db.session.commit()
    assert db.session.scalars(select(Job).where(Job.task == REMIND_TASK)).all() == []
    assert run_routing().reminded == 0


def test_the_sweep_sends_due_reminders_whose_job_was_lost(app):
    asker, question = _answered(4)
    with write_intent():
        db.session.query(Job).delete()
        db.session.commit()
    assert run_routing().reminded == 1
    assert [n.user_id for n in notes("accept_reminder")] == [asker.id]


# -- e-mail ----------------------------------------------------------------------------------

def _subjects(address: str) -> list[str]:
    return [str(m["Subject"]) for m in outbox_messages() if m["To"] == address]


def test_the_reminder_is_e_mailed_at_once_by_default(app):
    asker, question = _answered(4)
    remind_accept(question.id)
    assert any("Hai ricevuto risposte" in s and question.title[:20] in s
               for s in _subjects(asker.email))


def test_the_offer_follows_the_member_s_mail_settings(app):
    weekly, immediate = make_expert(), make_expert()
    with write_intent():
        set_deliveries(immediate, {"followed": "immediate"})
        db.session.commit()
    question = _unanswered_for()
    route_question(question.id)
    assert _subjects(weekly.email) == []  # "followed" is weekly by default: the digest
    [subject] = _subjects(immediate.email)
    assert "puoi aiutare?" in subject
    [message] = [m for m in outbox_messages() if m["To"] == immediate.email]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"/domande/{question.id}#domanda" in text


def test_by_default_the_offer_reaches_the_weekly_digest(app):
    from forum.models import Delivery
    from forum.notifications.digests import preview

    expert = make_expert()
    question = _unanswered_for()
    route_question(question.id)
    db.session.commit()  # a new snapshot: the job committed in its own session
    text = preview(expert.username, Delivery.WEEKLY)
    assert "puoi aiutare?" in text and question.title in text


def test_notifications_are_rows_the_centre_can_filter(app):
    make_expert()
    question = _unanswered_for()
    route_question(question.id)
    db.session.commit()
    assert db.session.scalar(select(Notification.subject_id).where(
        Notification.kind == "routing_offer")) == question.id
    assert db.session.get(Question, question.id).routed_at is not None


# -- the demo --------------------------------------------------------------------------------

def test_the_demo_gets_one_old_unanswered_question_only_when_it_has_none(app):
    from forum.seed.routing import UNSOLVED_TITLE, seed_unsolved

    users = {"roberto.vitale": make_user()}
    assert seed_unsolved(users) is True
    assert seed_unsolved(users) is False  # a re-run adds nothing
    db.session.commit()
    question = db.session.scalars(select(Question).where(Question.title == UNSOLVED_TITLE)).one()
    assert question.created_at < utcnow() - timedelta(days=31)
    assert question.answer_count == 0
