"""How guidelines meet the Q&A: answers citing a guideline (or one of its sections), and
a solved thread proposed as a guideline draft."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, NotAllowed, NotFound
from forum.extensions import db
from forum.guidelines.sections import render_sections, section_titles
from forum.guidelines.services import today_in_rome, unique_slug
from forum.models import (
    Answer,
    Guideline,
    GuidelineCitation,
    GuidelineStatus,
    GuidelineVersion,
    Question,
    Theme,
    User,
    guideline_sources,
)
from forum.text import clean_line

GUIDELINE_LINK = re.compile(
    r"/linee-guida/([a-z0-9][a-z0-9-]{0,119})(?![a-z0-9-])(?:#([a-z0-9][a-z0-9-]{0,119}))?")
RESERVED = frozenset({"nuova"})
MAX_CITATIONS = 20

def cited_guidelines(text: str) -> list[tuple[str, str]]:
    """(slug, section anchor or "") of every guideline linked in a text, in order."""
    found = [(slug, anchor or "") for slug, anchor in GUIDELINE_LINK.findall(text or "")
             if slug not in RESERVED]
    return list(dict.fromkeys(found))[:MAX_CITATIONS]


def sync_guideline_citations(answer: Answer, refs: list[tuple[str, str]]) -> None:
    """Make the answer's guideline citations exactly the published guidelines among `refs`
    (a section anchor is kept when the published version has it). Called inside the
    answer's own transaction (no commit here)."""
    db.session.execute(delete(GuidelineCitation).where(GuidelineCitation.answer_id == answer.id))
    if not refs:
        return
    rows = db.session.execute(
        select(Guideline.id, Guideline.slug, GuidelineVersion.body)
        .join(GuidelineVersion, (GuidelineVersion.guideline_id == Guideline.id)
              & (GuidelineVersion.version == Guideline.version))
        .where(Guideline.slug.in_({slug for slug, _anchor in refs}), Guideline.version > 0)
    ).all()
    published = {slug: (gid, body) for gid, slug, body in rows}
    seen: set[tuple[int, str]] = set()
    for slug, anchor in refs:
        if slug not in published:
            continue
        gid, body = published[slug]
        key = (gid, anchor if anchor in section_titles(body) else "")
        if key in seen:
            continue
        seen.add(key)
        db.session.add(GuidelineCitation(answer_id=answer.id, guideline_id=gid,
                                         question_id=answer.question_id,
                                         section_anchor=key[1]))


def _plain(markdown: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[#*_`>|\[\]()]", "", markdown)).strip()


def draft_from_question(actor: User, question_id: int) -> Guideline:
    """Someone who writes guidelines turns a solved thread into a guideline draft, pre-filled
    from the question and its accepted answer and citing the thread; the actor owns it."""
    if not permissions.can_propose_guideline(actor):
        raise NotAllowed(_("Solo moderatori, redazione e amministratori propongono linee "
                           "guida."))
    question = db.session.get(Question, question_id)
    if question is None or not permissions.can_view_question(actor, question):
        raise NotFound(_("Domanda non trovata."))
    if question.group is not None and question.group.is_restricted:
        raise Conflict(_("Una discussione riservata a un tavolo diventa pubblica solo con "
                         "la pubblicazione proposta dai facilitatori e accettata da chi "
                         "ha chiesto."))
    accepted_id = question.accepted_answer_id
    answer = db.session.get(Answer, accepted_id) if accepted_id is not None else None
    if answer is None:
        raise Conflict(_("Serve una risposta accettata per farne una linea guida."))
    title = clean_line(question.title)
    if len(title) < 5:
        title = f"Linea guida: {title}"
    title = title[:200]
    body = (f"## Il problema\n\n{question.body.strip()}\n\n"
            f"## Cosa fare\n\n{answer.body.strip()}\n\n"
            f"## Fonti\n\nDalla discussione «{title}» (/domande/{question.id}).\n")
    body_html = render_sections(body)  # CPU work before the write lock
    plain = _plain(answer.body)
    summary = (plain[:597].rstrip() + "...") if len(plain) > 600 else (plain or title)
    theme_id = question.theme_id
    with write_intent():
        locked = db.session.execute(
            select(Question.id, Question.accepted_answer_id)
            .where(Question.id == question_id).with_for_update()
        ).one_or_none()
        if locked is None or locked.accepted_answer_id != accepted_id:
            raise Conflict(_("La discussione è appena cambiata: ricarica la pagina e riprova."))
        existing = db.session.scalar(select(guideline_sources.c.guideline_id).where(
            guideline_sources.c.question_id == question_id).limit(1))
        if existing is not None:
            raise Conflict(_("Da questa discussione è già nata una linea guida."))
        theme = db.session.get(Theme, theme_id)
        guideline = Guideline(
            slug=unique_slug(title), title=title, summary=summary, body=body,
            body_html=body_html, legal_references=[],
            review_by=today_in_rome() + timedelta(days=365), status=GuidelineStatus.DRAFT,
            created_by_id=actor.id)
        guideline.themes = [theme] if theme is not None else []
        guideline.owners = [actor]
        db.session.add(guideline)
        db.session.flush()
        db.session.execute(guideline_sources.insert().values(
            guideline_id=guideline.id, question_id=question_id))
        db.session.commit()
    return guideline
