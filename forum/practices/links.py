"""How practices meet the Q&A: citations in answers, threads turned into practices,
and administrations that replicated a practice."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from forum import permissions
from forum.database import commit_or_conflict, flush_or_conflict, write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.models import (
    Answer,
    Practice,
    PracticeCitation,
    PracticeLink,
    PracticeReplication,
    PracticeStatus,
    Question,
    User,
)
from forum.notifications.activity import Event, publish
from forum.practices.services import apply_checked, unique_slug
from forum.practices.validation import check_practice
from forum.text import clean_line, clean_text

PRACTICE_LINK = re.compile(r"/buone-pratiche/([a-z0-9][a-z0-9-]{0,119})(?![a-z0-9-])")


def cited_slugs(text: str, extra: str | None = None) -> list[str]:
    """Practice slugs linked in a text, plus one picked or pasted in the answer form."""
    slugs = PRACTICE_LINK.findall(text or "")
    picked = clean_line(extra).lower()
    if picked:
        match = PRACTICE_LINK.search(picked)
        slugs.append(match.group(1) if match else picked)
    reserved = {"nuova", "export", "cerca"}
    return [s for s in dict.fromkeys(slugs) if s not in reserved]


def sync_citations(answer: Answer, slugs: list[str]) -> list[Practice]:
    """Make the answer's citations exactly the published practices among `slugs`.

    Called inside the answer's own transaction (no commit here).
    """
    practices = []
    if slugs:
        practices = list(db.session.execute(
            select(Practice).where(Practice.slug.in_(slugs),
                                   Practice.status == PracticeStatus.PUBLISHED)
        ).scalars())
    before = set(db.session.scalars(select(PracticeCitation.practice_id).where(
        PracticeCitation.answer_id == answer.id)))
    db.session.execute(delete(PracticeCitation).where(PracticeCitation.answer_id == answer.id))
    for practice in practices:
        db.session.add(PracticeCitation(answer_id=answer.id, practice_id=practice.id,
                                        question_id=answer.question_id))
        if practice.id not in before:  # a new citation, not an edit that keeps it
            publish(Event.PRACTICE_CITED, answer.author_id, answer=answer.id,
                    practice=practice.id)
    return practices


def organisation_key(name: str) -> str:
    """Case- and blank-insensitive key: one replication per administration."""
    return re.sub(r"\s+", " ", clean_line(name)).casefold()


def record_replication(user: User, practice_id: int, *, note: str = "") -> PracticeReplication:
    """"Ha funzionato anche da noi": the user's administration replicated the practice."""
    if not permissions.is_active_member(user):
        raise NotAllowed(_("Accedi per segnalare che la pratica ha funzionato da voi."))
    note = clean_text(note)
    if len(note) > 1000:
        raise InvalidInput(_("La nota può avere al massimo 1.000 caratteri."),
                           field_errors={"note": [_("Al massimo 1.000 caratteri.")]})
    with write_intent():
        practice = db.session.get(Practice, practice_id)
        if practice is None or not practice.is_public:
            raise NotFound(_("Buona pratica non trovata."))
        key = organisation_key(user.organisation)
        if key == organisation_key(practice.lead_organisation):
            raise Conflict(_("È la pratica del tuo stesso ente: non serve segnalarla."))
        replication = PracticeReplication(
            practice_id=practice.id, user_id=user.id, organisation=user.organisation,
            organisation_key=key, region_code=user.region_code, note=note,
        )
        db.session.add(replication)
        taken = _("La tua amministrazione ha già segnalato di aver replicato questa pratica.")
        flush_or_conflict(taken)  # the unique replication per administration, before the job
        publish(Event.PRACTICE_REPLICATED, user.id, practice=practice.id)
        commit_or_conflict(taken)
    return replication


