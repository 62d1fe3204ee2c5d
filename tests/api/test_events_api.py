"""/api/v1/events: upcoming and past events as cursor pages, one event as the caller may
see it, and registering or cancelling through the events service."""

from __future__ import annotations

from datetime import timedelta

from forum.events.services import create_event
from forum.extensions import db
from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind
from forum.models.base import utcnow
from tests.api.resource_checks import assert_conditional, assert_problem, bearer, walk
from tests.certificates.helpers import ended_event
from tests.concurrency import at_once
from tests.events.helpers import fields, published_event
from tests.factories import make_user

REG = "/api/v1/events/{}/registration"


def _organiser():  # type: ignore[no-untyped-def]
    return make_user("moderator")


def _in_days(days: int):  # type: ignore[no-untyped-def]
    from tests.events.helpers import on

    return (on((utcnow() + timedelta(days=days)).date(), 10),)


def test_upcoming_and_past_lists_with_filters(client) -> None:
    organiser = _organiser()
    webinar = published_event(organiser)
    seminar = published_event(organiser, kind="seminario", online_url="",
                              place_name="Sala consiliare", address="Via Roma 1",
                              municipality="Bologna", region="08")
    create_event(organiser, fields(title="Incontro in bozza di prova"))
    past = ended_event(organiser)
    body = client.get("/api/v1/events").get_json()
    assert [e["id"] for e in body["items"]] == [webinar.id, seminar.id]  # same start: by id
    item = next(e for e in body["items"] if e["id"] == seminar.id)
    assert item["mode"] == "in-presenza" and item["status"] == "pubblicato"
    assert item["sessions"][0]["starts_at"].endswith("+00:00")
    assert "online_url" not in item
    for query, expected in (("tipo=seminario", [seminar.id]), ("modalita=online", [webinar.id]),
                            ("regione=08", [seminar.id])):
        found = client.get(f"/api/v1/events?{query}").get_json()["items"]
        assert [e["id"] for e in found] == expected, query
    ended = client.get("/api/v1/events?quando=conclusi").get_json()["items"]
    assert [e["id"] for e in ended] == [past.id] and ended[0]["status"] == "concluso"


def test_draft_and_restricted_group_events_only_for_who_may_see_them(client) -> None:
    organiser = _organiser()
    draft = create_event(organiser, fields(title="Incontro in bozza riservato"))
    assert_problem(client.get(f"/api/v1/events/{draft.slug}"), 404)
    assert client.get(f"/api/v1/events/{draft.slug}",
                      headers=bearer(organiser)).get_json()["status"] == "bozza"
    facilitator = make_user()
    facilitator.is_organiser = True
    db.session.commit()
    group = create_group(facilitator, GroupFields(name="Tavolo riservato degli incontri",
                                                  kind=GroupKind.ON_REQUEST))
    event = published_event(facilitator, title="Incontro riservato del tavolo",
                            group_id=group.id)
    assert client.get("/api/v1/events").get_json()["items"] == []
    assert_problem(client.get(f"/api/v1/events/{event.slug}", headers=bearer(make_user())),
                   404)
    mine = client.get("/api/v1/events", headers=bearer(facilitator)).get_json()["items"]
    assert [e["id"] for e in mine] == [event.id]
    assert mine[0]["group"]["slug"] == group.slug


def test_cursor_pages_have_no_duplicates_or_gaps_while_events_arrive(client) -> None:
    organiser = _organiser()
    first = [published_event(organiser, title=f"Incontro numero {n}",
                             sessions=_in_days(3 + n)).id for n in range(5)]

    def more(page: int) -> None:
        if page == 1:
            published_event(organiser, title="Incontro aggiunto", sessions=_in_days(2))

    seen = [e["id"] for e in walk(client, "/api/v1/events", between=more)]
    assert len(seen) == len(set(seen)) and set(first) <= set(seen)
    assert seen[:5] == first  # soonest first
    for _ in range(3):
        ended_event(organiser)
    past = [e["id"] for e in walk(client, "/api/v1/events?quando=conclusi")]
    assert len(past) == 3 == len(set(past))


