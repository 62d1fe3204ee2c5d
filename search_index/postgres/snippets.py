"""Highlighted snippets with ``ts_headline``, returned as safe HTML.

``ts_headline`` runs on the stored plain text (never Markdown) and marks the words whose
lexemes the query holds. It marks with two characters that ``rows.params`` never stores
(``OPEN``/``CLOSE``); the result is then escaped and the marks become ``<mark>``, so no
text of a document ever reaches the page unescaped.
"""

from __future__ import annotations

from html import escape

from .ddl import CONFIG

__all__ = ["CLOSE", "OPEN", "headline_sql", "to_html"]

OPEN, CLOSE = "\u27e6", "\u27e7"
ELLIPSIS = "…"
# about the 240 characters of the Whoosh backend's snippets
OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=35, MinWords=18, ShortWord=2"


def headline_sql(source: str, tsquery_param: str) -> str:
    """SQL for the headline of column ``source`` for the ``tsquery`` text parameter."""
    return (f"ts_headline('{CONFIG}', {source}, CAST(:{tsquery_param} AS tsquery), "
            f"'{OPTIONS}')")


def to_html(headline: str, source: str) -> str:
    """``headline`` escaped, its marks as ``<mark>``, with an ellipsis where it cuts
    ``source``."""
    plain = " ".join(headline.replace(OPEN, "").replace(CLOSE, "").split())
    if not plain:
        return ""
    flat = " ".join(source.split())
    html = escape(" ".join(headline.split())).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
    if not flat.startswith(plain[:20]):
        html = ELLIPSIS + html
    if not flat.endswith(plain[-20:]):
        html += ELLIPSIS
    return html
