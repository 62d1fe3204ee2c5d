"""Digests: what waits for the day or the week goes out once per period, even if the
sender runs twice or dies between two members; weekly digests add the watched themes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from forum.answers.services import accept_answer
from forum.extensions import db
from forum.mail import outbox_messages
from forum.models import Delivery, DigestSent, FollowTarget, Theme
from forum.models.base import utcnow
from forum.notifications import digests
from forum.notifications.follows import set_level
from forum.notifications.mailing import Outgoing, set_deliveries
from tests.factories import make_answer, make_question, make_user

NEXT_WEEK = timedelta(days=7)  # the last complete week, seen from next week, is this one


def weekly_for_my_threads(user) -> None:  # type: ignore[no-untyped-def]
    from forum.database import write_intent

    with write_intent():
        set_deliveries(user, {"my_threads": "weekly"})
        db.session.commit()


def mails_to(address: str) -> list:
    return [m for m in outbox_messages() if m["To"] == address]


def test_waiting_notifications_go_out_once_in_the_weekly_digest(app, runner):
    asker = make_user()
    weekly_for_my_threads(asker)
    question = make_question(asker, title="Quale regolamento per il centro estivo?")
    make_answer(question, make_user(display_name="Chiara Lombardo"))
    assert mails_to(asker.email) == []  # not at once: the member chose weekly
    now = utcnow() + NEXT_WEEK
    assert digests.send_digests(Delivery.WEEKLY, now) == (1, 0)
    assert digests.send_digests(Delivery.WEEKLY, now) == (0, 1)  # cron ran twice
    [message] = mails_to(asker.email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Chiara Lombardo ha risposto a «Quale regolamento per il centro estivo?»" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(preferencelist=("html",)) is not None


def test_a_crash_between_two_members_sends_each_digest_exactly_once(app, monkeypatch):
    first, second = make_user(), make_user()
    for member in (first, second):
        weekly_for_my_threads(member)
        make_answer(make_question(member))
    real_queue = Outgoing.queue
    calls = {"n": 0}

    def dies_on_the_second(self, session=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("il processo muore qui")
        real_queue(self, session)

    monkeypatch.setattr(Outgoing, "queue", dies_on_the_second)
    now = utcnow() + NEXT_WEEK
    with pytest.raises(RuntimeError):
        digests.send_digests(Delivery.WEEKLY, now)
    monkeypatch.setattr(Outgoing, "queue", real_queue)
    assert digests.send_digests(Delivery.WEEKLY, now) == (1, 1)
    assert len(mails_to(first.email)) == 1 and len(mails_to(second.email)) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 2


def test_the_weekly_digest_lists_solved_and_unanswered_threads_of_watched_themes(app):
    watcher, asker = make_user(), make_user()
    theme = db.session.scalar(select(Theme).where(Theme.slug == "servizi-educativi-0-6"))
    set_level(watcher, FollowTarget.THEME, theme.id, "watching")
    solved = make_question(asker, title="Come ridurre le rette del nido con il bonus?")
    accept_answer(asker, make_answer(solved).id)
    waiting = make_question(asker, title="Chi ha un modello di convenzione con i nidi privati?")
    waiting.created_at = utcnow() - timedelta(days=3)  # unanswered for more than two days
    db.session.commit()
    now = utcnow() + NEXT_WEEK
    window = digests.last_complete(Delivery.WEEKLY, now)
    digest = digests.build(db.session.get_one(type(watcher), watcher.id), window)
    [section] = digest.themes
    assert [q["text"] for q in section["solved"]] == [
        "Come ridurre le rette del nido con il bonus?"]
    assert "Chi ha un modello di convenzione con i nidi privati?" in [
        q["text"] for q in section["unanswered"]]
    assert digests.send_digests(Delivery.WEEKLY, now)[0] >= 1
    text = mails_to(watcher.email)[0].get_body(preferencelist=("plain",)).get_content()
    assert "Domande ancora senza risposta" in text


def test_weeks_and_days_are_italian_ones_across_the_dst_change():
    # Sunday 25 October 2026 the clocks go back: that week ends at 23:00 UTC, not 22:00.
    week = digests.last_complete(Delivery.WEEKLY, datetime(2026, 10, 26, 8, 0))
    assert (week.key, week.start, week.end) == (
        "2026-W43", datetime(2026, 10, 18, 22, 0), datetime(2026, 10, 25, 23, 0))
    day = digests.last_complete(Delivery.DAILY, datetime(2026, 3, 30, 6, 0))
    assert (day.key, day.start, day.end) == (
        "2026-03-29", datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 22, 0))


def test_preview_command_prints_a_digest_without_sending_it(app, runner):
    asker = make_user()
    weekly_for_my_threads(asker)
    make_answer(make_question(asker, title="Domanda per l'anteprima del riepilogo?"),
                make_user(display_name="Paolo Benedetti"))
    result = runner.invoke(args=["digests", "preview", asker.username])
    assert result.exit_code == 0, result.output
    assert "Paolo Benedetti ha risposto a «Domanda per l'anteprima del riepilogo?»" in (
        result.output)
    assert mails_to(asker.email) == []
    unknown = runner.invoke(args=["digests", "preview", "nessuno.cosi"])
    assert unknown.exit_code != 0 and "Utente sconosciuto" in unknown.output
    sent = runner.invoke(args=["digests", "send", "--period", "daily"])
    assert sent.exit_code == 0 and "Riepiloghi inviati" in sent.output


def test_the_weekly_digest_adds_new_questions_practices_and_questions_for_my_expertise(app):
    from forum.models import Expertise
    from tests.factories import make_practice

    watcher = make_user(region_code="09")
    theme = db.session.scalar(select(Theme).where(Theme.slug == "servizi-educativi-0-6"))
    other = db.session.scalar(select(Theme).where(Theme.slug == "affido-adozione"))
    set_level(watcher, FollowTarget.THEME, theme.id, "watching")
    db.session.add(Expertise(user_id=watcher.id, theme_id=other.id))
    db.session.commit()
    make_question(make_user(), title="Come si calcola la retta del nido per i fratelli?")
    make_practice(make_user(), title="Nido diffuso nelle frazioni di montagna",
                  themes="servizi-educativi-0-6")
    far = make_question(make_user(region_code="19"), theme_slug="affido-adozione",
                        title="Chi ha un regolamento per l'affido diurno in Sicilia?")
    near = make_question(make_user(region_code="09"), theme_slug="affido-adozione",
                         title="Chi ha un regolamento per l'affido diurno in Toscana?")
    for question in (far, near):
        question.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    window = digests.last_complete(Delivery.WEEKLY, utcnow() + NEXT_WEEK)
    digest = digests.build(db.session.get_one(type(watcher), watcher.id), window)
    sections = {s["name"]: s for s in digest.themes}
    watched, expertise = sections[theme.name], sections[other.name]
    assert [q["text"] for q in watched["new"]] == [
        "Come si calcola la retta del nido per i fratelli?"]
    assert [p["text"] for p in watched["practices"]] == ["Nido diffuso nelle frazioni di montagna"]
    assert watched["practices"][0]["link"].endswith(
        "/buone-pratiche/nido-diffuso-nelle-frazioni-di-montagna")
    # Not watched, but in the member's expertise: only questions they could answer, their
    # own region first.
    assert expertise["new"] == [] and expertise["practices"] == []
    assert [q["text"] for q in expertise["unanswered"]] == [
        "Chi ha un regolamento per l'affido diurno in Toscana?",
        "Chi ha un regolamento per l'affido diurno in Sicilia?"]