def test_register_read_and_cancel_with_a_write_token(client) -> None:
    event = published_event(_organiser())
    member = make_user()
    headers = bearer(member, "write")
    response = client.put(REG.format(event.slug), json={"job_title": "Funzionaria"},
                          headers=headers)
    assert response.status_code == 200, response.text
    assert response.get_json()["status"] == "confirmed"
    assert response.get_json()["job_title"] == "Funzionaria"
    again = client.put(REG.format(event.slug), json={}, headers=headers)
    assert again.get_json()["created_at"] == response.get_json()["created_at"]
    detail = client.get(f"/api/v1/events/{event.slug}", headers=headers).get_json()
    assert detail["my_registration"]["status"] == "confirmed"
    assert detail["online_url"] == "https://meet.example.org/officina/tariffe"
    assert client.get(f"/api/v1/events/{event.slug}").get_json()["online_url"] is None
    assert client.get(REG.format(event.slug), headers=headers).get_json()["status"] == \
        "confirmed"
    cancelled = client.delete(REG.format(event.slug), headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert_problem(client.delete(REG.format(event.slug), headers=headers), 409)


def test_capacity_and_waiting_list_apply(client) -> None:
    event = published_event(_organiser(), capacity=1)
    first, second = make_user(), make_user()
    assert client.put(REG.format(event.slug), json={},
                      headers=bearer(first, "write")).get_json()["status"] == "confirmed"
    waiting = client.put(REG.format(event.slug), json={}, headers=bearer(second, "write"))
    assert waiting.get_json()["status"] == "waiting"
    assert waiting.get_json()["waiting_position"] == 1
    client.delete(REG.format(event.slug), headers=bearer(first, "write"))
    promoted = client.get(REG.format(event.slug), headers=bearer(second)).get_json()
    assert promoted["status"] == "confirmed"
    full = published_event(_organiser(), capacity=1, waiting_list=False)
    client.put(REG.format(full.slug), json={}, headers=bearer(first, "write"))
    body = assert_problem(client.put(REG.format(full.slug), json={},
                                     headers=bearer(second, "write")), 409)
    assert "esauriti" in body["detail"]


def test_refusals(client) -> None:
    event = published_event(_organiser())
    member = make_user()
    assert_problem(client.put(REG.format(event.slug), json={}, headers=bearer(member)), 403)
    assert_problem(client.put(REG.format(event.slug), json={}), 401)
    assert_problem(client.get(REG.format(event.slug)), 401)
    assert_problem(client.get(REG.format(event.slug), headers=bearer(member)), 404)
    assert_problem(client.put(REG.format("non-esiste"), json={},
                              headers=bearer(member, "write")), 404)
    body = assert_problem(client.put(REG.format(event.slug), json={"job_title": "x" * 121},
                                     headers=bearer(member, "write")), 422)
    assert "job_title" in body["errors"]
    past = ended_event(_organiser())
    assert_problem(client.put(REG.format(past.slug), json={},
                              headers=bearer(member, "write")), 409)


def test_bad_filters_unknown_event_and_conditional_get(client) -> None:
    for query in ("quando=ieri", "tipo=festa", "modalita=telepatia", "regione=99",
                  "periodo=anno", "limit=500"):
        assert_problem(client.get(f"/api/v1/events?{query}"), 422)
    assert_problem(client.get("/api/v1/events?cursor=WyJ4IiwxXQ"), 400)
    assert_problem(client.get("/api/v1/events/non-esiste"), 404)
    event = published_event(_organiser())
    assert_conditional(client, "/api/v1/events")
    assert_conditional(client, f"/api/v1/events/{event.slug}")


def test_list_statements_do_not_grow_with_events(client, query_counter) -> None:
    organiser = _organiser()
    for _ in range(2):
        published_event(organiser)

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get("/api/v1/events?limit=50").status_code == 200
        return counter.count

    few = count()
    for _ in range(18):
        published_event(organiser)
    assert count() == few


def test_a_crowd_registering_fills_the_seats_once(app, client) -> None:
    from forum.models import Event

    event = published_event(_organiser(), capacity=5)
    double = bearer(make_user(), "write")
    crowd = [bearer(make_user(), "write") for _ in range(11)] + [double] * 13
    queue, address, event_id = list(crowd), REG.format(event.slug), event.id

    def put() -> int:
        headers = queue.pop()
        return app.test_client().put(address, json={},
                                     headers=headers).status_code

    assert set(at_once(app, put, len(crowd))) == {200}
    db.session.commit()  # a fresh snapshot: the threads wrote after this session's last read
    stored = db.session.get(Event, event_id)
    assert (stored.confirmed_count, stored.waiting_count) == (5, 7)
