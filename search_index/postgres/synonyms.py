"""The synonyms of ``search_index/synonyms.json`` as words PostgreSQL can analyse.

Matching a query against the synonym groups is the Whoosh backend's (``Thesaurus`` on the
query's stems, so both backends expand the same queries the same way). The alternatives it
returns are stems; PostgreSQL analyses text itself, so each one is given back as the words
it was made from ("asil nid" -> "asilo nido"), including the respellings of multi-word terms
with other word forms ("caregiver familiari" beside "caregiver familiare").
"""

from __future__ import annotations

import json
from functools import lru_cache
from itertools import islice, product
from pathlib import Path

from ..whoosh.analysis import analyze
from ..whoosh.synonyms import MAX_VARIANTS, SYNONYMS_PATH, Thesaurus, default_thesaurus

__all__ = ["Surfaces", "default_surfaces"]

Stems = tuple[str, ...]


class Surfaces:
    """stems of a synonym term (or of one of its respellings) -> words to search for."""

    def __init__(self, groups: list[list[str]], forms: list[list[str]]) -> None:
        self._words: dict[Stems, str] = {}
        by_stem: dict[str, list[str]] = {}  # a stem -> the words of its set of forms
        for words in forms:
            for word in words:
                self._add(word)
                for stem in analyze(word):
                    by_stem[stem] = list(words)
        for terms in groups:
            for term in terms:
                self._add(term)
                words = term.split()
                if len(words) < 2:
                    continue
                choices = [[w, *(x for s in analyze(w)[:1] for x in by_stem.get(s, ()) if x != w)]
                           for w in words]
                for variant in islice(product(*choices), MAX_VARIANTS):
                    self._add(" ".join(variant))

    def _add(self, words: str) -> None:
        self._words.setdefault(tuple(analyze(words)), words)

    def words(self, stems: Stems) -> str | None:
        """The words whose stems are ``stems``, or None when no term of the file has them."""
        return self._words.get(tuple(stems))

    @classmethod
    def from_file(cls, path: str | Path = SYNONYMS_PATH) -> Surfaces:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls([list(g["terms"]) for g in data["groups"]],
                   [list(f["words"]) for f in data.get("forms", [])])


@lru_cache(maxsize=1)
def default_surfaces() -> Surfaces:
    """The words of ``synonyms.json`` (loaded once per process)."""
    return Surfaces.from_file()


def thesaurus() -> Thesaurus:
    """The Whoosh backend's thesaurus (one per process), for matching."""
    return default_thesaurus()
