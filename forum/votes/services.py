"""Voting: one vote per user and post, exact scores under concurrency."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, select, update

from forum import permissions, reputation
from forum.database import commit_or_conflict, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import Answer, Question, User, Vote
from forum.users.standing import require_member

KINDS: dict[str, type[Question] | type[Answer]] = {"question": Question, "answer": Answer}


@dataclass(frozen=True)
class VoteResult:
    """What the page needs after a vote: the new score and the viewer's vote."""

    kind: str
    post_id: int
    score: int
    value: int


def _post_state(kind: str, post_id: int, voter: User) -> Select:
    """Author, lock and visibility of the post and its thread, row-locked on PostgreSQL;
    no row for a thread of a restricted working group the voter is not in."""
    readable = permissions.visible_questions(voter)
    if kind == "question":
        return select(
            Question.author_id, Question.locked_at, Question.hidden_at
        ).where(Question.id == post_id, readable).with_for_update()
    return (
        select(
            Answer.author_id,
            Question.locked_at,
            func.coalesce(Answer.hidden_at, Question.hidden_at).label("hidden_at"),
            Question.group_id,
        )
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.id == post_id, readable)
        .with_for_update(of=Answer)
    )


def cast_vote(user: User, kind: str, post_id: int, value: int, *,
              same_is_conflict: bool = True) -> VoteResult:
    """Set the user's vote on a post to +1, -1 or 0 (retract).

    The post row is locked (PostgreSQL) or the write lock taken at BEGIN (SQLite)
    before reading the previous vote, and the score moves by an atomic UPDATE, so
    concurrent votes never lose an increment. A vote equal to the one already cast is a
    409 for the page's buttons (a second click, a double submit); the API's PUT sets a
    state, so `same_is_conflict=False` answers it with the post as it is.
    """
    model = KINDS.get(kind)
    if model is None or value not in (-1, 0, 1):
        raise InvalidInput(_("Voto non valido."))
    require_member(user, _("Accedi per votare."))
    target = Vote.question_id if kind == "question" else Vote.answer_id
    with write_intent():
        row = db.session.execute(_post_state(kind, post_id, user)).one_or_none()
        if row is None or row.hidden_at is not None:
            raise NotFound(_("Contenuto non trovato."))
        author_id = row.author_id
        if row.locked_at is not None:
            raise Conflict(_("La discussione è bloccata: non si può votare."))
        if author_id == user.id:
            raise NotAllowed(_("Non puoi votare i tuoi contenuti."))
        previous = db.session.execute(
            select(Vote).where(Vote.user_id == user.id, target == post_id)
        ).scalar_one_or_none()
        old = previous.value if previous else 0
        if value < 0 and not permissions.can_vote(user, author_id, value):
            raise NotAllowed(_(
                "Servono almeno %(n)d punti di reputazione per votare negativamente.",
                n=permissions.privilege_threshold("vote_down"),
            ))
        if old == value and not same_is_conflict:
            score = db.session.execute(select(model.score).where(model.id == post_id)).scalar_one()
            db.session.rollback()  # nothing to write: release the row or write lock
            return VoteResult(kind=kind, post_id=post_id, score=score, value=value)
        if old == value:
            if value:
                raise Conflict(_("Hai già espresso questo voto."))
            raise Conflict(_("Non hai votato questo contenuto."))
        if previous is None:
            db.session.add(Vote(user_id=user.id, value=value, **{target.key: post_id}))
        elif value == 0:
            db.session.execute(delete(Vote).where(Vote.id == previous.id))
        else:
            previous.value = value
        db.session.execute(
            update(model).where(model.id == post_id).values(score=model.score + (value - old))
        )
        reputation.add_points(
            {author_id: reputation.vote_points(kind, value) - reputation.vote_points(kind, old)}
        )
        score = db.session.execute(select(model.score).where(model.id == post_id)).scalar_one()
        commit_or_conflict(_("Hai già espresso questo voto."))
    return VoteResult(kind=kind, post_id=post_id, score=score, value=value)
