"""Viewer scopes: one version per member for what only that member's slots show.

A member's filled copy of a page (`pages.py`) is kept under the versions of everything its
slots read. The page's own scopes and the member's `user:ID` cover most of it; what is
left is personal and changes through other tables: their votes, follows, notifications,
conversations (unread counts), blocks and routing offers. Each such row bumps
`viewer:ID` of every member it concerns, in the same transaction (`versions.py` calls
`viewer_ids_of` from `after_flush` and `viewer_ids_of_bulk` for bulk statements).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import ORMExecuteState, Session

from forum.models import (
    Block,
    ConversationMember,
    Follow,
    Message,
    Notification,
    RoutingOffer,
    Vote,
)

# The columns naming the members a row concerns, for rows changed one by one or in bulk.
_COLUMNS: dict[type, tuple[Any, ...]] = {
    Vote: (Vote.user_id,),
    Follow: (Follow.user_id,),
    Notification: (Notification.user_id,),
    ConversationMember: (ConversationMember.user_id,),
    Block: (Block.blocker_id, Block.blocked_id),
    RoutingOffer: (RoutingOffer.user_id,),
}
TOO_MANY = 2_000  # a sweep touching more members than this bumps `all` instead


def viewer_scope(user_id: int) -> str:
    """The scope of what one member's own slots show (counters, votes, follows...)."""
    return f"viewer:{user_id}"


def viewer_ids_of(obj: Any, session: Session) -> set[int] | None:
    """Members whose slots an ORM object's change shows; None when it concerns nobody's."""
    if isinstance(obj, Message):
        # a new or hidden message changes the unread count of everyone in the conversation
        return set(session.connection().scalars(select(ConversationMember.user_id).where(
            ConversationMember.conversation_id == obj.conversation_id)))
    columns = _COLUMNS.get(type(obj))
    if columns is None:
        return None
    return {v for v in (getattr(obj, c.key) for c in columns) if v is not None}


def is_personal(model: type) -> bool:
    """Whether rows of `model` show in some member's slots."""
    return model is Message or model in _COLUMNS


def viewer_ids_of_bulk(state: ORMExecuteState, model: type) -> set[int] | None:
    """Members a bulk INSERT/UPDATE/DELETE on a personal table concerns; None when the rows
    cannot be told (the caller then bumps `all`)."""
    columns = _COLUMNS.get(model)
    if columns is None:
        return None
    if state.is_insert:
        return _inserted(state, columns)
    where = getattr(state.statement, "whereclause", None)
    if where is None:
        return None
    found: set[int] = set()
    for column in columns:
        found.update(state.session.execute(
            select(column).distinct().where(where).limit(TOO_MANY + 1)).scalars())
    return found if len(found) <= TOO_MANY else None


def _inserted(state: ORMExecuteState, columns: tuple[Any, ...]) -> set[int] | None:
    """The members named by the values of an INSERT (one row of `.values()`, or the
    parameter list of an executemany)."""
    rows: list[dict[str, Any]] = []
    values = getattr(state.statement, "_values", None)
    if values:
        rows.append({getattr(k, "key", str(k)): getattr(v, "value", v) for k, v in values.items()})
    params = state.parameters
    if isinstance(params, dict):
        params = [params]
    if isinstance(params, list | tuple):
        rows.extend(p for p in params if isinstance(p, dict) and p)
    found = {row.get(c.key) for row in rows for c in columns}
    if not rows or None in found:
        return None
    return {int(v) for v in found if v is not None}
