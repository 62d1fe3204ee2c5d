"""The naughty-string corpus (plus Markdown XSS) in every parameter of the catalogue
resources: filters, cursors, slugs, usernames, follow targets and registration answers.
Never a 5xx; a refusal is a problem document. Each string goes to one parameter in turn
(every parameter meets the whole corpus's variety in a tenth of the requests)."""

from __future__ import annotations

from urllib.parse import quote

from forum.text import clean_line
from tests.api.resource_checks import bearer
from tests.events.helpers import published_event
from tests.factories import make_practice, make_question, make_user
from tests.hostile import SAMPLE

LISTS = ("/api/v1/practices?tema={0}&ordina={0}", "/api/v1/practices?anno={0}",
         "/api/v1/practice-facets?regione={0}", "/api/v1/tags?prefisso={0}",
         "/api/v1/tags?ordina=domande&cursor={0}", "/api/v1/events?tema={0}&quando={0}",
         "/api/v1/guidelines?tema={0}&cursor={0}", "/api/v1/announcements?stato={0}",
         "/api/v1/practices?cursor={0}", "/api/v1/events?cursor={0}")
ITEMS = ("/api/v1/practices/{0}", "/api/v1/themes/{0}", "/api/v1/events/{0}",
         "/api/v1/guidelines/{0}", "/api/v1/announcements/{0}", "/api/v1/members/{0}")


def _checked(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


def test_hostile_filters_and_cursors_never_fail(client) -> None:
    make_practice()
    make_question()
    for n, text in enumerate(SAMPLE):
        _checked(client.get(LISTS[n % len(LISTS)].format(quote(text, safe=""))))


def test_hostile_addresses_never_fail(client) -> None:
    headers = bearer(make_user())
    addresses = (*ITEMS, "/api/v1/follows/tag/{0}", "/api/v1/follows/{0}/{0}")
    for n, text in enumerate(SAMPLE):
        _checked(client.get(addresses[n % len(addresses)].format(quote(text, safe="")),
                            headers=headers if n % 2 else {}))


def test_hostile_follow_targets_and_registration_answers(client) -> None:
    member = make_user()
    write = bearer(member, "write")
    make_question(tags="nido")
    event = published_event(make_user("moderator"))
    address = f"/api/v1/events/{event.slug}/registration"
    for n, text in enumerate(SAMPLE):
        if n % 3 == 0:
            _checked(client.put(f"/api/v1/follows/theme/{quote(text, safe='')}", json={},
                                headers=write))
            continue
        if n % 9 != 2:  # a registration (and its mail) costs ten times a follow
            _checked(client.put("/api/v1/follows/tag/nido", json={"level": text},
                                headers=write))
            continue
        response = client.put(address, json={"job_title": text, "organisation": text,
                                             "accessibility_needs": text}, headers=write)
        _checked(response)
        if response.status_code == 200:
            assert response.get_json()["job_title"] == clean_line(text)[:120]
            _checked(client.delete(address, headers=write))
