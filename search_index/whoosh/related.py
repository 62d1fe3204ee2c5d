"""Related documents for any text ("Domande simili", "Buone pratiche collegate").

The method, in terms another engine can reproduce (a list of weighted terms and a theme
prior):

1. Key terms. The text is analysed like a query; the stems of common question words
   (``QUESTION_WORDS``: "come", "vorremmo", "esperienze", "comune"...) are dropped; the
   forms of one set of word forms (``synonyms.json``: "genitori" ~ "genitorialità") count
   as one term. Every remaining term is kept, up to ``MAX_KEY_TERMS`` (a pasted page
   keeps its most weighted ones; a text of more than twice as many terms is first
   trimmed by the whole index's document frequencies, which cost nothing to read).
   *Why all of them:* the topical words of a question
   ("nido", "affido", "centro", "genitori", "sportello") are exactly what makes a
   practice related; keeping only the five rarest stems (the method before) kept a
   question's leftovers (a town, a typo) and dropped its subject.
2. Weights. ``weight = (1 + log tf) * idf``: ``tf`` counts the term in the text (a title
   repeated by the caller counts more), ``idf = log(1 + (N - df + 0.5) / (df + 0.5))``
   with ``N`` and ``df`` counted over *what can be returned*: the visible documents of
   the requested type. *Why:* a word common among questions may still be rare among
   practices, and the reverse; counting questions and unpublished practices (as before)
   measured the wrong population. This idf is close to 0 for a word found in nearly
   every returnable document, so no cut-off share is needed to silence such words.
3. Scores. A document scores ``sum(weight * saturation(tf in doc, length))`` over the key
   terms, where ``saturation`` is BM25's term-frequency part (k1 = 1.2, b = 0.75) on
   `text`, plus ``TITLE_BONUS`` times the same on `title`. *Why the tf part only:* the
   weight already holds the idf; multiplying it by a full BM25 score (which holds idf
   again, as before) counted rare words twice.
4. Theme prior. A document of the caller's theme gets its score multiplied by
   ``THEME_PRIOR``. *Why gentle:* the theme is a good hint (a question on "nidi" filed
   under "sostegno economico" still wants nido practices first) but a strong topical
   match from another theme must still win; a filter would hide it.

Only documents of working groups the caller may read are scored (set algebra on cached
postings, see ``engine.py``). Speed: the candidate documents are those holding one of the
``CANDIDATE_TERMS`` heaviest terms, except terms found in more than ``WIDE_SHARE`` of the
returnable documents (when that finds fewer than ``MIN_CANDIDATES``, the other terms
add theirs, heaviest first, until there are enough); every term then scores the
candidates. A light or very common term cannot make a document
related on its own, and walking its whole posting list would cost milliseconds at
300,000 documents. Document frequencies are counted once per index generation; scores
come from the engine's per-generation tf-part arrays (``Engine.saturation``), restricted
to the returnable documents once, and are summed with numpy: no table over every
document per term, no Python step per posting. Postings are read only from segments
holding a returnable document: a rebuild writes questions first, so at 300,000 documents
most segments hold no practice, and skipping them took related p95 from ~85 to ~14 ms
(a live index whose updates mixed types in every segment gains nothing from it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np

from ..results import Hit
from .analysis import analyze
from .engine import Engine
from .highlight import plain_snippet
from .schema import as_int
from .searching import to_hit
from .synonyms import Thesaurus, default_thesaurus

__all__ = ["MAX_KEY_TERMS", "QUESTION_WORDS", "QUESTION_WORD_TEXT", "KeyTerm", "key_terms",
           "related"]

MAX_KEY_TERMS = 16
MAX_TEXT_CHARS = 20_000
THEME_PRIOR = 1.2
TITLE_BONUS = 1.0
CANDIDATE_TERMS = 8  # the heaviest terms find the candidate documents ...
WIDE_SHARE = 0.1  # ... except those in more than this share of the returnable documents
MIN_CANDIDATES = 50  # unless they found fewer documents than this: then every term does
RELATED_SNIPPET_CHARS = 160

# Words of how a question is asked, not of what it is about (stop words are already
# gone). Stemmed like the text, so every inflection goes. The words themselves are read by
# the PostgreSQL backend too, which stems them its own way.
QUESTION_WORD_TEXT = (
    "come quale quali quanto quanta quanti quante chi cosa dove quando perché "
    "fare fate facciamo fatto possiamo potete può possono potrebbe vorremmo vorrei volete "
    "vogliamo dovremmo dobbiamo devono serve servono bisogna conviene meglio "
    "avete abbiamo esperienza esperienze qualcuno chiedo chiediamo chiedono consiglio "
    "consigli idee suggerimenti grazie buongiorno salve comune comuni nostro nostri "
    "nostra nostre vostro vostri vostra vostre altri altre modo casi caso esempio esempi "
    "sapere sapete pensiamo pensate cerchiamo cerco ottenere organizzare organizzate "
    "organizzato partire succede tipo"
)
QUESTION_WORDS = frozenset(stem for word in QUESTION_WORD_TEXT.split()
                           for stem in analyze(word))

KeyTerm = tuple[tuple[str, ...], float]  # (the forms of one term, weight)


def _returnable(engine: Engine, type: str | None) -> set[int]:
    """The visible documents of ``type``: the population of document frequencies."""
    return engine.memo(("visible-of-type", type), lambda: engine.of_type(
        engine.live() - engine.hidden(), type))


def _returnable_mask(engine: Engine, type: str | None) -> np.ndarray:
    """``_returnable`` as a boolean array over every document (cached for the generation)."""
    def compute() -> np.ndarray:
        mask = np.zeros(engine.doc_count_all, dtype=np.bool_)
        mask[np.fromiter(_returnable(engine, type), dtype=np.int64)] = True
        return mask

    return engine.memo(("visible-of-type-mask", type), compute)


def _returnable_leaves(engine: Engine, type: str | None) -> list[tuple[object, int]]:
    """The segments holding at least one returnable document (cached for the generation).
    A rebuild writes the questions first and the practices last, so most segments of a
    rebuilt index hold no practice: their postings need not be read at all."""
    def compute() -> tuple[tuple[object, int], ...]:
        mask = _returnable_mask(engine, type)
        return tuple((seg, off) for seg, off in engine.leaves
                     if mask[off:off + seg.doc_count_all()].any())

    return list(engine.memo(("returnable-leaves", type), compute))


def _returnable_postings(engine: Engine, type: str | None, field: str, stem: str
                         ) -> tuple[np.ndarray, np.ndarray]:
    """(the returnable documents with ``stem`` in ``field``, ascending; BM25's
    term-frequency part for each): the engine's ``saturation`` restricted to them."""
    def compute() -> tuple[np.ndarray, np.ndarray]:
        docs, values = engine.saturation(field, stem, _returnable_leaves(engine, type))
        keep = _returnable_mask(engine, type)[docs]
        return docs[keep], values[keep]

    return engine.memo(("returnable-postings", type, field, stem), lambda: _Sized(compute()))


