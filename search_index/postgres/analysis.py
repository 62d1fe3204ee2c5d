"""What the Python side does to text before PostgreSQL analyses it (``prepare``).

PostgreSQL's parser splits "dell'asilo" into "dell" and "asilo" and keeps "d" or "l" as
lexemes with a position of their own, so the phrase "nido d'infanzia" would not match
"nido infanzia"; and it splits "P.I.P.P.I." into letters. The Whoosh backend's analyzer
drops elisions (``ELIDED``) and joins dotted acronyms and numbers ("PIPPI", "DLgs",
"1000"); the same is done here, for indexed text and query text alike, so both backends
match the same words and phrases.
"""

from __future__ import annotations

import re

from ..whoosh.analysis import APOSTROPHES, ELIDED

__all__ = ["prepare"]

_ELISION = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(ELIDED, key=len, reverse=True)) + r")[" + APOSTROPHES
    + r"](?=\w)", re.IGNORECASE)
_DOTTED = re.compile(r"(?<![\w.])\w{1,3}(?:\.\w{1,3})+\.?(?![\w.])")


def _join(match: re.Match[str]) -> str:
    segments = match.group().rstrip(".").split(".")
    if all(s.isalpha() for s in segments) or all(s.isdigit() for s in segments):
        return "".join(segments)
    return match.group()


def prepare(text: str) -> str:
    """``text`` without elided words and with dotted acronyms joined ("dell'asilo nido
    d'infanzia" -> "asilo nido infanzia", "P.I.P.P.I." -> "PIPPI"); the length changes, so
    use it only on text that is analysed, never on text that is shown."""
    return _DOTTED.sub(_join, _ELISION.sub("", text))
