"""Read paths for questions: lists with filters and the full question page, eager-loaded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, and_, func, or_, select, true, union
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.guidelines import queries as guideline_queries
from forum.models import (
    Acceptance,
    Answer,
    Comment,
    Guideline,
    Practice,
    Question,
    Tag,
    Theme,
    Vote,
    question_tags,
)
from forum.practices import queries as practice_queries

STATES = ("risolte", "non-risolte", "senza-risposta")
SORTS = ("recenti", "attive", "voti")


@dataclass(frozen=True)
class ListFilters:
    """Filters and sort of a question list, as parsed from the query string."""

    theme: str | None = None
    tag: str | None = None
    state: str | None = None
    sort: str = "attive"

    def as_args(self) -> dict[str, str]:
        """Non-empty filters, for building links that keep them."""
        args = {"tema": self.theme, "tag": self.tag, "stato": self.state, "ordina": self.sort}
        return {k: v for k, v in args.items() if v}


def _filtered(stmt: Select, filters: ListFilters, viewer: Any) -> Select:
    """The WHERE of a list (and the theme join its filter needs), for items and count alike.

    Hidden questions never appear in lists; moderators find them in the review queue.
    Questions of a restricted working group appear only for its members.
    """
    stmt = stmt.where(Question.hidden_at.is_(None), permissions.visible_questions(viewer))
    if filters.theme:
        stmt = stmt.join(Question.theme).where(Theme.slug == filters.theme)
    if filters.tag:
        stmt = stmt.where(Question.tags.any(Tag.name == filters.tag))
    if filters.state == "risolte":
        stmt = stmt.where(Question.accepted_answer_id.is_not(None))
    elif filters.state == "non-risolte":
        stmt = stmt.where(Question.accepted_answer_id.is_(None))
    elif filters.state == "senza-risposta":
        stmt = stmt.where(Question.answer_count == 0)
    return stmt


def _list_select(filters: ListFilters, viewer: Any) -> Select:
    stmt = select(Question).options(
        joinedload(Question.author), joinedload(Question.theme), selectinload(Question.tags)
    )
    order: tuple[Any, ...] = {
        "recenti": (Question.created_at.desc(), Question.id.desc()),
        "voti": (Question.score.desc(), Question.id.desc()),
    }.get(filters.sort, (Question.last_activity_at.desc(), Question.id.desc()))
    return _filtered(stmt, filters, viewer).order_by(*order)


class _SlimCountPagination(SelectPagination):
    """Items from the full select; the total from `count_select`, which skips the eager
    joins and wide columns that made counting a page cost as much as loading it."""

    def _query_count(self) -> int:
        session, count_select = self._query_args["session"], self._query_args["count_select"]
        return int(session.execute(count_select).scalar_one())


def list_questions(filters: ListFilters, page: int, per_page: int, viewer: Any = None
                   ) -> Pagination:
    """One page of the questions the viewer may read, with author, theme and tags loaded,
    and a cheap total (three statements: the page, its tags, the count)."""
    count_select = _filtered(select(func.count()).select_from(Question), filters, viewer)
    return _SlimCountPagination(
        select=_list_select(filters, viewer),
        count_select=count_select,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
    )


SORT_KEYS = {
    "recenti": (Question.created_at, Question.id),
    "voti": (Question.score, Question.id),
    "attive": (Question.last_activity_at, Question.id),
}


def sort_key(question: Question, sort: str) -> tuple[Any, int]:
    """The keyset value of a question in a list sorted by `sort` (for API cursors)."""
    column = SORT_KEYS.get(sort, SORT_KEYS["attive"])[0]
    return getattr(question, column.key), question.id


def questions_after(filters: ListFilters, viewer: Any, after: tuple[Any, ...] | None,
                    limit: int) -> list[Question]:
    """Up to `limit` questions of a list, after the item whose sort key is `after`: the
    keyset page of the API (same filters and visibility as the list pages)."""
    stmt = _list_select(filters, viewer)
    if after is not None:
        column, ident = SORT_KEYS.get(filters.sort, SORT_KEYS["attive"])
        stmt = stmt.where(or_(column < after[0], and_(column == after[0], ident < after[1])))
    return list(db.session.execute(stmt.limit(limit)).scalars().unique())


def recent_questions(viewer: Any = None, limit: int = 10) -> list[Question]:
    """The most recently active questions the viewer may read, for the home page."""
    stmt = _list_select(ListFilters(), viewer).limit(limit)
    return list(db.session.execute(stmt).scalars().unique())


def themes_with_counts(*, include_archived: bool = False) -> list[tuple[Theme, int, int]]:
    """Themes in display order with their numbers of visible and solved questions.

    The counts are of the public space (and open groups): the same for every viewer, so a
    restricted group's discussions do not show through a theme's number."""
    counts = (
        select(
            Question.theme_id,
            func.count(Question.id).label("total"),
            func.count(Question.accepted_answer_id).label("solved"),
        )
        .where(Question.hidden_at.is_(None), permissions.public_questions())
        .group_by(Question.theme_id)
        .subquery()
    )
    stmt = (
        select(Theme, func.coalesce(counts.c.total, 0), func.coalesce(counts.c.solved, 0))
        .outerjoin(counts, counts.c.theme_id == Theme.id)
        .order_by(Theme.position, Theme.name)
    )
    if not include_archived:
        stmt = stmt.where(Theme.is_archived.is_(False))
    rows = db.session.execute(stmt).all()
    return [(theme, total, solved) for theme, total, solved in rows]


TAG_SORTS = ("nome", "domande")


def tag_sort_key(row: Any, sort: str) -> tuple[Any, ...]:
    """The keyset value of a (tag, count) row in a list sorted by `sort` (API cursors)."""
    tag, count = row
    return (count, tag.name) if sort == "domande" else (tag.name,)


def tags_after(sort: str, after: tuple[Any, ...] | None, limit: int,
               prefix: str | None = None) -> list[tuple[Tag, int]]:
    """Tags with their numbers of public questions (the same for every viewer, like the
    theme counts: a restricted group's tags do not show), by name or most used first;
    up to `limit` after the row whose key is `after`. One statement."""
    total = func.count(Question.id).label("total")
    stmt = (select(Tag, total)
            .join(question_tags, question_tags.c.tag_id == Tag.id)
            .join(Question, Question.id == question_tags.c.question_id).where(
        Question.hidden_at.is_(None), permissions.public_questions()).group_by(Tag.id))
    if prefix:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Tag.name.like(f"{escaped}%", escape="\\"))
    if sort == "domande":
        stmt = stmt.order_by(total.desc(), Tag.name)
        if after is not None:
            stmt = stmt.having(or_(total < after[0], and_(total == after[0],
                                                          Tag.name > after[1])))
    else:
        stmt = stmt.order_by(Tag.name)
        if after is not None:
            stmt = stmt.where(Tag.name > after[0])
    return [(tag, count) for tag, count in db.session.execute(stmt.limit(limit)).all()]


def theme_by_slug(slug: str) -> Theme:
    """A theme by slug, NotFound otherwise."""
    theme = db.session.execute(select(Theme).where(Theme.slug == slug)).scalar_one_or_none()
    if theme is None:
        raise NotFound(_("Tema non trovato."))
    return theme


def all_themes() -> list[Theme]:
    """Open themes in display order (for the ask form); archived ones take no questions."""
    return list(db.session.execute(
        select(Theme).where(Theme.is_archived.is_(False)).order_by(Theme.position)
    ).scalars())


@dataclass
class CommentNode:
    """A comment with its replies, for indented rendering."""

    comment: Comment
    children: list[CommentNode] = field(default_factory=list)


@dataclass
class QuestionPage:
    """Everything the question page shows, loaded in a fixed number of statements."""

    question: Question
    answers: list[Answer]
    acceptance: Acceptance | None
    question_comments: list[CommentNode]
    answer_comments: dict[int, list[CommentNode]]
    my_votes: dict[tuple[str, int], int]
    citations: dict[int, list[Practice]] = field(default_factory=dict)
    derived_practices: list[Practice] = field(default_factory=list)
    pinned: list[Practice] = field(default_factory=list)
    original: tuple[int, str] | None = None
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    guideline_citations: dict[int, list[guideline_queries.CitedGuideline]] = field(
        default_factory=dict)
    guidelines: list[Guideline] = field(default_factory=list)
    sort: str = "voti"


# Answer orders on the question page (the accepted answer stays first in each).
ANSWER_SORTS = {
    "voti": (Answer.score.desc(), Answer.created_at, Answer.id),
    "recenti": (Answer.created_at.desc(), Answer.id.desc()),
    "meno-recenti": (Answer.created_at, Answer.id),
}


def _comment_forest(comments: list[Comment]) -> tuple[list[CommentNode], dict[int, list]]:
    nodes = {c.id: CommentNode(c) for c in comments}
    on_question: list[CommentNode] = []
    on_answers: dict[int, list[CommentNode]] = defaultdict(list)
    for comment in comments:
        node = nodes[comment.id]
        if comment.parent_id is not None and comment.parent_id in nodes:
            nodes[comment.parent_id].children.append(node)
        elif comment.answer_id is None:
            on_question.append(node)
        else:
            on_answers[comment.answer_id].append(node)
    return on_question, dict(on_answers)


def question_page(question_id: int, viewer: Any, sort: str = "voti",
                  with_votes: bool = True) -> QuestionPage:
    """The question, its answers (solution first, then in `sort` order: ANSWER_SORTS),
    comments and, `with_votes`, the viewer's votes (the page fills those per viewer)."""
    question = db.session.execute(
        select(Question)
        .where(Question.id == question_id)
        .options(
            joinedload(Question.author), joinedload(Question.theme), selectinload(Question.tags)
        )
    ).unique().scalar_one_or_none()
    if question is None or not permissions.can_view_question(viewer, question):
        raise NotFound(_("Domanda non trovata."))
    answers = list(db.session.execute(
        select(Answer)
        .where(Answer.question_id == question_id, _visible_to(Answer, viewer, question))
        .options(joinedload(Answer.author))
        .order_by(
            (Answer.id == func.coalesce(question.accepted_answer_id, -1)).desc(),
            *ANSWER_SORTS.get(sort, ANSWER_SORTS["voti"]),
        )
    ).scalars())
    comments = list(db.session.execute(
        select(Comment)
        .where(Comment.question_id == question_id, _visible_to(Comment, viewer, question))
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).scalars())
    acceptance = None
    if question.accepted_answer_id is not None:
        acceptance = db.session.execute(
            select(Acceptance)
            .where(Acceptance.question_id == question_id, Acceptance.withdrawn_at.is_(None))
            .options(joinedload(Acceptance.accepted_by))
        ).scalar_one_or_none()
    my_votes: dict[tuple[str, int], int] = {}
    if with_votes and getattr(viewer, "is_authenticated", False):
        answer_ids = [a.id for a in answers]
        rows = db.session.execute(
            select(Vote.question_id, Vote.answer_id, Vote.value).where(
                Vote.user_id == viewer.id,
                (Vote.question_id == question_id) | Vote.answer_id.in_(answer_ids),
            )
        ).all()
        for q_id, a_id, value in rows:
            my_votes[("question", q_id) if q_id else ("answer", a_id or 0)] = value
    on_question, on_answers = _comment_forest(comments)
    citations = practice_queries.citations_for_answers([a.id for a in answers])
    drawn, pinned = practice_queries.practices_for_question(question_id)
    derived = [p for p in drawn if permissions.can_view_practice(viewer, p)]
    original, duplicates = _duplicate_links(question, viewer)
    cited_guidelines, guidelines = guideline_queries.guidelines_for_question(
        question_id, [a.id for a in answers], viewer)
    return QuestionPage(question, answers, acceptance, on_question, on_answers, my_votes,
                        citations, derived, pinned, original, duplicates,
                        cited_guidelines, guidelines, sort if sort in ANSWER_SORTS else "voti")


def participants(question_id: int) -> frozenset[int]:
    """Who wrote the question, an answer or a comment (hidden ones too): they see their
    own controls, so the page is rendered for each of them apart. One statement."""
    return frozenset(db.session.scalars(union(
        select(Question.author_id).where(Question.id == question_id),
        select(Answer.author_id).where(Answer.question_id == question_id),
        select(Comment.author_id).where(Comment.question_id == question_id))))


def _visible_to(model: type[Answer] | type[Comment], viewer: Any, question: Question) -> Any:
    """Hidden answers and comments show only to their author and the theme's moderators."""
    if permissions.can_moderate_question(viewer, question):
        return true()
    if getattr(viewer, "is_authenticated", False):
        return or_(model.hidden_at.is_(None), model.author_id == viewer.id)
    return model.hidden_at.is_(None)


def _duplicate_links(question: Question, viewer: Any
                     ) -> tuple[tuple[int, str] | None, list[tuple[int, str]]]:
    """The original this duplicate points to and its duplicates the viewer may read, in
    one query of index lookups: the original's part only when there is one (an OR with
    `id IS NULL` made the planner read every question on every page)."""
    related = Question.duplicate_of_id == question.id
    if question.duplicate_of_id is not None:
        related = or_(related, Question.id == question.duplicate_of_id)
    rows = db.session.execute(
        select(Question.id, Question.title, Question.duplicate_of_id)
        .where(
            related,
            Question.hidden_at.is_(None),
            permissions.visible_questions(viewer),
        )
        .order_by(Question.created_at)
    ).all()
    original = next(((r.id, r.title) for r in rows if r.id == question.duplicate_of_id), None)
    duplicates = [(r.id, r.title) for r in rows if r.duplicate_of_id == question.id]
    return original, duplicates


def question_for_edit(question_id: int, viewer: Any = None) -> Question:
    """The question with theme and tags, for the edit form; not found for a viewer outside
    its restricted group (who is told nothing of it)."""
    question = db.session.execute(
        select(Question)
        .where(Question.id == question_id)
        .options(joinedload(Question.theme), selectinload(Question.tags))
    ).unique().scalar_one_or_none()
    if question is None or not permissions.can_read_group_content(viewer, question.group):
        raise NotFound(_("Domanda non trovata."))
    return question


def question_id_of_answer(answer_id: int) -> int:
    """The question an answer belongs to (visibility is checked by the service that acts)."""
    question_id = db.session.execute(
        select(Answer.question_id).where(Answer.id == answer_id)).scalar_one_or_none()
    if question_id is None:
        raise NotFound(_("Risposta non trovata."))
    return int(question_id)


def answer_for_edit(answer_id: int, viewer: Any = None) -> Answer:
    """An answer with its question (theme and lock decide who may edit), for its edit form;
    not found for a viewer outside the thread's restricted group."""
    answer = db.session.get(Answer, answer_id, options=[joinedload(Answer.question)])
    if answer is None or not permissions.can_read_group_content(viewer,
                                                                 answer.question.group):
        raise NotFound(_("Risposta non trovata."))
    return answer
