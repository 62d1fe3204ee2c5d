"""What the community already knows about a weak criterion: published practices and solved
threads, found by theme and by the search index's related documents.

Only public content: practices that are published, threads that are solved, visible and
outside every working group. Index hits are checked against the database (the index may
lag a change of status), and the index is asked with no readable groups at all. The
statements are fixed: two by theme for all weak criteria together, at most two to check
the index's hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Criterion,
    Guideline,
    Practice,
    PracticeFacet,
    PracticeStatus,
    Question,
    Theme,
)
from forum.search import service as search

PER_KIND = 3
POOL = 200


@dataclass(frozen=True)
class Link:
    """A practice or thread suggested for a criterion."""

    kind: str  # "practice" | "question"
    key: str  # the practice's slug or the question's id
    title: str


@dataclass
class Suggestions:
    """The practices and solved threads suggested for one weak criterion."""

    practices: list[Link] = field(default_factory=list)
    threads: list[Link] = field(default_factory=list)


def criterion_themes(criterion: Criterion, guideline: Guideline) -> list[str]:
    """The criterion's own theme slugs, else the guideline's themes (loaded by the caller)."""
    own = [t for t in (criterion.theme_slugs or "").split(",") if t]
    return own or [t.slug for t in guideline.themes]


def _related_ids(criteria: list[Criterion]) -> dict[int, dict[str, list[int]]]:
    """Ids the search index relates to each criterion's title and explanation, public only
    (no readable groups)."""
    found: dict[int, dict[str, list[int]]] = {}
    if not search.enabled():
        return found
    for criterion in criteria:
        text = f"{criterion.title}\n{criterion.title}\n{criterion.explanation}"
        key = ("criterion", criterion.id, criterion.title, criterion.explanation)
        found[criterion.id] = {
            kind: [hit.id for hit in search.cached_related(
                key, text, groups=frozenset(), kind=kind, limit=PER_KIND * 2)
                if kind == "practice" or hit.fields.get("solved")]
            for kind in ("practice", "question")}
    return found


def suggestions_for(criteria: list[Criterion], guideline: Guideline
                    ) -> dict[int, Suggestions]:
    """Suggestions by criterion id, related documents first, then the same themes."""
    if not criteria:
        return {}
    themes = {c.id: criterion_themes(c, guideline) for c in criteria}
    wanted = {slug for slugs in themes.values() for slug in slugs}
    related = _related_ids(criteria)
    hit_practices = {i for r in related.values() for i in r["practice"]}
    hit_questions = {i for r in related.values() for i in r["question"]}
    public = Practice.status == PracticeStatus.PUBLISHED
    by_theme_practices = db.session.execute(
        select(Practice.id, Practice.slug, Practice.title, PracticeFacet.value)
        .join(PracticeFacet, PracticeFacet.practice_id == Practice.id)
        .where(public, PracticeFacet.facet == "theme", PracticeFacet.value.in_(wanted))
        .order_by(Practice.published_at.desc(), Practice.id.desc()).limit(POOL)).all()
    solved = (Question.accepted_answer_id.is_not(None), Question.group_id.is_(None),
              Question.hidden_at.is_(None))
    by_theme_questions = db.session.execute(
        select(Question.id, Question.title, Theme.slug).join(Theme, Theme.id == Question.theme_id)
        .where(*solved, Theme.slug.in_(wanted))
        .order_by(Question.score.desc(), Question.id.desc()).limit(POOL)).all()
    practice_titles = {pid: (slug, title) for pid, slug, title, _v in by_theme_practices}
    question_titles = {qid: title for qid, title, _t in by_theme_questions}
    if hit_practices - practice_titles.keys():
        practice_titles |= {pid: (slug, title) for pid, slug, title in db.session.execute(
            select(Practice.id, Practice.slug, Practice.title).where(
                public, Practice.id.in_(hit_practices - practice_titles.keys())))}
    if hit_questions - question_titles.keys():
        question_titles |= dict(db.session.execute(select(Question.id, Question.title).where(
            *solved, Question.id.in_(hit_questions - question_titles.keys()))).all())
    out: dict[int, Suggestions] = {}
    for criterion in criteria:
        slugs = set(themes[criterion.id])
        hits = related.get(criterion.id, {"practice": [], "question": []})
        practice_ids = [*hits["practice"], *(pid for pid, _s, _t, theme in by_theme_practices
                                             if theme in slugs)]
        question_ids = [*hits["question"], *(qid for qid, _t, theme in by_theme_questions
                                             if theme in slugs)]
        practices = [pid for pid in dict.fromkeys(practice_ids) if pid in practice_titles]
        questions = [qid for qid in dict.fromkeys(question_ids) if qid in question_titles]
        out[criterion.id] = Suggestions(
            [Link("practice", practice_titles[p][0], practice_titles[p][1])
             for p in practices[:PER_KIND]],
            [Link("question", str(q), question_titles[q]) for q in questions[:PER_KIND]])
    return out
