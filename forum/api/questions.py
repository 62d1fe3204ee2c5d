"""Questions, answers and comments over the API: the list and page queries and the same
services as the pages (ask, answer, comment, vote, accept)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from flask_login import current_user
from marshmallow import Schema, fields, validate

from forum.answers import services as answer_services
from forum.api.blueprints import api_blueprint
from forum.api.pagination import PageArgs, keyset_page
from forum.api.schemas import AuthorSchema, ThemeRefSchema, UtcDateTime, page_schema
from forum.comments import services as comment_services
from forum.limits import write_limit
from forum.post_attachments import queries as attachment_queries
from forum.questions import queries
from forum.questions import services as question_services
from forum.votes import services as vote_services

blp = api_blueprint("questions-api", __name__,
                    "Domande, risposte, commenti, voti e soluzioni accettate.")

SECURITY: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]
WRITE_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


class QuestionListArgs(PageArgs):
    """The filters of the question list pages, with the same names and values."""

    tema = fields.String(load_default=None, validate=validate.Length(max=60),
                         metadata={"description": "slug del tema"})
    tag = fields.String(load_default=None, validate=validate.Length(max=30))
    stato = fields.String(load_default=None, validate=validate.OneOf(queries.STATES))
    ordina = fields.String(load_default="attive", validate=validate.OneOf(queries.SORTS))


class CommentSchema(Schema):
    """A comment; `parent_id` is the comment it replies to."""

    id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    author = fields.Nested(AuthorSchema, required=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})
    body_html = fields.String(required=True, metadata={"description": "HTML ripulito"})
    created_at = UtcDateTime(required=True)
    is_hidden = fields.Boolean(required=True)


class PostAttachmentSchema(Schema):
    """A file listed under a question or answer (a delibera, a regolamento, a modulo), named
    as a practice's attachments are: its download address is `url`."""

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    mime = fields.String(required=True, metadata={"description": "tipo riconosciuto"})
    size_bytes = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    url = fields.String(required=True)


