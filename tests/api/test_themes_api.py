"""/api/v1/themes: the /temi list with counts and a theme's map, as the caller sees it."""

from __future__ import annotations

from forum.answers.services import accept_answer
from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind
from forum.questions.services import ask_question
from tests.api.resource_checks import assert_conditional, assert_problem, bearer
from tests.factories import make_answer, make_practice, make_question, make_user

THEME = "servizi-educativi-0-6"


def _restricted_question(member):  # type: ignore[no-untyped-def]
    group = create_group(member, GroupFields(name="Tavolo riservato dei temi",
                                             kind=GroupKind.ON_REQUEST))
    return ask_question(member, title="Domanda riservata del tavolo sui temi",
                        body="Testo riservato ai membri del tavolo sui temi.",
                        theme_slug=THEME, tags="riservato", group_id=group.id)


def test_list_has_every_open_theme_with_public_counts(client) -> None:
    asker = make_user()
    question = make_question(asker, theme_slug=THEME)
    accept_answer(asker, make_answer(question).id)
    make_question(theme_slug=THEME)
    _restricted_question(make_user())
    items = client.get("/api/v1/themes").get_json()["items"]
    assert len(items) == 12
    first = next(i for i in items if i["slug"] == THEME)
    assert (first["question_count"], first["solved_count"]) == (2, 1)
    assert first["url"].endswith(f"/temi/{THEME}")


def test_theme_map_shows_restricted_threads_only_to_the_group(client) -> None:
    member = make_user()
    hidden = _restricted_question(member)
    public = make_question(theme_slug=THEME)
    make_practice(themes=[THEME])
    body = client.get(f"/api/v1/themes/{THEME}").get_json()
    unanswered = [q["id"] for q in body["unanswered_questions"]]
    assert public.id in unanswered and hidden.id not in unanswered
    assert len(body["practices"]) == 1
    mine = client.get(f"/api/v1/themes/{THEME}", headers=bearer(member)).get_json()
    assert hidden.id in [q["id"] for q in mine["unanswered_questions"]]


def test_unknown_theme_is_a_404_problem(client) -> None:
    assert_problem(client.get("/api/v1/themes/non-esiste"), 404)


def test_etag_and_if_none_match(client) -> None:
    assert_conditional(client, "/api/v1/themes")
    assert_conditional(client, f"/api/v1/themes/{THEME}")


def test_theme_map_statements_do_not_grow_with_items(client, query_counter) -> None:
    for _ in range(2):
        make_question(theme_slug=THEME)

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get(f"/api/v1/themes/{THEME}").status_code == 200
        return counter.count

    few = count()
    for _ in range(8):
        make_question(theme_slug=THEME)
    assert count() == few
