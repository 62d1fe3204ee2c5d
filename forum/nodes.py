"""What several app servers behind one proxy need, checked when the app starts.

With `NODES` > 1 every request may land on another machine: state that lives in one
server's folder is wrong there. A Whoosh index is such a folder (each server would index
only what was written through it), so the factory refuses it; caches, limits and jobs
are shared through Redis by configuration (README, "Produzione").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def node_count(config: Mapping[str, Any]) -> int:
    """`NODES` as a whole number of at least 1 (FORUM_NODES in the environment)."""
    raw = config.get("NODES", 1)
    try:
        count = int(raw)
    except (TypeError, ValueError):
        count = 0
    if count < 1 or isinstance(raw, bool):
        raise RuntimeError(f"NODES non valido ({raw!r}): indicare il numero di server, da 1 in su.")
    return count


def check_nodes(config: Mapping[str, Any]) -> None:
    """Refuse a per-server search index when several servers answer requests."""
    from forum.search.service import search_backend_name

    nodes = node_count(config)
    if nodes > 1 and search_backend_name(config) == "whoosh":
        raise RuntimeError(
            f"NODES={nodes} con la ricerca Whoosh: l'indice sta nella cartella di un solo "
            "server e gli altri non vedrebbero i nuovi contenuti. Usare PostgreSQL con "
            "FORUM_SEARCH_BACKEND=postgres, oppure FORUM_NODES=1."
        )
