"""``SearchDocument`` to and from rows of ``search_documents``; writing them.

The ``tsvector`` and the term counts are computed by PostgreSQL in the statement that
writes the row (``UPSERT``), from the plain text sent as parameters (elisions dropped,
see ``analysis.py``): the configuration
``forum_it`` is the only analyzer of indexed text. Only a ~2,000-character snippet source
is stored, as the Whoosh backend stores.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, text

from ..documents import SearchDocument
from ..results import Hit
from .analysis import prepare
from .ddl import CONFIG, TABLE, WORDS
from .snippets import CLOSE, OPEN

__all__ = ["HIT_COLUMNS", "SNIPPET_SOURCE_CHARS", "delete_rows", "hit_from_row", "params",
           "prune_words",
           "upsert_rows"]

SNIPPET_SOURCE_CHARS = 2000
# Text analysed per field: a tsvector holds at most 1 MB and positions stop at 16,383, so
# words beyond this add nothing but the risk of a refused (and lost) write.
VECTOR_SOURCE_CHARS = 200_000
# control characters (PostgreSQL refuses NUL) and the snippet marks (see snippets.py)
_CONTROL = dict.fromkeys([*range(0x0A), *range(0x0B, 0x20), 0x7F, ord(OPEN), ord(CLOSE)], " ")

_VECTORS = f"""
    SELECT setweight(to_tsvector('{CONFIG}', :title_v), 'A') AS t,
           setweight(to_tsvector('{CONFIG}', :tags_v), 'B') AS tags,
           setweight(to_tsvector('{CONFIG}', :body_v), 'C')
           || setweight(to_tsvector('{CONFIG}', :extra_v), 'D') AS rest
"""

UPSERT = text(f"""
INSERT INTO {TABLE} AS d (doc_id, kind, num, title, snippet, vector, head, text_len,
    title_len, theme, themes, tags, region, solved, votes, created, updated, visible, level,
    evidence, group_id, stamp, indexed_at)
SELECT :doc_id, :kind, :num, :title, :snippet, v.t || v.tags || v.rest, v.t || v.tags,
    (SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(v.t || v.tags || v.rest)),
    (SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(v.t)),
    :theme, :themes, :tags, :region, :solved, :votes, :created, :updated, :visible, :level,
    :evidence, :group_id, :stamp, clock_timestamp()
FROM ({_VECTORS}) AS v
ON CONFLICT (doc_id) DO UPDATE SET
    kind = excluded.kind, num = excluded.num, title = excluded.title,
    snippet = excluded.snippet, vector = excluded.vector, head = excluded.head,
    text_len = excluded.text_len,
    title_len = excluded.title_len, theme = excluded.theme, themes = excluded.themes,
    tags = excluded.tags, region = excluded.region, solved = excluded.solved,
    votes = excluded.votes, created = excluded.created, updated = excluded.updated,
    visible = excluded.visible, level = excluded.level, evidence = excluded.evidence,
    group_id = excluded.group_id, stamp = excluded.stamp, indexed_at = excluded.indexed_at
""")

# The words of the new text (hyphenated words by their parts), sorted: two transactions
# adding the same new words take their row locks in one order, so they never deadlock.
ADD_WORDS = text(f"""
INSERT INTO {WORDS} (word, folded)
SELECT w, unaccent(w) FROM (
    SELECT DISTINCT lower(p.token) AS w
    FROM unnest(CAST(:texts AS text[])) AS t(body), ts_parse('default', t.body) AS p
    WHERE p.tokid IN (1, 2, 7, 9) AND length(p.token) BETWEEN 3 AND 40
) AS found
ORDER BY w
ON CONFLICT (word) DO NOTHING
""")

HIT_COLUMNS = ("doc_id, kind, num, title, snippet, theme, themes, tags, region, solved, "
               "votes, created, updated, visible, level, evidence, group_id, stamp")


def _clean(value: object) -> str:
    """NFC plain text without control characters and snippet marks."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    return unicodedata.normalize("NFC", value).translate(_CONTROL)


