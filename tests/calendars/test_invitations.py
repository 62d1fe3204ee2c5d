"""Invitations by e-mail: REQUEST with the online link for confirmed members only, no
invitation on the waiting list, the same UIDs with a raised SEQUENCE after an update,
CANCEL with the reason on cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.events.registrations import Answers, cancel_registration, register
from forum.events.services import move_event, update_event
from forum.extensions import db
from forum.mail import send_mail
from forum.models import Job
from tests.calendars.helpers import body, invitations, mails_to, vevents
from tests.events.helpers import fields, on, published_event
from tests.factories import make_user

LINK = "https://meet.example.org/officina/tariffe"


def test_confirmed_member_gets_a_request_with_the_link_and_themselves_as_attendee(app):
    event = published_event(make_user("moderator"), place_name="Sala Rossa",
                            address="Via Roma 1", municipality="Bologna")
    member = make_user(display_name="Anna Bianchi")
    register(member, event.id, Answers())
    [mail] = mails_to(member.email)
    assert "Iscrizione confermata" in mail["Subject"]
    assert LINK in body(mail)
    [(content_type, calendar)] = invitations(mail)
    assert "method=REQUEST" in content_type.replace('"', "")
    assert calendar["METHOD"] == "REQUEST"
    [vevent] = vevents(calendar)
    assert str(vevent["UID"]) == f"event-{event.id}-1@127.0.0.1"
    assert vevent["STATUS"] == "CONFIRMED" and vevent["SEQUENCE"] == event.sequence
    attendee = vevent["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{member.email}"
    assert attendee.params["CN"] == "Anna Bianchi"
    assert attendee.params["PARTSTAT"] == "ACCEPTED" and attendee.params["RSVP"] == "FALSE"
    assert str(vevent["ORGANIZER"]).startswith("mailto:")
    assert vevent["ORGANIZER"].params["CN"] == "Redazione Officina"
    assert "Sala Rossa" in str(vevent["LOCATION"]) and LINK in str(vevent["DESCRIPTION"])
    assert str(vevent["URL"]).endswith(f"/incontri/{event.slug}")
    assert vevent["DTSTART"].dt.tzinfo is not None
    assert vevent["DTSTART"].params["TZID"] == "Europe/Rome"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]


def test_online_event_link_is_the_location_of_the_confirmed_invitation(app):
    event = published_event(make_user("moderator"))
    member = make_user()
    register(member, event.id, Answers())
    [(_type, calendar)] = invitations(mails_to(member.email)[0])
    assert str(vevents(calendar)[0]["LOCATION"]) == LINK


def test_waiting_list_mail_has_no_invitation_and_no_link(app):
    event = published_event(make_user("moderator"), capacity=1)
    first, second = make_user(), make_user()
    register(first, event.id, Answers())
    register(second, event.id, Answers())
    [mail] = mails_to(second.email)
    assert "lista d'attesa" in mail["Subject"]
    assert invitations(mail) == [] and LINK not in mail.as_string()


def test_promotion_mail_carries_the_invitation(app):
    event = published_event(make_user("moderator"), capacity=1)
    first, second = make_user(), make_user()
    register(first, event.id, Answers())
    register(second, event.id, Answers())
    cancel_registration(first, event.id)
    mail = mails_to(second.email)[-1]
    assert "Si è liberato un posto" in mail["Subject"]
    [(_type, calendar)] = invitations(mail)
    [vevent] = vevents(calendar)
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and LINK in vevent["LOCATION"]


def test_update_keeps_the_uids_and_raises_the_sequence(app):
    organiser = make_user("moderator")
    event = published_event(organiser)
    member = make_user()
    register(member, event.id, Answers())
    [(_type, before)] = invitations(mails_to(member.email)[0])
    day = (event.starts_at + timedelta(days=2)).date()
    update_event(organiser, event.id, fields(sessions=(on(day, 10),)))
    mail = mails_to(member.email)[-1]
    assert "Incontro aggiornato" in mail["Subject"]
    [(_type, after)] = invitations(mail)
    old, new = vevents(before)[0], vevents(after)[0]
    assert after["METHOD"] == "REQUEST"
    assert new["UID"] == old["UID"]
    assert new["SEQUENCE"] == old["SEQUENCE"] + 1
    assert new["DTSTART"].dt.hour == 10 and new["DTSTART"].dt.date() == day


def test_cancellation_sends_cancel_with_the_reason_to_every_registrant(app):
    organiser = make_user("moderator")
    event = published_event(organiser, capacity=1)
    confirmed, waiting = make_user(), make_user()
    register(confirmed, event.id, Answers())
    register(waiting, event.id, Answers())
    [(_type, request)] = invitations(mails_to(confirmed.email)[0])
    move_event(organiser, event.id, "annullato", reason="Relatrice malata, nuova data a breve.")
    for member in (confirmed, waiting):
        mail = mails_to(member.email)[-1]
        assert "Incontro annullato" in mail["Subject"]
        assert "Relatrice malata" in body(mail)
        [(content_type, calendar)] = invitations(mail)
        assert "method=CANCEL" in content_type.replace('"', "")
        assert calendar["METHOD"] == "CANCEL"
        [vevent] = vevents(calendar)
        assert vevent["STATUS"] == "CANCELLED"
        assert vevent["UID"] == vevents(request)[0]["UID"]
        assert vevent["SEQUENCE"] == vevents(request)[0]["SEQUENCE"] + 1
        assert LINK not in mail.as_string()


def test_mail_speaks_the_member_language(app):
    event = published_event(make_user("moderator"))
    member = make_user()
    member.language = "en"
    db.session.commit()
    register(member, event.id, Answers())
    [mail] = mails_to(member.email)
    assert mail["Subject"].strip().startswith("Officina: ")
    assert invitations(mail)


def test_html_mail_escapes_the_title_and_place(app):
    event = published_event(make_user("moderator"), title="Nidi & ISEE <script>x</script>",
                            place_name="Sala <b>Rossa</b>")
    member = make_user()
    register(member, event.id, Answers())
    [mail] = mails_to(member.email)
    html = mail.get_body(("html",))
    assert html is not None
    content = html.get_content()
    assert "<script>" not in content and "&lt;script&gt;" in content
    assert "<b>Rossa" not in content
    assert "Quando (ora italiana):\n- " in body(mail)


def test_member_who_gives_up_their_place_gets_a_cancel_for_their_calendar(app):
    event = published_event(make_user("moderator"))
    member = make_user()
    register(member, event.id, Answers())
    [(_type, request)] = invitations(mails_to(member.email)[0])
    cancel_registration(member, event.id)
    mail = mails_to(member.email)[-1]
    assert "Iscrizione annullata" in mail["Subject"]
    [(content_type, calendar)] = invitations(mail)
    assert calendar["METHOD"] == "CANCEL" and "method=CANCEL" in content_type.replace('"', "")
    [vevent] = vevents(calendar)
    assert vevent["UID"] == vevents(request)[0]["UID"] and vevent["STATUS"] == "CANCELLED"
    assert LINK not in mail.as_string()


def test_mail_without_attachments_keeps_the_job_arguments_older_workers_know(app):
    plain = send_mail("a@ente.example", "Oggetto", "Testo")
    assert len(db.session.get(Job, plain).args) == 5
    with_file = send_mail("a@ente.example", "Oggetto", "Testo",
                          attachments=[("a.ics", "text/calendar; method=REQUEST", "X")])
    assert db.session.get(Job, with_file).args[5] == [["a.ics", "text/calendar; method=REQUEST",
                                                        "X"]]
    with pytest.raises(ValueError):
        send_mail("a@ente.example", "Oggetto", "Testo",
                  attachments=[("a.pdf", "application/pdf", "X")])
