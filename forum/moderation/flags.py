"""Members' flags, and the rule that enough trusted flags hide a post until a moderator looks."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum import permissions
from forum.database import commit_or_conflict, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import FLAG_REASONS, Flag, FlagStatus, User
from forum.models.base import utcnow
from forum.moderation.audit import record_action
from forum.moderation.posts import PostRef, load_post, parse_question_ref, visible_original
from forum.moderation.visibility import hide
from forum.notifications.services import notify
from forum.text import clean_text
from forum.users.standing import require_member

NOTE_MAX = 500
AUTO_HIDE_REASON = "flags"


def _checked_note(reason: str, note: str) -> str:
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "note": [_("Al massimo %(n)d caratteri.", n=NOTE_MAX)]})
    if reason == "attention" and len(note) < 5:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "note": [_("Spiega in poche parole perché serve la moderazione.")]})
    return note


def flag_post(
    reporter: User,
    post_type: str,
    post_id: int,
    *,
    reason: str,
    note: str = "",
    duplicate_of: str | None = None,
) -> Flag:
    """Report a post; one open flag per member and post. May hide the post (trusted flags)."""
    require_member(reporter, _("Accedi per segnalare un contenuto."))
    if reason not in FLAG_REASONS:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "reason": [_("Scegli un motivo dall'elenco.")]})
    note = _checked_note(reason, note)
    with write_intent():
        ref = load_post(post_type, post_id, for_update=True)
        if not permissions.can_read_group_content(reporter, ref.question.group):
            raise NotFound(_("Contenuto non trovato."))
        if ref.post.is_hidden or ref.question.is_hidden:
            raise Conflict(_("Questo contenuto è già stato nascosto dalla moderazione."))
        if not permissions.can_flag(reporter, ref.author_id):
            raise NotAllowed(_("Non puoi segnalare i tuoi contenuti."))
        duplicate_id = None
        if reason == "duplicate":
            if post_type != "question":
                raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
                    "reason": [_("Solo una domanda può essere un duplicato.")]})
            duplicate_id = visible_original(
                parse_question_ref(duplicate_of, "duplicate_of"), "duplicate_of",
                duplicate=ref.question, viewer=reporter,
            ).id
        if _open_flag_exists(reporter.id, post_type, post_id):
            raise Conflict(_already_flagged())
        flag = Flag(
            post_type=post_type,
            post_id=post_id,
            question_id=ref.question.id,
            reporter_id=reporter.id,
            reason=reason,
            note=note,
            duplicate_of_id=duplicate_id,
            is_trusted=permissions.has_privilege(reporter, "flag_weight"),
        )
        db.session.add(flag)
        db.session.flush()
        if flag.is_trusted:
            _hide_when_enough_trusted_flags(ref)
        commit_or_conflict(_already_flagged())
    return flag


def _already_flagged() -> str:
    return _("Hai già segnalato questo contenuto: la moderazione lo sta valutando.")


def _open_flag_exists(reporter_id: int, post_type: str, post_id: int) -> bool:
    return db.session.execute(
        select(Flag.id).where(
            Flag.reporter_id == reporter_id, Flag.post_type == post_type,
            Flag.post_id == post_id, Flag.status == FlagStatus.OPEN,
        )
    ).first() is not None


def _hide_when_enough_trusted_flags(ref: PostRef) -> None:
    threshold = int(current_app.config["FLAG_HIDE_THRESHOLD"])
    trusted = db.session.scalar(
        select(func.count(Flag.id)).where(
            Flag.post_type == ref.post_type, Flag.post_id == ref.post.id,
            Flag.status == FlagStatus.OPEN, Flag.is_trusted.is_(True),
        )
    ) or 0
    if threshold > 0 and trusted >= threshold:
        hide(ref, None, AUTO_HIDE_REASON)
        record_action(None, "auto_hide", ref.post_type, ref.post.id,
                      reason=_("Nascosto da %(n)d segnalazioni di membri esperti.", n=trusted))
        notify(ref.author_id, "post_hidden_by_flags", link=ref.url)


def resolve_flags(ref: PostRef, actor: User, resolution: str,
                  status: str = FlagStatus.ACTIONED) -> int:
    """Close the post's open flags with the moderator's decision; returns how many."""
    flags = list(db.session.execute(
        select(Flag).where(
            Flag.post_type == ref.post_type, Flag.post_id == ref.post.id,
            Flag.status == FlagStatus.OPEN,
        )
    ).scalars())
    now = utcnow()
    for flag in flags:
        flag.status = status
        flag.resolved_by_id = actor.id
        flag.resolved_at = now
        flag.resolution = resolution
    return len(flags)


def require_open_flags(ref: PostRef) -> None:
    """Dismissing needs something to dismiss: a clear 409 when the flags were handled."""
    exists = db.session.execute(
        select(Flag.id).where(
            Flag.post_type == ref.post_type, Flag.post_id == ref.post.id,
            Flag.status == FlagStatus.OPEN,
        )
    ).first()
    if exists is None:
        raise Conflict(_("Non ci sono segnalazioni aperte su questo contenuto."))


def require_moderator_of(actor: User, ref: PostRef) -> None:
    """403 unless the actor moderates the post's theme; a 404 hides nothing here."""
    if not permissions.can_view_question(actor, ref.question):
        raise NotFound(_("Contenuto non trovato."))
    if not permissions.can_moderate_question(actor, ref.question):
        if permissions.can_moderate(actor):
            raise NotAllowed(_("Non moderi il tema di questo contenuto."))
        raise NotAllowed(_("Solo la moderazione può farlo."))

