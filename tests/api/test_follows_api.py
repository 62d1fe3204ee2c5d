"""/api/v1/follows: the caller's follows and levels, set through the same service as the
«Segui» buttons (visibility and levels alike)."""

from __future__ import annotations

from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind
from forum.questions.services import ask_question
from tests.api.resource_checks import assert_problem, bearer
from tests.concurrency import at_once
from tests.factories import make_practice, make_question, make_user

THEME = "servizi-educativi-0-6"


def test_follow_by_slug_name_username_or_id_and_unfollow(client) -> None:
    member = make_user()
    headers = bearer(member, "write")
    other = make_user()
    question = make_question(tags="nido")
    practice = make_practice()
    for kind, key in (("theme", THEME), ("tag", "nido"), ("member", other.username),
                      ("practice", practice.slug), ("question", str(question.id))):
        response = client.put(f"/api/v1/follows/{kind}/{key}", json={}, headers=headers)
        assert response.status_code == 200, (kind, response.text)
        assert response.get_json()["level"] == "watching"
    tracked = client.put(f"/api/v1/follows/theme/{THEME}", json={"level": "tracking"},
                         headers=headers).get_json()
    assert tracked["level"] == "tracking" and tracked["url"].endswith(f"/temi/{THEME}")
    items = client.get("/api/v1/follows", headers=headers).get_json()["items"]
    assert {(i["kind"], i["level"]) for i in items} == {
        ("theme", "tracking"), ("tag", "watching"), ("member", "watching"),
        ("practice", "watching"), ("question", "watching")}
    one = client.get(f"/api/v1/follows/member/{other.id}", headers=headers).get_json()
    assert one["label"] == other.display_name and one["level"] == "watching"
    gone = client.delete("/api/v1/follows/tag/nido", headers=headers)
    assert gone.status_code == 200 and gone.get_json()["level"] == "normal"
    assert len(client.get("/api/v1/follows", headers=headers).get_json()["items"]) == 4


def test_refusals(client) -> None:
    member = make_user()
    assert_problem(client.put(f"/api/v1/follows/theme/{THEME}", json={}), 401)
    assert_problem(client.get("/api/v1/follows"), 401)
    assert_problem(client.put(f"/api/v1/follows/theme/{THEME}", json={},
                              headers=bearer(member)), 403)
    write = bearer(member, "write")
    for address in ("/api/v1/follows/planet/terra", "/api/v1/follows/theme/non-esiste",
                    "/api/v1/follows/question/999999", "/api/v1/follows/question/0",
                    "/api/v1/follows/question/99999999999999"):
        assert_problem(client.put(address, json={}, headers=write), 404)
    body = assert_problem(client.put(f"/api/v1/follows/theme/{THEME}", json={"level": "tutto"},
                                     headers=write), 422)
    assert "level" in body["errors"]


def test_a_restricted_thread_cannot_be_followed_from_outside(client) -> None:
    insider = make_user()
    group = create_group(insider, GroupFields(name="Tavolo riservato dei seguiti",
                                              kind=GroupKind.ON_REQUEST))
    hidden = ask_question(insider, title="Domanda riservata del tavolo dei seguiti",
                          body="Testo riservato ai membri del tavolo dei seguiti.",
                          theme_slug=THEME, group_id=group.id)
    outsider = bearer(make_user(), "write")
    assert_problem(client.put(f"/api/v1/follows/question/{hidden.id}", json={},
                              headers=outsider), 404)
    assert_problem(client.put(f"/api/v1/follows/group/{group.slug}", json={},
                              headers=outsider), 404)
    assert client.put(f"/api/v1/follows/group/{group.slug}", json={},
                      headers=bearer(insider, "write")).status_code == 200


def test_a_crowd_of_identical_follows_makes_one(app, client) -> None:
    member = make_user()
    headers = bearer(member, "write")
    statuses = at_once(app, lambda: app.test_client().put(
        f"/api/v1/follows/theme/{THEME}", json={}, headers=headers).status_code, 24)
    assert set(statuses) == {200}
    assert len(client.get("/api/v1/follows", headers=headers).get_json()["items"]) == 1
