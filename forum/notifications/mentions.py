"""@username mentions in Markdown sources: who a post names."""

from __future__ import annotations

import re

# A mention starts a word (not an e-mail address or a path) and follows the username rules
# of registration (forum/auth/services.py: 3-32 characters, a-z 0-9 . _ -).
_MENTION = re.compile(r"(?<![\w@/.+-])@([a-z0-9][a-z0-9._-]{2,31})", re.IGNORECASE)
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_INDENTED_CODE = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)
MAX_MENTIONS = 20  # more names than this in one post notify the first twenty only


def mentioned_usernames(body: str) -> list[str]:
    """The usernames a text mentions, lower-case, in order, without repeats; code blocks
    and inline code do not mention anyone."""
    text = _INDENTED_CODE.sub("", _INLINE_CODE.sub("", _FENCED.sub("", body or "")))
    names: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        name = match.group(1).lower().rstrip("._-")
        if len(name) >= 3:
            names.setdefault(name)
        if len(names) >= MAX_MENTIONS:
            break
    return list(names)