class _Sized(tuple):  # type: ignore[type-arg]
    """A pair of arrays that a generation cache sizes by their length."""

    def __len__(self) -> int:
        return len(self[0])


def _returnable_docs(engine: Engine, type: str | None, forms: tuple[str, ...]) -> np.ndarray:
    """The returnable documents holding any of ``forms``, ascending."""
    if len(forms) == 1:
        return _returnable_postings(engine, type, "text", forms[0])[0]
    return engine.memo(("returnable-docs", type, forms), lambda: _Sized((np.unique(
        np.concatenate([_returnable_postings(engine, type, "text", f)[0] for f in forms])),)))[0]


def key_terms(engine: Engine, text: str, type: str | None = "practice",
              thesaurus: Thesaurus | None = None) -> list[KeyTerm]:
    """The weighted terms of ``text`` (step 1 and 2 of the module's method), heaviest
    first; terms no returnable document holds are left out."""
    thesaurus = thesaurus or default_thesaurus()
    counts: Counter[tuple[str, ...]] = Counter(
        thesaurus.forms_of(stem) for stem in analyze(text[:MAX_TEXT_CHARS])
        if stem not in QUESTION_WORDS)
    n = len(_returnable(engine, type))
    if not counts or not n:
        return []
    if len(counts) > 2 * MAX_KEY_TERMS:  # a long text: first trim by the whole index's df
        total = engine.doc_count_all + 1

        def rough(item: tuple[tuple[str, ...], int]) -> float:
            df = sum(engine.doc_frequency("text", stem) for stem in item[0])
            return (1 + math.log(item[1])) * math.log(1 + total / (df + 1))

        counts = Counter(dict(sorted(counts.items(), key=rough, reverse=True)
                              [:2 * MAX_KEY_TERMS]))
    weighted = []
    for forms, tf in counts.items():
        df = len(_returnable_docs(engine, type, forms))
        if df:
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            weighted.append((forms, (1 + math.log(tf)) * idf))
    weighted.sort(key=lambda x: (-x[1], x[0]))
    return weighted[:MAX_KEY_TERMS]


