"""Routing over HTTP and the CLI: the "Non è il mio campo" prompt and button on the question
page, the moderators' list of questions without a solution, `flask routing run`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from forum.answers.services import accept_answer
from forum.database import write_intent
from forum.extensions import db
from forum.models import Question, RoutingOffer, Theme
from forum.models.base import utcnow
from forum.moderation.services import hide_post
from forum.moderation.threads import close_question
from forum.routing.services import route_question
from tests.factories import make_answer, make_question, make_user
from tests.routing.helpers import age_question, make_expert, offered_ids

DECLINE = "Non è il mio campo"


def _offered(expert=None):  # type: ignore[no-untyped-def]
    expert = expert or make_expert()
    question = make_question(make_user())
    age_question(question, 49)
    assert route_question(question.id) == [expert.id]
    return expert, question


def _aged(days: float, **kw):  # type: ignore[no-untyped-def]
    question = make_question(**kw)
    with write_intent():
        db.session.execute(update(Question).where(Question.id == question.id).values(
            created_at=utcnow() - timedelta(days=days)))
        db.session.commit()
    return question


# -- "Non è il mio campo" --------------------------------------------------------------------

def test_the_offered_member_sees_the_prompt_and_declines_it(app, client, login):
    expert, question = _offered()
    login(expert)
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert "Puoi aiutare?" in page and DECLINE in page
    assert f'action="/domande/{question.id}/non-il-mio-campo"' in page
    response = client.post(f"/domande/{question.id}/non-il-mio-campo")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/domande/{question.id}")
    offer = db.session.get(RoutingOffer, (question.id, expert.id))
    assert offer is not None and offer.declined_at is not None
    page = client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert DECLINE not in page and "Puoi aiutare?" not in page


def test_declining_twice_answers_the_same_and_keeps_the_first_time(app, client, login):
    expert, question = _offered()
    login(expert)
    assert client.post(f"/domande/{question.id}/non-il-mio-campo").status_code == 303
    first = db.session.get(RoutingOffer, (question.id, expert.id)).declined_at
    assert client.post(f"/domande/{question.id}/non-il-mio-campo").status_code == 303
    db.session.expire_all()
    assert db.session.get(RoutingOffer, (question.id, expert.id)).declined_at == first


def test_nobody_else_sees_the_prompt_or_may_decline(app, client, login):
    _expert, question = _offered()
    assert client.post(f"/domande/{question.id}/non-il-mio-campo").status_code == 302
    other = make_user()
    login(other)
    assert DECLINE not in client.get(f"/domande/{question.id}").get_data(as_text=True)
    assert client.post(f"/domande/{question.id}/non-il-mio-campo").status_code == 404
    assert client.post("/domande/999999/non-il-mio-campo").status_code == 404


def test_the_prompt_goes_once_the_member_has_answered(app, client, login):
    expert, question = _offered()
    make_answer(question, expert)
    login(expert)
    assert DECLINE not in client.get(f"/domande/{question.id}").get_data(as_text=True)


def test_the_prompt_goes_when_the_question_is_closed(app, client, login):
    expert, question = _offered()
    close_question(make_user("moderator"), question.id, reason="off_topic")
    login(expert)
    assert DECLINE not in client.get(f"/domande/{question.id}").get_data(as_text=True)


# -- the moderators' list --------------------------------------------------------------------

def test_the_list_holds_old_open_visible_questions_without_a_solution(app, client, login):
    moderator = make_user("moderator")
    quiet = _aged(40, title="Domanda vecchia senza nessuna risposta?")
    answered = _aged(35, title="Domanda vecchia con risposte non accettate?")
    make_answer(answered)
    asker = make_user()
    solved = _aged(50, author=asker, title="Domanda vecchia già risolta bene?")
    accept_answer(asker, make_answer(solved).id)
    hidden = _aged(60, title="Domanda vecchia nascosta dalla moderazione?")
    hide_post(moderator, "question", hidden.id, reason="Dati personali.")
    closed = _aged(60, title="Domanda vecchia chiusa dalla moderazione?")
    close_question(moderator, closed.id, reason="off_topic")
    _aged(10, title="Domanda recente senza risposta ancora?")
    login(moderator)
    response = client.get("/moderazione/senza-soluzione")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Senza soluzione da più di 30 giorni" in page
    assert "2 domande senza soluzione" in page
    for title in (quiet.title, answered.title):
        assert title in page
    for title in (solved.title, hidden.title, closed.title, "Domanda recente senza"):
        assert title not in page
    assert page.index(quiet.title) < page.index(answered.title)  # oldest first


def test_the_list_is_for_moderators_only(app, client, login):
    assert client.get("/moderazione/senza-soluzione").status_code == 302  # sign in first
    login(make_user())
    assert client.get("/moderazione/senza-soluzione").status_code == 403
    login(make_user("admin"))
    assert client.get("/moderazione/senza-soluzione").status_code == 200


def test_a_moderator_of_some_themes_sees_only_their_questions(app, client, login):
    theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == "sostegno-economico"))
    moderator = make_user("moderator")
    with write_intent():
        moderator.moderated_theme_ids = str(theme_id)
        db.session.commit()
    mine = _aged(40, theme_slug="sostegno-economico", title="Contributo economico vecchio?")
    other = _aged(40, title="Nido comunale vecchio senza risposta?")
    login(moderator)
    page = client.get("/moderazione/senza-soluzione").get_data(as_text=True)
    assert mine.title in page and other.title not in page


def test_the_list_is_paginated_and_linked_from_the_queue(app, client, login):
    app.config["QUESTIONS_PER_PAGE"] = 2
    for n in range(3):
        _aged(40 + n, title=f"Domanda vecchia numero {n} senza soluzione?")
    login(make_user("moderator"))
    assert "/moderazione/senza-soluzione" in client.get("/moderazione").get_data(as_text=True)
    first = client.get("/moderazione/senza-soluzione").get_data(as_text=True)
    assert "numero 2" in first and "numero 1" in first and "numero 0" not in first
    assert 'href="/moderazione/senza-soluzione?page=2"' in first
    second = client.get("/moderazione/senza-soluzione?page=2").get_data(as_text=True)
    assert "numero 0" in second
    assert client.get("/moderazione/senza-soluzione?page=9").status_code == 404
    assert client.get("/moderazione/senza-soluzione?page=x").status_code == 400


def test_the_list_costs_the_same_statements_for_2_or_12_questions(app, client, login,
                                                                   query_counter):
    login(make_user("moderator"))
    for n in range(2):
        _aged(40, title=f"Domanda vecchia di prova numero {n}?")
    with query_counter.counting() as few:
        client.get("/moderazione/senza-soluzione")
    small = few.count
    for n in range(10):
        _aged(40, title=f"Altra domanda vecchia numero {n}?", author=make_user())
    with query_counter.counting() as many:
        client.get("/moderazione/senza-soluzione")
    assert many.count == small


# -- the CLI -----------------------------------------------------------------------------------

def test_flask_routing_run_routes_due_questions_once(app, runner):
    expert = make_expert()
    question = make_question(make_user())
    age_question(question, 50)
    db.session.commit()
    result = runner.invoke(args=["routing", "run"])
    assert result.exit_code == 0, result.output
    assert "Domande proposte: 1 (1 esperti); promemoria inviati: 0." in result.output
    assert offered_ids(question) == [expert.id]
    again = runner.invoke(args=["routing", "run"])
    assert "Domande proposte: 0 (0 esperti)" in again.output
    assert offered_ids(question) == [expert.id]
