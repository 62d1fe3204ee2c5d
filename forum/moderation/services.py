"""Moderators' actions on flagged posts: hide, restore, dismiss, warn. Each one is audited."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import FlagStatus, Role, User
from forum.moderation.audit import record_action
from forum.moderation.flags import require_moderator_of, require_open_flags, resolve_flags
from forum.moderation.posts import PostRef, load_post
from forum.moderation.suspensions import apply_suspension, suspension_end
from forum.moderation.visibility import hide, restore
from forum.notifications.services import notify
from forum.text import clean_text

REASON_MAX = 1_000


def checked_reason(reason: str, *, required: bool = True) -> str:
    """A moderator's or admin's reason (shown to the member concerned): cleaned, at most
    1,000 characters, and not empty when the action requires one. Shared by moderation and
    the admin pages so a suspension's reason follows one rule whichever page gave it."""
    reason = clean_text(reason)
    if required and not reason:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "reason": [_("Indica il motivo: verrà mostrato all'autore.")]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors={
            "reason": [_("Il motivo può avere al massimo %(n)d caratteri.", n=REASON_MAX)]})
    return reason


def _moderated_post(actor: User, post_type: str, post_id: int) -> PostRef:
    ref = load_post(post_type, post_id, for_update=True)
    require_moderator_of(actor, ref)
    return ref


def hide_post(actor: User, post_type: str, post_id: int, *, reason: str) -> PostRef:
    """Hide a post with a reason shown to its author; resolves its open flags."""
    reason = checked_reason(reason)
    with write_intent():
        ref = _moderated_post(actor, post_type, post_id)
        if ref.post.is_hidden and ref.post.hidden_by_id is not None:
            raise Conflict(_("Questo contenuto è già nascosto."))
        if ref.post.is_hidden:
            restore(ref)  # hidden by flags: the moderator's decision replaces the automatic one
        hide(ref, actor, reason)
        resolve_flags(ref, actor, "hidden")
        record_action(actor, "hide_post", post_type, post_id, reason=reason,
                      question=ref.question.id)
        notify(ref.author_id, "post_hidden", link=ref.url, reason=reason)
        db.session.commit()
    return ref


def restore_post(actor: User, post_type: str, post_id: int, *, reason: str = "") -> PostRef:
    """Make a hidden post visible again; open flags on it are dismissed."""
    reason = checked_reason(reason, required=False)
    with write_intent():
        ref = _moderated_post(actor, post_type, post_id)
        if not ref.post.is_hidden:
            raise Conflict(_("Questo contenuto non è nascosto."))
        restore(ref)
        resolve_flags(ref, actor, "restored", status=FlagStatus.DISMISSED)
        record_action(actor, "restore_post", post_type, post_id, reason=reason,
                      question=ref.question.id)
        notify(ref.author_id, "post_restored", link=ref.url)
        db.session.commit()
    return ref


def dismiss_flags(actor: User, post_type: str, post_id: int, *, reason: str = "") -> int:
    """Close the open flags as unfounded; a post hidden only by flags becomes visible again."""
    reason = checked_reason(reason, required=False)
    with write_intent():
        ref = _moderated_post(actor, post_type, post_id)
        require_open_flags(ref)
        if ref.post.is_hidden and ref.post.hidden_by_id is None:
            restore(ref)
            notify(ref.author_id, "post_restored", link=ref.url)
        count = resolve_flags(ref, actor, "dismissed", status=FlagStatus.DISMISSED)
        record_action(actor, "dismiss_flags", post_type, post_id, reason=reason,
                      flags=count, question=ref.question.id)
        db.session.commit()
    return count


def warn_author(actor: User, post_type: str, post_id: int, *, reason: str) -> PostRef:
    """Send the post's author a warning (in-app), recorded in the audit log."""
    reason = checked_reason(reason)
    with write_intent():
        ref = _moderated_post(actor, post_type, post_id)
        if ref.author_id == actor.id:
            raise Conflict(_("Non puoi inviare un avviso a te stesso."))
        resolve_flags(ref, actor, "warned")
        record_action(actor, "warn_user", "user", ref.author_id, reason=reason,
                      post_type=post_type, post_id=post_id)
        notify(ref.author_id, "warning", link=ref.url, reason=reason)
        db.session.commit()
    return ref


def suspend_author(
    actor: User, post_type: str, post_id: int, *, reason: str,
    days: int | None = None, until: date | None = None,
) -> User:
    """From the review queue: a theme's moderator suspends the member who wrote a post.

    Moderators and admins can only be suspended by an admin, from the admin pages.
    """
    end = suspension_end(days=days, until=until)
    reason = checked_reason(reason)
    with write_intent():
        ref = _moderated_post(actor, post_type, post_id)
        author = db.session.get(User, ref.author_id, with_for_update=True)
        if author is None:
            raise Conflict(_("L'autore non esiste più."))
        if author.id == actor.id:
            raise Conflict(_("Non puoi sospendere te stesso."))
        if author.role != Role.ADMIN and not permissions.can_suspend(actor, author):
            raise NotAllowed(_(
                "Solo un amministratore può sospendere moderatori e amministratori."))
        apply_suspension(actor, author, end=end, reason=reason, days=days,
                         post_type=post_type, post_id=post_id, question=ref.question.id)
        resolve_flags(ref, actor, "author_suspended")
        db.session.commit()
    return author
