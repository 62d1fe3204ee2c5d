"""Elided articles and prepositions dropped before PostgreSQL analyses a text.

PostgreSQL's parser splits "dell'asilo" into "dell" and "asilo" and keeps "d" or "l" as
lexemes with a position of their own, so the phrase "nido d'infanzia" would not match
"nido infanzia". The Whoosh backend's analyzer drops these elisions (``ELIDED``); the same
is done here, for indexed text and query text alike, so phrases match the same way.
"""

from __future__ import annotations

import re

from ..whoosh.analysis import APOSTROPHES, ELIDED

__all__ = ["elide"]

_ELISION = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(ELIDED, key=len, reverse=True)) + r")[" + APOSTROPHES
    + r"](?=\w)", re.IGNORECASE)


def elide(text: str) -> str:
    """``text`` without elided words ("dell'asilo nido d'infanzia" -> "asilo nido infanzia");
    the length changes, so use it only on text that is analysed, never shown."""
    return _ELISION.sub("", text)
