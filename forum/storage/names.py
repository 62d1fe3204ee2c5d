"""Stored names: bare names of ours, so no name can reach outside the storage."""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def check_name(name: str) -> str:
    """`name` when it is a bare name (letters, digits, dot, dash, underscore; no leading
    dot, no "..") ; ValueError otherwise."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"not a stored name: {name!r}")
    return name
