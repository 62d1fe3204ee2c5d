"""/api/v1/tags: the tags of public questions with their counts, by name or by use."""

from __future__ import annotations

from forum.groups.services import GroupFields, create_group
from forum.models import GroupKind
from forum.questions.services import ask_question
from tests.api.resource_checks import assert_conditional, assert_problem, walk
from tests.factories import make_question, make_user


def test_counts_by_name_and_by_use(client) -> None:
    make_question(tags="nido, tariffe")
    make_question(tags="nido")
    make_question(tags="isee")
    by_name = client.get("/api/v1/tags").get_json()
    assert by_name["items"] == [
        {"name": "isee", "question_count": 1, "url": by_name["items"][0]["url"]},
        {"name": "nido", "question_count": 2, "url": by_name["items"][1]["url"]},
        {"name": "tariffe", "question_count": 1, "url": by_name["items"][2]["url"]}]
    assert by_name["items"][1]["url"].endswith("/domande?tag=nido")
    by_use = client.get("/api/v1/tags?ordina=domande").get_json()["items"]
    assert [t["name"] for t in by_use] == ["nido", "isee", "tariffe"]
    prefixed = client.get("/api/v1/tags?prefisso=Ni").get_json()["items"]
    assert [t["name"] for t in prefixed] == ["nido"]
    assert client.get("/api/v1/tags?prefisso=%25").get_json()["items"] == []


def test_a_restricted_groups_tags_do_not_show(client) -> None:
    member = make_user()
    group = create_group(member, GroupFields(name="Tavolo riservato dei tag",
                                             kind=GroupKind.ON_REQUEST))
    ask_question(member, title="Domanda riservata del tavolo sui tag",
                 body="Testo riservato ai membri del tavolo sui tag.",
                 theme_slug="servizi-educativi-0-6", tags="segretissimo", group_id=group.id)
    assert client.get("/api/v1/tags").get_json()["items"] == []


def test_cursor_pages_have_no_duplicates_or_gaps_while_tags_arrive(client) -> None:
    for n in range(5):
        make_question(tags=f"tema{n}, comune")
    for sort in ("nome", "domande"):
        added: list[str] = []

        def more(page: int) -> None:
            if page == 1:
                added.append(f"nuovo{len(added)}{sort}")  # noqa: B023
                make_question(tags=added[-1])  # noqa: B023

        names = [t["name"] for t in walk(client, f"/api/v1/tags?ordina={sort}", between=more)]
        assert len(names) == len(set(names))
        assert {f"tema{n}" for n in range(5)} | {"comune"} <= set(names), sort


def test_bad_arguments(client) -> None:
    for query in ("ordina=caso", "limit=0", "prefisso=" + "x" * 31):
        assert_problem(client.get(f"/api/v1/tags?{query}"), 422)
    assert_problem(client.get("/api/v1/tags?ordina=domande&cursor=WyJhIl0"), 400)


def test_etag_and_if_none_match(client) -> None:
    make_question(tags="nido")
    assert_conditional(client, "/api/v1/tags")


def test_statements_do_not_grow_with_tags(client, query_counter) -> None:
    make_question(tags="a1, a2")

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get("/api/v1/tags?limit=100").status_code == 200
        return counter.count

    few = count()
    for n in range(4):
        make_question(tags=f"b{n}1, b{n}2, b{n}3, b{n}4, b{n}5")
    assert count() == few
