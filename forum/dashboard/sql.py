"""Two dialect-aware SQL expressions the dashboard's aggregates need, written once.

SQLite has no interval type and PostgreSQL no `julianday`; both store naive UTC
timestamps here (`forum.models.base.utcnow`), so a difference in seconds and a
"YYYY-MM" month key are all the figures need. Anything else falls back to the SQLite form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement[float]):  # noqa: N801 (reads as a SQL function)
    """Seconds from the first timestamp to the second: `seconds_between(start, end)`."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


class month_of(FunctionElement[str]):  # noqa: N801
    """The UTC calendar month of a timestamp as "YYYY-MM" (sorts like the months)."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(seconds_between)
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(month_of)
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    (moment,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"strftime('%Y-%m', {moment})"


@compiles(month_of, "postgresql")
def _month_postgresql(element: month_of, compiler: Any, **kw: Any) -> str:
    (moment,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"to_char({moment}, 'YYYY-MM')"
