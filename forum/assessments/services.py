"""Self-assessment: a guideline's checklist of criteria, and an organisation's answers.

One assessment exists per organisation and guideline version: the first save of any
colleague creates it with an INSERT ... ON CONFLICT DO NOTHING on the unique key, so
colleagues (or many identical requests) starting at once share one row. Every answer keeps
who gave it; a request with any invalid value saves nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from forum import permissions
from forum.assessments.scale import DEFAULT_SCALE, SCALE_LIMITS
from forum.database import upsert_insert, write_intent
from forum.errors import InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.guidelines.queries import owner_ids
from forum.models import (
    Assessment,
    AssessmentAnswer,
    Criterion,
    Guideline,
    GuidelineStatus,
    User,
)
from forum.models.base import utcnow
from forum.taxonomy import THEMES
from forum.text import clean_line, clean_text
from forum.users.standing import require_member

AREA_MAX, TITLE_MAX, EXPLANATION_MAX, NOTE_MAX = 80, 200, 2_000, 2_000
MAX_CRITERIA = 60
MAX_THEMES = 4
_FIELD = re.compile(r"^(score|note)-([0-9]{1,9})$")
_INT = re.compile(r"^[0-9]{1,3}$")


@dataclass(frozen=True)
class CriterionFields:
    """A criterion as its editor types it (the scale as text: the service checks it)."""

    area: str
    title: str
    explanation: str = ""
    scale_max: str = str(DEFAULT_SCALE)
    themes: tuple[str, ...] = ()


def organisation_key(organisation: str | None) -> str:
    """How an organisation is recognised across its members: trimmed, case-folded."""
    return (organisation or "").strip().casefold()[:200]


def _guideline(guideline_id: int) -> Guideline:
    guideline = db.session.get(Guideline, guideline_id)
    if guideline is None:
        raise NotFound(_("Linea guida non trovata."))
    return guideline


def _require_editor(actor: User, guideline: Guideline) -> None:
    require_member(actor, _("Accedi per modificare i criteri."))
    if not permissions.can_edit_guideline(actor, guideline, owner_ids(guideline.id)):
        raise NotAllowed(_("Solo chi cura la linea guida ne modifica i criteri di "
                           "autovalutazione."))


def _checked(fields: CriterionFields) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    area, title = clean_line(fields.area), clean_line(fields.title)
    explanation = clean_text(fields.explanation)
    if not area:
        errors["area"] = [_("Indica l'area del criterio (per esempio «Accesso»).")]
    elif len(area) > AREA_MAX:
        errors["area"] = [_("L'area può avere al massimo %(n)d caratteri.", n=AREA_MAX)]
    if not title:
        errors["title"] = [_("Scrivi il titolo del criterio.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Il titolo può avere al massimo %(n)d caratteri.", n=TITLE_MAX)]
    if len(explanation) > EXPLANATION_MAX:
        errors["explanation"] = [_("La spiegazione può avere al massimo %(n)d caratteri.",
                                   n=EXPLANATION_MAX)]
    raw_scale = (fields.scale_max or "").strip()
    low, high = SCALE_LIMITS
    scale = int(raw_scale) if _INT.match(raw_scale) else -1
    if not low <= scale <= high:
        errors["scale_max"] = [_("La scala va da 0 a un massimo compreso tra %(low)d e "
                                 "%(high)d: indica un numero intero.", low=low, high=high)]
    known = {slug for slug, _name, _d in THEMES}
    themes = list(dict.fromkeys(t for t in fields.themes if t))
    if any(t not in known for t in themes):
        errors["themes"] = [_("Scegli i temi dall'elenco.")]
    elif len(themes) > MAX_THEMES:
        errors["themes"] = [_("Scegli al massimo %(n)d temi.", n=MAX_THEMES)]
    if errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=errors)
    return {"area": area, "title": title, "explanation": explanation, "scale_max": scale,
            "theme_slugs": ",".join(themes)}


def _refresh_completion(guideline_id: int) -> None:
    """After the checklist changed, an assessment is complete only if every criterion
    still has a score (a new criterion reopens it, removing the last missing one closes
    it)."""
    total = select(func.count(Criterion.id)).where(
        Criterion.guideline_id == guideline_id).scalar_subquery()
    answered = select(func.count(AssessmentAnswer.id)).where(
        AssessmentAnswer.assessment_id == Assessment.id).scalar_subquery()
    db.session.execute(update(Assessment).where(
        Assessment.guideline_id == guideline_id, Assessment.completed_at.is_(None),
        answered == total, total > 0).values(completed_at=utcnow()))
    db.session.execute(update(Assessment).where(
        Assessment.guideline_id == guideline_id, Assessment.completed_at.is_not(None),
        (answered != total) | (total == 0)).values(completed_at=None))


def add_criterion(actor: User, guideline_id: int, fields: CriterionFields) -> Criterion:
    """Append a criterion to a guideline's checklist (its editors only)."""
    with write_intent():
        guideline = _guideline(guideline_id)
        _require_editor(actor, guideline)
        values = _checked(fields)
        count, last = db.session.execute(select(
            func.count(Criterion.id), func.max(Criterion.position)).where(
            Criterion.guideline_id == guideline.id)).one()
        if count >= MAX_CRITERIA:
            raise InvalidInput(_("Una lista di controllo può avere al massimo %(n)d criteri.",
                                 n=MAX_CRITERIA))
        criterion = Criterion(guideline_id=guideline.id, position=(last or 0) + 1, **values)
        db.session.add(criterion)
        db.session.flush()
        _refresh_completion(guideline.id)
        db.session.commit()
    return criterion