def related(engine: Engine, text: str, *, type: str | None = "practice",
            theme: str | None = None, exclude: Iterable[str] = (),
            limit: int = 5, groups: frozenset[int] = frozenset()) -> list[Hit]:
    """Visible documents of ``type`` most related to ``text``, best first; of the working
    groups, only those in ``groups``."""
    limit = min(as_int(limit, 5), 50)
    if limit < 1:
        return []
    terms = key_terms(engine, text if isinstance(text, str) else "", type)
    if not terms:
        return []
    n = len(_returnable(engine, type))
    unreadable = engine.unreadable(frozenset(groups))
    skip = {d for d in (engine.searcher.document_number(doc_id=str(x)) for x in exclude)
            if d is not None}
    term_docs = []
    for forms, _weight in terms:
        docs = _returnable_docs(engine, type, forms)
        term_docs.append((docs, len(docs) > WIDE_SHARE * n))
    chosen = np.zeros(engine.doc_count_all, dtype=np.bool_)
    for docs, wide in term_docs[:CANDIDATE_TERMS]:
        if not wide:
            chosen[docs] = True
    count = int(np.count_nonzero(chosen))
    for docs, _wide in term_docs:  # few found: the next heaviest terms bring theirs,
        if count >= MIN_CANDIDATES:  # until enough
            break
        chosen[docs] = True
        count = int(np.count_nonzero(chosen))
    if skip:
        chosen[np.fromiter(skip, dtype=np.int64)] = False
    if unreadable:
        chosen[_as_index(engine, ("unreadable-index", frozenset(groups)), unreadable)] = False
    # every posting of a returnable document adds to an array over every document (the
    # non-candidates are dropped at the end): a few numpy passes, no step per posting;
    # a term's forms count their best, in the order the method above describes
    acc = np.zeros(engine.doc_count_all, dtype=np.float64)
    for forms, weight in terms:
        for field, scale in (("text", weight), ("title", weight * TITLE_BONUS)):
            if not scale:
                continue
            parts = [_returnable_postings(engine, type, field, stem) for stem in forms]
            parts = [p for p in parts if len(p[0])]
            if len(parts) == 1:
                acc[parts[0][0]] += scale * parts[0][1]
            elif parts:
                best = np.zeros(engine.doc_count_all, dtype=np.float64)
                for docs, values in parts:
                    np.maximum.at(best, docs, values)
                held = np.unique(np.concatenate([docs for docs, _v in parts]))
                acc[held] += scale * best[held]
    candidates = np.flatnonzero(chosen)
    scores = acc[candidates]
    if theme:
        themed = _as_index(engine, ("theme-index", str(theme)),
                           engine.docset("themes", (str(theme),)))
        prior = np.zeros(engine.doc_count_all, dtype=np.bool_)
        prior[themed] = True
        scores[prior[candidates]] *= THEME_PRIOR
    positive = scores > 0
    candidates, scores = candidates[positive], scores[positive]
    # best first, ties by document number (as heapq.nlargest on (score, -docnum))
    order = np.lexsort((candidates, -scores))[:limit]
    out = []
    for d, score in zip(candidates[order].tolist(), scores[order].tolist(), strict=True):
        source = engine.searcher.stored_fields(d).get("snippet") or ""
        out.append(to_hit(engine, d, score, plain_snippet(source, RELATED_SNIPPET_CHARS)))
    return out


def _as_index(engine: Engine, key: object, docs: set[int]) -> np.ndarray:
    """``docs`` as an array of document numbers, cached for the generation."""
    return engine.memo(key, lambda: np.fromiter(docs, dtype=np.int64, count=len(docs)))
