"""Every state-changing route refuses forged requests; no GET route writes to the database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from forum.extensions import db
from forum.models import Acceptance, Answer, Comment, Question, Tag, Theme, User, Vote
from forum.seed.demo import seed_demo
from tests.factories import make_answer, make_question, make_user

WRITE = {"POST", "PUT", "PATCH", "DELETE"}
# Routes whose credential is a signed token in the URL, not a session: mail clients POST
# to them without a form (RFC 8058 one-click unsubscribe). Without a genuine token: 404.
TOKEN_IN_URL = {"notifications.unsubscribe"}


@pytest.fixture
def app_overrides() -> dict:
    """CSRF protection on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def _sample_url(app, rule, ids: dict[str, int]) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        if arg == "kind":
            values[arg] = "question"
        elif type(converter).__name__ == "AnyConverter":
            values[arg] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[arg] = ids.get(arg, 1)
        elif arg == "token":
            values[arg] = "token-inventato"
        elif arg in ids:
            values[arg] = ids[arg]
        else:
            values[arg] = "servizi-educativi-0-6" if arg == "slug" else "x"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _state_changing_rules(app):
    return [r for r in app.url_map.iter_rules() if r.methods & WRITE]


def _csrf_token(client) -> str:
    page = client.get("/accedi").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_every_state_changing_route_refuses_missing_token_and_foreign_origin(app, client, login):
    user = make_user()
    question = make_question()
    answer = make_answer(question)
    ids = {"question_id": question.id, "answer_id": answer.id, "post_id": question.id,
           "username": user.username}
    rules = _state_changing_rules(app)
    assert len(rules) >= 12
    login(user)
    checked = []
    for rule in rules:
        url = _sample_url(app, rule, ids)
        for method in sorted(rule.methods & WRITE):
            no_token = client.open(url, method=method, data={"body": "testo di prova"})
            expected = 404 if rule.endpoint in TOKEN_IN_URL else 400
            assert no_token.status_code == expected, (rule.endpoint, no_token.status_code)
            token = _csrf_token(client)
            foreign = client.open(url, method=method, data={"csrf_token": token},
                                  headers={"Origin": "https://evil.example"})
            assert foreign.status_code == 403, (rule.endpoint, foreign.status_code)
            referer = client.open(url, method=method, data={"csrf_token": token},
                                  headers={"Referer": "https://evil.example/pagina"})
            assert referer.status_code == 403, (rule.endpoint, referer.status_code)
            checked.append(rule.endpoint)
    print(f"state-changing routes checked: {len(checked)}: {sorted(checked)}")
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_same_origin_request_with_token_passes(app, client, login):
    question = make_question()
    login(make_user())
    token = _csrf_token(client)
    response = client.post(f"/voti/question/{question.id}",
                           data={"csrf_token": token, "voto": "su"},
                           headers={"Origin": "http://localhost", "Accept": "application/json"})
    assert response.status_code == 200


def test_javascript_requests_send_the_token_in_a_header(app, client, login):
    question = make_question()
    login(make_user())
    token = _csrf_token(client)
    response = client.post(f"/voti/question/{question.id}", data={"voto": "su"},
                           headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 200


def _fingerprint() -> tuple:
    db.session.rollback()
    counts = tuple(db.session.scalar(select(func.count()).select_from(m))
                   for m in (User, Question, Answer, Comment, Vote, Acceptance, Tag, Theme))
    sums = (db.session.scalar(select(func.sum(User.reputation))),
            db.session.scalar(select(func.sum(Question.score))),
            db.session.scalar(select(func.sum(Answer.score))),
            db.session.scalar(select(func.max(Question.last_activity_at))),
            db.session.scalar(select(func.sum(User.session_version))))
    return counts + sums


def test_no_get_route_changes_the_database(app, client, login):
    seed_demo(app.config["DEMO_PASSWORD"])
    question = db.session.scalars(select(Question).where(
        Question.answer_count > 0, Question.group_id.is_(None)).order_by(Question.id)).first()
    answer = db.session.scalars(select(Answer).where(Answer.question_id == question.id)).first()
    member = db.session.scalars(select(User).where(User.role == "member")).first()
    ids = {"question_id": question.id, "answer_id": answer.id, "post_id": question.id,
           "username": member.username}
    before = _fingerprint()
    crawled = 0
    for viewer in (None, member):
        if viewer is not None:
            login(viewer)
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            response = client.get(_sample_url(app, rule, ids))
            assert response.status_code < 500, rule.endpoint
            crawled += 1
        for link in ("/domande?stato=risolte&ordina=voti", "/domande?tag=nido",
                     f"/domande/{question.id}", "/temi/giovani?page=1"):
            assert client.get(link).status_code == 200
    assert _fingerprint() == before
    print(f"GET routes crawled: {crawled}")
