"""Proposing, editing and publishing practices; every edit keeps a revision."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import permissions
from forum.database import write_intent
from forum.errors import Conflict, InvalidInput, NotAllowed, NotFound
from forum.extensions import db
from forum.markup import render_many
from forum.models import (
    PRACTICE_WORKFLOW,
    Practice,
    PracticeFacet,
    PracticeStatus,
    RevisionKind,
    User,
)
from forum.models.base import utcnow
from forum.notifications.activity import Event, publish
from forum.practices.validation import (
    MARKDOWN_FIELDS,
    MULTI_FIELDS,
    Checked,
    check_practice,
    publication_errors,
    slugify,
)
from forum.revisions.records import record_revision

SNAPSHOT_FIELDS = (
    "title", "summary", "description", "lead_organisation", "organisation_type",
    "level_of_government", "region_code", "autonomous_province", "municipality",
    "population_band", "start_year", "end_year", "stage", "budget_notes", "partners",
    "results", "evaluation", "evidence_effectiveness", "evidence_transferability",
    "evidence_enduring_impact", "evidence_assessed_by", "transferability_notes", "challenges",
    "contacts", "links", "status",
)


def unique_slug(title: str, wanted: str | None = None, *, exclude_id: int | None = None) -> str:
    """A free slug from the title (or the one asked for), suffixed -2, -3... on clashes."""
    base = wanted or slugify(title)
    if base in ("nuova", "export", "suggerimenti"):
        base = f"{base}-pratica"
    taken = set(db.session.execute(
        select(Practice.slug).where(Practice.slug.like(f"{base}%"),
                                    Practice.id != (exclude_id or -1))
    ).scalars())
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[:110]}-{n}"
        n += 1
    return slug


def apply_checked(practice: Practice, checked: Checked) -> None:
    """Copy validated values onto the record, rendering Markdown once, replacing facets."""
    values = checked.values
    for name in ("title", "summary", "lead_organisation", "organisation_type",
                 "level_of_government", "region_code", "autonomous_province", "municipality",
                 "population_band", "start_year", "end_year", "stage", "budget_eur",
                 "budget_notes", "partners", "evidence_effectiveness",
                 "evidence_transferability", "evidence_enduring_impact", "evidence_level",
                 "evidence_assessed_by", "contacts", "links"):
        setattr(practice, name, values[name])
    if not checked.html:
        render_checked(checked)
    for name in MARKDOWN_FIELDS:
        setattr(practice, name, values[name])
        setattr(practice, f"{name}_html", checked.html[name])
    practice.main_theme = checked.lists["themes"][0]
    facets = []
    for name, (facet, _allowed) in MULTI_FIELDS.items():
        facets += [PracticeFacet(facet=facet, value=value, position=i)
                   for i, value in enumerate(checked.lists[name])]
    facets += [PracticeFacet(facet="keyword", value=k.lower()[:80], position=i)
               for i, k in enumerate(dict.fromkeys(checked.lists["keywords"]))]
    if practice.id is not None and practice.facets:
        practice.facets.clear()
        db.session.flush()  # old rows go before new ones hit the unique constraint
    practice.facets = facets


def render_checked(checked: Checked) -> Checked:
    """Render the Markdown fields in one time budget: call it before the write lock."""
    texts = [checked.values[name] for name in MARKDOWN_FIELDS]
    checked.html = dict(zip(MARKDOWN_FIELDS, render_many(texts, fields=MARKDOWN_FIELDS),
                            strict=True))
    return checked


def snapshot(practice: Practice) -> dict[str, Any]:
    """The record as plain data, for revisions."""
    data = {name: getattr(practice, name) for name in SNAPSHOT_FIELDS}
    data["budget_eur"] = str(practice.budget_eur) if practice.budget_eur is not None else None
    for name in MULTI_FIELDS:
        data[name] = practice.values(MULTI_FIELDS[name][0])
    data["keywords"] = practice.values("keyword")
    return data


def _check_for_app(actor: User, data: dict[str, Any]) -> Checked:
    checked = check_practice(data)
    assessed = checked.values.get("evidence_assessed_by")
    curator = permissions.can_curate_practices(actor)
    if assessed in ("redazione", "valutatore-esterno") and not curator:
        checked.fail("evidence_assessed_by", _(
            "Solo la redazione può indicare una valutazione della redazione o esterna."
        ))
    if checked.errors:
        raise InvalidInput(_("Controlla i campi evidenziati."), field_errors=checked.errors)
    return checked


def propose_practice(actor: User, data: dict[str, Any]) -> Practice:
    """A member proposes a practice: it starts as a draft ('bozza')."""
    if not permissions.is_active_member(actor):
        raise NotAllowed(_("Accedi per proporre una buona pratica."))
    checked = render_checked(_check_for_app(actor, data))
    with write_intent():
        practice = Practice(slug=unique_slug(checked.values["title"]), status=PracticeStatus.DRAFT,
                            created_by_id=actor.id)
        apply_checked(practice, checked)
        db.session.add(practice)
        db.session.commit()
    return practice


def practice_for_update(practice_id: int) -> Practice:
    """The practice with its facets, row-locked where supported; NotFound otherwise."""
    practice = db.session.execute(
        select(Practice).where(Practice.id == practice_id)
        .options(selectinload(Practice.facets)).with_for_update()
    ).scalar_one_or_none()
    if practice is None:
        raise NotFound(_("Buona pratica non trovata."))
    return practice


def edit_practice(actor: User, practice_id: int, data: dict[str, Any]) -> Practice:
    """Change a practice, keeping the previous version as a revision."""
    checked = render_checked(_check_for_app(actor, data))
    with write_intent():
        practice = practice_for_update(practice_id)
        if not permissions.can_edit_practice(actor, practice):
            raise NotAllowed(_("Non puoi modificare questa buona pratica."))
        if practice.status == PracticeStatus.PUBLISHED and (errors := publication_errors(checked)):
            raise InvalidInput(_("Una pratica pubblicata deve restare completa."),
                               field_errors=errors)
        record_revision(RevisionKind.PRACTICE, practice.id, actor.id, snapshot(practice))
        apply_checked(practice, checked)
        practice.updated_at = utcnow()
        db.session.commit()
    return practice


def change_status(actor: User, practice_id: int, to: str, *, note: str = "") -> Practice:
    """Move a practice along the workflow; publishing checks the publication fields."""
    if not permissions.is_active_member(actor):
        raise NotAllowed(_("Accedi per continuare."))
    with write_intent():
        practice = practice_for_update(practice_id)
        if (practice.status, to) not in PRACTICE_WORKFLOW:
            raise Conflict(_("Passaggio di stato non previsto: da «%(a)s» a «%(b)s».",
                             a=practice.status, b=to))
        if not permissions.can_move_practice(actor, practice, to):
            raise NotAllowed(_("Non hai i permessi per questo passaggio di stato."))
        if to == PracticeStatus.PUBLISHED:
            checked = check_practice({**snapshot(practice),
                                      "budget_eur": practice.budget_eur})
            errors = {**checked.errors, **publication_errors(checked)}
            if errors:
                raise InvalidInput(_("La pratica non è ancora completa per la pubblicazione."),
                                   field_errors=errors)
            practice.published_at = practice.published_at or utcnow()
            practice.curated_by_id = actor.id
        if (practice.status, to) == (PracticeStatus.IN_REVIEW, PracticeStatus.DRAFT):
            note = (note or "").strip()
            if not note:
                raise InvalidInput(_("Scrivi una nota per l'autore: cosa va completato?"),
                                   field_errors={"note": [_("La nota è obbligatoria.")]})
            practice.review_note = note[:2000]
        elif to == PracticeStatus.IN_REVIEW:
            practice.review_note = None
        published_now = to == PracticeStatus.PUBLISHED and practice.status != to
        practice.status = to
        practice.updated_at = utcnow()
        if published_now:
            publish(Event.PRACTICE_PUBLISHED, actor.id, practice=practice.id)
        db.session.commit()
    return practice
