"""Load the Italian demo content once, by natural keys, through the services.

Going through the services keeps every invariant (scores, counters, reputation,
acceptance records) exactly as real use would; timestamps are then spread back in
time so the demo reads like a living community.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from forum.answers.services import accept_answer, post_answer
from forum.auth.services import register_user
from forum.comments.services import post_comment
from forum.extensions import db
from forum.models import Acceptance, Answer, Comment, Question, User, Vote
from forum.models.base import utcnow
from forum.questions.services import ask_question
from forum.seed.assessments import seed_assessments
from forum.seed.consultations import seed_consultation
from forum.seed.events import seed_events, seed_path
from forum.seed.groups import seed_groups
from forum.seed.guidelines import seed_guidelines
from forum.seed.moderation import seed_moderation
from forum.seed.practices import seed_practices
from forum.seed.priorities import seed_priorities
from forum.seed.profiles import seed_profiles
from forum.seed.routing import seed_unsolved
from forum.seed.themes import ensure_themes
from forum.votes.services import cast_vote


@dataclass
class SeedReport:
    """What a seeding run added."""

    users: int = 0
    questions: int = 0
    answers: int = 0
    comments: int = 0
    votes: int = 0
    practices: int = 0


def demo_content() -> dict[str, Any]:
    """The demo content shipped inside the package."""
    source = resources.files("forum.seed").joinpath("demo_content.json")
    return json.loads(source.read_text("utf-8"))


def _ensure_users(data: dict, password: str, report: SeedReport) -> dict[str, User]:
    users = {u.username: u for u in db.session.execute(select(User)).scalars()}
    for item in data["users"]:
        if item["username"] in users:
            continue
        users[item["username"]] = register_user(
            username=item["username"],
            display_name=item["display_name"],
            email=item["email"],
            password=password,
            organisation=item["organisation"],
            organisation_type=item["organisation_type"],
            region_code=item["region_code"],
            role=item["role"],
            bio=item.get("bio", ""),
            status="active",  # demo authors write whatever the registration policy
        )
        report.users += 1
    return users


def _votes(users: dict[str, User], kind: str, post_id: int, votes: dict, report: SeedReport):
    for value, names in ((1, votes.get("up", [])), (-1, votes.get("down", []))):
        for name in names:
            cast_vote(users[name], kind, post_id, value)
            report.votes += 1


def _comments(users, question_id, items, report, *, answer_id=None, parent_id=None, now=None):
    for item in items:
        comment = post_comment(
            users[item["author"]], question_id, body=item["body"],
            answer_id=answer_id, parent_id=parent_id,
        )
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(
            created_at=now - timedelta(days=item["days_ago"], hours=6)))
        db.session.commit()
        report.comments += 1
        _comments(users, question_id, item.get("replies", []), report,
                   parent_id=comment.id, now=now)


def _seed_question(item: dict, users: dict[str, User], report: SeedReport) -> None:
    now = utcnow()
    asker = users[item["author"]]
    question = ask_question(asker, title=item["title"], body=item["body"],
                            theme_slug=item["theme"], tags=item["tags"])
    qid = question.id
    created = now - timedelta(days=item["created_days_ago"], hours=2)
    last = created
    report.questions += 1
    _votes(users, "question", qid, item.get("votes", {}), report)
    _comments(users, qid, item.get("comments", []), report, now=now)
    moderator = next(u for u in users.values() if u.role == "moderator")
    for ans in item.get("answers", []):
        answer = post_answer(users[ans["author"]], qid, body=ans["body"])
        aid = answer.id
        at = now - timedelta(days=ans["days_ago"], hours=4)
        last = max(last, at)
        db.session.execute(update(Answer).where(Answer.id == aid).values(created_at=at))
        db.session.commit()
        report.answers += 1
        _votes(users, "answer", aid, ans.get("votes", {}), report)
        _comments(users, qid, ans.get("comments", []), report, answer_id=aid, now=now)
        if ans.get("accepted"):
            actor = asker if ans.get("accepted_by") != "moderator" else moderator
            accept_answer(actor, aid)
            db.session.execute(update(Acceptance).where(Acceptance.answer_id == aid).values(
                accepted_at=at + timedelta(hours=3)))
    db.session.execute(update(Question).where(Question.id == qid).values(
        created_at=created, last_activity_at=last))
    db.session.execute(update(Vote).where(Vote.question_id == qid).values(created_at=created))
    db.session.commit()


@contextmanager
def _privileges_off() -> Iterator[None]:
    """Replaying the demo history, authors have not earned their reputation yet: the
    reputation privileges apply to live members, not to the seed."""
    from forum.permissions import PRIVILEGES

    keys = [f"PRIVILEGE_{name.upper()}" for name in PRIVILEGES]
    saved = {key: current_app.config[key] for key in keys}
    current_app.config.update(dict.fromkeys(keys, 0))
    try:
        yield
    finally:
        current_app.config.update(saved)


def seed_demo(password: str) -> SeedReport:
    """Add the demo themes, users and threads that are not there yet (safe to re-run)."""
    with _privileges_off():
        return _seed_demo(password)


def _seed_demo(password: str) -> SeedReport:
    ensure_themes()
    data = demo_content()
    report = SeedReport()
    users = _ensure_users(data, password, report)
    existing = set(db.session.execute(select(Question.title)).scalars())
    for item in data["questions"]:
        if item["title"] not in existing:
            _seed_question(item, users, report)
    report.practices = seed_practices(data["questions"])
    report.questions += seed_moderation(users, password)
    seed_profiles(users)
    _seed_network(users)
    _seed_conversations(users)
    report.questions += seed_unsolved(users)
    report.questions += seed_groups(users)
    seed_events(users)
    seed_path(users)
    seed_guidelines(users, data["questions"])
    seed_consultation(users)
    seed_assessments(users)
    seed_priorities(users)
    return report


# Who follows what in the demo (by natural key, so a re-run changes nothing): colleagues who
# watch their themes, one who follows a colleague, one who wants a daily digest.
DEMO_FOLLOWS = (
    ("giulia.ferraris", "theme", "servizi-educativi-0-6", "watching"),
    ("marco.esposito", "theme", "sostegno-economico", "watching"),
    ("marco.esposito", "member", "giulia.ferraris", "watching"),
    ("chiara.lombardo", "theme", "centri-famiglia-consultori", "watching"),
)
DEMO_MAIL = (("marco.esposito", "followed", "daily"),)


def _seed_network(users: dict[str, User]) -> None:
    """Follows and an e-mail choice for the demo members (only those that exist)."""
    from forum.database import write_intent
    from forum.models import FollowTarget, Theme
    from forum.notifications.follows import set_level
    from forum.notifications.mailing import set_deliveries

    themes = {t.slug: t.id for t in db.session.scalars(select(Theme))}
    for username, kind, key, level in DEMO_FOLLOWS:
        member = users.get(username)
        target = themes.get(key) if kind == "theme" else getattr(users.get(key), "id", None)
        if member is not None and target is not None:
            set_level(member, FollowTarget(kind), target, level)
    with write_intent():
        for username, category, delivery in DEMO_MAIL:
            if username in users:
                set_deliveries(users[username], {category: delivery})
        db.session.commit()


# Two private conversations (by subject, so a re-run adds nothing): a colleague asking
# Giulia about her nursery's waiting list, and a moderator's group about a meeting.
DEMO_CONVERSATIONS = (
    ("marco.esposito", ("giulia.ferraris",), "Graduatoria del nido: come gestite i posti liberi?", (
        ("marco.esposito", 30, "Ciao Giulia, ho letto la tua domanda sui posti liberi a metà "
         "anno. Da noi la graduatoria scorre solo a settembre: voi come fate con le "
         "rinunce di gennaio?"),
        ("giulia.ferraris", 29, "Ciao Marco! Riapriamo la graduatoria ogni due mesi e "
         "chiamiamo in ordine. Ti mando la delibera: **articolo 7**, comma 2."),
        ("marco.esposito", 28, "Perfetto, grazie: la porto in giunta la prossima settimana."),
    )),
    ("chiara.lombardo", ("giulia.ferraris", "anna.bertoldi", "luca.moretti"),
     "Incontro sui centri per le famiglie a marzo", (
        ("chiara.lombardo", 12, "Buongiorno a tutti, propongo un incontro online a marzo per "
         "confrontare i progetti dei centri per le famiglie. Date possibili:\n\n"
         "- martedì 10\n- giovedì 12"),
        ("anna.bertoldi", 11, "Per me va bene giovedì 12, dalle 10."),
    )),
)


def _seed_conversations(users: dict[str, User]) -> None:
    """The demo conversations that are not there yet, spread back in time."""
    from forum.conversations.services import post_message, start_conversation
    from forum.models import Conversation, Message

    existing = set(db.session.scalars(select(Conversation.subject)))
    now = utcnow()
    for starter, others, subject, messages in DEMO_CONVERSATIONS:
        names = (starter, *others)
        if subject in existing or any(name not in users for name in names):
            continue
        first_author, first_days, first_body = messages[0]
        conversation = start_conversation(users[first_author], recipients=", ".join(others),
                                          subject=subject, body=first_body)
        for author, _days, body in messages[1:]:
            post_message(users[author], conversation.id, body=body)
        ids = db.session.scalars(select(Message.id).where(
            Message.conversation_id == conversation.id).order_by(Message.id)).all()
        for message_id, (_author, days, _body) in zip(ids, messages, strict=True):
            db.session.execute(update(Message).where(Message.id == message_id).values(
                created_at=now - timedelta(days=days)))
        db.session.execute(update(Conversation).where(Conversation.id == conversation.id).values(
            created_at=now - timedelta(days=first_days),
            last_message_at=now - timedelta(days=messages[-1][1])))
        db.session.commit()