def _criterion(criterion_id: int, guideline_id: int) -> Criterion:
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.guideline_id != guideline_id:
        raise NotFound(_("Criterio non trovato."))
    return criterion


def edit_criterion(actor: User, guideline_id: int, criterion_id: int,
                   fields: CriterionFields) -> Criterion:
    """Change a criterion's area, text, scale or themes. Answers above a smaller scale
    are brought down to its top, so no stored score is ever out of range."""
    with write_intent():
        guideline = _guideline(guideline_id)
        _require_editor(actor, guideline)
        criterion = _criterion(criterion_id, guideline.id)
        values = _checked(fields)
        for name, value in values.items():
            setattr(criterion, name, value)
        db.session.execute(update(AssessmentAnswer).where(
            AssessmentAnswer.criterion_id == criterion.id,
            AssessmentAnswer.score > criterion.scale_max).values(score=criterion.scale_max))
        db.session.commit()
    return criterion


def remove_criterion(actor: User, guideline_id: int, criterion_id: int) -> None:
    """Remove a criterion and the answers given to it."""
    with write_intent():
        guideline = _guideline(guideline_id)
        _require_editor(actor, guideline)
        criterion = _criterion(criterion_id, guideline.id)
        db.session.execute(delete(AssessmentAnswer).where(
            AssessmentAnswer.criterion_id == criterion.id))
        db.session.delete(criterion)
        db.session.flush()
        _refresh_completion(guideline.id)
        db.session.commit()


def move_criterion(actor: User, guideline_id: int, criterion_id: int, *, up: bool) -> None:
    """Swap a criterion with the one before (or after) it; positions are renumbered."""
    with write_intent():
        guideline = _guideline(guideline_id)
        _require_editor(actor, guideline)
        _criterion(criterion_id, guideline.id)
        ordered = list(db.session.scalars(select(Criterion).where(
            Criterion.guideline_id == guideline.id).order_by(Criterion.position, Criterion.id)))
        at = next(n for n, c in enumerate(ordered) if c.id == criterion_id)
        other = at - 1 if up else at + 1
        if 0 <= other < len(ordered):
            ordered[at], ordered[other] = ordered[other], ordered[at]
        for position, criterion in enumerate(ordered, start=1):
            criterion.position = position
        db.session.commit()


def assessable_guideline(guideline: Guideline) -> bool:
    """A checklist is filled against a published version of a guideline still in use."""
    return guideline.version > 0 and guideline.status != GuidelineStatus.ARCHIVED


@dataclass(frozen=True)
class _Answer:
    score: int | None
    note: str | None


