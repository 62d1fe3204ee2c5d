"""No query of the main pages reads a whole large table.

The bench data set (bench/dataset.py, reduced) fills the database; the main pages are
requested anonymous and signed in while every SELECT is captured with its parameters; each
is then explained (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN (FORMAT JSON)` on PostgreSQL)
and the test fails naming each statement whose plan scans questions, answers, comments,
votes or practices without an index.

SQLite: "SCAN <table>" without "USING (COVERING) INDEX" is a full scan; so is a "SEARCH"
through an index for a value most rows hold (the duplicate links did that: `group_id IS
NULL` picked out every public question; so did `status = 'pubblicata'`). Its planner does not
weigh table sizes (no ANALYZE statistics, as in production), so a small data set shows the
same plans and keeps the test quick.

PostgreSQL: "Seq Scan on <table>". Its planner rightly reads a small table whole, so the
data set is vacuumed and analysed (what autovacuum leaves: statistics, visibility map) and
big enough that an index wins wherever one serves: thousands of questions, tens of thousands
of answers, comments and votes. `enable_seqscan` stays on: a forced plan would hide what the
planner really picks. Counts over every visible question read a covering index (an
index-only scan), which the test accepts as SQLite's "USING COVERING INDEX".

One statement may read every published practice: the facet counts of the practice list,
computed once per version of the practices and filters, then served from a cache. The test
checks that the second request with the same filters (signed in) does not run it again.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from bench import dataset
from forum.extensions import db
from forum.models import Practice, Tag, Theme, User

LARGE = ("questions", "answers", "comments", "votes", "practices")
SIZES = {
    "sqlite": dataset.Sizes(questions=800, answers=3_200, comments=3_200, votes=8_000,
                            users=200, practices=300),
    "postgresql": dataset.Sizes(questions=4_000, answers=16_000, comments=16_000,
                                votes=40_000, users=200, practices=1_500),
}
CACHED = "AS facet, "  # the practice list's facet counts (forum/practices/queries.py)
SQLITE_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?(.*)$")
SQLITE_SEARCH = re.compile(r"^SEARCH (\w+)(?: AS \w+)? USING INDEX \w+ \((\w+)=\?")


def _main_pages() -> list[str]:
    """The pages users open most, with real slugs and names from the data set."""
    theme = db.session.scalars(select(Theme.slug).order_by(Theme.position)).first()
    tag = db.session.scalars(select(Tag.name).order_by(Tag.id)).first()
    practice = db.session.scalars(
        select(Practice.slug).where(Practice.status == "pubblicata").order_by(Practice.id)
    ).first()
    member = db.session.scalars(select(User.username).where(User.id == 42)).one()
    return [
        f"/domande/{dataset.BIG}", f"/domande/{dataset.SMALL}",
        "/domande", "/domande?ordina=recenti", "/domande?ordina=voti",
        "/domande?stato=risolte", "/domande?stato=non-risolte", "/domande?stato=senza-risposta",
        f"/domande?tema={theme}", f"/domande?tema={theme}&stato=risolte&ordina=voti",
        "/domande?stato=risolte&ordina=voti&page=3", f"/domande?tag={tag}",
        "/cerca?q=tariffe+nidi", "/cerca?q=assegno",
        "/buone-pratiche", "/buone-pratiche?tema=servizi-educativi-0-6&regione=08",
        f"/buone-pratiche/{practice}", f"/utenti/{member}", "/", f"/temi/{theme}",
        "/incontri", "/linee-guida",
    ]


@contextmanager
def _selects() -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT sent to the database meanwhile, with its DBAPI parameters."""
    seen: list[tuple[str, Any]] = []

    def _on_execute(conn: Any, cursor: Any, statement: str, parameters: Any,
                    context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", _on_execute)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", _on_execute)


def _full_scans(statement: str, parameters: Any) -> list[str]:
    """The large tables this statement's plan reads whole, with the plan line."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            details = [row[3] for row in cursor.fetchall()]
            return [d for d in details if (m := SQLITE_SCAN.match(d)) and _large(m.group(1))
                    and "USING" not in m.group(2)] + [
                f"{d}: {why}" for d in details
                if (m := SQLITE_SEARCH.match(d)) and _large(m.group(1))
                and not _streams(statement, details)
                and (why := _wide_search(m.group(1), m.group(2), statement, parameters))]
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return [f"Seq Scan on {node['Relation Name']}" for node in _nodes(plan[0]["Plan"])
                if node["Node Type"] == "Seq Scan" and _large(node["Relation Name"])]
    finally:
        raw.close()


def _streams(statement: str, details: list[str]) -> bool:
    """Whether the plan reads rows in the order asked and stops at the LIMIT (no sort of
    everything first): a search for a common value then reads one page, not the table."""
    return " LIMIT " in statement and not any("TEMP B-TREE" in d for d in details)


def _wide_search(name: str, column: str, statement: str, parameters: Any) -> str | None:
    """Why an index search on this column reads most of the (aliased) table, or None: most
    rows hold one value (NULL, or a status) and the statement looks for that value. SQLite
    has no statistics to tell, and its plan says SEARCH all the same."""
    table = re.sub(r"_\d+$", "", name)
    total = db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
    value, count = db.session.execute(text(
        f'SELECT "{column}", count(*) FROM "{table}" GROUP BY 1 ORDER BY 2 DESC LIMIT 1'
    )).one()
    if not total or count <= total / 2:
        return None
    if value is None and f"{name}.{column} IS NULL" in statement:
        return f"{name}.{column} IS NULL holds for {count} of {total} rows"
    if value is not None and value in tuple(parameters):
        return f"{name}.{column} = {value!r} holds for {count} of {total} rows"
    return None


def _large(name: str) -> bool:
    """A large table, by name or by SQLAlchemy's alias of it (`questions_1`)."""
    return re.sub(r"_\d+$", "", name) in LARGE


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def test_main_pages_never_scan_a_large_table(app, client: FlaskClient, login) -> None:
    """Each SELECT of each main page, anonymous and signed in, finds its rows by index."""
    dataset.fill(SIZES[db.engine.dialect.name])
    dataset.index_for_search(100, 50)
    pages = _main_pages()
    viewer = db.session.get(User, 42)
    captured: dict[tuple[str, str], tuple[str, Any]] = {}
    runs: Counter[tuple[str, str]] = Counter()
    for who in ("anonimo", "iscritto"):
        if who == "iscritto":
            login(viewer)
        for path in pages:
            with _selects() as seen:
                response = client.get(path)
            assert response.status_code == 200, f"{path} ({who}): HTTP {response.status_code}"
            for statement, parameters in seen:
                captured.setdefault((statement, repr(parameters)), (f"{path} ({who})", parameters))
                runs[(statement, repr(parameters))] += 1
    assert len({statement for statement, _ in captured}) > 40, "too few statements: empty pages?"
    again = [page for key, (page, _) in captured.items() if CACHED in key[0] and runs[key] > 1]
    assert not again, f"facet counts computed again for the same filters, not cached: {again}"
    problems = {f"{scan} in {page}:\n{statement}\nparameters: {parameters!r}"
                for (statement, _), (page, parameters) in captured.items()
                if CACHED not in statement
                for scan in _full_scans(statement, parameters)}
    assert not problems, f"{len(problems)} full scans:\n\n" + "\n\n".join(sorted(problems))
