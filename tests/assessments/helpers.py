"""Builders for self-assessment tests: a published guideline with a checklist."""

from __future__ import annotations

from forum.assessments.services import CriterionFields, add_criterion
from forum.models import Criterion, Guideline, User
from tests.factories import make_guideline, make_user

AREAS = ("Accesso", "Tariffe", "Qualità", "Partecipazione")


def checklist(owner: User | None = None, *, per_area: int = 2, scale: int = 4,
              themes: tuple[str, ...] = ("servizi-educativi-0-6",), **overrides
              ) -> tuple[Guideline, list[Criterion]]:
    """A published guideline (by `owner`, an editor if none) with `per_area` criteria in
    each of the four areas."""
    owner = owner or make_user("editor")
    guideline = make_guideline(owner, themes=themes, **overrides)
    criteria = [add_criterion(owner, guideline.id, CriterionFields(
        area=area, title=f"{area}: criterio {n + 1}",
        explanation=f"Spiegazione del criterio {n + 1} dell'area {area}.",
        scale_max=str(scale)))
        for area in AREAS for n in range(per_area)]
    return guideline, criteria


def all_scores(criteria: list[Criterion], score: int) -> dict[str, str]:
    """A form giving every criterion the same score."""
    return {f"score-{c.id}": str(score) for c in criteria}
