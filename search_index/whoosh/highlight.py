"""Snippets: the best ~240-character window of a text, escaped, matches in ``<mark>``."""

from __future__ import annotations

from html import escape

from .analysis import matching_spans

__all__ = ["SNIPPET_CHARS", "make_snippet", "plain_snippet"]

SNIPPET_CHARS = 240
ELLIPSIS = "…"


def _cut_left(text: str, start: int) -> int:
    """Move ``start`` forward to the beginning of a word."""
    if start <= 0:
        return 0
    space = text.find(" ", start, start + 30)
    return space + 1 if space != -1 else start


def _cut_right(text: str, end: int) -> int:
    """Move ``end`` back to the end of a word."""
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", max(0, end - 30), end)
    return space if space != -1 else end


def plain_snippet(text: str, width: int = SNIPPET_CHARS) -> str:
    """The start of ``text``, escaped, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= width:
        return escape(text)
    return escape(text[: _cut_right(text, width)]) + ELLIPSIS


def make_snippet(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> str:
    """HTML: the window of ``text`` with the most distinct matched ``terms``, escaped, with
    ``<mark>`` around each matched word; the start of the text when nothing matches."""
    text = " ".join(text.split())
    if not text:
        return ""
    spans = [(s, e, term) for term, s, e in matching_spans(text, terms)] if terms else []
    if not spans:
        return plain_snippet(text, width)
    best_i, best_key = 0, (-1, 0)
    j = 0
    for i, (start, _e, _t) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - start <= width:
            j += 1
        window = spans[i : j + 1]
        key = (len({t for _s, _e2, t in window}), len(window))
        if key > best_key:
            best_i, best_key = i, key
    first = spans[best_i][0]
    # Centre the matches a little: start up to 40 characters before the first one.
    start = _cut_left(text, max(0, first - 40)) if first > 40 else 0
    end = _cut_right(text, start + width)
    if end <= first:
        end = min(len(text), start + width)
    out: list[str] = [ELLIPSIS] if start > 0 else []
    pos = start
    for s, e, _t in spans:
        if s < max(start, pos) or e > end:  # outside the window, or inside a marked word
            continue
        out.append(escape(text[pos:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out)
