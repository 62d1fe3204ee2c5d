"""Related documents for any text ("Domande simili", "Buone pratiche collegate").

The text is analysed like a query; its ``KEY_TERMS`` most distinctive stems (tf * idf,
ignoring words found in more than ``COMMON_SHARE`` of the documents) are scored with BM25F
on `text` plus a title bonus, over the visible documents of one type only, those of
working groups the caller may not read left out (set algebra on cached postings, see
``engine.py``). Documents of the preferred theme get a gentle score
bonus (``THEME_BONUS``); they are not filtered.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable

from ..results import Hit
from .analysis import analyze
from .engine import Engine
from .highlight import plain_snippet
from .schema import as_int
from .searching import to_hit

__all__ = ["KEY_TERMS", "key_terms", "related"]

KEY_TERMS = 5
MAX_TEXT_CHARS = 20_000
THEME_BONUS = 1.25
TITLE_BONUS = 1.0
COMMON_SHARE = 0.03  # stems in more than this share of the documents carry little signal
RELATED_SNIPPET_CHARS = 160


def key_terms(engine: Engine, text: str, k: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The ``k`` most distinctive stems of ``text`` with weights in (0, 1]."""
    stems = analyze(text[:MAX_TEXT_CHARS])
    if not stems:
        return []
    searcher = engine.searcher
    n_docs = max(1, searcher.doc_count_all())
    too_common = max(COMMON_SHARE * n_docs, 10)
    weighted = []
    for stem, tf in Counter(stems).items():
        df = searcher.doc_frequency("text", stem)
        if not df or df > too_common:
            continue
        weighted.append(((1 + math.log(tf)) * math.log(1 + n_docs / df), stem))
    top = sorted(weighted, key=lambda x: (-x[0], x[1]))[:k]
    if not top:
        return []
    best = top[0][0]
    return [(stem, w / best) for w, stem in top]


def related(engine: Engine, text: str, *, type: str | None = "practice",
            theme: str | None = None, exclude: Iterable[str] = (),
            limit: int = 5, groups: frozenset[int] = frozenset()) -> list[Hit]:
    """Visible documents of ``type`` most related to ``text``, best first; of the working
    groups, only those in ``groups``."""
    limit = min(as_int(limit, 5), 50)
    if limit < 1:
        return []
    terms = key_terms(engine, text if isinstance(text, str) else "")
    if not terms:
        return []
    allowed = engine.memo(("visible-of-type", type), lambda: engine.of_type(
        engine.live() - engine.hidden(), type))
    # kept apart from `allowed` (every visible document of the type): one such set per
    # combination of groups would crowd the generation's cache
    unreadable = engine.unreadable(frozenset(groups))
    skip = {d for d in (engine.searcher.document_number(doc_id=str(x)) for x in exclude)
            if d is not None}
    scores: dict[int, float] = {}
    for stem, weight in terms:
        docs = engine.docset("text", (stem,)) & allowed
        if unreadable:
            docs -= unreadable
        for d, v in engine.bm25("text", stem, docs, weight).items():
            scores[d] = scores.get(d, 0.0) + v
        titled = engine.docset("title", (stem,)) & allowed
        if unreadable:
            titled -= unreadable
        for d, v in engine.bm25("title", stem, titled, weight * TITLE_BONUS).items():
            scores[d] = scores.get(d, 0.0) + v
    for d in skip:
        scores.pop(d, None)
    if theme:
        preferred = engine.docset("themes", (str(theme),))
        for d in preferred & scores.keys():
            scores[d] *= THEME_BONUS
    best = heapq.nlargest(limit, ((s, -d) for d, s in scores.items()))
    out = []
    for score, neg in best:
        source = engine.searcher.stored_fields(-neg).get("snippet") or ""
        out.append(to_hit(engine, -neg, score, plain_snippet(source, RELATED_SNIPPET_CHARS)))
    return out
