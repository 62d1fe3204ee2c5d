"""GET /menzioni/suggerimenti: the members the editor offers after "@" (by username or by
a word of the name, active members only, eight at most, wildcards taken literally)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from forum.extensions import db
from forum.models.base import utcnow
from forum.moderation.services import hide_post
from forum.notifications.queries import MENTION_QUERY_MAX, mention_candidates
from tests.factories import make_answer, make_comment, make_question, make_user
from tests.hostile import SAMPLE

JSON = {"Accept": "application/json"}
URL = "/menzioni/suggerimenti"


def names(client, q: str, **params: object) -> list[str]:  # type: ignore[no-untyped-def]
    """The usernames suggested for `q` (the request must succeed)."""
    response = client.get(URL, query_string={"q": q, **params}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [item["username"] for item in response.get_json()]


@pytest.fixture
def viewer(login):  # type: ignore[no-untyped-def]
    """A signed-in active member asking for suggestions."""
    user = make_user(username="chiede", display_name="Chi Chiede")
    login(user)
    return user


def test_username_prefix_matches_case_insensitively_with_the_display_name(client, viewer):
    make_user(username="giulia.ferraris", display_name="Giulia Ferraris")
    make_user(username="giuseppe.verdi", display_name="Giuseppe Verdi")
    make_user(username="marco.rossi", display_name="Marco Rossi")
    response = client.get(URL, query_string={"q": "GIU"}, headers=JSON)
    assert response.status_code == 200
    assert response.get_json() == [
        {"username": "giulia.ferraris", "display_name": "Giulia Ferraris"},
        {"username": "giuseppe.verdi", "display_name": "Giuseppe Verdi"},
    ]
    assert names(client, "@giulia") == ["giulia.ferraris"]  # a leading @ is allowed


def test_a_word_of_the_display_name_matches_but_not_the_middle_of_a_word(client, viewer):
    make_user(username="gf1977", display_name="Giulia Ferraris")
    make_user(username="abn", display_name="Anna Bianchi-Neri")
    assert names(client, "ferr") == ["gf1977"]
    assert names(client, "Giulia F") == ["gf1977"]
    assert names(client, "neri") == ["abn"]
    assert names(client, "rraris") == []
    assert names(client, "ulia") == []


def test_username_matches_come_before_name_matches(client, viewer):
    make_user(username="zeta.rossi", display_name="Rosa Zeta")
    make_user(username="rossana", display_name="Rossana Bruni")
    assert names(client, "ros") == ["rossana", "zeta.rossi"]


def test_at_most_eight_members_are_suggested(client, viewer):
    for n in range(12):
        make_user(username=f"prova{n:02d}")
    assert names(client, "prova") == [f"prova{n:02d}" for n in range(8)]


def test_like_wildcards_in_the_text_are_taken_literally(client, viewer):
    make_user(username="mario_rossi", display_name="Mario Rossi")
    make_user(username="mariox.bianchi", display_name="Mario Bianchi")
    make_user(username="sconti", display_name="Sconto 100% Nido")
    assert names(client, "mario_") == ["mario_rossi"]
    assert names(client, "%") == []
    assert names(client, "_") == []
    assert names(client, "%rossi") == []
    assert names(client, "\\") == []
    assert names(client, "100%") == ["sconti"]


def test_only_active_members_are_suggested_and_never_the_one_asking(client, viewer):
    make_user(username="attiva.uno")
    make_user(username="attiva.attesa", status="pending")
    make_user(username="attiva.rifiutata", status="rejected")
    suspended = make_user(username="attiva.sospesa")
    suspended.suspended_until = utcnow() + timedelta(days=3)
    served = make_user(username="attiva.scontata")
    served.suspended_until = utcnow() - timedelta(days=1)  # the suspension is over
    db.session.commit()
    assert names(client, "attiva") == ["attiva.scontata", "attiva.uno"]
    assert names(client, "chiede") == []


def test_the_thread_s_participants_come_first(client, viewer):
    asker = make_user(username="gino.asker")
    answerer = make_user(username="gino.risponde")
    commenter = make_user(username="gino.commenta")
    make_user(username="gino.aaa")  # first in alphabetical order, but not in the thread
    hidden_answerer = make_user(username="gino.nascosto")
    question = make_question(asker)
    make_answer(question, answerer)
    make_comment(question, commenter)
    moderator = make_user("moderator")
    hidden = make_answer(question, hidden_answerer)
    hide_post(moderator, "answer", hidden.id, reason="Prova")
    everyone = ["gino.aaa", "gino.asker", "gino.commenta", "gino.nascosto", "gino.risponde"]
    assert names(client, "gino") == everyone
    assert names(client, "gino", question=question.id) == [
        "gino.asker", "gino.commenta", "gino.risponde", "gino.aaa", "gino.nascosto"]
    assert names(client, "gino", question=999_999) == everyone
    assert names(client, "gino", question=2**40) == everyone  # beyond any id: ignored


def test_suggestions_are_one_statement(app, viewer, query_counter):
    question = make_question(make_user(username="uno.autore"))
    make_answer(question, make_user(username="uno.risponde"))
    db.session.commit()
    question_id, _ = question.id, viewer.id  # loaded now, not counted below
    with query_counter.counting() as counted:
        found = mention_candidates(viewer, "uno", question_id=question_id)
    assert [m.username for m in found] == ["uno.autore", "uno.risponde"]
    assert counted.count == 1, counted.statements


def test_text_longer_than_a_username_finds_nobody(client, viewer):
    longest = "a" * MENTION_QUERY_MAX
    make_user(username=longest)
    assert names(client, longest) == [longest]
    assert names(client, longest + "a") == []
    assert names(client, "") == [] and names(client, "   ") == []


def test_signed_out_scripts_get_401_and_pages_the_sign_in(client):
    make_user(username="pubblico.membro")
    response = client.get(URL, query_string={"q": "pub"}, headers=JSON)
    assert response.status_code == 401
    assert "error" in response.get_json()
    page = client.get(URL, query_string={"q": "pub"})
    assert page.status_code == 302 and "/accedi" in page.headers["Location"]


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_members_who_may_not_write_are_refused(client, login, status):
    make_user(username="qualcuno.attivo")
    user = make_user(status="active" if status == "suspended" else status)
    if status == "suspended":
        user.suspended_until = utcnow() + timedelta(days=3)
        db.session.commit()
    login(user)
    response = client.get(URL, query_string={"q": "qual"}, headers=JSON)
    assert response.status_code == 403
    assert response.get_json()["error"]


def test_hostile_text_and_thread_ids_never_answer_5xx(client, viewer):
    make_user(username="ostile.membro", display_name="Membro <b>Ostile</b>")
    question = make_question(viewer)
    codes = set()
    for text in SAMPLE:
        for params in ({"q": text}, {"q": "ost", "question": text},
                       {"q": text, "question": str(question.id)}):
            response = client.get(URL + "?" + "&".join(
                f"{key}={quote(str(value), safe='')}" for key, value in params.items()),
                headers=JSON)
            codes.add(response.status_code)
            assert response.is_json, text
    assert codes == {200}, codes
    # what the name holds comes back as data (the script puts it in with textContent)
    response = client.get(URL, query_string={"q": "ost"}, headers=JSON)
    assert response.get_json() == [{"username": "ostile.membro",
                                    "display_name": "Membro <b>Ostile</b>"}]


class TestSuggestionLimit:
    @pytest.fixture
    def app_overrides(self) -> dict:
        """Limits on, three suggestion requests a minute."""
        return {"RATELIMIT_ENABLED": True, "MENTION_SUGGEST_LIMIT": "3 per minute"}

    def test_suggestions_are_rate_limited_per_member(self, client, login, app):
        from forum.extensions import limiter

        limiter.reset()
        login(make_user())
        codes = [client.get(URL, query_string={"q": f"ab{n}"}, headers=JSON).status_code
                 for n in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        login(make_user())  # another member has a bucket of their own
        assert client.get(URL, query_string={"q": "ab"}, headers=JSON).status_code == 200
        limiter.reset()


def test_the_editors_of_questions_answers_and_comments_offer_suggestions(client, login):
    author = make_user()
    question = make_question(author)
    answer = make_answer(question, author)
    login(author)
    detail = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert f'id="body" name="body" rows="8" required data-mentions="{question.id}"' in detail
    assert detail.count(f'name="body" rows="2" maxlength="1000" required '
                        f'data-mentions="{question.id}"') >= 1  # the comment forms
    assert 'id="mention-config" hidden' in detail and 'data-url="/menzioni/suggerimenti"' in detail
    assert 'data-mentions=""' in client.get("/domande/nuova").get_data(as_text=True)
    edit = client.get(f"/domande/{question.id}/modifica").get_data(as_text=True)
    assert f'data-mentions="{question.id}"' in edit
    edit = client.get(f"/risposte/{answer.id}/modifica").get_data(as_text=True)
    assert f'data-mentions="{question.id}"' in edit


def test_no_suggestions_are_wired_for_who_may_not_write(client, login):
    question = make_question()
    assert "mention-config" not in client.get(f"/domande/{question.id}").get_data(as_text=True)
    login(make_user(status="pending"))
    assert "mention-config" not in client.get(f"/domande/{question.id}").get_data(as_text=True)
