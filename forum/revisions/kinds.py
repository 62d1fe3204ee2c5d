"""What the history and rollback code needs to know about each revisable content type.

History, diff and rollback are written once (`queries.history`, `services.roll_back`);
each content type plugs in one adapter here: how to load it (and who may see it), its
current snapshot, how a snapshot reads as text per labelled field, who may restore a
version and how (through the type's own edit service, so a rollback is a normal edit).
A new type (guidelines) adds a `RevisionKind` value and one adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from forum.models import Answer, Practice, Question, RevisionKind, Theme, User
from forum.practices.validation import MARKDOWN_FIELDS
from forum.revisions.records import answer_snapshot, question_snapshot

QUESTION_LABELS = {
    "title": _l("Titolo"), "body": _l("Testo"), "tags": _l("Etichette"), "theme": _l("Tema"),
    "attachments": _l("Allegati"),
}
ANSWER_LABELS = {"body": _l("Testo"), "attachments": _l("Allegati")}
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
class Loaded:
    """One piece of content, found and visible to its reader."""

    post: Any
    content_id: int
    question: Question | None  # the thread, for questions and answers
    author_id: int | None
    author: User | None
    created_at: datetime
    url_values: dict[str, Any]


@dataclass(frozen=True)
class Revisable:
    """The adapter of one content type (see the module docstring)."""

    kind: RevisionKind
    labels: Mapping[str, Any]
    history_endpoint: str
    markdown_fields: tuple[str, ...]
    load: Callable[[Any, Any], Loaded]
    current: Callable[[Loaded], dict[str, Any]]
    display: Callable[[list[dict[str, Any]]], list[dict[str, str]]]
    can_restore: Callable[[Any, Loaded], bool]
    denied: Callable[[], str]
    restore: Callable[[User, Loaded, dict[str, Any]], Any]


def _require_visible(viewer: Any, hidden_at: datetime | None, author_id: int,
                     question: Question) -> None:
    """Hidden posts keep their history for their author and moderators only; a restricted
    group's threads for its members only."""
    if not permissions.can_view_question(viewer, question) or (
            hidden_at is not None
            and not permissions.can_view_hidden(viewer, author_id, question)):
        raise NotFound(_("Contenuto non trovato."))


def files_text(snapshot: dict[str, Any]) -> str:
    """The files a version listed, one name per line (versions from before files were
    kept list none)."""
    return "\n".join(str(item.get("filename", "")) for item in snapshot.get("attachments") or ()
                     if isinstance(item, dict))


def listed_ids(snapshot: dict[str, Any]) -> list[int] | None:
    """The ids of the files a version listed, for a rollback; None for a version from
    before files were kept (the rollback then leaves the files as they are)."""
    if "attachments" not in snapshot:
        return None
    return [int(item["id"]) for item in snapshot["attachments"] or ()
            if isinstance(item, dict) and isinstance(item.get("id"), int)]


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


# Questions -------------------------------------------------------------------------------

def _load_question(question_id: Any, viewer: Any) -> Loaded:
    question = db.session.execute(
        select(Question).where(Question.id == question_id).options(
            joinedload(Question.author), selectinload(Question.tags))
    ).unique().scalar_one_or_none()
    if question is None:
        raise NotFound(_("Domanda non trovata."))
    _require_visible(viewer, question.hidden_at, question.author_id, question)
    return Loaded(question, question.id, question, question.author_id, question.author,
                  question.created_at, {"question_id": question.id})


def _display_questions(snapshots: list[dict[str, Any]]) -> list[dict[str, str]]:
    themes = {theme_id: _(name) for theme_id, name in
              db.session.execute(select(Theme.id, Theme.name)).all()}
    return [{"title": s.get("title", ""), "body": s.get("body", ""), "tags": s.get("tags", ""),
             "theme": themes.get(int(s.get("theme_id") or 0), ""), "attachments": files_text(s)}
            for s in snapshots]


def _restore_question(actor: User, loaded: Loaded, snap: dict[str, Any]) -> Question:
    from forum.questions.services import edit_question

    theme_slug = db.session.execute(
        select(Theme.slug).where(Theme.id == snap.get("theme_id"))).scalar_one_or_none()
    return edit_question(actor, loaded.content_id, title=snap.get("title", ""),
                         body=snap.get("body", ""), theme_slug=theme_slug or "",
                         tags=snap.get("tags", ""), listed_attachments=listed_ids(snap))


