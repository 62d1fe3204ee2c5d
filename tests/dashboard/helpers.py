"""A small known data set for the dashboard: every timestamp set by hand, so each figure
can be worked out on paper (see the docstring of `known_world`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from forum.answers.services import accept_answer
from forum.extensions import db
from forum.models import (
    Acceptance,
    Answer,
    Event,
    EventStatus,
    Group,
    GroupKind,
    Practice,
    PracticeReplication,
    Question,
    Registration,
    RegistrationStatus,
    Theme,
    Vote,
)
from tests.factories import make_answer, make_practice, make_question, make_user

NOW = datetime(2026, 6, 15, 12, 0)
THEME_A, THEME_B = "servizi-educativi-0-6", "giovani"


def _ask(author: Any, theme: str, at: datetime) -> Question:
    question = make_question(author, theme_slug=theme)
    question.created_at = at
    return question


def _answer(question: Question, author: Any, hours: float) -> Answer:
    answer = make_answer(question, author)
    answer.created_at = question.created_at + timedelta(hours=hours)
    return answer


def _accept(question: Question, answer: Answer, asker: Any, hours: float) -> None:
    accept_answer(asker, answer.id)
    acceptance = db.session.query(Acceptance).filter_by(question_id=question.id).one()
    acceptance.accepted_at = question.created_at + timedelta(hours=hours)


def _event(n: int, starts: datetime, region: str, theme_slugs: list[str],
           group: Group | None = None) -> Event:
    event = Event(slug=f"incontro-{n}", title=f"Incontro {n}", kind="webinar",
                  summary="Un incontro di prova.", starts_at=starts,
                  ends_at=starts + timedelta(hours=2), organiser="Officina",
                  region_code=region, status=EventStatus.PUBLISHED.value, group=group)
    event.themes = list(db.session.query(Theme).filter(Theme.slug.in_(theme_slugs)))
    db.session.add(event)
    db.session.flush()
    return event


def _register(event: Event, user: Any, attended: bool,
              status: str = RegistrationStatus.CONFIRMED.value) -> None:
    db.session.add(Registration(event_id=event.id, user_id=user.id, status=status,
                                attended_at=event.starts_at if attended else None))


def known_world() -> dict[str, Any]:
    """Period 2026-01..2026-06, now 2026-06-15 12:00.

    Questions (A = servizi-educativi-0-6 asked from region 08, B = giovani from 12):
    q1 2026-03-01 A: answers at +2 h and +10 h, accepted at +5 h;
    q2 2026-03-10 A: a hidden answer at +1 h, an answer at +4 h, accepted at +24 h;
    q3 2026-04-01 B: answered at +72 h (late for the 48 h rule);
    q4 2026-04-05 B: no answer;  q5 2026-06-15 00:00 A: no answer, not yet 48 h old;
    excluded: a hidden question, a private group's question, one asked in 2025-12.
    => asked 5, answered 3, first-answer median 4 h (2, 4, 72), solution median 14.5 h
    (5, 24), unanswered after 48 h 2 of 4.
    Active: asker_a, asker_b, answerer_c, answerer_d, voter_f (region 03) = 5.
    Practices: published 2026-02-10 (theme centri-famiglia-consultori, 08) replicated
    2026-03-05; published 2026-05-01 (giovani, 12); a draft. Events: 2026-02-20 (08, A):
    3 confirmed, 2 present, 1 cancelled; 2026-05-20 (12, A and B): 1 confirmed, present;
    a private group's event and one still to come are left out.
    """
    asker_a = make_user(region_code="08")
    asker_b = make_user(region_code="12")
    answerer_c = make_user(region_code="08")
    answerer_d = make_user(region_code="12")
    hider = make_user(region_code="05")
    voter_f = make_user(region_code="03")
    q1 = _ask(asker_a, THEME_A, datetime(2026, 3, 1))
    q2 = _ask(asker_a, THEME_A, datetime(2026, 3, 10))
    q3 = _ask(asker_b, THEME_B, datetime(2026, 4, 1))
    q4 = _ask(asker_b, THEME_B, datetime(2026, 4, 5))
    q5 = _ask(asker_a, THEME_A, datetime(2026, 6, 15))
    a11 = _answer(q1, answerer_c, 2)
    _answer(q1, answerer_d, 10)
    hidden = _answer(q2, hider, 1)
    hidden.hidden_at = NOW
    a2 = _answer(q2, answerer_c, 4)
    _answer(q3, answerer_d, 72)
    db.session.commit()
    _accept(q1, a11, asker_a, 5)
    _accept(q2, a2, asker_a, 24)
    db.session.add(Vote(user_id=voter_f.id, question_id=q3.id, value=1,
                        created_at=datetime(2026, 4, 2)))
    hidden_q = _ask(make_user(region_code="08"), THEME_A, datetime(2026, 3, 3))
    hidden_q.hidden_at = NOW
    group = Group(name="Tavolo riservato", slug="tavolo-riservato", kind=GroupKind.PRIVATE)
    db.session.add(group)
    db.session.flush()
    private_q = _ask(make_user(region_code="08"), THEME_A, datetime(2026, 3, 4))
    private_q.group_id = group.id
    _ask(make_user(region_code="08"), THEME_A, datetime(2025, 12, 20))
    p1 = make_practice(themes=["centri-famiglia-consultori"], region_code="08")
    p2 = make_practice(themes=["giovani"], region_code="12")
    make_practice(status="bozza")
    db.session.get(Practice, p1.id).published_at = datetime(2026, 2, 10)  # type: ignore[union-attr]
    db.session.get(Practice, p2.id).published_at = datetime(2026, 5, 1)  # type: ignore[union-attr]
    db.session.add(PracticeReplication(practice_id=p1.id, user_id=asker_b.id,
                                       organisation="Comune di Replica", organisation_key="x",
                                       created_at=datetime(2026, 3, 5)))
    e1 = _event(1, datetime(2026, 2, 20, 9), "08", [THEME_A])
    for attended in (True, True, False):
        _register(e1, make_user(), attended)
    _register(e1, make_user(), False, RegistrationStatus.CANCELLED.value)
    e2 = _event(2, datetime(2026, 5, 20, 9), "12", [THEME_A, THEME_B])
    _register(e2, make_user(), True)
    e3 = _event(3, datetime(2026, 3, 20, 9), "08", [THEME_A], group=group)
    _register(e3, make_user(), True)
    e4 = _event(4, datetime(2026, 6, 30, 9), "08", [THEME_A])
    _register(e4, make_user(), False)
    db.session.commit()
    return {"questions": [q1, q2, q3, q4, q5]}
