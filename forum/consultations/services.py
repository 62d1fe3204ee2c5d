"""Consultation on a guideline: members comment on a section while it is open; the owners
answer and mark each comment "recepito" or "non recepito" with a reason.

A comment belongs to the version the consultation prepares (the guideline's published
version + 1), so once that version is published its page can list what changed because of
the consultation. Comments close at the end date by themselves (`consultation_open` reads
the clock), so no job has to close them.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.guidelines.queries import load_guideline
from forum.guidelines.sections import section_titles
from forum.markup import render_markdown
from forum.models import CommentOutcome, Guideline, GuidelineComment, User
from forum.models.base import utcnow
from forum.notifications.services import notify
from forum.privacy.check import require_no_personal_data
from forum.text import clean_text

COMMENT_MAX = 5_000
REPLY_MAX = 3_000


def _locked(slug: str, viewer: User) -> tuple[Guideline, set[int]]:
    """The guideline the viewer may see, its row locked until the commit (a publication
    running at the same time waits, so an outcome never lands on a published version)."""
    guideline, owners = load_guideline(slug, viewer)
    db.session.execute(select(Guideline.id).where(Guideline.id == guideline.id)
                       .with_for_update())
    db.session.refresh(guideline, ["version", "status", "consultation_ends_at"])
    return guideline, owners


def consultation_link(guideline: Guideline, anchor: str = "") -> str:
    """The consultation page, at a section when given (notifications point there)."""
    link = f"/linee-guida/{guideline.slug}/consultazione"
    return f"{link}#{anchor}" if anchor else link


def _text(raw: str | None, field: str, limit: int, empty: str) -> str:
    text = clean_text(raw)
    if not text:
        raise InvalidInput(empty, field_errors={field: [empty]})
    if len(text) > limit:
        message = _("Il testo può avere al massimo %(n)d caratteri.", n=limit)
        raise InvalidInput(message, field_errors={field: [message]})
    return text


def comment_on_section(actor: User, slug: str, anchor: str, body: str, *,
                       confirmed_personal_data: bool = False) -> GuidelineComment:
    """A member's comment on one section of the text under consultation; refused once the
    consultation closed (409) and on a section the text does not have (422). It is public,
    so the privacy guard applies as to the comments of discussions."""
    text = _text(body, "body", COMMENT_MAX, _("Scrivi il tuo commento."))
    require_no_personal_data(confirmed_personal_data, body=text)
    html = render_markdown(text)
    with write_intent():
        guideline, owners = _locked(slug, actor)
        if not permissions.is_active_member(actor):
            raise NotAllowed(_("Il tuo account non può ancora commentare."))
        if not permissions.consultation_open(guideline):
            raise Conflict(_("La consultazione su questa linea guida è chiusa: i commenti non "
                             "sono più accettati."))
        titles = section_titles(guideline.body)
        if anchor not in titles:
            message = _("Scegli una sezione della linea guida.")
            raise InvalidInput(message, field_errors={"section": [message]})
        comment = GuidelineComment(
            guideline_id=guideline.id, version=guideline.version + 1, section_anchor=anchor,
            section_title=titles[anchor][:200], author_id=actor.id, body=text, body_html=html)
        db.session.add(comment)
        db.session.flush()
        for owner in sorted(owners - {actor.id}):
            notify(owner, "guideline_comment", link=consultation_link(guideline, anchor),
                   actor=actor.display_name, title=guideline.title,
                   section=comment.section_title)
        db.session.commit()
    return comment


def respond_to_comment(actor: User, slug: str, comment_id: int, outcome: str,
                       reply: str) -> GuidelineComment:
    """The owners' answer to a comment: a reply alone, or an outcome ("recepito" / "non
    recepito") with its reason, until the version the comment was for is published."""
    if outcome not in set(CommentOutcome):
        message = _("Scegli un esito valido.")
        raise InvalidInput(message, field_errors={"outcome": [message]})
    empty = (_("Scrivi una risposta al commento.") if outcome == CommentOutcome.PENDING
             else _("Indica il motivo dell'esito."))
    text = _text(reply, "reply", REPLY_MAX, empty)
    html = render_markdown(text, field="reply")
    with write_intent():
        guideline, owners = _locked(slug, actor)
        comment = db.session.get(GuidelineComment, comment_id)
        if comment is None or comment.guideline_id != guideline.id:
            raise NotFound(_("Commento non trovato."))
        if not permissions.can_edit_guideline(actor, guideline, owners):
            raise NotAllowed(_("Solo i curatori della linea guida rispondono ai commenti."))
        if comment.version <= guideline.version:
            raise Conflict(_("La versione a cui si riferisce il commento è già stata "
                             "pubblicata: l'esito non si può più cambiare."))
        comment.outcome = CommentOutcome(outcome)
        comment.reply, comment.reply_html = text, html
        comment.responded_by_id, comment.responded_at = actor.id, utcnow()
        if comment.author_id is not None and comment.author_id != actor.id:
            notify(comment.author_id, "guideline_comment_answered",
                   link=consultation_link(guideline, f"commento-{comment.id}"),
                   title=guideline.title, section=comment.section_title)
        db.session.commit()
    return comment
