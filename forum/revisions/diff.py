"""Word-level differences between two versions of a text, as escaped HTML.

Content is never trusted: every token goes through Markupsafe's `escape`, and the only
markup added is our own `<ins>`/`<del>` with a visually hidden label for screen readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _
from markupsafe import Markup, escape

# Words, runs of punctuation and runs of whitespace: joined back they give the text unchanged.
TOKEN_RE = re.compile(r"\w+|[^\w\s]+|\s+")
# Above this many token pairs a changed block is shown as removed + added, not word by word:
# SequenceMatcher is quadratic in the worst case and a history page must stay fast.
WORD_DIFF_LIMIT = 4_000_000


@dataclass(frozen=True)
class FieldDiff:
    """One field of a version: its label and its text with changes marked (safe HTML)."""

    name: str
    label: str
    html: Markup


def tokenize(text: str) -> list[str]:
    """Split Markdown source into word, punctuation and whitespace tokens."""
    return TOKEN_RE.findall(text)


def _escaped(tokens: list[str]) -> Markup:
    return Markup("").join(escape(token) for token in tokens)


def _marked(tag: str, tokens: list[str]) -> Markup:
    """`<ins>` or `<del>` around escaped tokens, announced to screen readers in words."""
    if not tokens:
        return Markup("")
    label = _("aggiunto") if tag == "ins" else _("rimosso")
    return Markup(
        '<{tag} class="diff-{tag}" title="{label}"><span class="visually-hidden">[{label}: </span>'
        '{text}<span class="visually-hidden">]</span></{tag}>'
    ).format(tag=Markup(tag), label=label, text=_escaped(tokens))


def _word_diff(old: list[str], new: list[str]) -> Markup:
    if len(old) * len(new) > WORD_DIFF_LIMIT:
        return _marked("del", old) + _marked("ins", new)
    parts = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_escaped(old[i1:i2]))
        else:
            parts.append(_marked("del", old[i1:i2]))
            parts.append(_marked("ins", new[j1:j2]))
    return Markup("").join(parts)


def diff_html(old: str, new: str) -> Markup:
    """The new text with removed words in `<del>` and added words in `<ins>`.

    Lines are matched first and words only inside changed lines, so a long post with one
    edited paragraph costs little and the diff follows the author's paragraphs.
    """
    old_lines = (old or "").splitlines(keepends=True)
    new_lines = (new or "").splitlines(keepends=True)
    parts = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_tokens = tokenize("".join(old_lines[i1:i2]))
        new_tokens = tokenize("".join(new_lines[j1:j2]))
        if op == "equal":
            parts.append(_escaped(old_tokens))
        else:
            parts.append(_word_diff(old_tokens, new_tokens))
    return Markup("").join(parts)


def diff_fields(
    old: Mapping[str, str], new: Mapping[str, str], labels: Mapping[str, str]
) -> list[FieldDiff]:
    """The fields that changed between two versions, in the order of `labels`."""
    return [
        FieldDiff(name, str(label), diff_html(old.get(name, ""), new.get(name, "")))
        for name, label in labels.items()
        if old.get(name, "") != new.get(name, "")
    ]


def plain_fields(state: Mapping[str, str], labels: Mapping[str, str]) -> list[FieldDiff]:
    """The non-empty fields of a first version, escaped, with nothing marked."""
    return [
        FieldDiff(name, str(label), _escaped(tokenize(state[name])))
        for name, label in labels.items()
        if state.get(name)
    ]
