"""The PostgreSQL full-text engine behind ``search_index.SearchBackend``: ``PostgresBackend``.

Every SQL of the engine stays inside this package: ``ddl`` (tables, text-search
configuration ``forum_it``), ``rows`` (documents to rows), ``query`` (query text to
``tsquery``), ``searching`` (matching and ranking), ``snippets`` (``ts_headline``),
``suggestions`` ("Forse cercavi", ``pg_trgm``), ``related`` (key terms), ``backend``.
The query language, synonyms and key-term method are the Whoosh backend's, shared with it.
"""

from .backend import PostgresBackend

__all__ = ["PostgresBackend"]