class AnswerSchema(Schema):
    """An answer with its comments and, for a signed-in caller, their own vote."""

    id = fields.Integer(required=True)
    question_id = fields.Integer(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    body = fields.String(required=True)
    body_html = fields.String(required=True)
    score = fields.Integer(required=True)
    is_accepted = fields.Boolean(required=True)
    is_hidden = fields.Boolean(required=True)
    my_vote = fields.Integer(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(allow_none=True, required=True)
    comments = fields.List(fields.Nested(CommentSchema), required=True)
    attachments = fields.List(fields.Nested(PostAttachmentSchema), required=True)
    url = fields.String(required=True)


class QuestionSummarySchema(Schema):
    """A question as in a list."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    theme = fields.Nested(ThemeRefSchema, required=True)
    tags = fields.List(fields.String(), required=True)
    author = fields.Nested(AuthorSchema, required=True)
    score = fields.Integer(required=True)
    answer_count = fields.Integer(required=True)
    is_solved = fields.Boolean(required=True)
    accepted_answer_id = fields.Integer(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)
    last_activity_at = UtcDateTime(required=True)


class QuestionSchema(QuestionSummarySchema):
    """A question with its body, answers (solution first) and comments."""

    body = fields.String(required=True)
    body_html = fields.String(required=True)
    is_closed = fields.Boolean(required=True)
    is_locked = fields.Boolean(required=True)
    my_vote = fields.Integer(allow_none=True, required=True)
    comments = fields.List(fields.Nested(CommentSchema), required=True)
    attachments = fields.List(fields.Nested(PostAttachmentSchema), required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)


QuestionPageSchema = page_schema(QuestionSummarySchema, "QuestionPage")


# The privacy guard (forum/privacy) answers 422 with the passages it suspects; the writer
# checks them and sends the same request again with this set, as the pages' checkbox does.
CONFIRM = fields.Boolean(load_default=False, metadata={
    "description": "true: ho controllato, non sono dati personali di famiglie o minori"})


class AskSchema(Schema):
    """A new question: as the ask form (tags as a list or comma-separated)."""

    title = fields.String(required=True, validate=validate.Length(max=1000))
    body = fields.String(required=True, validate=validate.Length(max=100_000))
    theme = fields.String(required=True, validate=validate.Length(max=60),
                          metadata={"description": "slug del tema"})
    tags = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list,
                       validate=validate.Length(max=20))
    confirm_personal_data = CONFIRM


class BodySchema(Schema):
    """The text of an answer."""

    body = fields.String(required=True, validate=validate.Length(max=100_000))
    confirm_personal_data = CONFIRM


class CommentInSchema(Schema):
    """A comment, or a reply to `parent_id`."""

    body = fields.String(required=True, validate=validate.Length(max=10_000))
    parent_id = fields.Integer(load_default=None, allow_none=True,
                               validate=validate.Range(min=1, max=2**31 - 1))
    confirm_personal_data = CONFIRM


class VoteInSchema(Schema):
    """+1, -1, or 0 to take the vote back."""

    value = fields.Integer(required=True, validate=validate.OneOf((-1, 0, 1)))


class VoteSchema(Schema):
    """The post's score after the vote and the caller's vote."""

    score = fields.Integer(required=True)
    value = fields.Integer(required=True)


def _nodes(forest: list[Any]) -> list[Any]:
    """Comment nodes (with replies) flattened in reading order, each keeping parent_id."""
    flat: list[Any] = []
    stack = list(reversed(forest))
    while stack:
        node = stack.pop()
        flat.append(node.comment)
        stack.extend(reversed(node.children))
    return flat


def _comment(comment: Any) -> dict[str, Any]:
    return {"id": comment.id, "parent_id": comment.parent_id, "author": comment.author,
            "body": comment.body, "body_html": comment.body_html,
            "created_at": comment.created_at, "is_hidden": comment.hidden_at is not None}


def _files(listed: dict[Any, list[Any]], key: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"id": f.id, "filename": f.filename, "mime": f.mime, "size_bytes": f.size_bytes,
             "created_at": f.created_at,
             "url": url_for("post_attachments.download", attachment_id=f.id, _external=True)}
            for f in listed.get(key, [])]


def _summary(question: Any) -> dict[str, Any]:
    return {"id": question.id, "title": question.title,
            "url": url_for("questions.detail", question_id=question.id, _external=True),
            "theme": question.theme, "tags": [t.name for t in question.tags],
            "author": question.author, "score": question.score,
            "answer_count": question.answer_count, "is_solved": question.is_solved,
            "accepted_answer_id": question.accepted_answer_id,
            "created_at": question.created_at, "last_activity_at": question.last_activity_at}


def _question_body(question_id: int) -> dict[str, Any]:
    page = queries.question_page(question_id, current_user)
    question = page.question
    files = attachment_queries.for_posts(question.id, [a.id for a in page.answers])
    answers = [{
        "id": a.id, "question_id": a.question_id, "author": a.author, "body": a.body,
        "body_html": a.body_html, "score": a.score,
        "is_accepted": a.id == question.accepted_answer_id,
        "is_hidden": a.hidden_at is not None, "my_vote": page.my_votes.get(("answer", a.id)),
        "created_at": a.created_at, "updated_at": a.updated_at,
        "comments": [_comment(c) for c in _nodes(page.answer_comments.get(a.id, []))],
        "attachments": _files(files, ("answer", a.id)),
        "url": url_for("questions.detail", question_id=question.id, _external=True,
                       _anchor=f"risposta-{a.id}"),
    } for a in page.answers]
    return {**_summary(question), "body": question.body,
            "body_html": question.body_html, "is_closed": question.is_closed,
            "is_locked": question.is_locked,
            "my_vote": page.my_votes.get(("question", question.id)),
            "comments": [_comment(c) for c in _nodes(page.question_comments)],
            "attachments": _files(files, ("question", question.id)), "answers": answers}


@blp.route("/questions")
@blp.arguments(QuestionListArgs, location="query", as_kwargs=True)
@blp.response(200, QuestionPageSchema)
@blp.doc(security=SECURITY)
def list_questions(cursor: str | None, limit: int, tema: str | None, tag: str | None,
                   stato: str | None, ordina: str) -> Any:
    """Domande visibili a chi chiama, con i filtri della pagina /domande."""
    filters = queries.ListFilters(theme=tema, tag=(tag or "").strip().lower() or None,
                                  state=stato, sort=ordina)
    kinds: tuple[type, ...] = (int, int) if ordina == "voti" else (datetime, int)
    return keyset_page(
        cursor, kinds, limit,
        lambda after, n: queries.questions_after(filters, current_user, after, n),
        lambda q: queries.sort_key(q, ordina), _summary)


@blp.route("/questions/<int:question_id>")
@blp.response(200, QuestionSchema)
@blp.doc(security=SECURITY)
def get_question(question_id: int) -> Any:
    """Una domanda con risposte (la soluzione per prima), commenti e i voti di chi chiama."""
    return _question_body(question_id)


@blp.route("/questions", methods=["POST"])
@write_limit("POST_LIMIT", "posting")
@blp.arguments(AskSchema)
@blp.response(201, QuestionSchema)
@blp.doc(security=WRITE_SECURITY)
def ask(data: dict[str, Any]) -> Any:
    """Fai una domanda (le stesse regole del modulo «Fai una domanda»)."""
    question = question_services.ask_question(
        current_user, title=data["title"], body=data["body"], theme_slug=data["theme"],
        tags=data["tags"], confirmed_personal_data=data["confirm_personal_data"])
    return _question_body(question.id), 201, {
        "Location": url_for("questions-api.get_question", question_id=question.id,
                            _external=True)}


@blp.route("/questions/<int:question_id>/answers", methods=["POST"])
@write_limit("POST_LIMIT", "posting")
@blp.arguments(BodySchema)
@blp.response(201, AnswerSchema)
@blp.doc(security=WRITE_SECURITY)
def answer(data: dict[str, Any], question_id: int) -> Any:
    """Rispondi a una domanda."""
    created = answer_services.post_answer(current_user, question_id, body=data["body"],
                                          confirmed_personal_data=data["confirm_personal_data"])
    body = _question_body(question_id)
    return next(a for a in body["answers"] if a["id"] == created.id), 201


@blp.route("/questions/<int:question_id>/comments", methods=["POST"])
@write_limit("COMMENT_LIMIT", "commenting")
@blp.arguments(CommentInSchema)
@blp.response(201, CommentSchema)
@blp.doc(security=WRITE_SECURITY)
def comment_question(data: dict[str, Any], question_id: int) -> Any:
    """Commenta una domanda, o rispondi a un suo commento (parent_id)."""
    comment = comment_services.post_comment(
        current_user, question_id, body=data["body"], parent_id=data["parent_id"],
        confirmed_personal_data=data["confirm_personal_data"])
    return _comment(comment), 201


@blp.route("/answers/<int:answer_id>/comments", methods=["POST"])
@write_limit("COMMENT_LIMIT", "commenting")
@blp.arguments(CommentInSchema)
@blp.response(201, CommentSchema)
@blp.doc(security=WRITE_SECURITY)
def comment_answer(data: dict[str, Any], answer_id: int) -> Any:
    """Commenta una risposta, o rispondi a un suo commento (parent_id)."""
    question_id = queries.question_id_of_answer(answer_id)
    comment = comment_services.post_comment(
        current_user, question_id, body=data["body"], answer_id=answer_id,
        parent_id=data["parent_id"], confirmed_personal_data=data["confirm_personal_data"])
    return _comment(comment), 201


@blp.route("/questions/<int:question_id>/vote", methods=["PUT"])
@write_limit("VOTE_LIMIT", "voting")
@blp.arguments(VoteInSchema)
@blp.response(200, VoteSchema)
@blp.doc(security=WRITE_SECURITY)
def vote_question(data: dict[str, Any], question_id: int) -> Any:
    """Vota una domanda: +1, -1 o 0 per ritirare il voto; ripetere lo stesso voto non
    cambia nulla e risponde 200."""
    result = vote_services.cast_vote(current_user, "question", question_id, data["value"],
                                     same_is_conflict=False)
    return {"score": result.score, "value": result.value}


@blp.route("/answers/<int:answer_id>/vote", methods=["PUT"])
@write_limit("VOTE_LIMIT", "voting")
@blp.arguments(VoteInSchema)
@blp.response(200, VoteSchema)
@blp.doc(security=WRITE_SECURITY)
def vote_answer(data: dict[str, Any], answer_id: int) -> Any:
    """Vota una risposta: +1, -1 o 0 per ritirare il voto; ripetere lo stesso voto non
    cambia nulla e risponde 200."""
    result = vote_services.cast_vote(current_user, "answer", answer_id, data["value"],
                                     same_is_conflict=False)
    return {"score": result.score, "value": result.value}


@blp.route("/answers/<int:answer_id>/accept", methods=["POST"])
@blp.response(200, QuestionSchema)
@blp.doc(security=WRITE_SECURITY)
def accept(answer_id: int) -> Any:
    """Accetta una risposta come soluzione (chi ha chiesto, o un moderatore del tema)."""
    acceptance = answer_services.accept_answer(current_user, answer_id)
    return _question_body(acceptance.question_id)

