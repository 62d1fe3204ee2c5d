"""Read paths for revision histories: every version of content with the diff to the one before.

The versions of a piece of content are its revision rows (each the state *before* an
edit, oldest first) followed by the content as it is now. Version k+1 was made by the
editor and at the time recorded on revision k; version 1 by the author at creation.
One function serves every content type through its adapter in `forum/revisions/kinds.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Question, Revision, RevisionKind, User
from forum.permissions import can_see_redacted
from forum.revisions.diff import FieldDiff, diff_fields, plain_fields
from forum.revisions.kinds import KINDS


@dataclass
class Version:
    """One state of a post: who made it, when, and what changed from the previous one."""

    number: int
    revision_id: int | None  # None for the current version, which has no revision row
    editor: User | None
    created_at: datetime
    changes: list[FieldDiff]
    is_current: bool
    same_as_current: bool
    redacted: bool = False  # held personal data a moderator removed: admins only see it
    files: list[dict[str, Any]] = field(default_factory=list)  # id, filename, size


@dataclass
class History:
    """A post and its versions, newest first; `question` is the thread (None for practices)."""

    kind: str
    post: Any
    question: Question | None
    versions: list[Version]


def _versions(
    states: list[dict[str, str]],
    makers: Sequence[tuple[User | None, datetime]],
    revision_ids: list[int],
    labels: Mapping[str, Any],
    hidden: Sequence[bool] = (),
) -> list[Version]:
    """Versions newest first from states oldest first (the last one is the current post).

    A `hidden` state (redacted, for a viewer who is not an admin) shows no text, and the
    version after it is shown whole rather than as a diff, which would reveal what was
    removed."""
    versions = []
    last = len(states) - 1
    for k, state in enumerate(states):
        is_hidden = k < len(hidden) and hidden[k]
        after_hidden = k > 0 and k - 1 < len(hidden) and hidden[k - 1]
        if is_hidden:
            changes: list[FieldDiff] = []
        elif k == 0 or after_hidden:
            changes = plain_fields(state, labels)
        else:
            changes = diff_fields(states[k - 1], state, labels)
        editor, moment = makers[k]
        versions.append(Version(
            number=k + 1,
            revision_id=revision_ids[k] if k < last else None,
            editor=editor,
            created_at=moment,
            changes=changes,
            is_current=k == last,
            same_as_current=state == states[last],
            redacted=is_hidden,
        ))
    return versions[::-1]


def history(kind: RevisionKind, key: Any, viewer: Any) -> History:
    """Content's versions, newest first, with a diff of each changed field (fixed queries)."""
    adapter = KINDS[kind]
    loaded = adapter.load(key, viewer)
    revisions = list(db.session.execute(
        select(Revision).where(Revision.content_type == kind,
                               Revision.content_id == loaded.content_id)
        .options(joinedload(Revision.editor)).order_by(Revision.id)
    ).scalars())
    snapshots = [*(r.snapshot for r in revisions), adapter.current(loaded)]
    states = adapter.display(snapshots)
    makers = [(loaded.author, loaded.created_at), *((r.editor, r.created_at)
                                                    for r in revisions)]
    hidden = [] if can_see_redacted(viewer) else [r.redacted_at is not None for r in revisions]
    versions = _versions(states, makers, [r.id for r in revisions], adapter.labels, hidden)
    for version in versions:  # each version links the files it listed, removed ones too
        if not version.redacted:
            version.files = [item for item in snapshots[version.number - 1].get("attachments")
                             or () if isinstance(item, dict) and isinstance(item.get("id"), int)]
    return History(str(kind), loaded.post, loaded.question, versions)