# Answers ---------------------------------------------------------------------------------

def _load_answer(answer_id: Any, viewer: Any) -> Loaded:
    answer = db.session.execute(
        select(Answer).where(Answer.id == answer_id).options(
            joinedload(Answer.author), joinedload(Answer.question))
    ).scalar_one_or_none()
    if answer is None:
        raise NotFound(_("Risposta non trovata."))
    question = answer.question
    _require_visible(viewer, question.hidden_at, question.author_id, question)
    _require_visible(viewer, answer.hidden_at, answer.author_id, question)
    return Loaded(answer, answer.id, question, answer.author_id, answer.author,
                  answer.created_at, {"answer_id": answer.id})


def _restore_answer(actor: User, loaded: Loaded, snap: dict[str, Any]) -> Answer:
    from forum.answers.services import edit_answer

    return edit_answer(actor, loaded.content_id, body=snap.get("body", ""),
                       listed_attachments=listed_ids(snap))


# Practices -------------------------------------------------------------------------------

def _load_practice(slug: Any, viewer: Any) -> Loaded:
    practice = db.session.execute(
        select(Practice).where(Practice.slug == slug).options(
            selectinload(Practice.facets), joinedload(Practice.created_by))
    ).unique().scalar_one_or_none()
    if practice is None or not permissions.can_view_practice(viewer, practice):
        raise NotFound(_("Buona pratica non trovata."))
    return Loaded(practice, practice.id, None, practice.created_by_id, practice.created_by,
                  practice.created_at, {"slug": practice.slug})


def _practice_current(loaded: Loaded) -> dict[str, Any]:
    from forum.practices.services import snapshot

    return snapshot(loaded.post)


def practice_state(data: dict[str, Any]) -> dict[str, str]:
    """A practice snapshot as text per labelled field; the workflow status is not a version."""
    return {name: _as_text(data.get(name)) for name in PRACTICE_LABELS}


def _restore_practice(actor: User, loaded: Loaded, snap: dict[str, Any]) -> Practice:
    from forum.practices.services import edit_practice

    return edit_practice(actor, loaded.content_id, {**snap, "status": loaded.post.status})


KINDS: dict[RevisionKind, Revisable] = {
    RevisionKind.QUESTION: Revisable(
        kind=RevisionKind.QUESTION,
        labels=QUESTION_LABELS,
        history_endpoint="revisions.question_history",
        markdown_fields=("body",),
        load=_load_question,
        current=lambda loaded: question_snapshot(loaded.post),
        display=_display_questions,
        can_restore=lambda actor, loaded: permissions.can_edit_question(actor, loaded.post),
        denied=lambda: _(
            "Solo l'autore o la moderazione possono ripristinare una versione della domanda."),
        restore=_restore_question,
    ),
    RevisionKind.ANSWER: Revisable(
        kind=RevisionKind.ANSWER,
        labels=ANSWER_LABELS,
        history_endpoint="revisions.answer_history",
        markdown_fields=("body",),
        load=_load_answer,
        current=lambda loaded: answer_snapshot(loaded.post),
        display=lambda snapshots: [{"body": s.get("body", ""), "attachments": files_text(s)}
                                   for s in snapshots],
        can_restore=lambda actor, loaded: loaded.question is not None
        and permissions.can_edit_answer(actor, loaded.post, loaded.question),
        denied=lambda: _(
            "Solo l'autore o la moderazione possono ripristinare una versione della risposta."),
        restore=_restore_answer,
    ),
    RevisionKind.PRACTICE: Revisable(
        kind=RevisionKind.PRACTICE,
        labels=PRACTICE_LABELS,
        history_endpoint="revisions.practice_history",
        markdown_fields=tuple(MARKDOWN_FIELDS),
        load=_load_practice,
        current=_practice_current,
        display=lambda snapshots: [practice_state(s) for s in snapshots],
        can_restore=lambda actor, loaded: permissions.can_edit_practice(actor, loaded.post),
        denied=lambda: _("Non puoi ripristinare una versione di questa buona pratica."),
        restore=_restore_practice,
    ),
}
