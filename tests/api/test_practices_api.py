"""/api/v1/practices: the list page's filters as cursor pages, facet counts, one record
with attachments and citing threads; drafts only for whom may see them."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from forum.practices.attachments import add_attachment
from tests.api.resource_checks import assert_conditional, assert_problem, bearer, walk
from tests.factories import make_answer, make_practice, make_question, make_user
from tests.practices.test_uploads import pdf


def test_list_shape_and_filters(client) -> None:
    author = make_user()
    lazio = make_practice(author, region_code="12", themes=["disabilita"])
    make_practice(author, region_code="08")
    make_practice(author, status="bozza", title="Bozza riservata di prova")
    body = client.get("/api/v1/practices").get_json()
    assert len(body["items"]) == 2 and body["next_cursor"] is None
    item = next(i for i in body["items"] if i["id"] == lazio.id)
    assert item["slug"] == lazio.slug and item["themes"] == ["disabilita"]
    assert item["url"].endswith(f"/buone-pratiche/{lazio.slug}")
    assert item["status"] == "pubblicata" and item["published_at"].endswith("+00:00")
    only = client.get("/api/v1/practices?regione=12").get_json()["items"]
    assert [i["id"] for i in only] == [lazio.id]
    both = client.get("/api/v1/practices?regione=12&regione=08").get_json()["items"]
    assert len(both) == 2
    assert client.get("/api/v1/practices?tema=disabilita&regione=08").get_json()["items"] == []
    assert client.get("/api/v1/practices?anno=2021").get_json()["items"]


def test_facet_counts_as_on_the_list_page(client) -> None:
    author = make_user()
    make_practice(author, region_code="12")
    make_practice(author, region_code="08")
    counts = client.get("/api/v1/practice-facets?regione=12").get_json()["counts"]
    assert counts["regione"] == {"12": 1, "08": 1}  # a facet counts without its own filter
    assert counts["fase"] == {"a-regime": 1}


def test_cursor_pages_have_no_duplicates_or_gaps_while_items_arrive(client) -> None:
    author = make_user()
    first = [make_practice(author).id for _ in range(5)]
    for sort in ("recenti", "titolo", "evidenza"):
        added: list[int] = []

        def more(page: int) -> None:
            if page == 1:
                added.append(make_practice(author).id)  # noqa: B023

        seen = [i["id"] for i in walk(client, f"/api/v1/practices?ordina={sort}", between=more)]
        assert len(seen) == len(set(seen))
        assert set(first) <= set(seen), sort
        first.extend(added)


def test_draft_is_absent_for_anonymous_and_present_for_its_author(client) -> None:
    author = make_user()
    draft = make_practice(author, status="bozza")
    assert_problem(client.get(f"/api/v1/practices/{draft.slug}"), 404)
    assert_problem(client.get(f"/api/v1/practices/{draft.slug}", headers=bearer(make_user())),
                   404)
    mine = client.get(f"/api/v1/practices/{draft.slug}", headers=bearer(author))
    assert mine.status_code == 200 and mine.get_json()["status"] == "bozza"


def test_record_with_attachments_and_citing_threads(client) -> None:
    author = make_user()
    practice = make_practice(author)
    add_attachment(make_user("moderator"), practice.id,
                   FileStorage(io.BytesIO(pdf()), filename="delibera.pdf"), "Delibera")
    question = make_question()
    make_answer(question, body=f"Vedi /buone-pratiche/{practice.slug} per i dettagli.")
    response = client.get(f"/api/v1/practices/{practice.slug}")
    body = response.get_json()
    assert response.status_code == 200
    assert body["description_html"].startswith("<p>")
    assert body["contacts"][0]["name"] == "Anna Verdi"
    [attachment] = body["attachments"]
    assert attachment["mime"] == "application/pdf" and attachment["size_bytes"] > 0
    download = client.get(attachment["url"])
    assert download.status_code == 200
    download.close()
    assert [q["id"] for q in body["citing_questions"]] == [question.id]
    assert body["created_by"]["username"] == author.username


def test_unknown_practice_is_a_404_problem(client) -> None:
    body = assert_problem(client.get("/api/v1/practices/non-esiste"), 404)
    assert body["instance"] == "/api/v1/practices/non-esiste"


def test_bad_filters_are_422_and_bad_cursor_400(client) -> None:
    for query in ("regione=99", "ordina=caso", "anno=duemila", "limit=0", "limit=101",
                  "evidenza=ottima", "tema=" + "x" * 81):
        assert_problem(client.get(f"/api/v1/practices?{query}"), 422)
    assert_problem(client.get("/api/v1/practices?cursor=%%%"), 400)
    assert_problem(client.get("/api/v1/practices?ordina=titolo&cursor=WzEsMl0"), 400)


def test_etag_and_if_none_match(client) -> None:
    practice = make_practice()
    assert_conditional(client, "/api/v1/practices")
    assert_conditional(client, f"/api/v1/practices/{practice.slug}")


def test_list_statements_do_not_grow_with_items(client, query_counter) -> None:
    author = make_user()
    for _ in range(2):
        make_practice(author)

    def count() -> int:
        with query_counter.counting() as counter:
            assert client.get("/api/v1/practices?limit=50").status_code == 200
        return counter.count

    few = count()
    for _ in range(18):
        make_practice(author)
    assert count() == few
