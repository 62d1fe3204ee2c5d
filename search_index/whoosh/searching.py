"""Running a parsed query: matching, counting, ranking, paging, hits.

Matching is set algebra over cached posting sets (``engine.py``): every concept (word,
synonym group, phrase) must match, hidden and deleted documents, those of working groups
the searcher may not read and the filters are removed, and the remaining set is counted
per type ("Discussioni (12) · Buone pratiche (4)"), ignoring the ``type`` filter. Only
documents of the requested type are scored: BM25F on the `text` field, plus title (x2),
tags (x1) and accepted-answer (x0.3) bonuses; a synonym group scores its best form,
expansions at 0.8. The top ``RERANK`` are re-ranked with a gentle preference for solved
and up-voted threads:
``bm25 * (1 + 0.15 * solved + 0.05 * log1p(max(votes, 0)))``.

Scores are looked up, not computed, per query: every term's BM25F over all its documents
and every concept's best-form score are lookups cached per searcher generation (see
``Engine.scores``). A query sums its concepts' lookups over the matching documents with
``map`` (C speed), takes the ``RERANK``-th best score as a threshold and sorts only the
documents at or above it. Only the hits of the requested page get a snippet.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import compress, filterfalse, repeat
from operator import add, and_, mul, neg
from typing import Any

import numpy as np

from ..results import Hit, SearchResults
from .engine import Engine, Lookup
from .highlight import make_snippet
from .postings import DocList, drain, sum_of
from .query import Concept, ParsedQuery, parse_query
from .schema import as_datetime, as_int, hit_fields, region_key
from .spelling import suggest
from .synonyms import Thesaurus

__all__ = ["FAILED", "NO_TERMS", "concept_docs", "concept_lookup", "failed_results",
           "run_search", "to_hit"]

RERANK = 200
COORDINATION = 2.0  # a partial match's score: sum * (share of the words matched) ** this
FILL_MIN = 10  # fewer exact matches than this: add documents matching some of the words
OR_TERMS = 12  # the OR fallback uses at most this many (the rarest) words
SORTS = ("relevance", "newest", "votes")
MAX_PER_PAGE = 100
SYNONYM_BOOST = 0.8  # an expansion counts a little less than the words typed
FORM_BOOST = 0.5  # another form of the typed words ("genitorialità" for "genitori") less
# Bonus fields on top of `text` (which already holds title, tags and accepted answer):
# a title match weighs about 3x a body match, tags 2x, the accepted answer 1.3x.
BONUS_FIELDS = (("title", 2.0), ("tags", 1.0), ("accepted", 0.3))
TERM_WEIGHTS = (("text", 1.0), *BONUS_FIELDS)
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
        boost = (1.0 if i == 0 else FORM_BOOST if alt in concept.respellings
                 else SYNONYM_BOOST)
        out.append((alt, loose, boost, subsumed))
    return out


def _alt_docs(engine: Engine, alt: tuple[str, ...], loose: bool) -> set[int]:
    """Documents with the phrase ``alt`` (or all its words, when ``loose``)."""
    if len(alt) == 1 or not loose:
        return engine.docset("text", alt)

    def every_word() -> set[int]:
        # the rarest word's documents that the other words' score lookups hold (the
        # lookups are needed to score the form anyway; no set per word)
        scored = sorted((term_scored(engine, t) for t in dict.fromkeys(alt)),
                        key=lambda e: len(e[0]))
        docs: Iterable[int] = scored[0][0]
        for _docs, lookup in scored[1:]:
            docs = filter(engine.member(lookup), docs)
        return set(docs)

    return engine.memo(("all-words", alt), every_word)


def concept_docs(engine: Engine, concept: Concept) -> set[int]:
    """Documents matching any form of ``concept`` (may be a cached set: do not modify)."""
    forms = [(alt, loose) for alt, loose, _boost, subsumed in _forms(concept) if not subsumed]
    if len(forms) == 1:
        return _alt_docs(engine, *forms[0])
    return engine.memo(("concept-docs", concept.alternatives, concept.loose_first),
                       lambda: set().union(*(_alt_docs(engine, *f) for f in forms)))


def term_scored(engine: Engine, term: str) -> tuple[Any, Lookup]:
    """(documents with ``term``, their BM25F on `text` plus the bonus fields)."""
    return engine.scored(term, TERM_WEIGHTS)


def concept_scored(engine: Engine, concept: Concept) -> tuple[list[int], Lookup]:
    """(documents matching ``concept``, deleted ones included; their score: the best form,
    the sum of that form's words, expansions at ``SYNONYM_BOOST``, other word forms of
    the typed words at ``FORM_BOOST``); cached per generation.
    Subsumed forms only add documents that another form already matches."""
    forms = _forms(concept)
    if len(forms) == 1 and len(forms[0][0]) == 1:
        return term_scored(engine, forms[0][0][0])
    key = ("concept", concept.alternatives, concept.loose_first)
    found = engine.cached_scores(key)
    if found is not None:
        return found

    def occurs(alt: tuple[str, ...], loose: bool) -> bool:
        if len(alt) == 1:
            return engine.doc_frequency("text", alt[0]) > 0
        return bool(_alt_docs(engine, alt, loose))

    present = [(alt, boost) for alt, loose, boost, _subsumed in forms if occurs(alt, loose)]
    if len(present) == 1 and len(present[0][0]) == 1 and present[0][1] == 1.0:
        # only the typed word occurs ("PNRR": its expansion is nowhere): its own scores
        return term_scored(engine, present[0][0][0])
    per_form = [(alt, boost, term_scored(engine, alt[0])[0] if len(alt) == 1
                 else _alt_docs(engine, alt, loose))
                for alt, loose, boost, _subsumed in forms]
    dense = engine.dense(max(len(docs) for _a, _b, docs in per_form))
    out: Lookup | None = None
    rest = per_form
    first_alt, first_boost, _docs = per_form[0]
    if len(first_alt) == 1 and first_boost == 1.0:  # typed word: start from a copy of its
        _word_docs, word = term_scored(engine, first_alt[0])  # scores (no step per doc)
        if isinstance(word, array) == dense:
            out = array(word.typecode, word) if isinstance(word, array) else dict(word)
            rest = per_form[1:]
    empty = out is None  # nothing written yet: the first form needs no max()
    if out is None:
        out = engine.lookup(dense)
    if isinstance(out, array):  # dense: numpy over the array's memory, same roundings
        _fill_dense(engine, out, rest, empty)
        rest = []
    for alt, boost, docs in rest:
        if not docs:
            continue
        getters = [term_scored(engine, t)[1].__getitem__ for t in dict.fromkeys(alt)]
        values = sum_of(getters, docs)
        if boost != 1.0:
            values = map(float(boost).__mul__, values)
        if empty:
            if isinstance(out, dict):
                out.update(zip(docs, values, strict=True))
            else:
                drain(map(out.__setitem__, docs, values))
            empty = False
        elif isinstance(out, dict):
            best = map(max, map(out.get, docs, repeat(0.0)), values)
            out.update(zip(docs, best, strict=True))
        else:
            drain(map(out.__setitem__, docs, map(max, map(out.__getitem__, docs), values)))
    wide = [alt for alt, _loose, _boost, subsumed in forms if not subsumed]
    filled = [docs for _alt, _boost, docs in per_form if docs]
    if len(wide) == 1 and len(wide[0]) == 1:  # the other forms only hold that word
        matching = term_scored(engine, wide[0][0])[0]
    elif len(filled) == 1:  # one form matches at all ("liste d'attesa")
        matching = list(filled[0])
    elif isinstance(out, dict):
        matching = list(out)
    else:
        matching = np.flatnonzero(np.frombuffer(out, dtype=np.float32)).tolist()
    return engine.remember_scores(key, (matching, out))


def _fill_dense(engine: Engine, out: array, forms: list[tuple[tuple[str, ...], float, Any]],
                empty: bool) -> None:
    """``concept_scored``'s loop over ``forms`` for a dense lookup ``out`` (single
    precision): each form's score (its words' scores summed in double precision, times
    its boost) written, or kept as the larger one, for its documents, as the Python loop
    did value by value."""
    target = np.frombuffer(out, dtype=np.float32)
    for alt, boost, docs in forms:
        if not docs:
            continue
        ids = _as_array(docs)
        values: np.ndarray | None = None
        for t in dict.fromkeys(alt):
            lookup = term_scored(engine, t)[1]
            part = (np.frombuffer(lookup, dtype=np.float32)[ids].astype(np.float64)
                    if isinstance(lookup, array)
                    else np.fromiter(map(lookup.__getitem__, ids.tolist()), dtype=np.float64,
                                     count=len(ids)))
            values = part if values is None else values + part
        assert values is not None
        if boost != 1.0:
            values = float(boost) * values
        if empty:
            target[ids] = values
            empty = False
        else:
            target[ids] = np.maximum(target[ids].astype(np.float64), values)


def _as_array(docs: Any) -> np.ndarray:
    """Document numbers (a ``DocList``, set or list) as an int64 array."""
    if isinstance(docs, DocList):
        return docs.as_array()
    return np.fromiter(docs, dtype=np.int64, count=len(docs))


def concept_lookup(engine: Engine, concept: Concept) -> Lookup:
    """The scores of ``concept_scored``."""
    return concept_scored(engine, concept)[1]


def _restricted(engine: Engine, docs: list[int], *, theme: str | None, region: str | None,
                solved: bool | None, since: datetime | None, until: datetime | None,
                groups: frozenset[int]) -> list[int]:
    """``docs`` restricted by the filters (deleted, hidden and unreadable ones already
    removed)."""
    if theme or region is not None or solved is not None or since or until:
        return list(_filtered(engine, set(docs), theme=theme, region=region, solved=solved,
                              since=since, until=until, include_hidden=True, groups=groups))
    return docs


def _filtered(engine: Engine, docs: set[int], *, theme: str | None, region: str | None,
              solved: bool | None, since: datetime | None, until: datetime | None,
              include_hidden: bool, groups: frozenset[int]) -> set[int]:
    """``docs`` without deleted, hidden and unreadable documents and restricted by the
    filters."""
    out = docs - engine.excluded(include_hidden, groups)
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
        docs_list = list(out)
        values = list(map(created.__getitem__, docs_list))
        lo = field.to_column_value(start) if start else 0
        hi = field.to_column_value(end) if end else 2**64
        out = set(compress(docs_list, map(and_, map(lo.__le__, values),
                                          map(hi.__ge__, values))))
    return out


# -- ranking and pages -------------------------------------------------------------------

Ranked = list[tuple[float, int]]


def _best_first(item: tuple[float, int]) -> tuple[float, int]:
    return -item[0], item[1]


def _rank_scores(engine: Engine, docs: list[int], values: Sequence[float], depth: int
                 ) -> Ranked:
    """(score, docnum) best first, at least ``depth`` deep; the top ``RERANK`` re-ranked
    with the solved/votes preference. Only documents scoring at least the ``RERANK``-th
    best score are sorted (one numpy partition finds them)."""
    keep = max(RERANK, depth)
    # (-score, docnum) tuples sort best first by their own comparison (no key function)
    pairs: Iterable[tuple[float, int]] = zip(map(neg, values), docs, strict=True)
    if len(values) > keep:
        threshold = float(np.partition(np.asarray(values, dtype=np.float64), -keep)[-keep])
        pairs = compress(pairs, map(threshold.__le__, values))
    head = [(-s, d) for s, d in sorted(pairs)[:keep]]
    votes_field = engine.schema["votes"]
    votes, solved = engine.column("votes"), engine.column("solved_flag")
    # 1 + 0.15 * solved + 0.05 * log1p(votes), the votes part per distinct raw column value
    # (a handful), remembered for the generation: no Python step per document
    vote_bonus = engine.memo("vote-bonus", dict)
    scores_top = [s for s, _d in head[:RERANK]]
    docs_top = [d for _s, d in head[:RERANK]]
    raws = list(map(votes.__getitem__, docs_top))
    for raw in set(raws).difference(vote_bonus):
        vote_bonus[raw] = 0.05 * math.log1p(max(votes_field.from_column_value(raw), 0))
    base = {False: 1 + 0.15 * 0, True: 1 + 0.15 * 1}
    factors = map(add, map(base.__getitem__, map(bool, map(solved.__getitem__, docs_top))),
                  map(vote_bonus.__getitem__, raws))
    top = list(zip(map(mul, scores_top, factors), docs_top, strict=True))
    top.sort(key=_best_first)
    return top + head[RERANK:]


def _top_by(docs: list[int], columns: list[Sequence[int]], k: int) -> list[int]:
    """The ``k`` of ``docs`` largest by (each of ``columns``..., docnum), best first.

    Per column, one C-speed pass keeps the documents at or above its ``k``-th largest
    value; only those strictly above are sorted on the full key, and the ties go on to
    the next column (so a sort by votes, where most documents have none, stays cheap).
    """
    if k <= 0 or not docs:
        return []
    if not columns:
        return heapq.nlargest(k, docs)
    if len(docs) <= k:
        return sorted(docs, key=lambda d: (*(c[d] for c in columns), d), reverse=True)
    first = columns[0]
    values = list(map(first.__getitem__, docs))
    threshold = heapq.nlargest(k, values)[-1]
    above = list(compress(docs, map(threshold.__lt__, values)))
    tied = list(compress(docs, map(threshold.__eq__, values)))
    return _top_by(above, columns, len(above)) + _top_by(tied, columns[1:], k - len(above))


def _rank(engine: Engine, docs: Iterable[int], sort: str, depth: int,
          scores: Lookup | dict[int, float] | None = None) -> Ranked:
    """(score, docnum) by ``sort`` ("newest" or "votes"), ``depth`` deep."""
    created = engine.column("created")
    columns: list[Sequence[int]] = [created]
    if sort == "votes":
        columns.insert(0, engine.column("votes"))
    get = scores.__getitem__ if scores is not None else None
    return [(get(d) if get else 0.0, d) for d in _top_by(list(docs), columns, depth)]


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
    df = engine.doc_frequency

    def rarity(c: Concept) -> int:
        return min(df("text", s) for s in c.alternatives[0]) or 1 << 30

    chosen = sorted(parsed.concepts, key=rarity)[:keep]
    return replace(parsed, concepts=[c for c in parsed.concepts if c in chosen])


# -- the search --------------------------------------------------------------------------

def run_search(engine: Engine, thesaurus: Thesaurus, q: object, *, type: str | None,
               theme: str | None, region: str | None, solved: bool | None,
               since: datetime | None, until: datetime | None, sort: str, page: int,
               per_page: int, include_hidden: bool,
               groups: frozenset[int] = frozenset()) -> SearchResults:
    """The whole search: see ``WhooshBackend.search``.

    Every word (or synonym group) is required. With no match at all, a corrected query is
    tried ("Forse cercavi"). When fewer than ``FILL_MIN`` documents match every word,
    documents matching only some words are added (``partial=True``), scored on the same
    scale as the all-words matches: the sum of the concepts' scores times the share of
    the concepts a document matches to the power ``COORDINATION`` (1 for an all-words
    match), so a document strong on two words of three can pass one that holds the
    third only in passing, but rarely. Documents of working groups not in ``groups``
    count nowhere: not in totals, facets, snippets, nor in the words a suggestion may
    offer.
    """
    page = max(1, as_int(page, 1))
    per_page = min(max(1, as_int(per_page, 10)), MAX_PER_PAGE)
    sort = sort if sort in SORTS else "relevance"
    want = str(type) if type else None
    depth = page * per_page
    groups = frozenset(groups)
    unseen = engine.excluded(include_hidden, groups)

    def restrict(docs: set[int]) -> set[int]:
        return _filtered(engine, docs, theme=theme, region=region, solved=solved,
                         since=since, until=until, include_hidden=include_hidden,
                         groups=groups)

    def matches(concepts: list[Concept], excluded: list) -> list[int]:
        scored = sorted((concept_scored(engine, c) for c in concepts),
                        key=lambda e: len(e[0]))
        docs = list(filterfalse(unseen.__contains__, scored[0][0]))
        for _docs, lookup in scored[1:]:
            docs = list(compress(docs, map(engine.member(lookup), docs)))
        docs = _restricted(engine, docs, theme=theme, region=region, solved=solved,
                           since=since, until=until, groups=groups)
        for stems in excluded:
            docs = list(filterfalse(engine.docset("text", stems).__contains__, docs))
        return docs

    def rank(concepts: list[Concept], docs: Iterable[int], *, coordinate: bool = False
             ) -> Ranked:
        if sort != "relevance":
            return _rank(engine, docs, sort, depth)
        docs_list = list(docs)
        if not coordinate:
            getters = [concept_lookup(engine, c).__getitem__ for c in concepts]
            return _rank_scores(engine, docs_list, list(sum_of(getters, docs_list)), depth)
        # with a partial fill-in: the sum of the concepts a document matches times the
        # share it matches (coordination). A lookup gives 0.0 for a document without the
        # concept (scores are always positive).
        per_concept = []
        for c in concepts:
            lookup = concept_lookup(engine, c)
            per_concept.append(list(map(lookup.__getitem__, docs_list))
                               if isinstance(lookup, array)
                               else list(map(lookup.get, docs_list, repeat(0.0))))
        sums: Iterable[float] = per_concept[0]
        hits: Iterable[int] = map(bool, per_concept[0])
        for values_c in per_concept[1:]:
            sums = map(add, sums, values_c)
            hits = map(add, hits, map(bool, values_c))
        share = 1.0 / len(concepts)
        coordination = map(pow, map(share.__mul__, hits), repeat(COORDINATION))
        values = map(mul, sums, coordination)
        return _rank_scores(engine, docs_list, list(values), depth)

    parsed = parse_query(q, thesaurus)
    if parsed.blank:  # browse: filters only, newest first unless asked otherwise
        browsed = restrict(engine.live())
        newest = _rank(engine, engine.of_type(browsed, want),
                       "newest" if sort == "relevance" else sort, depth)
        return _page(engine, None, engine.count_by_type(browsed), newest, want, page, per_page)
    if not parsed.concepts:
        return SearchResults(total=0, counts_by_type={}, hits=[], page=page, pages=1,
                             error=NO_TERMS)
    docs = matches(parsed.concepts, parsed.excluded)
    suggestion = suggest(engine.searcher, parsed, engine.doc_frequency, unseen=unseen,
                         readable=lambda term: engine.readable_frequency("text", term, unseen))
    corrected = None
    if suggestion:
        # offered only when it finds something this searcher may read: a correction
        # must not reveal a word that only unreadable documents hold
        fixed = parse_query(suggestion, thesaurus)
        fixed_docs = matches(fixed.concepts, fixed.excluded) if fixed.concepts else []
        if not fixed_docs:
            suggestion = None
        elif not docs:
            docs, parsed, corrected = fixed_docs, fixed, suggestion
    counts = engine.count_list(docs)
    exact = engine.of_type_list(docs, want)
    ranked: Ranked | None = None
    partial = False
    if len(docs) < FILL_MIN and len(parsed.concepts) > 1:
        some = _selective(engine, parsed, OR_TERMS)
        more = restrict(set().union(*(concept_docs(engine, c) for c in some.concepts)))
        for stems in parsed.excluded:
            more -= engine.docset("text", stems)
        extra = engine.of_type(more.difference(docs), want)
        if more.difference(docs):
            counts, partial = engine.count_by_type(more), True
            if sort == "relevance":  # one scale: an all-words match has the factor 1
                ranked = rank(some.concepts, [*exact, *extra], coordinate=True)
            else:
                ranked = rank(parsed.concepts, exact) + rank(some.concepts, extra)
    if ranked is None:
        ranked = rank(parsed.concepts, exact)
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
