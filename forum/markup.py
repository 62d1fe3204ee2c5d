"""Markdown to safe HTML: the only module that knows the sanitiser (bleach).

Rendered once at write time and stored in `body_html`; swapping the sanitiser
means changing this file alone.
"""

from __future__ import annotations

from functools import partial

import bleach
import markdown
from bleach.linkifier import DEFAULT_CALLBACKS

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "th": ["align"],
    "td": ["align"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def _link_rel(attrs: dict, new: bool = False) -> dict:
    """Every link is user content: tell crawlers and browsers so."""
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(bleach.linkifier.LinkifyFilter, callbacks=[*DEFAULT_CALLBACKS, _link_rel],
                     skip_tags={"pre", "code"})],
)


def render_markdown(text: str) -> str:
    """Render user Markdown to sanitised HTML (no scripts, handlers or unsafe URLs)."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return _cleaner.clean(html)

