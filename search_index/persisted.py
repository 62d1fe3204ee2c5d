"""Stable names for what Whoosh pickles into an index, so engine modules can move freely.

Whoosh pickles the schema (with our analyzer and the positions format of the text fields)
and each segment's codec into the index's table of contents, and a pickle names a class
by its module path. Had the codec stayed pickled as ``search_index.whoosh.codec.SplitCodec``,
moving that module would make every existing index unreadable. So:

* the pickled classes reduce to the factories below (their ``__reduce__`` points here):
  new indexes name only ``search_index.persisted.<factory>``. This module's path and
  these names are part of the index format: never move or rename them; when a
  factory's meaning must change, add ``..._v2`` beside ``..._v1``;
* indexes written before (when the engine's modules sat flat in ``search_index/``) name
  the classes ``search_index.codec.*`` and ``search_index.analysis.*``: ``LEGACY_MODULES``
  maps those old paths to the modules that now hold the classes. Whoosh rewrites the
  table of contents with the stable names at such an index's next commit.

The engine modules register their classes here by name (``register``) and the
factories load those modules by name on first use: unpickling resolves the factories
before the engine package has to be loaded, and this module imports nothing of Whoosh.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["LEGACY_MODULES", "install_legacy_modules", "italian_analyzer_v1",
           "raw_positions_v1", "register", "split_codec_v1"]

# module path pickled by an earlier layout -> module holding those classes now
LEGACY_MODULES = {
    "search_index.codec": "search_index.whoosh.codec",
    "search_index.analysis": "search_index.whoosh.analysis",
}


# the modules that register the classes below; imported by name when a factory is first
# called (unpickling), so this module imports nothing of the engine and no import circle
# ties it to the modules that point their ``__reduce__`` here
ENGINE_MODULES = ("search_index.whoosh.codec", "search_index.whoosh.analysis")
_CLASSES: dict[str, Callable[[], Any]] = {}


def register(name: str, cls: Callable[[], Any]) -> None:
    """Called by the engine module that holds the class pickled under ``name``."""
    _CLASSES[name] = cls


def _make(name: str) -> Any:
    if name not in _CLASSES:
        for module in ENGINE_MODULES:
            importlib.import_module(module)
    return _CLASSES[name]()


def split_codec_v1() -> Any:
    """A ``SplitCodec`` with its defaults (the pickled state then restores its settings)."""
    return _make("split_codec_v1")


def raw_positions_v1() -> Any:
    """A ``RawPositions`` format (its field boost comes back with the pickled state)."""
    return _make("raw_positions_v1")


def italian_analyzer_v1() -> Any:
    """The Italian analyzer of the text fields (it keeps no state worth pickling)."""
    return _make("italian_analyzer_v1")


def install_legacy_modules() -> None:
    """Make the module paths pickled by earlier layouts importable again (idempotent)."""
    for old, new in LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