def _naive(value: object) -> datetime | None:
    """A naive UTC datetime (aware ones converted), a date at midnight, else None."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


def _strings(values: Iterable[object] | str | None) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values if v not in (None, "")]


def _int(value: object, default: int = 0) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def params(doc: SearchDocument) -> dict[str, Any]:
    """Statement parameters of one document for ``UPSERT``."""
    title, body, accepted = _clean(doc.title), _clean(doc.body), _clean(doc.accepted)
    tags = [_clean(t) for t in _strings(doc.tags)]
    theme = doc.theme or ""
    themes = _strings(doc.themes)
    if theme and theme not in themes:
        themes.insert(0, theme)
    tags_text = " ; ".join(tags)
    extra = accepted if accepted and accepted not in body else ""
    return {
        "title_v": prepare(title), "tags_v": prepare(tags_text[:VECTOR_SOURCE_CHARS]),
        "body_v": prepare(body[:VECTOR_SOURCE_CHARS]),
        "extra_v": prepare(extra[:VECTOR_SOURCE_CHARS]),
        "doc_id": doc.doc_id, "kind": doc.kind, "num": doc.id, "title": title,
        "snippet": (body or accepted)[:SNIPPET_SOURCE_CHARS],
        "tags_text": tags_text, "body": body, "extra": extra,
        "theme": theme or (themes[0] if themes else ""), "themes": themes, "tags": tags,
        "region": (doc.region or "").strip(), "solved": bool(doc.solved),
        "votes": max(min(_int(doc.votes), 2**31 - 1), -(2**31)),
        "created": _naive(doc.created), "updated": _naive(doc.updated),
        "visible": bool(doc.visible), "level": doc.level or None,
        "evidence": doc.evidence or None, "group_id": doc.group, "stamp": doc.stamp or "",
    }


def upsert_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Write prepared rows (``params``) and add their words to the vocabulary."""
    if not rows:
        return
    conn.execute(UPSERT, list(rows))
    conn.execute(ADD_WORDS, {"texts": [
        "\n".join((r["title"], r["tags_text"], r["body"], r["extra"])) for r in rows]})


# Words whose lexeme no document holds any more (one pass of ts_stat over the vectors,
# one analysis per word): a rebuild ends with it, so the words of deleted or edited text
# (an erased name, a redacted sentence) leave the vocabulary too.
PRUNE_WORDS = text(f"""
WITH live AS MATERIALIZED (SELECT word AS lexeme FROM ts_stat('SELECT vector FROM {TABLE}')),
lexemes AS (
    SELECT w.word, u.lexeme
    FROM {WORDS} AS w LEFT JOIN LATERAL unnest(to_tsvector('{CONFIG}', w.word)) AS u ON TRUE
)
DELETE FROM {WORDS} WHERE word IN (
    SELECT x.word FROM lexemes AS x LEFT JOIN live ON live.lexeme = x.lexeme
    GROUP BY x.word HAVING count(live.lexeme) = 0
)
""")


def prune_words(conn: Connection) -> None:
    conn.execute(PRUNE_WORDS)


def delete_rows(conn: Connection, doc_ids: Sequence[str]) -> None:
    if doc_ids:
        conn.execute(text(f"DELETE FROM {TABLE} WHERE doc_id = ANY(:ids)"),
                     {"ids": list(doc_ids)})


def hit_from_row(row: Any, score: float, snippet: str) -> Hit:
    """A ``Hit`` from a row selected with ``HIT_COLUMNS`` (same fields as Whoosh's)."""
    m = row._mapping
    fields = {
        "theme": m["theme"], "themes": list(m["themes"] or []), "region": m["region"],
        "solved": m["solved"], "votes": m["votes"], "created": m["created"],
        "updated": m["updated"], "tags": list(m["tags"] or []), "level": m["level"],
        "evidence": m["evidence"], "stamp": m["stamp"], "visible": m["visible"],
        "group": m["group_id"],
    }
    return Hit(doc_id=m["doc_id"], type=m["kind"], id=int(m["num"]), title=m["title"],
               snippet=snippet, score=float(score), fields=fields)