def draft_from_question(actor: User, question_id: int) -> Practice:
    """A moderator turns a solved thread into a practice draft, pre-filled and linked."""
    if not permissions.can_curate_practices(actor):
        raise NotAllowed(_("Solo la moderazione può trasformare una discussione in pratica."))
    with write_intent():
        question = db.session.get(Question, question_id)
        if question is None:
            raise NotFound(_("Domanda non trovata."))
        _require_theme_moderator(actor, question)
        if question.group is not None and question.group.is_restricted:
            raise Conflict(_("Una discussione riservata a un tavolo diventa pubblica solo con "
                             "la pubblicazione proposta dai facilitatori e accettata da chi "
                             "ha chiesto."))
        if question.accepted_answer_id is None:
            raise Conflict(_("Serve una risposta accettata per farne una buona pratica."))
        existing = db.session.execute(
            select(Practice.slug).where(Practice.source_question_id == question.id)
        ).scalar_one_or_none()
        if existing is not None:
            raise Conflict(_("Da questa discussione è già nata una buona pratica."))
        answer = db.session.get(Answer, question.accepted_answer_id)
        author = db.session.get(User, answer.author_id) if answer else None
        theme_slug = db.session.execute(
            select(Question.theme_id).where(Question.id == question.id)
        ).scalar_one()
        from forum.models import Theme

        theme = db.session.get(Theme, theme_slug)
        if answer is None or author is None or theme is None:
            raise NotFound(_("Domanda non trovata."))
        title = question.title if len(question.title) >= 10 else f"Pratica: {question.title}"
        summary = re.sub(r"\s+", " ", re.sub(r"[#*_`>|\[\]()]", "", answer.body)).strip()
        checked = check_practice({
            "title": title[:200],
            "summary": summary[:597] + ("..." if len(summary) > 597 else ""),
            "description": (f"{question.body}\n\n**Soluzione condivisa nella discussione:**"
                            f"\n\n{answer.body}"),
            "lead_organisation": author.organisation,
            "organisation_type": author.organisation_type,
            "region_code": author.region_code,
            "themes": [theme.slug],
            "start_year": date.today().year,
        }, for_import=True)
        if checked.errors:
            raise InvalidInput(_("La discussione non basta a compilare la bozza."),
                               field_errors=checked.errors)
        practice = Practice(slug=unique_slug(checked.values["title"]), status=PracticeStatus.DRAFT,
                            created_by_id=actor.id, source_question_id=question.id)
        apply_checked(practice, checked)
        db.session.add(practice)
        db.session.commit()
    return practice


def pin_practice(actor: User, question_id: int, reference: str) -> PracticeLink:
    """A moderator pins a published practice (slug or link) to a discussion."""
    if not permissions.can_curate_practices(actor):
        raise NotAllowed(_("Solo la moderazione può collegare buone pratiche a una discussione."))
    slugs = cited_slugs("", reference)
    with write_intent():
        question = db.session.get(Question, question_id)
        if question is None:
            raise NotFound(_("Domanda non trovata."))
        _require_theme_moderator(actor, question)
        practice = None
        if slugs:
            practice = db.session.execute(
                select(Practice).where(Practice.slug == slugs[0],
                                       Practice.status == PracticeStatus.PUBLISHED)
            ).scalar_one_or_none()
        if practice is None:
            raise InvalidInput(_("Nessuna buona pratica pubblicata con questo link o nome."),
                               field_errors={"practice": [_("Pratica non trovata.")]})
        link = PracticeLink(question_id=question_id, practice_id=practice.id,
                            pinned_by_id=actor.id)
        db.session.add(link)
        commit_or_conflict(_("Questa buona pratica è già collegata alla discussione."))
    return link


def unpin_practice(actor: User, question_id: int, practice_id: int) -> None:
    """Remove a pinned practice from a discussion."""
    if not permissions.can_curate_practices(actor):
        raise NotAllowed(_("Solo la moderazione può scollegare buone pratiche."))
    with write_intent():
        question = db.session.get(Question, question_id)
        if question is None:
            raise NotFound(_("Domanda non trovata."))
        _require_theme_moderator(actor, question)
        deleted = db.session.execute(delete(PracticeLink).where(
            PracticeLink.question_id == question_id, PracticeLink.practice_id == practice_id))
        if not getattr(deleted, "rowcount", 0):  # a CursorResult for DELETE
            raise NotFound(_("Collegamento non trovato."))
        db.session.commit()


def _require_theme_moderator(actor: User, question: Question) -> None:
    """Moderators limited to some themes curate only those threads; a thread they cannot
    read (a restricted group's) is not found."""
    if not permissions.can_view_question(actor, question):
        raise NotFound(_("Domanda non trovata."))
    if not permissions.can_moderate_question(actor, question):
        raise NotAllowed(_("Non moderi il tema di questa discussione."))
