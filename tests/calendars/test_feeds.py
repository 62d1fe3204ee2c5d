"""Calendar feeds: parsed back with icalendar, sessions expanded at the right Rome times
across daylight saving, drafts and restricted groups kept out, never an online link; the
personal feed's secret address and its reset."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import recurring_ical_events
from sqlalchemy import select

from forum.events.clock import ROME
from forum.events.registrations import Answers, register
from forum.events.services import SessionFields, create_event
from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import FollowTarget, Theme, User
from forum.models.base import utcnow
from forum.notifications.follows import set_level
from tests.calendars.helpers import vevents
from tests.events.helpers import fields, on, published_event
from tests.factories import make_user

LINK = "https://meet.example.org/officina/tariffe"


def parse(response) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.data)


def last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_three_session_course_expands_to_three_occurrences_at_rome_times(app, client):
    start = (utcnow() + timedelta(days=20)).date()
    days = [start, start + timedelta(days=7), start + timedelta(days=14)]
    event = published_event(make_user("moderator"), kind="formazione", sessions=tuple(
        SessionFields(d, time(9, 30), time(12, 30), f"Modulo {n}") for n, d in
        enumerate(days, start=1)))
    calendar = parse(client.get(f"/incontri/{event.slug}.ics"))
    assert calendar["METHOD"] == "PUBLISH"
    occurrences = recurring_ical_events.of(calendar).between(
        datetime.combine(start - timedelta(days=1), time(0), ROME),
        datetime.combine(start + timedelta(days=30), time(0), ROME))
    assert sorted(o["DTSTART"].dt.astimezone(ROME).replace(tzinfo=None) for o in occurrences) \
        == [datetime.combine(d, time(9, 30)) for d in days]
    assert len({str(o["UID"]) for o in occurrences}) == 3
    assert [str(v["SUMMARY"]) for v in vevents(calendar)][0].endswith("(1/3): Modulo 1")


def test_sessions_keep_rome_wall_clock_across_daylight_saving(app, client):
    year = utcnow().year + 1
    october, july = last_sunday_of_october(year), date(year, 7, 14)
    event = published_event(make_user("moderator"), sessions=(on(july, 10), on(october, 10)))
    calendar = parse(client.get(f"/incontri/{event.slug}.ics"))
    starts = sorted(v["DTSTART"].dt for v in vevents(calendar))
    assert [s.replace(tzinfo=None) for s in starts] == [datetime.combine(july, time(10)),
                                                        datetime.combine(october, time(10))]
    assert [s.utcoffset() for s in starts] == [timedelta(hours=2), timedelta(hours=1)]
    assert [s.astimezone(UTC).hour for s in starts] == [8, 9]
    assert {v["DTSTART"].params["TZID"] for v in vevents(calendar)} == {"Europe/Rome"}
    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Rome"
    occurrences = recurring_ical_events.of(calendar).between(date(year, 1, 1),
                                                              date(year + 1, 1, 1))
    assert sorted(o["DTSTART"].dt.astimezone(ROME).hour for o in occurrences) == [10, 10]


def test_public_feeds_never_show_the_online_link_nor_registrants(app, client):
    event = published_event(make_user("moderator"))
    member = make_user()
    register(member, event.id, Answers())
    theme = db.session.get(Theme, fields().theme_ids[0])
    for url in (f"/incontri/{event.slug}.ics", "/incontri/calendario.ics",
                f"/temi/{theme.slug}/incontri.ics"):
        response = client.get(url)
        calendar = parse(response)
        assert [str(v["UID"]) for v in vevents(calendar)] == [f"event-{event.id}-1@127.0.0.1"]
        assert LINK.encode() not in response.data and member.email.encode() not in \
            response.data
        assert "ATTENDEE" not in vevents(calendar)[0]
        assert response.headers["Cache-Control"].startswith("public")


def test_drafts_are_404_and_left_out_of_feeds(app, client):
    organiser = make_user("moderator")
    draft = create_event(organiser, fields(title="Bozza riservata di prova"))
    assert client.get(f"/incontri/{draft.slug}.ics").status_code == 404
    empty = client.get("/incontri/calendario.ics")
    assert b"Bozza riservata" not in empty.data
    assert vevents(parse(empty)) == [] and parse(empty)["METHOD"] == "PUBLISH"


def test_restricted_group_event_follows_who_may_see_it(app, client, login):
    organiser = make_user("moderator")
    group = create_group(organiser, GroupFields(name="Tavolo riservato calendari",
                                                kind="private"))
    event = published_event(organiser, group_id=group.id, title="Incontro del tavolo chiuso")
    assert client.get(f"/incontri/{event.slug}.ics").status_code == 404
    assert b"tavolo chiuso" not in client.get("/incontri/calendario.ics").data
    login(organiser)
    response = client.get(f"/incontri/{event.slug}.ics")
    assert parse(response) and "public" not in response.headers["Cache-Control"]


def test_theme_feed_lists_only_its_events_and_unknown_theme_is_404(app, client):
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position).limit(2)))
    organiser = make_user("moderator")
    mine = published_event(organiser, theme_ids=(themes[0].id,))
    other = published_event(organiser, title="Un altro tema di prova", theme_ids=(themes[1].id,))
    calendar = parse(client.get(f"/temi/{themes[0].slug}/incontri.ics"))
    uids = {str(v["UID"]) for v in vevents(calendar)}
    assert f"event-{mine.id}-1@127.0.0.1" in uids
    assert f"event-{other.id}-1@127.0.0.1" not in uids
    assert client.get("/temi/nessun-tema/incontri.ics").status_code == 404


def test_personal_feed_lists_registrations_and_watched_themes(app, client, login):
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position).limit(3)))
    organiser = make_user("moderator")
    registered = published_event(organiser, title="Incontro a cui sono iscritta",
                                 theme_ids=(themes[0].id,))
    watched = published_event(organiser, title="Incontro del tema seguito",
                              theme_ids=(themes[1].id,))
    other = published_event(organiser, title="Incontro di un tema estraneo",
                            theme_ids=(themes[2].id,))
    member = make_user()
    register(member, registered.id, Answers())
    set_level(member, FollowTarget.THEME, themes[1].id, "watching")
    login(member)
    assert client.get("/profilo/calendario").status_code == 200
    client.post("/profilo/calendario/rigenera")
    token = db.session.scalar(select(User.calendar_token).where(User.id == member.id))
    assert token and len(token) >= 40
    page = client.get("/profilo/calendario").text
    assert f"http://127.0.0.1:5000/calendario/{token}.ics" in page
    assert f"webcal://127.0.0.1:5000/calendario/{token}.ics" in page
    response = app.test_client().get(f"/calendario/{token}.ics")  # as a calendar app
    uids = {str(v["UID"]) for v in vevents(parse(response))}
    assert uids == {f"event-{registered.id}-1@127.0.0.1", f"event-{watched.id}-1@127.0.0.1"}
    assert f"event-{other.id}-1@127.0.0.1" not in uids
    assert LINK.encode() not in response.data
    assert "no-store" in response.headers["Cache-Control"]


def test_token_reset_invalidates_the_old_address(app, client, login):
    member = make_user()
    login(member)
    client.post("/profilo/calendario/rigenera")
    old = db.session.scalar(select(User.calendar_token).where(User.id == member.id))
    assert client.get(f"/calendario/{old}.ics").status_code == 200
    response = client.post("/profilo/calendario/rigenera", follow_redirects=True)
    assert "quello precedente non funziona più" in response.text
    db.session.expire_all()
    new = db.session.scalar(select(User.calendar_token).where(User.id == member.id))
    assert new != old
    gone = client.get(f"/calendario/{old}.ics")
    assert gone.status_code == 404 and "rigenerato" in gone.text
    assert client.get(f"/calendario/{new}.ics").status_code == 200


def test_malformed_or_unknown_token_is_a_clear_404(app, client):
    for token in ("abc", "x" * 43, "%27%3B--" + "a" * 40, "a" * 200):
        response = client.get(f"/calendario/{token}.ics")
        assert response.status_code == 404
        assert "Calendario non trovato" in response.text


def test_reset_needs_sign_in(app, client):
    response = client.post("/profilo/calendario/rigenera")
    assert response.status_code == 302 and "/accedi" in response.headers["Location"]
