"""Demo content for routing: at least one question left without an answer for more than
UNSOLVED_AFTER_DAYS days, so the moderators' list "senza soluzione" is not empty."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from forum.database import write_intent
from forum.extensions import db
from forum.models import Question, User
from forum.models.base import utcnow
from forum.questions.services import ask_question

UNSOLVED_TITLE = "Sportello famiglie nei piccoli comuni: chi copre le sostituzioni d'estate?"
UNSOLVED_BODY = (
    "Nel nostro Comune lo sportello per le famiglie è tenuto da una sola operatrice. "
    "D'estate, con le ferie, restiamo chiusi per tre settimane: qualcuno ha un accordo con "
    "i comuni vicini o con il Centro per le famiglie per coprire le sostituzioni?"
)


def seed_unsolved(users: dict[str, User]) -> bool:
    """Ask (and age) the demo's unanswered old question, unless one such question exists
    already; returns whether it was added (safe to re-run)."""
    days = int(current_app.config["UNSOLVED_AFTER_DAYS"])
    cutoff = utcnow() - timedelta(days=days)
    exists = db.session.scalar(select(Question.id).where(
        Question.created_at <= cutoff, Question.answer_count == 0,
        Question.accepted_answer_id.is_(None), Question.hidden_at.is_(None),
        Question.closed_at.is_(None)).limit(1))
    asker = users.get("roberto.vitale")
    if exists is not None or asker is None or db.session.scalar(
            select(Question.id).where(Question.title == UNSOLVED_TITLE)) is not None:
        return False
    question = ask_question(asker, title=UNSOLVED_TITLE, body=UNSOLVED_BODY,
                            theme_slug="centri-famiglia-consultori", tags="sportello, estate")
    created = utcnow() - timedelta(days=days + 15)
    with write_intent():
        db.session.execute(update(Question).where(Question.id == question.id).values(
            created_at=created, last_activity_at=created))
        db.session.commit()
    return True
