"""PostgreSQL full-text search: text-search configuration forum_it, search_documents,
search_words (PostgreSQL only; SQLite keeps its Whoosh index and gets nothing)

Revision ID: a3f1c9d2e7b4
Revises: e2f7902ec687
Create Date: 2026-12-05 20:10:00

The statements are a frozen copy of search_index/postgres/ddl.py (SCHEMA, DROP) as of
this revision: the backend creates the same objects when they are missing, so a database
migrated here and one the backend set up alone are alike. The extensions (unaccent,
pg_trgm) stay on downgrade: other objects of the database may use them.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3f1c9d2e7b4'
down_revision = 'e2f7902ec687'
branch_labels = None
depends_on = None

SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'forum_it') THEN
            CREATE TEXT SEARCH CONFIGURATION forum_it (COPY = pg_catalog.italian);
            ALTER TEXT SEARCH CONFIGURATION forum_it
                ALTER MAPPING FOR asciiword, word, hword, hword_part, asciihword,
                                  hword_asciipart
                WITH unaccent, italian_stem;
        END IF;
    END $$""",
    """CREATE TABLE IF NOT EXISTS search_documents (
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
    "CREATE INDEX IF NOT EXISTS ix_search_documents_vector ON search_documents"
    " USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_head ON search_documents"
    " USING gin (head)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_practices ON search_documents"
    " USING gin (vector) WHERE kind = 'practice'",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_themes ON search_documents"
    " USING gin (themes)",
    "CREATE INDEX IF NOT EXISTS ix_search_documents_kind_created ON search_documents"
    " (kind, created)",
    """CREATE TABLE IF NOT EXISTS search_words (
        word text PRIMARY KEY,
        folded text NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS ix_search_words_trgm ON search_words"
    " USING gin (folded gin_trgm_ops)",
)

DROP = (
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS search_documents",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS forum_it",
)


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for statement in SCHEMA:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for statement in DROP:
        op.execute(statement)
