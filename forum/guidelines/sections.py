"""A guideline's sections: its Markdown split at headings, with stable anchors.

The sanitiser keeps only h3-h6 (a post never outranks its page's headings), so a
guideline's `##`/`###` headings are read here, from the source: each section's body is
rendered on its own through `forum.markup` and the headings are written by us, escaped,
with an `id` to link to (the table of contents, a consultation comment, an answer citing
"section 3"). Anchors come from the heading text, so they survive edits elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from forum.markup import render_many
from forum.text import slugify

# ATX headings of level 1-3 outside fenced code; deeper ones stay inside their section.
HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^(```|~~~)")
ANCHOR_MAX = 80


@dataclass(frozen=True)
class Section:
    """One heading and the Markdown under it (up to the next heading of level 1-3)."""

    anchor: str
    title: str
    level: int  # 2 for `#`/`##`, 3 for `###`
    source: str


def split_sections(text: str) -> tuple[str, list[Section]]:
    """The text before the first heading, and the sections in order (unique anchors)."""
    preamble: list[str] = []
    sections: list[tuple[str, int, list[str]]] = []
    in_fence = False
    for line in (text or "").splitlines():
        if FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            sections.append((match.group(2).strip(), max(2, len(match.group(1))), []))
        elif sections:
            sections[-1][2].append(line)
        else:
            preamble.append(line)
    seen: dict[str, int] = {}
    result = []
    for title, level, lines in sections:
        base = slugify(title, ANCHOR_MAX) or "sezione"
        seen[base] = seen.get(base, 0) + 1
        anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
        result.append(Section(anchor, title, level, "\n".join(lines).strip()))
    return "\n".join(preamble).strip(), result


def render_sections(text: str, *, field: str = "body") -> str:
    """The whole guideline as safe HTML with anchored headings (bounded like any render)."""
    preamble, sections = split_sections(text)
    htmls = render_many([preamble, *(s.source for s in sections)], fields=[field])
    parts = [Markup(htmls[0])]
    for section, html in zip(sections, htmls[1:], strict=True):
        parts.append(Markup('<h{level} id="{anchor}" class="guideline-section">{title}</h{level}>')
                     .format(level=section.level, anchor=section.anchor,
                             title=escape(section.title)))
        parts.append(Markup(html))
    return str(Markup("\n").join(parts))


def section_titles(text: str) -> dict[str, str]:
    """Anchor -> heading text, in order: the table of contents and the comment targets."""
    return {section.anchor: section.title for section in split_sections(text)[1]}


# Our own heading markup (see `render_sections`): the sanitiser never lets a writer's
# heading carry an id or a class, so only the headings written here match.
_OWN_HEADING = re.compile(r'<h([23]) id="([a-z0-9-]+)" class="guideline-section">(.*?)</h\1>')


def html_sections(body_html: str) -> list[tuple[str, Markup, Markup]]:
    """A stored rendering split back into (anchor, heading text, section HTML): the
    consultation shows each section with its comments without rendering at read time."""
    parts = _OWN_HEADING.split(body_html or "")
    # parts: [preamble, level, anchor, title, html, level, anchor, title, html, ...]
    return [(parts[i + 1], Markup(parts[i + 2]), Markup(parts[i + 3]))
            for i in range(1, len(parts) - 3, 4)]
