"""Demo best practices, linked to the demo threads that cite them (by natural keys)."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Answer,
    Practice,
    PracticeCitation,
    PracticeReplication,
    PracticeStatus,
    Question,
    User,
)
from forum.models.base import utcnow
from forum.practices.links import organisation_key
from forum.practices.services import apply_checked
from forum.practices.validation import check_practice


def demo_practices() -> list[dict[str, Any]]:
    """The demo practices shipped inside the package."""
    source = resources.files("forum.seed").joinpath("demo_practices.json")
    return json.loads(source.read_text("utf-8"))["practices"]


def _answers_by_key(questions: list[dict[str, Any]]) -> dict[tuple[str, int], Answer]:
    titles = {q["title"]: q["key"] for q in questions}
    rows = db.session.execute(
        select(Question.title, Answer).join(Answer, Answer.question_id == Question.id)
        .where(Question.title.in_(list(titles))).order_by(Answer.id)
    ).all()
    found: dict[tuple[str, int], Answer] = {}
    position: dict[str, int] = {}
    for title, answer in rows:
        key = titles[title]
        index = position.get(key, 0)
        found[(key, index)] = answer
        position[key] = index + 1
    return found


def seed_practices(questions: list[dict[str, Any]]) -> int:
    """Add the demo practices not there yet; returns how many were added."""
    users = {u.username: u for u in db.session.execute(select(User)).scalars()}
    existing = set(db.session.execute(select(Practice.slug)).scalars())
    answers = _answers_by_key(questions)
    now = utcnow()
    added = 0
    for item in demo_practices():
        if item["slug"] in existing:
            continue
        checked = check_practice(item, for_import=True)
        if checked.errors:
            raise ValueError(f"demo practice {item['slug']}: {checked.errors}")
        if checked.values["evidence_level"] != item.get("evidence_level",
                                                        checked.values["evidence_level"]):
            raise ValueError(f"demo practice {item['slug']}: evidence level differs")
        author = users.get(item.get("created_by") or "")
        curator = users.get(item.get("curated_by") or "")
        created = now - timedelta(days=item.get("created_days_ago", 30))
        practice = Practice(
            slug=item["slug"], status=item["status"], created_at=created,
            created_by_id=author.id if author else None,
            curated_by_id=curator.id if curator else None,
        )
        if item.get("published_days_ago") is not None:
            practice.published_at = now - timedelta(days=item["published_days_ago"])
        elif practice.status == PracticeStatus.PUBLISHED:
            practice.published_at = created
        apply_checked(practice, checked)
        db.session.add(practice)
        db.session.flush()
        for rep in item.get("replications", []):
            user = users[rep["username"]]
            db.session.add(PracticeReplication(
                practice_id=practice.id, user_id=user.id, organisation=rep["organisation"],
                organisation_key=organisation_key(rep["organisation"]),
                region_code=user.region_code, note=rep.get("note", ""),
                created_at=now - timedelta(days=rep.get("days_ago", 10)),
            ))
        for cite in item.get("cited_by", []):
            answer = answers.get((cite["question"], cite["answer"]))
            if answer is not None:
                db.session.add(PracticeCitation(answer_id=answer.id, practice_id=practice.id,
                                                question_id=answer.question_id))
        added += 1
    db.session.commit()
    return added
