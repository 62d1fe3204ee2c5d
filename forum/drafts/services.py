"""Drafts: the unsent text of the ask and answer forms, kept on the server for signed-in
members so it follows them across devices (the browser keeps its own copy too).

One row per member and form (and question, for answers), written by an upsert on the
partial unique index: the same draft saved by many requests at once leaves one row with
the last text. A draft is limited like the post it would become, and goes when the post
is published (`forum.drafts.records.drop_draft`) or when the member discards it.
"""

from __future__ import annotations

from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table

from forum import permissions
from forum.answers.services import BODY_MAX as ANSWER_MAX
from forum.database import upsert_insert, write_intent
from forum.drafts.records import drop_draft
from forum.errors import InvalidInput, NotFound
from forum.extensions import db
from forum.models import Draft, DraftKind, Question, User
from forum.models.base import utcnow
from forum.models.draft import ANSWER_WHERE, ASK_WHERE
from forum.questions.services import BODY_MAX as QUESTION_MAX
from forum.questions.services import TITLE_MAX
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

TAGS_MAX = 200  # the ask form's tags field


def draft_kind(raw: str) -> DraftKind:
    """The form a URL names; any other value is not found."""
    try:
        return DraftKind(raw)
    except ValueError:
        raise NotFound(_("Bozza non trovata.")) from None


def readable_question(user: Any, question_id: int | None) -> int:
    """The question an answer draft belongs to, if the member may read it; the same 404
    as a missing question otherwise."""
    question = db.session.get(Question, question_id) if question_id else None
    if question is None or not permissions.can_view_question(user, question):
        raise NotFound(_("Domanda non trovata."))
    return question.id


def _checked(kind: DraftKind, title: str, body: str, tags: str) -> tuple[str, str, str]:
    title, body, tags = clean_line(title), clean_text(body), clean_line(tags)
    if kind == DraftKind.ANSWER:
        title = tags = ""
    body_max = QUESTION_MAX if kind == DraftKind.ASK else ANSWER_MAX
    errors: dict[str, list[str]] = {}
    if len(title) > TITLE_MAX:
        errors["title"] = [_("Al massimo %(n)d caratteri.", n=TITLE_MAX)]
    if len(body) > body_max:
        errors["body"] = [_("Al massimo %(n)d caratteri.", n=body_max)]
    if len(tags) > TAGS_MAX:
        errors["tags"] = [_("Al massimo %(n)d caratteri.", n=TAGS_MAX)]
    if errors:
        raise InvalidInput(_("La bozza è troppo lunga per essere salvata."),
                           field_errors=errors)
    return title, body, tags


def save_draft(user: User, kind: DraftKind, *, question_id: int | None = None,
               title: str = "", body: str = "", tags: str = "") -> Draft | None:
    """Keep the member's unsent text of a form (an empty text drops the draft); returns
    the stored draft, or None when there is none left."""
    require_member(user, _("Accedi per salvare una bozza."))
    title, body, tags = _checked(kind, title, body, tags)
    with write_intent():
        target = readable_question(user, question_id) if kind == DraftKind.ANSWER else None
        if not (title or body or tags):
            drop_draft(user.id, kind, target)
            db.session.commit()
            return None
        table = cast(Table, Draft.__table__)
        insert: Any = upsert_insert(db.session())
        now = utcnow()
        stmt = insert(table).values(user_id=user.id, kind=str(kind), question_id=target,
                                    title=title, body=body, tags=tags, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"] if target is None else ["user_id", "question_id"],
            index_where=ASK_WHERE if target is None else ANSWER_WHERE,
            set_={"title": title, "body": body, "tags": tags, "updated_at": now})
        draft_id = db.session.execute(stmt.returning(table.c.id)).scalar_one()
        db.session.commit()
    return db.session.get(Draft, draft_id)


def discard_draft(user: User, kind: DraftKind, question_id: int | None = None) -> None:
    """Drop the member's draft of a form ("Scarta"); dropping none is fine."""
    require_member(user, _("Accedi per gestire le bozze."))
    with write_intent():
        drop_draft(user.id, kind, question_id if kind == DraftKind.ANSWER else None)
        db.session.commit()
