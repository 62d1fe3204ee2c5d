"""Running a parsed query: matching, counting, ranking, paging, hits.

Matching is set algebra over cached posting sets (``engine.py``): every concept (word,
synonym group, phrase) must match, hidden and deleted documents and the filters are
removed, and the remaining set is counted per type ("Discussioni (12) · Buone pratiche
(4)"), ignoring the ``type`` filter. Only documents of the requested type are scored:
BM25F on the `text` field, plus title (x2), tags (x1) and accepted-answer (x0.3) bonuses;
a synonym group scores its best form, expansions at 0.8. The top ``RERANK`` are re-ranked
with a gentle preference for solved and up-voted threads:
``bm25 * (1 + 0.15 * solved + 0.05 * log1p(max(votes, 0)))``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from operator import itemgetter

from .engine import Engine
from .highlight import make_snippet
from .query import Concept, ParsedQuery, parse_query
from .results import Hit, SearchResults
from .schema import as_datetime, as_int, hit_fields, region_key
from .spelling import suggest
from .synonyms import Thesaurus

__all__ = ["FAILED", "NO_TERMS", "concept_docs", "failed_results", "run_search", "to_hit"]

RERANK = 200
FILL_MIN = 10  # fewer exact matches than this: add documents matching some of the words
OR_TERMS = 12  # the OR fallback uses at most this many (the rarest) words
SORTS = ("relevance", "newest", "votes")
MAX_PER_PAGE = 100
SYNONYM_BOOST = 0.8  # an expansion counts a little less than the words typed
# Bonus fields on top of `text` (which already holds title, tags and accepted answer):
# a title match weighs about 3x a body match, tags 2x, the accepted answer 1.3x.
BONUS_FIELDS = (("title", 2.0), ("tags", 1.0), ("accepted", 0.3))
NO_TERMS = (
    "La ricerca non contiene parole utilizzabili (solo parole molto comuni o simboli): "
    "prova con termini più specifici."
)
FAILED = "La ricerca non è riuscita per un errore interno: riprova con parole diverse."


# -- matching ----------------------------------------------------------------------------

def _forms(concept: Concept) -> list[tuple[tuple[str, ...], bool, float, bool]]:
    """(stems, loose, boost, subsumed) for each form of ``concept``.

    A multi-word form containing a word that is itself a form of the concept ("nido
    d'infanzia" beside "nido") cannot widen the match (``subsumed``): it is left out of
    matching and scored as loose (no position check), which only affects its score.
    """
    singles = {alt[0] for alt in concept.alternatives if len(alt) == 1}
    out = []
    for i, alt in enumerate(concept.alternatives):
        subsumed = len(alt) > 1 and bool(singles.intersection(alt))
        loose = subsumed or (concept.loose_first and i == 0)
        out.append((alt, loose, 1.0 if i == 0 else SYNONYM_BOOST, subsumed))
    return out


def _alt_docs(engine: Engine, alt: tuple[str, ...], loose: bool) -> set[int]:
    """Documents with the phrase ``alt`` (or all its words, when ``loose``)."""
    if len(alt) == 1 or not loose:
        return engine.docset("text", alt)
    sets = sorted((engine.docset("text", (t,)) for t in dict.fromkeys(alt)), key=len)
    return sets[0].intersection(*sets[1:])


def concept_docs(engine: Engine, concept: Concept) -> set[int]:
    """Documents matching any form of ``concept`` (may be a cached set: do not modify)."""
    sets = [_alt_docs(engine, alt, loose)
            for alt, loose, _boost, subsumed in _forms(concept) if not subsumed]
    return sets[0] if len(sets) == 1 else set().union(*sets)


def _alt_scores(engine: Engine, alt: tuple[str, ...], docs: set[int], boost: float
                ) -> dict[int, float]:
    total: dict[int, float] | None = None
    for term in dict.fromkeys(alt):
        scores = engine.bm25("text", term, docs, boost)
        for field, weight in BONUS_FIELDS:
            bonus_docs = engine.docset(field, (term,)) & docs
            for d, v in engine.bm25(field, term, bonus_docs, boost * weight).items():
                scores[d] += v
        total = scores if total is None else {d: total[d] + scores[d] for d in docs}
    return total or {}


def concept_scores(engine: Engine, concept: Concept, docs: set[int]) -> dict[int, float]:
    """Score of ``concept`` for each of ``docs`` (all of which match it): its best form."""
    if len(concept.alternatives) == 1:
        return _alt_scores(engine, concept.alternatives[0], docs, 1.0)
    best: dict[int, float] = {}
    for alt, loose, boost, _subsumed in _forms(concept):
        matching = _alt_docs(engine, alt, loose) & docs
        if not matching:
            continue
        for d, v in _alt_scores(engine, alt, matching, boost).items():
            if v > best.get(d, 0.0):
                best[d] = v
    return best


def _filtered(engine: Engine, docs: set[int], *, theme: str | None, region: str | None,
              solved: bool | None, since: datetime | None, until: datetime | None,
              include_hidden: bool) -> set[int]:
    """``docs`` without deleted and hidden documents and restricted by the filters."""
    out = docs - engine.deleted()
    if not include_hidden:
        out -= engine.hidden()
    restrictions = []
    if theme:
        restrictions.append(engine.docset("themes", (str(theme),)))
    if region is not None:
        restrictions.append(engine.docset("region", (region_key(str(region)),)))
    if solved is not None:
        restrictions.append(engine.docset("solved", (bool(solved),)))
    for members in sorted(restrictions, key=len):
        out &= members
    start, end = as_datetime(since), as_datetime(until)
    if out and (start or end):
        field = engine.schema["created"]
        created = engine.column("created")
        lo = field.to_column_value(start) if start else 0
        hi = field.to_column_value(end) if end else 2**64
        out = {d for d in out if lo <= created[d] <= hi}
    return out


# -- ranking and pages -------------------------------------------------------------------

def _rank(engine: Engine, scored: dict[int, float] | set[int], sort: str, depth: int
          ) -> list[tuple[float, int]]:
    """(score, docnum) best first, at least ``depth`` deep (all of the top RERANK)."""
    if sort == "relevance" and isinstance(scored, dict):
        head = [(s, d) for d, s in heapq.nlargest(max(RERANK, depth), scored.items(),
                                                   key=itemgetter(1))]
        votes_field = engine.schema["votes"]
        votes, solved = engine.column("votes"), engine.column("solved_flag")
        top = []
        for s, d in head[:RERANK]:
            v = max(votes_field.from_column_value(votes[d]), 0)
            top.append((s * (1 + 0.15 * (1 if solved[d] else 0) + 0.05 * math.log1p(v)), d))
        top.sort(key=lambda x: (-x[0], x[1]))
        return top + head[RERANK:]
    scores = scored if isinstance(scored, dict) else {}
    created = engine.column("created")
    if sort == "votes":
        votes = engine.column("votes")
        key: Callable[[int], tuple] = lambda d: (votes[d], created[d], d)  # noqa: E731
    else:
        key = lambda d: (created[d], d)  # noqa: E731
    return [(scores.get(d, 0.0), d) for d in heapq.nlargest(depth, scored, key=key)]


def to_hit(engine: Engine, docnum: int, score: float, snippet: str | None = None,
           terms: frozenset[str] = frozenset()) -> Hit:
    """A Hit from stored fields; the snippet is built from the stored source if not given."""
    stored = engine.searcher.stored_fields(docnum)
    if snippet is None:
        snippet = make_snippet(stored.get("snippet") or "", terms)
    return Hit(
        doc_id=stored.get("doc_id", ""),
        type=stored.get("type", ""),
        id=int(stored.get("id") or 0),
        title=stored.get("title", ""),
        snippet=snippet,
        score=float(score),
        fields=hit_fields(stored),
    )


def _selective(engine: Engine, parsed: ParsedQuery, keep: int) -> ParsedQuery:
    """``parsed`` with only its ``keep`` rarest concepts (for the OR fallback of long
    queries: a pasted paragraph becomes a query on its most distinctive words)."""
    if len(parsed.concepts) <= keep:
        return parsed
    df = engine.searcher.doc_frequency

    def rarity(c: Concept) -> int:
        return min(df("text", s) for s in c.alternatives[0]) or 1 << 30

    chosen = sorted(parsed.concepts, key=rarity)[:keep]
    return replace(parsed, concepts=[c for c in parsed.concepts if c in chosen])


# -- the search --------------------------------------------------------------------------

def run_search(engine: Engine, thesaurus: Thesaurus, q: object, *, type: str | None,
               theme: str | None, region: str | None, solved: bool | None,
               since: datetime | None, until: datetime | None, sort: str, page: int,
               per_page: int, include_hidden: bool) -> SearchResults:
    """The whole search: see ``SearchIndex.search``.

    Every word (or synonym group) is required. With no match at all, a corrected query is
    tried ("Forse cercavi"). When fewer than ``FILL_MIN`` documents match every word,
    documents matching only some words follow them (``partial=True``), those matching
    more words first.
    """
    page = max(1, as_int(page, 1))
    per_page = min(max(1, as_int(per_page, 10)), MAX_PER_PAGE)
    sort = sort if sort in SORTS else "relevance"
    want = str(type) if type else None
    depth = page * per_page

    def restrict(docs: set[int]) -> set[int]:
        return _filtered(engine, docs, theme=theme, region=region, solved=solved,
                         since=since, until=until, include_hidden=include_hidden)

    def matches(concepts: list[Concept], excluded: list) -> set[int]:
        sets = sorted((concept_docs(engine, c) for c in concepts), key=len)
        docs = restrict(sets[0]).intersection(*sets[1:])
        for stems in excluded:
            docs -= engine.docset("text", stems)
        return docs

    def score(concepts: list[Concept], docs: set[int], *, coordinate: bool = False
              ) -> dict[int, float] | set[int]:
        if sort != "relevance":
            return docs
        if not coordinate:
            total = concept_scores(engine, concepts[0], docs)
            for c in concepts[1:]:
                more = concept_scores(engine, c, docs)
                total = {d: v + more[d] for d, v in total.items()}
            return total
        # OR fallback: documents matching more of the words first
        sums: dict[int, float] = {}
        hits: dict[int, int] = {}
        for c in concepts:
            for d, v in concept_scores(engine, c, concept_docs(engine, c) & docs).items():
                sums[d] = sums.get(d, 0.0) + v
                hits[d] = hits.get(d, 0) + 1
        return {d: v * hits[d] / len(concepts) for d, v in sums.items()}

    parsed = parse_query(q, thesaurus)
    if parsed.blank:  # browse: filters only, newest first unless asked otherwise
        docs = restrict(engine.live())
        ranked = _rank(engine, engine.of_type(docs, want),
                       "newest" if sort == "relevance" else sort, depth)
        return _page(engine, None, engine.count_by_type(docs), ranked, want, page, per_page)
    if not parsed.concepts:
        return SearchResults(total=0, counts_by_type={}, hits=[], page=page, pages=1,
                             error=NO_TERMS)
    docs = matches(parsed.concepts, parsed.excluded)
    suggestion = suggest(engine.searcher, parsed)
    corrected = None
    if not docs and suggestion:
        fixed = parse_query(suggestion, thesaurus)
        if fixed.concepts:
            fixed_docs = matches(fixed.concepts, fixed.excluded)
            if fixed_docs:
                docs, parsed, corrected = fixed_docs, fixed, suggestion
    counts = engine.count_by_type(docs)
    wanted = engine.of_type(docs, want)
    ranked = _rank(engine, score(parsed.concepts, wanted), sort, depth)
    partial = False
    if len(docs) < FILL_MIN and len(parsed.concepts) > 1:
        some = _selective(engine, parsed, OR_TERMS)
        more = restrict(set().union(*(concept_docs(engine, c) for c in some.concepts)))
        for stems in parsed.excluded:
            more -= engine.docset("text", stems)
        extra = engine.of_type(more - docs, want)
        if more - docs:
            ranked += _rank(engine, score(some.concepts, extra, coordinate=True), sort, depth)
            counts, partial = engine.count_by_type(more), True
    results = _page(engine, parsed, counts, ranked, want, page, per_page)
    results.suggestion, results.corrected, results.partial = suggestion, corrected, partial
    return results


def _page(engine: Engine, parsed: ParsedQuery | None, counts: dict[str, int], ranked: list,
          want: str | None, page: int, per_page: int) -> SearchResults:
    total = counts.get(want, 0) if want else sum(counts.values())
    terms = parsed.highlight_terms() if parsed else frozenset()
    hits = [to_hit(engine, d, s, terms=terms)
            for s, d in ranked[(page - 1) * per_page : page * per_page]]
    return SearchResults(total=total, counts_by_type=counts, hits=hits, page=page,
                         pages=max(1, math.ceil(total / per_page)))


def failed_results(page: object = 1) -> SearchResults:
    """What ``search`` returns when something unexpected went wrong (it is logged)."""
    return SearchResults(total=0, counts_by_type={}, hits=[], page=max(1, as_int(page, 1)),
                         pages=1, error=FAILED)
