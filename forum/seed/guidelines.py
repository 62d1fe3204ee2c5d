"""Demo guidelines (domain.md 5.5): g1 with two versions (for the diff), g2 open for
consultation for 20 more days, g3 past its review date ("Da verificare"). Dates are placed
around today; each guideline is found by slug, so a second run adds nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from typing import Any

from sqlalchemy import select

from forum.database import write_intent
from forum.extensions import db
from forum.guidelines.sections import render_sections
from forum.guidelines.services import consultation_end, today_in_rome
from forum.models import (
    Guideline,
    GuidelineStatus,
    GuidelineVersion,
    Question,
    Theme,
    User,
    guideline_sources,
)
from forum.models.base import utcnow

IN_CONSULTATION = "g2"
CONSULTATION_DAYS = 20


def demo_guidelines() -> list[dict[str, Any]]:
    """The demo guidelines shipped inside the package."""
    source = resources.files("forum.seed").joinpath("demo_guidelines.json")
    data: list[dict[str, Any]] = json.loads(source.read_text("utf-8"))["guidelines"]
    return data


def seed_guidelines(users: dict[str, User], questions: list[dict[str, Any]]) -> int:
    """The demo guidelines not there yet, with their versions and source threads; returns
    how many were added. `questions` are the demo threads (their keys name the sources)."""
    titles = {q["key"]: q["title"] for q in questions}
    existing = set(db.session.scalars(select(Guideline.slug)))
    themes = {t.slug: t for t in db.session.scalars(select(Theme))}
    question_ids = {title: qid for qid, title in db.session.execute(
        select(Question.id, Question.title))}
    now, today = utcnow(), today_in_rome()
    added = 0
    for item in demo_guidelines():
        creator = users.get(item["created_by"])
        if item["slug"] in existing or creator is None:
            continue
        approver = users.get(item["approved_by"]) or creator
        with write_intent():
            guideline = Guideline(
                slug=item["slug"], title=item["title"], summary=item["summary"],
                body=item["body"], body_html=render_sections(item["body"]),
                legal_references=item["legal_references"],
                review_by=today + timedelta(days=item["review_by_relative_days"]),
                status=item["status"], version=item["versions"][-1]["version"],
                created_by_id=creator.id, approved_by_id=approver.id,
                created_at=now - timedelta(days=item["created_days_ago"]),
                published_at=now - timedelta(days=item["published_days_ago"]))
            guideline.themes = [themes[s] for s in item["themes"] if s in themes]
            guideline.owners = [creator]
            if item["key"] == IN_CONSULTATION:
                guideline.status = GuidelineStatus.CONSULTATION
                guideline.consultation_ends_at = consultation_end(
                    today + timedelta(days=CONSULTATION_DAYS))
            db.session.add(guideline)
            db.session.flush()
            for version in item["versions"]:
                author = users.get(version["changed_by"]) or creator
                db.session.add(GuidelineVersion(
                    guideline_id=guideline.id, version=version["version"],
                    title=version["title"], summary=item["summary"], body=version["body"],
                    body_html=render_sections(version["body"]),
                    legal_references=item["legal_references"],
                    change_note=version["change_note"], changed_by_id=author.id,
                    changed_at=now - timedelta(days=version["changed_days_ago"])))
            sources = [question_ids[titles[key]] for key in item["source_question_keys"]
                       if key in titles and titles[key] in question_ids]
            if sources:
                db.session.execute(guideline_sources.insert(), [
                    {"guideline_id": guideline.id, "question_id": qid} for qid in sources])
            db.session.commit()
        added += 1
    return added
