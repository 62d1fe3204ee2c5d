"""The app's side of search: one backend per process, searches, related lists (cached).

The app only knows the ``SearchBackend`` protocol. The engine is chosen by
``SEARCH_BACKEND`` ("whoosh": a folder; "postgres": the app's own PostgreSQL database);
unset, PostgreSQL when the database is PostgreSQL (one index for every server, changed in
the transaction that changes the data), Whoosh otherwise. Every search and related list
passes the working groups the viewer reads (`permissions.readable_group_ids`, read fresh
on each call): the index returns a group's discussions to nobody else.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy.engine import make_url

from forum import permissions
from forum.cache import shared
from search_index import Hit, SearchBackend, SearchResults, doc_id, open_backend

_lock = threading.Lock()
BACKENDS = ("whoosh", "postgres")


def backend_name(app: Flask) -> str:
    """The engine this app searches with (`search_backend_name` of its config)."""
    return search_backend_name(app.config)


def transactional(app: Flask) -> bool:
    """Whether changes are indexed in their own transaction (the PostgreSQL backend)."""
    return backend_name(app) == "postgres"


def search_backend_name(config: Mapping[str, Any]) -> str:
    """`SEARCH_BACKEND` ("whoosh" or "postgres"); unset: postgres on PostgreSQL, whoosh
    otherwise. Read by the app and by the start-up check of several nodes alike."""
    name = str(config.get("SEARCH_BACKEND") or "").strip().lower()
    if name:
        if name not in BACKENDS:
            raise ValueError(f"SEARCH_BACKEND must be one of {BACKENDS}, not {name!r}")
        return name
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    return "postgres" if make_url(uri).get_backend_name() == "postgresql" else "whoosh"


def get_index() -> SearchBackend:
    """This process's search backend, opened once (opening costs far more than a query)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    index: SearchBackend | None = app.extensions.get("search_index")
    if index is None:
        with _lock:
            index = app.extensions.get("search_index")
            if index is None:
                index = _open(app)
                app.extensions["search_index"] = index
    return index


def _open(app: Flask) -> SearchBackend:
    if backend_name(app) == "postgres":
        from forum.extensions import db
        from search_index import PostgresBackend

        if db.engine.dialect.name != "postgresql":
            raise ValueError("SEARCH_BACKEND = 'postgres' needs a PostgreSQL database")
        return PostgresBackend(db.engine)  # the app's pool, and its transactions
    path = app.config.get("SEARCH_INDEX_PATH") or str(Path(app.instance_path) / "search_index")
    return open_backend(path, writer_timeout=app.config["SEARCH_WRITER_TIMEOUT"])


def search(q: str, *, viewer: Any = None, **filters: Any) -> SearchResults:
    """Full-text search over the discussions and published practices the viewer may read
    (a signed-out visitor's by default)."""
    return get_index().search(q, groups=permissions.readable_group_ids(viewer), **filters)


RELATED_SECONDS = 600  # new documents join a page's related lists after this at most


def _related(text: str, *, groups: frozenset[int], kind: str = "practice",
             theme: str | None = None, exclude: tuple[str, ...] = (),
             limit: int = 5) -> list[Hit]:
    text = (text or "").strip()[:5_000]
    if len(text) < 3:
        return []
    try:
        return get_index().more_like(text, type=kind, theme=theme, exclude=exclude,
                                     limit=limit, groups=groups)
    except Exception:  # noqa: BLE001 - related lists are a nicety, never an error page
        current_app.logger.warning("Ricerca correlati non riuscita", exc_info=True)
        return []


def related_for_text(text: str, *, viewer: Any = None, kind: str = "practice",
                     theme: str | None = None, exclude: tuple[str, ...] = (),
                     limit: int = 5) -> list[Hit]:
    """Documents related to any text that the viewer may read (the ask page, the public
    API)."""
    if len((text or "").strip()) < 3:
        return []
    return _related(text, groups=permissions.readable_group_ids(viewer), kind=kind,
                    theme=theme, exclude=exclude, limit=limit)


def cached_related(key: tuple, text: str, *, groups: frozenset[int], **kwargs: Any
                   ) -> list[Hit]:
    """Related documents, cached (in the cache every server shares) under a key that
    changes when its inputs change. The readable groups are part of the key: members of
    a restricted group get lists of their own, everyone else shares one that never holds
    that group's discussions."""
    return shared(  # type: ignore[no-any-return]
        "related", (key, kwargs.get("kind"), kwargs.get("limit"), sorted(groups)),
        lambda: _related(text, groups=groups, **kwargs), RELATED_SECONDS)


def enabled() -> bool:
    """Related lists need an index kept in sync; off in most tests and some benchmarks."""
    return current_app.config["SEARCH_SYNC"] != "off"


def related_to_question(question: Any, accepted_body: str, pinned: list, viewer: Any = None
                        ) -> dict[str, list[Hit]]:
    """'Buone pratiche correlate' (pinned first, same theme preferred) and similar threads
    the viewer may read."""
    if not enabled():
        return {"practices": [], "questions": []}
    groups = permissions.readable_group_ids(viewer)
    text = "\n".join([question.title, question.title, question.body, accepted_body])
    key = ("question", question.id, question.last_activity_at, question.updated_at,
           tuple(p.id for p in pinned))
    exclude = tuple(doc_id("practice", p.id) for p in pinned)
    practices = cached_related(key, text, groups=groups, kind="practice",
                               theme=question.theme.slug, exclude=exclude,
                               limit=max(0, 5 - len(pinned)))
    questions = cached_related(key, text, groups=groups, kind="question",
                               theme=question.theme.slug,
                               exclude=(doc_id("question", question.id),), limit=5)
    return {"practices": practices, "questions": questions}


def related_to_practice(practice: Any, citing_ids: list[int], viewer: Any = None
                        ) -> list[Hit]:
    """Similar discussions the viewer may read for a practice page, after the ones that
    cite it."""
    if not enabled():
        return []
    text = "\n".join([practice.title, practice.title, practice.summary, practice.description])
    key = ("practice", practice.id, practice.updated_at, tuple(citing_ids))
    return cached_related(key, text, groups=permissions.readable_group_ids(viewer),
                          kind="question", theme=practice.main_theme,
                          exclude=tuple(doc_id("question", i) for i in citing_ids), limit=5)


def index_behind() -> bool:
    """Changes wait in the outbox: the index does not show them yet (one indexed probe,
    built once and run off the ORM: every shared search page asks)."""
    from forum.database import committed_rows

    return bool(committed_rows(_OUTBOX_PROBE, {}))


def _outbox_probe() -> Any:
    from sqlalchemy import select

    from forum.models import SearchOutbox

    return select(SearchOutbox.id).limit(1)


_OUTBOX_PROBE = _outbox_probe()
