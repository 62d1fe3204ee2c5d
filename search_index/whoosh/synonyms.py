"""Query-time synonyms and acronyms, read from ``search_index/synonyms.json``.

The groups themselves are engine-neutral data (package data of ``search_index``, so a
second engine reads the same file); this module is how the Whoosh engine matches them.

Every synonym term is analysed with the index analyzer, so matching happens on stems:
"asili nido" in a query matches the group term "asilo nido", "auu" matches "AUU". A query
phrase that equals a term of one or more groups expands to every term of those groups
("ATS" belongs to two groups and expands to both meanings). Multi-word terms become phrase
alternatives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .analysis import analyze

__all__ = ["SYNONYMS_PATH", "SynonymMatch", "Thesaurus", "default_thesaurus"]

SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "synonyms.json"

Stems = tuple[str, ...]


@dataclass(frozen=True)
class SynonymMatch:
    """A run of query stems ``[start, end)`` that equals a synonym term."""

    start: int
    end: int
    alternatives: tuple[Stems, ...]  # the matched form first, then the other terms


class Thesaurus:
    """Synonym groups keyed by analysed stems; finds the longest matches in a stem list."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups: list[tuple[Stems, ...]] = []
        self._by_stems: dict[Stems, list[int]] = {}
        for terms in groups:
            analysed: list[Stems] = []
            for term in terms:
                stems = tuple(analyze(term))
                if stems and stems not in analysed:
                    analysed.append(stems)
            if len(analysed) < 2:
                continue
            index = len(self.groups)
            self.groups.append(tuple(analysed))
            for stems in analysed:
                self._by_stems.setdefault(stems, []).append(index)
        self.max_len = max((len(s) for s in self._by_stems), default=0)

    @classmethod
    def from_file(cls, path: str | Path = SYNONYMS_PATH) -> Thesaurus:
        """Load ``{"groups": [{"terms": [...]}, ...]}``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls([list(g["terms"]) for g in data["groups"]])

    def alternatives(self, stems: Stems) -> tuple[Stems, ...]:
        """``stems`` itself followed by every synonym of it (empty when it has none)."""
        indexes = self._by_stems.get(stems)
        if not indexes:
            return ()
        out: list[Stems] = [stems]
        for i in indexes:
            out.extend(s for s in self.groups[i] if s not in out)
        return tuple(out)

    def find(self, stems: list[str]) -> list[SynonymMatch]:
        """Greedy, longest-first, non-overlapping matches of synonym terms in ``stems``."""
        matches: list[SynonymMatch] = []
        i = 0
        while i < len(stems):
            for length in range(min(self.max_len, len(stems) - i), 0, -1):
                alts = self.alternatives(tuple(stems[i : i + length]))
                if alts:
                    matches.append(SynonymMatch(i, i + length, alts))
                    i += length
                    break
            else:
                i += 1
        return matches


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    """The thesaurus from ``synonyms.json`` (loaded once per process)."""
    return Thesaurus.from_file()
