"""The PostgreSQL objects the full-text backend needs, as plain SQL.

The app's migration creates them on PostgreSQL (a frozen copy of ``SCHEMA``); the backend
creates whatever is missing when it opens (``ensure_schema``), so a test database or a
throwaway one works without migrations. Every statement is idempotent.

* ``forum_it``: a copy of PostgreSQL's ``italian`` configuration whose word mappings run
  ``unaccent`` before the Italian Snowball stemmer, so "perché" and "perche" are one
  lexeme, as in the Whoosh backend's analyzer.
* ``search_documents``: one row per document with its weighted ``tsvector`` (title A,
  tags B, body C, an accepted answer not already in the body D), filter columns, the
  plain text a snippet is cut from, term counts for related documents, and its stamp.
  ``head`` is the title-and-tags slice of ``vector``, stored with a GIN index of its own:
  a common word matches a fifth of a million documents, and ranking them all is the cost
  of a search, so a large match is ranked on a bounded candidate set whose first part is
  the documents holding every word in their title or tags (``searching.py``).
* ``ix_search_documents_practices``: a partial GIN index of the practices' vectors
  (about 15% of documents): related practices, the commonest list, look up key terms
  among practices only, without reading the rows of every question that holds them.
* ``search_words``: the words seen in indexed text (lower case, and accent-folded for a
  trigram index): where "Forse cercavi" looks for neighbours of an unknown word.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

__all__ = ["CONFIG", "DROP", "LOCK_KEY", "SCHEMA", "SESSION", "TABLE", "TABLES", "WORDS",
           "ensure_schema", "schema_present"]

CONFIG = "forum_it"
TABLE = "search_documents"
WORDS = "search_words"
TABLES = (TABLE, WORDS)  # not models of the app: its migrations' comparisons skip them
LOCK_KEY = 7_418_220_518  # pg_advisory_xact_lock key: one schema creation at a time

# The settings of a search's or a related list's transaction. jit off: a large match
# pushes the planner's cost past the JIT threshold, and compiling costs more (tens of
# milliseconds) than these statements. Sequential scans discouraged: every statement
# filters on a tsquery the GIN indexes answer, and a LIMIT (the capped counts, the
# bounded candidates) makes the planner bet that a scan of the table meets enough rows
# early, which for a rare combination of words means reading the whole table (0.6 s at
# 100,000 documents). A browse without words still scans: nothing else can answer it.
SESSION = "SET LOCAL jit = off; SET LOCAL enable_seqscan = off; SET LOCAL work_mem = '32MB'"

SCHEMA: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.italian);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING FOR asciiword, word, hword, hword_part, asciihword,
                                  hword_asciipart
                WITH unaccent, italian_stem;
        END IF;
    END $$""",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        doc_id text PRIMARY KEY,
        kind text NOT NULL,
        num integer NOT NULL,
        title text NOT NULL,
        snippet text NOT NULL,
        vector tsvector NOT NULL,
        head tsvector NOT NULL,
        text_len integer NOT NULL,
        title_len integer NOT NULL,
        theme text NOT NULL,
        themes text[] NOT NULL,
        tags text[] NOT NULL,
        region text NOT NULL,
        solved boolean NOT NULL,
        votes integer NOT NULL,
        created timestamp,
        updated timestamp,
        visible boolean NOT NULL,
        level text,
        evidence text,
        group_id integer,
        stamp text NOT NULL,
        indexed_at timestamp with time zone NOT NULL DEFAULT clock_timestamp()
    )""",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_vector ON {TABLE} USING gin (vector)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_head ON {TABLE} USING gin (head)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_practices ON {TABLE} USING gin (vector)"
    " WHERE kind = 'practice'",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_themes ON {TABLE} USING gin (themes)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_kind_created ON {TABLE} (kind, created)",
    f"""CREATE TABLE IF NOT EXISTS {WORDS} (
        word text PRIMARY KEY,
        folded text NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS ix_{WORDS}_trgm ON {WORDS} USING gin (folded gin_trgm_ops)",
)

# The extensions stay: other objects of the database may use them.
DROP: tuple[str, ...] = (
    f"DROP TABLE IF EXISTS {WORDS}",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
)


def schema_present(conn: Connection) -> bool:
    """Whether the configuration and both tables exist (one catalog query)."""
    row = conn.execute(text(
        "SELECT to_regclass(:t) IS NOT NULL AND to_regclass(:w) IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = :c)"),
        {"t": TABLE, "w": WORDS, "c": CONFIG}).scalar()
    return bool(row)


def ensure_schema(conn: Connection) -> None:
    """Create what is missing, in the caller's transaction; several processes opening the
    backend at once queue on an advisory lock instead of racing on the catalog."""
    if schema_present(conn):
        return
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    for statement in SCHEMA:
        conn.execute(text(statement))
