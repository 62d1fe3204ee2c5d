"""The event form, the registration form and the list's query string fed the naughty-string
corpus and an XSS list: never a 5xx, never a script on the page."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from forum.extensions import db
from forum.models import Event
from tests.events.helpers import published_event
from tests.events.test_routes import _form
from tests.factories import make_user
from tests.hostile import SAMPLE

TEXT_FIELDS = ("title", "summary", "description", "organiser", "place_name", "address",
               "municipality", "sessions-0-title")
EVERY_FIELD = (*TEXT_FIELDS, "kind", "region", "contact_email", "online_url",
               "registration_url", "registration_deadline", "capacity", "co_organisers",
               "practices", "themes", "sessions-1-day", "sessions-1-start")


def test_the_event_form_takes_any_text(client, login, app):
    login(make_user("moderator"))
    codes = set()
    for n, text in enumerate(SAMPLE):
        names = EVERY_FIELD if n % 2 else TEXT_FIELDS
        response = client.post("/incontri/nuovo", data=_form(**dict.fromkeys(names, text)))
        codes.add(response.status_code)
        page = response.get_data(as_text=True)
        assert "<script>alert" not in page
        if response.status_code == 422 and n % 25 == 0:
            assert "invalid-feedback" in page
    assert codes <= {303, 422}, codes
    assert 303 in codes
    for event in db.session.scalars(select(Event)):
        page = client.get(f"/incontri/{event.slug}")
        assert page.status_code == 200, event.title
        assert "<script>alert" not in page.get_data(as_text=True)


def test_registration_and_check_in_take_any_text(client, login, app):
    event = published_event(make_user("moderator"))
    login(make_user())
    codes = set()
    for text in SAMPLE:
        response = client.post(f"/incontri/{event.slug}/iscrizione", data={
            "organisation": text, "job_title": text, "accessibility_needs": text})
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
        if response.status_code == 303:
            client.post(f"/incontri/{event.slug}/iscrizione/annulla")
        response = client.post(f"/incontri/{event.slug}/presenza", data={"code": text})
        codes.add(response.status_code)
    assert codes <= {303, 409, 422}, codes


def test_the_event_list_takes_any_query_string(client, app):
    published_event(make_user("moderator"))
    codes = set()
    for text in SAMPLE:
        value = quote(text, safe="")
        response = client.get(f"/incontri?tema={value}&tipo={value}&modalita={value}"
                              f"&regione={value}&periodo={value}")
        codes.add(response.status_code)
        assert "<script>alert" not in response.get_data(as_text=True)
        codes.add(client.get(f"/incontri/calendario?mese={value}").status_code)
        codes.add(client.get(f"/incontri/archivio?page={value}").status_code)
    assert codes <= {200, 400, 404}, codes  # 404: an archive page past the last
