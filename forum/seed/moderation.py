"""Demo moderation content: a closed duplicate, open flags, a pending account, organisations.

Built through the services, so the audit log, notifications and counters are real.
Runs once: a second run finds its duplicate question and adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from forum.auth.services import register_user
from forum.extensions import db
from forum.models import Comment, Organisation, Question, User
from forum.moderation.flags import flag_post
from forum.moderation.threads import close_question
from forum.questions.services import ask_question

DUPLICATE_TITLE = "Posti liberi al nido a gennaio: graduatoria o nuovo avviso?"
ORIGINAL_PREFIX = "Posti liberi al nido a metà anno"


def seed_moderation(users: dict[str, User], password: str) -> int:
    """Add the demo moderation items when missing; returns how many threads were added."""
    if db.session.scalar(select(Question.id).where(Question.title == DUPLICATE_TITLE)):
        return 0
    _seed_organisations()
    original = db.session.scalar(
        select(Question).where(Question.title.startswith(ORIGINAL_PREFIX)))
    duplicate = ask_question(
        users["anna.bertoldi"], title=DUPLICATE_TITLE, theme_slug="servizi-educativi-0-6",
        tags="nido, graduatoria",
        body=("A gennaio si sono liberati tre posti nel nostro nido comunale. Dobbiamo "
              "scorrere la graduatoria di settembre o possiamo pubblicare un nuovo avviso?"),
    )
    if original is not None:
        close_question(users["paolo.benedetti"], duplicate.id, reason="duplicate",
                       duplicate_of=str(original.id),
                       note="La stessa domanda ha già risposte e una soluzione accettata.")
    quiet = db.session.scalar(select(Question).where(
        Question.answer_count == 0, Question.closed_at.is_(None)).order_by(Question.id))
    if quiet is not None and quiet.author_id != users["luca.moretti"].id:
        flag_post(users["luca.moretti"], "question", quiet.id, reason="attention",
                  note="Il link al regolamento citato nella domanda non funziona più.")
    comment = db.session.scalar(
        select(Comment).join(User, User.id == Comment.author_id)
        .where(User.role == "member", User.id != users["sara.conti"].id).order_by(Comment.id))
    if comment is not None and comment.author_id != users["sara.conti"].id:
        flag_post(users["sara.conti"], "comment", comment.id, reason="off_topic")
    if db.session.scalar(select(User.id).where(User.username == "nuova.iscritta")) is None:
        register_user(
            username="nuova.iscritta", display_name="Ilaria Fontana (demo)",
            email="ilaria.fontana@comune-esempio.example", password=password,
            organisation="Comune di Valleverde (fittizio)", organisation_type="comune",
            region_code="12", status="pending",
        )
    return 1


def _seed_organisations() -> None:
    """The demo users' administrations become the managed organisation list."""
    known = set(db.session.execute(select(Organisation.name)).scalars())
    for name, kind, region in db.session.execute(
        select(User.organisation, User.organisation_type, User.region_code).distinct()
    ).all():
        if name not in known:
            db.session.add(Organisation(name=name, organisation_type=kind, region_code=region))
            known.add(name)
    db.session.commit()
