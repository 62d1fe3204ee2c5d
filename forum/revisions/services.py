"""Rolling content back to an earlier version, through the content's own edit service.

A rollback is an edit with old values: the adapter's `restore` calls `edit_question`,
`edit_answer` or `edit_practice`, which records the current state as a new revision,
renders Markdown, syncs citations and search exactly as a normal edit does. When a
moderator rolls back someone else's content, the audit row and the author's notification
are added to the session first, so the edit service's single commit writes them together
with the change (and its rollback on any refusal discards them).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from forum.database import write_intent
from forum.errors import Conflict, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import prerender
from forum.models import Revision, RevisionKind, User
from forum.moderation.audit import record_action
from forum.notifications.services import notify
from forum.permissions import can_see_redacted
from forum.revisions.kinds import KINDS
from forum.text import clean_line

REASON_MAX = 500


def roll_back(actor: User, kind: RevisionKind, key: Any, revision_id: int, *,
              reason: str = "") -> Any:
    """Restore content as it was in one of its revisions; returns the edited content.

    `key` is what the content's URL holds (an id, or a practice's slug). Another content's
    revision id is simply not found; restoring the version already current is a conflict.
    """
    adapter = KINDS[kind]
    reason = clean_line(reason)[:REASON_MAX]
    snap = db.session.scalar(select(Revision.snapshot).where(
        Revision.id == revision_id, Revision.content_type == kind))
    if snap:  # render the old text before the write lock; the edit service then finds it
        prerender([str(snap.get(name) or "") for name in adapter.markdown_fields])
    with write_intent():
        loaded = adapter.load(key, actor)
        revision = db.session.get(Revision, revision_id)
        if revision is None or (revision.content_type, revision.content_id) != (
                kind, loaded.content_id):
            raise NotFound(_("Versione non trovata."))
        if not adapter.can_restore(actor, loaded):
            raise NotAllowed(adapter.denied())
        if revision.redacted_at is not None and not can_see_redacted(actor):
            raise NotAllowed(_("Questa versione conteneva dati personali ed è stata oscurata "
                               "dalla moderazione: solo un amministratore può ripristinarla."))
        old, now = adapter.display([revision.snapshot, adapter.current(loaded)])
        if old == now:
            raise Conflict(_(
                "Il contenuto attuale è già identico a questa versione: "
                "non c'è nulla da ripristinare."))
        if loaded.author_id is not None and loaded.author_id != actor.id:
            # a moderator restoring someone else's content: audited, and the author is told
            # with a link to the history, where the restored version is the newest
            record_action(actor, "rollback", str(kind), loaded.content_id, reason=reason,
                          revision=revision.id)
            notify(loaded.author_id, "post_rolled_back",
                   link=url_for(adapter.history_endpoint, **loaded.url_values))
        return adapter.restore(actor, loaded, revision.snapshot)
