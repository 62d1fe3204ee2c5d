"""Read paths for revision histories: every version of a post with the diff to the one before.

The versions of a post are its revision rows (each the state *before* an edit, oldest
first) followed by the post as it is now. Version k+1 was made by the editor and at the
time recorded on revision k; version 1 by the author when the post was created.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from forum import permissions
from forum.errors import NotFound
from forum.extensions import db
from forum.models import (
    Answer,
    AnswerRevision,
    Practice,
    PracticeRevision,
    Question,
    QuestionRevision,
    Theme,
    User,
)
from forum.practices.services import snapshot
from forum.revisions.diff import FieldDiff, diff_fields, plain_fields

QUESTION_LABELS = {
    "title": _l("Titolo"), "body": _l("Testo"), "tags": _l("Etichette"), "theme": _l("Tema"),
}
ANSWER_LABELS = {"body": _l("Testo")}
PRACTICE_LABELS = {
    "title": _l("Titolo"),
    "summary": _l("Sintesi"),
    "description": _l("Descrizione"),
    "lead_organisation": _l("Ente capofila"),
    "organisation_type": _l("Tipo di ente"),
    "level_of_government": _l("Livello di governo"),
    "region_code": _l("Regione"),
    "autonomous_province": _l("Provincia autonoma"),
    "municipality": _l("Comune o territorio"),
    "population_band": _l("Fascia di popolazione"),
    "themes": _l("Temi"),
    "target_groups": _l("Destinatari"),
    "age_groups": _l("Fasce d'età"),
    "funding_sources": _l("Fonti di finanziamento"),
    "keywords": _l("Parole chiave"),
    "start_year": _l("Anno di avvio"),
    "end_year": _l("Anno di conclusione"),
    "stage": _l("Fase"),
    "budget_eur": _l("Budget complessivo (€)"),
    "budget_notes": _l("Note sul budget"),
    "partners": _l("Partner"),
    "results": _l("Risultati"),
    "evaluation": _l("Valutazione"),
    "evidence_effectiveness": _l("Evidenza di efficacia"),
    "evidence_transferability": _l("Trasferibilità (evidenza)"),
    "evidence_enduring_impact": _l("Impatto duraturo"),
    "evidence_assessed_by": _l("Valutazione dell'evidenza a cura di"),
    "transferability_notes": _l("Trasferibilità e condizioni di successo"),
    "challenges": _l("Criticità e lezioni apprese"),
    "contacts": _l("Referenti"),
    "links": _l("Link utili"),
}


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
    labels: dict[str, Any],
) -> list[Version]:
    """Versions newest first from states oldest first (the last one is the current post)."""
    versions = []
    last = len(states) - 1
    for k, state in enumerate(states):
        changes = plain_fields(state, labels) if k == 0 else diff_fields(states[k - 1], state,
                                                                         labels)
        editor, moment = makers[k]
        versions.append(Version(
            number=k + 1,
            revision_id=revision_ids[k] if k < last else None,
            editor=editor,
            created_at=moment,
            changes=changes,
            is_current=k == last,
            same_as_current=state == states[last],
        ))
    return versions[::-1]


def _require_visible(viewer: Any, hidden_at: datetime | None, author_id: int,
                     theme_id: int) -> None:
    """Hidden posts keep their history for their author and moderators only."""
    if hidden_at is not None and not permissions.can_view_hidden(viewer, author_id, theme_id):
        raise NotFound(_("Contenuto non trovato."))


def _theme_names() -> dict[int, str]:
    return {
        theme_id: _(name)
        for theme_id, name in db.session.execute(select(Theme.id, Theme.name)).all()
    }


def question_history(question_id: int, viewer: Any) -> History:
    """A question's versions with title, body, tags and theme diffs (a fixed number of queries)."""
    question = db.session.execute(
        select(Question).where(Question.id == question_id).options(
            joinedload(Question.author), selectinload(Question.tags)
        )
    ).unique().scalar_one_or_none()
    if question is None:
        raise NotFound(_("Domanda non trovata."))
    _require_visible(viewer, question.hidden_at, question.author_id, question.theme_id)
    revisions = list(db.session.execute(
        select(QuestionRevision).where(QuestionRevision.question_id == question_id)
        .options(joinedload(QuestionRevision.editor)).order_by(QuestionRevision.id)
    ).scalars())
    themes = _theme_names()
    states = [
        {"title": r.title, "body": r.body, "tags": r.tags, "theme": themes.get(r.theme_id, "")}
        for r in revisions
    ]
    states.append({
        "title": question.title,
        "body": question.body,
        "tags": ", ".join(tag.name for tag in question.tags),
        "theme": themes.get(question.theme_id, ""),
    })
    makers = [(question.author, question.created_at), *((r.editor, r.created_at)
                                                        for r in revisions)]
    versions = _versions(states, makers, [r.id for r in revisions], QUESTION_LABELS)
    return History("question", question, question, versions)


