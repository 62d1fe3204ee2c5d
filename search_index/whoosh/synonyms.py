"""Query-time synonyms and acronyms, read from ``search_index/synonyms.json``.

The groups themselves are engine-neutral data (package data of ``search_index``, so a
second engine reads the same file); this module is how the Whoosh engine matches them.

Every synonym term is analysed with the index analyzer, so matching happens on stems:
"asili nido" in a query matches the group term "asilo nido", "auu" matches "AUU". A query
phrase that equals a term of one or more groups expands to every term of those groups
("ATS" belongs to two groups and expands to both meanings). Multi-word terms become phrase
alternatives.

Word forms (``"forms"`` in the file) are sets of derived forms that operators use
interchangeably but the Snowball stemmer keeps apart ("familiare" -> famil, "familiari" ->
familiar; "genitori" -> genitor, "genitorialità" -> genitorial). Each set is a synonym
group of single words, and every multi-word synonym term is also registered with each
combination of the forms of its words, so "caregiver familiari" in a query finds the group
of "caregiver familiare" and matches either spelling in the text. ``forms_of`` gives a
stem's set, for related documents (which count the forms of a set as one word).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from pathlib import Path

from .analysis import analyze

__all__ = ["SYNONYMS_PATH", "SynonymMatch", "Thesaurus", "default_thesaurus"]

SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "synonyms.json"

Stems = tuple[str, ...]

MAX_VARIANTS = 16  # spellings registered per multi-word term (products of word forms)


@dataclass(frozen=True)
class SynonymMatch:
    """A run of query stems ``[start, end)`` that equals a synonym term."""

    start: int
    end: int
    alternatives: tuple[Stems, ...]  # the matched form first, then the other terms


class Thesaurus:
    """Synonym groups keyed by analysed stems; finds the longest matches in a stem list."""

    def __init__(self, groups: list[list[str]],
                 forms: Sequence[Sequence[str]] = ()) -> None:
        self.groups: list[tuple[Stems, ...]] = []
        self._by_stems: dict[Stems, list[int]] = {}
        self._forms: dict[str, Stems] = {}
        for words in forms:
            stems = tuple(dict.fromkeys(s for w in words for s in analyze(w)))
            if len(stems) > 1:
                for stem in stems:
                    self._forms[stem] = tuple(dict.fromkeys(self._forms.get(stem, ()) + stems))
        analysed_groups = [[tuple(analyze(term)) for term in terms] for terms in groups]
        analysed_groups += [[(stem,) for stem in forms_set] for forms_set in self._form_sets()]
        for terms_stems in analysed_groups:
            analysed: list[Stems] = []
            for stems in terms_stems:
                for variant in self._variants(stems):
                    if variant not in analysed:
                        analysed.append(variant)
            if len(analysed) < 2:
                continue
            index = len(self.groups)
            self.groups.append(tuple(analysed))
            for stems in analysed:
                self._by_stems.setdefault(stems, []).append(index)
        self.max_len = max((len(s) for s in self._by_stems), default=0)

    def _form_sets(self) -> list[Stems]:
        """Each distinct set of word forms once (as stems)."""
        return list(dict.fromkeys(self._forms.values()))

    def _variants(self, stems: Stems) -> list[Stems]:
        """``stems`` first, then its spellings with other forms of its words; a single word
        keeps to itself (its forms are a group of their own)."""
        if len(stems) < 2:
            return [stems] if stems else []
        choices = [self._forms.get(s, (s,)) for s in stems]
        rest = (v for v in product(*choices) if v != stems)
        return [stems, *islice(rest, MAX_VARIANTS - 1)]

    def respells(self, typed: Stems, other: Stems) -> bool:
        """Whether ``other`` is ``typed`` with other forms of its words only."""
        return len(typed) == len(other) and typed != other and all(
            b in self.forms_of(a) for a, b in zip(typed, other, strict=True))

    def forms_of(self, stem: str) -> Stems:
        """Every form of ``stem``'s set of word forms (``(stem,)`` when it has none)."""
        return self._forms.get(stem, (stem,))

    @classmethod
    def from_file(cls, path: str | Path = SYNONYMS_PATH) -> Thesaurus:
        """Load ``{"groups": [{"terms": [...]}, ...], "forms": [{"words": [...]}, ...]}``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls([list(g["terms"]) for g in data["groups"]],
                   [list(f["words"]) for f in data.get("forms", [])])

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
