"""The drafts endpoints the forms' script uses: JSON in and out, signed-in members only,
CSRF-checked, bad input a 4xx; the ask and answer forms carry the draft hooks."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Draft
from tests.factories import make_question, make_user
from tests.hostile import SAMPLE

JSON = {"Accept": "application/json"}


def test_save_read_replace_and_discard_a_draft(client, login, app):
    login(make_user())
    assert client.get("/bozze/ask", headers=JSON).get_json() == {"draft": None}
    saved = client.put("/bozze/ask", json={"title": "Titolo in corso", "body": "Testo",
                                           "tags": "nido"}, headers=JSON)
    assert saved.status_code == 200 and saved.get_json()["draft"]["title"] == "Titolo in corso"
    client.post("/bozze/ask", data={"body": "Testo corretto"}, headers=JSON)
    draft = client.get("/bozze/ask", headers=JSON).get_json()["draft"]
    assert draft["body"] == "Testo corretto" and draft["title"] == ""
    assert draft["updated_at"].endswith("Z")
    assert client.post("/bozze/ask/scarta", headers=JSON).get_json() == {"draft": None}
    assert client.get("/bozze/ask", headers=JSON).get_json() == {"draft": None}


def test_answer_drafts_are_per_question(client, login, app):
    question = make_question()
    login(make_user())
    url = f"/bozze/answer?domanda={question.id}"
    client.put(url, data={"body": "Risposta in corso"}, headers=JSON)
    assert client.get(url, headers=JSON).get_json()["draft"]["question_id"] == question.id
    assert client.get("/bozze/answer?domanda=0", headers=JSON).get_json() == {"draft": None}
    assert client.put("/bozze/answer?domanda=abc", data={"body": "x"},
                      headers=JSON).status_code == 404
    discard = f"/bozze/answer/scarta?domanda={question.id}"
    assert client.post(discard, headers=JSON).status_code == 200
    assert db.session.query(Draft).count() == 0


def test_visitors_unknown_kinds_and_oversized_drafts_are_refused(client, login, app):
    assert client.get("/bozze/ask", headers=JSON).get_json() == {"draft": None}
    assert client.put("/bozze/ask", data={"body": "x"}, headers=JSON).status_code == 302
    login(make_user())
    assert client.get("/bozze/commento", headers=JSON).status_code == 404
    too_long = client.put("/bozze/ask", data={"body": "x" * 30_001}, headers=JSON)
    assert too_long.status_code == 422 and "troppo lunga" in too_long.get_json()["error"]
    assert client.put("/bozze/ask", json=["not", "an", "object"], headers=JSON
                      ).status_code == 200  # nothing to keep: no draft
    assert client.put("/bozze/ask", json={"body": 12}, headers=JSON).get_json() == {
        "draft": None}


def test_a_save_without_the_csrf_token_is_refused(client, login, app):
    login(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.put("/bozze/ask", data={"body": "Testo"}, headers=JSON)
    assert response.status_code == 400
    assert db.session.query(Draft).count() == 0


def test_hostile_text_is_kept_or_refused_never_a_server_error(client, login, app):
    login(make_user())
    for text in SAMPLE:
        response = client.put("/bozze/ask", data={"title": text[:150], "body": text,
                                                  "tags": text[:200]}, headers=JSON)
        assert response.status_code in (200, 422), (text, response.status_code)


def test_the_ask_and_answer_forms_carry_the_draft_hooks(client, login, app):
    question = make_question()
    login(make_user())
    ask = client.get("/domande/nuova").get_data(as_text=True)
    assert 'data-draft="ask"' in ask and "data-draft-offer" in ask
    assert 'enctype="multipart/form-data"' in ask
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert 'data-draft="answer"' in page and f"/bozze/answer?domanda={question.id}" in page


class TestDraftLimit:
    @pytest.fixture
    def app_overrides(self) -> dict:
        """Limits on, three draft writes a minute."""
        return {"RATELIMIT_ENABLED": True, "DRAFT_LIMIT": "3 per minute"}

    def test_saving_drafts_is_rate_limited_per_member_and_the_last_draft_is_kept(
            self, client, login, app):
        from forum.extensions import limiter

        limiter.reset()
        login(make_user())
        codes = [client.put("/bozze/ask", json={"body": f"Testo {n}"}, headers=JSON).status_code
                 for n in range(4)]
        codes.append(client.post("/bozze/ask/scarta", headers=JSON).status_code)
        assert codes == [200, 200, 200, 429, 429]
        assert client.get("/bozze/ask", headers=JSON).get_json()["draft"]["body"] == "Testo 2"
        login(make_user())  # another member has a bucket of their own
        assert client.put("/bozze/ask", json={"body": "Altro"}, headers=JSON).status_code == 200
        limiter.reset()
