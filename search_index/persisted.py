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

The factories import the engine lazily: unpickling resolves them before the engine
package has to be loaded, and this module imports nothing of Whoosh itself.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["LEGACY_MODULES", "install_legacy_modules", "italian_analyzer_v1",
           "raw_positions_v1", "split_codec_v1"]

# module path pickled by an earlier layout -> module holding those classes now
LEGACY_MODULES = {
    "search_index.codec": "search_index.whoosh.codec",
    "search_index.analysis": "search_index.whoosh.analysis",
}


def split_codec_v1() -> Any:
    """A ``SplitCodec`` with its defaults (the pickled state then restores its settings)."""
    from search_index.whoosh.codec import SplitCodec

    return SplitCodec()


def raw_positions_v1() -> Any:
    """A ``RawPositions`` format (its field boost comes back with the pickled state)."""
    from search_index.whoosh.codec import RawPositions

    return RawPositions()


def italian_analyzer_v1() -> Any:
    """The Italian analyzer of the text fields (it keeps no state worth pickling)."""
    from search_index.whoosh.analysis import ItalianAnalyzer

    return ItalianAnalyzer()


def install_legacy_modules() -> None:
    """Make the module paths pickled by earlier layouts importable again (idempotent)."""
    for old, new in LEGACY_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)