def _parse(raw: Mapping[str, str], criteria: Mapping[int, Criterion]
           ) -> tuple[dict[int, _Answer], dict[str, list[str]]]:
    """The posted scores and notes by criterion; every problem, by criterion."""
    scores: dict[int, str] = {}
    notes: dict[int, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        match = _FIELD.match(key)
        if match is None:
            continue
        criterion_id = int(match.group(2))
        if criterion_id not in criteria:
            errors["form"] = [_("Il modulo contiene un criterio che non fa parte di questa "
                                "lista di controllo: ricarica la pagina e riprova.")]
            continue
        (scores if match.group(1) == "score" else notes)[criterion_id] = value or ""
    answers: dict[int, _Answer] = {}
    for criterion_id in scores.keys() | notes.keys():
        if criterion_id not in criteria:
            continue
        criterion = criteria[criterion_id]
        raw_score = scores.get(criterion_id, "").strip()
        score = int(raw_score) if _INT.match(raw_score) else None
        problems = []
        if raw_score and (score is None or score > criterion.scale_max):
            problems.append(_("«%(title)s»: il punteggio deve essere un numero intero da 0 a "
                              "%(max)d.", title=criterion.title, max=criterion.scale_max))
        note = clean_text(notes[criterion_id]) if criterion_id in notes else None
        if note is not None and len(note) > NOTE_MAX:
            problems.append(_("«%(title)s»: la nota può avere al massimo %(n)d caratteri.",
                              title=criterion.title, n=NOTE_MAX))
        if problems:
            errors[f"criterion-{criterion_id}"] = problems
        else:
            answers[criterion_id] = _Answer(score, note)
    return answers, errors


def _invalid(errors: dict[str, list[str]]) -> InvalidInput:
    return InvalidInput(_("Alcune risposte non sono valide: niente è stato salvato. "
                          "Correggi i criteri indicati e salva di nuovo."), field_errors=errors)


def save_answers(actor: User, guideline_id: int, raw: Mapping[str, str]) -> Assessment:
    """Save the scores and notes a member gave for their organisation (`score-<id>`,
    `note-<id>`; a blank score leaves the current one). Creates the organisation's
    assessment of the current version on first save; sets `completed_at` once every
    criterion has a score. Any invalid value: nothing is saved (422)."""
    require_member(actor, _("Accedi per compilare l'autovalutazione."))
    if not permissions.can_assess(actor):
        raise NotAllowed(_("Per compilare l'autovalutazione indica nel profilo l'ente per cui "
                           "lavori."))
    key = organisation_key(actor.organisation)
    with write_intent():
        guideline = _guideline(guideline_id)
        criteria = {c.id: c for c in db.session.scalars(select(Criterion).where(
            Criterion.guideline_id == guideline.id))}
        if not assessable_guideline(guideline) or not criteria:
            raise NotFound(_("Questa linea guida non ha una lista di controllo da compilare."))
        answers, errors = _parse(raw, criteria)
        if errors:
            raise _invalid(errors)
        now = utcnow()
        insert = upsert_insert(db.session())
        db.session.execute(insert(Assessment).values(
            guideline_id=guideline.id, guideline_version=guideline.version,
            organisation_key=key, organisation_name=clean_line(actor.organisation)[:200],
            organisation_type=actor.organisation_type or "", region_code=actor.region_code or "",
            created_by_id=actor.id, created_at=now,
        ).on_conflict_do_nothing(
            index_elements=["guideline_id", "guideline_version", "organisation_key"]))
        assessment = db.session.execute(select(Assessment).where(
            Assessment.guideline_id == guideline.id,
            Assessment.guideline_version == guideline.version,
            Assessment.organisation_key == key)).scalar_one()
        _write_answers(actor, assessment, answers)
        answered = db.session.scalar(select(func.count(AssessmentAnswer.id)).where(
            AssessmentAnswer.assessment_id == assessment.id,
            AssessmentAnswer.criterion_id.in_(criteria)))
        assessment.updated_at = now
        if answered == len(criteria):
            assessment.completed_at = assessment.completed_at or now
        else:
            assessment.completed_at = None
        db.session.commit()
    return assessment


def _write_answers(actor: User, assessment: Assessment, answers: Mapping[int, _Answer]
                   ) -> None:
    """Upsert the answers that changed (an unchanged one keeps who gave it)."""
    current = {a.criterion_id: a for a in db.session.scalars(select(AssessmentAnswer).where(
        AssessmentAnswer.assessment_id == assessment.id))}
    missing = {f"criterion-{cid}": [_("Scegli un punteggio per salvare la nota.")]
               for cid, answer in answers.items()
               if answer.score is None and answer.note and cid not in current}
    if missing:
        raise _invalid(missing)
    insert = upsert_insert(db.session())
    now = utcnow()
    for criterion_id, answer in answers.items():
        existing = current.get(criterion_id)
        score = answer.score if answer.score is not None else getattr(existing, "score", None)
        note = answer.note if answer.note is not None else getattr(existing, "note", "")
        if score is None or (existing is not None and (existing.score, existing.note)
                             == (score, note)):
            continue
        values = {"score": score, "note": note, "answered_by_id": actor.id, "updated_at": now}
        db.session.execute(insert(AssessmentAnswer).values(
            assessment_id=assessment.id, criterion_id=criterion_id, **values,
        ).on_conflict_do_update(index_elements=["assessment_id", "criterion_id"], set_=values))
