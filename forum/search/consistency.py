"""Compare the search index with the database, and repair what differs.

`flask search check` reports, `flask search sync` repairs: both read the same
comparison, so whatever the check can see, the sync can fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from forum.extensions import db
from forum.search import documents
from forum.search.service import get_index
from search_index import SearchDocument, parse_doc_id


@dataclass
class Drift:
    """Documents missing from the index, indexed with an old stamp, or no longer in the
    database."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def find_drift() -> Drift:
    """Every document whose index entry does not match the database."""
    indexed = get_index().stamps()
    drift = Drift()
    with Session(db.engine) as session:
        expected = {d.doc_id: d.stamp for d in documents.all_docs(session)}
    for doc_id, stamp in expected.items():
        if doc_id not in indexed:
            drift.missing.append(doc_id)
        elif indexed[doc_id] != stamp:
            drift.stale.append(doc_id)
    drift.orphans = sorted(set(indexed) - set(expected))
    return drift


def repair(drift: Drift) -> int:
    """Re-index the missing and stale documents and drop the orphans; returns how many."""
    wanted: dict[str, list[int]] = {"question": [], "practice": []}
    for doc_id in (*drift.missing, *drift.stale):
        try:
            kind, number = parse_doc_id(doc_id)
        except ValueError:
            continue
        if kind in wanted:
            wanted[kind].append(number)
    upserts: list[SearchDocument] = []
    deletes = list(drift.orphans)
    with Session(db.engine) as session:
        for kind, build in (("question", documents.question_docs),
                            ("practice", documents.practice_docs)):
            for start in range(0, len(wanted[kind]), documents.BATCH):
                found, gone = build(session, wanted[kind][start:start + documents.BATCH])
                upserts += found
                deletes += gone
    if upserts or deletes:
        get_index().apply(upserts, deletes)
    return len(upserts) + len(deletes)