def answer_history(answer_id: int, viewer: Any) -> History:
    """An answer's versions with body diffs; hidden with its answer or its question."""
    answer = db.session.execute(
        select(Answer).where(Answer.id == answer_id).options(
            joinedload(Answer.author), joinedload(Answer.question)
        )
    ).scalar_one_or_none()
    if answer is None:
        raise NotFound(_("Risposta non trovata."))
    question = answer.question
    _require_visible(viewer, question.hidden_at, question.author_id, question.theme_id)
    _require_visible(viewer, answer.hidden_at, answer.author_id, question.theme_id)
    revisions = list(db.session.execute(
        select(AnswerRevision).where(AnswerRevision.answer_id == answer_id)
        .options(joinedload(AnswerRevision.editor)).order_by(AnswerRevision.id)
    ).scalars())
    states = [{"body": r.body} for r in revisions] + [{"body": answer.body}]
    makers = [(answer.author, answer.created_at), *((r.editor, r.created_at)
                                                    for r in revisions)]
    versions = _versions(states, makers, [r.id for r in revisions], ANSWER_LABELS)
    return History("answer", answer, question, versions)


def _as_text(value: Any) -> str:
    """A snapshot value as one comparable, readable text (lists one item per line)."""
    if value is None:
        return ""
    if isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            return "\n".join(
                " | ".join(str(v) for v in item.values() if v) if isinstance(item, dict)
                else str(item)
                for item in value
            )
        return ", ".join(str(item) for item in value)
    return str(value)


def practice_state(data: dict[str, Any]) -> dict[str, str]:
    """A practice snapshot as text per labelled field; the workflow status is not a version."""
    return {name: _as_text(data.get(name)) for name in PRACTICE_LABELS}


def practice_history(slug: str, viewer: Any) -> History:
    """A practice's versions with a diff of every field that changed."""
    practice = db.session.execute(
        select(Practice).where(Practice.slug == slug).options(
            selectinload(Practice.facets), joinedload(Practice.created_by)
        )
    ).unique().scalar_one_or_none()
    if practice is None or not permissions.can_view_practice(viewer, practice):
        raise NotFound(_("Buona pratica non trovata."))
    revisions = list(db.session.execute(
        select(PracticeRevision).where(PracticeRevision.practice_id == practice.id)
        .order_by(PracticeRevision.id)
    ).scalars())
    editor_ids = {r.editor_id for r in revisions if r.editor_id is not None}
    editors: dict[int, User] = {}
    if editor_ids:
        editors = {u.id: u for u in db.session.execute(
            select(User).where(User.id.in_(editor_ids))
        ).scalars()}
    states = [practice_state(r.snapshot) for r in revisions]
    states.append(practice_state(snapshot(practice)))
    makers = [(practice.created_by, practice.created_at), *(
        (editors.get(r.editor_id) if r.editor_id else None, r.created_at) for r in revisions
    )]
    versions = _versions(states, makers, [r.id for r in revisions], PRACTICE_LABELS)
    return History("practice", practice, None, versions)
