"""The question page's viewer slots: the viewer's own votes and a routing offer."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template
from flask_login import current_user
from sqlalchemy import or_, select

from forum.extensions import db
from forum.models import Question, Vote
from forum.render_cache.slots import slot_kind
from forum.routing.queries import open_offer

# The button's next value and pressed state, by direction and the viewer's current vote.
_NEXT = {"su": {1: "annulla", 0: "su", -1: "su"}, "giu": {-1: "annulla", 0: "giu", 1: "giu"}}


def _my_votes(args: Sequence[str]) -> dict[tuple[str, int], int]:
    """arg = kind-id-direction; the viewer's votes on every post of the page, one query."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    posts = {(kind, int(post)) for kind, post, _dir in (a.split("-") for a in args)}
    questions = [i for k, i in posts if k == "question"]
    answers = [i for k, i in posts if k == "answer"]
    rows = db.session.execute(select(Vote.question_id, Vote.answer_id, Vote.value).where(
        Vote.user_id == current_user.id,
        or_(Vote.question_id.in_(questions), Vote.answer_id.in_(answers)))).all()
    return {(("question", q) if q else ("answer", a or 0)): v for q, a, v in rows}


@slot_kind("vote", _my_votes, keep=lambda _mine: True)
def vote_button(arg: str, mine: dict[tuple[str, int], int]) -> str:
    """The button's value and pressed state for the viewer's own vote."""
    kind, post, direction = arg.split("-")
    value = mine.get((kind, int(post)), 0)
    pressed = (direction == "su" and value == 1) or (direction == "giu" and value == -1)
    return (f' value="{_NEXT[direction][value]}"'
            f' aria-pressed="{"true" if pressed else "false"}"')


def _offers(args: Sequence[str]) -> dict[str, str]:
    html = {}
    for arg in args:
        question = db.session.get(Question, int(arg))
        offer = open_offer(current_user, question) if question is not None else None
        html[arg] = render_template("routing/_offer.html", q=question) if offer else ""
    return html


def _no_offer(html: dict[str, str]) -> bool:
    """A copy showing an open offer is never kept (it ends when declined, answered or
    routed elsewhere); without one, the viewer's scope tells when one arrives."""
    return not any(html.values())


@slot_kind("offer", _offers, keep=_no_offer)
def routing_offer(arg: str, html: dict[str, str]) -> str:
    """'Puoi aiutare?' for the member a routed question was offered to."""
    return html.get(arg, "")
