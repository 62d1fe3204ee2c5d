"""/api/v1/guidelines: the list by theme and status as cursor pages, one guideline in its
last published version with sections; drafts only for whom writes them."""

from __future__ import annotations

from tests.api.resource_checks import assert_conditional, assert_problem, bearer, walk
from tests.factories import make_guideline, make_user


def test_list_shape_filters_and_drafts(client) -> None:
    editor = make_user("editor")
    published = make_guideline(editor)
    other = make_guideline(editor, themes=("disabilita",))
    draft = make_guideline(editor, published=False)
    items = client.get("/api/v1/guidelines").get_json()["items"]
    assert {g["id"] for g in items} == {published.id, other.id}
    item = next(g for g in items if g["id"] == published.id)
    assert item["version"] == 1 and item["status"] == "pubblicata"
    assert item["themes"][0]["slug"] == "servizi-educativi-0-6"
    only = client.get("/api/v1/guidelines?tema=disabilita").get_json()["items"]
    assert [g["id"] for g in only] == [other.id]
    drafts = client.get("/api/v1/guidelines?stato=bozza").get_json()["items"]
    assert drafts == []
    board = client.get("/api/v1/guidelines?stato=bozza", headers=bearer(editor)).get_json()
    assert [g["id"] for g in board["items"]] == [draft.id]
    assert_problem(client.get(f"/api/v1/guidelines/{draft.slug}"), 404)
    assert_problem(client.get(f"/api/v1/guidelines/{draft.slug}",
                              headers=bearer(make_user())), 404)
    mine = client.get(f"/api/v1/guidelines/{draft.slug}", headers=bearer(editor)).get_json()
    assert mine["shown_version"] is None


def test_one_guideline_with_its_sections(client) -> None:
    guideline = make_guideline()
    body = client.get(f"/api/v1/guidelines/{guideline.slug}").get_json()
    assert body["shown_version"] == 1
    assert [s["anchor"] for s in body["sections"]] == ["a-chi-serve", "passi",
                                                       "errori-frequenti"]
    assert 'id="passi"' in body["body_html"]
    assert body["legal_references"][0]["urn"].startswith("urn:nir:")
    assert body["has_unpublished_changes"] is False


def test_cursor_pages_have_no_duplicates_or_gaps_while_items_arrive(client) -> None:
    editor = make_user("editor")
    first = [make_guideline(editor).id for _ in range(5)]

    def more(page: int) -> None:
        if page == 1:
            make_guideline(editor)

    seen = [g["id"] for g in walk(client, "/api/v1/guidelines", between=more)]
    assert len(seen) == len(set(seen)) and set(first) <= set(seen)


def test_bad_filters_unknown_guideline_and_conditional_get(client) -> None:
    assert_problem(client.get("/api/v1/guidelines?stato=perfetta"), 422)
    assert_problem(client.get("/api/v1/guidelines?cursor=abc"), 400)
    assert_problem(client.get("/api/v1/guidelines/non-esiste"), 404)
    guideline = make_guideline()
    assert_conditional(client, "/api/v1/guidelines")
    assert_conditional(client, f"/api/v1/guidelines/{guideline.slug}")


def test_list_statements_do_not_grow_with_guidelines(client, query_counter) -> None:
    editor = make_user("editor")
    for _ in range(2):
        make_guideline(editor)

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get("/api/v1/guidelines?limit=50").status_code == 200
        return counter.count

    few = count()
    for _ in range(18):
        make_guideline(editor)
    assert count() == few
