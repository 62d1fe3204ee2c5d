"""Dialect-aware SQL expressions shared by read paths, written once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.functions import FunctionElement


class unindexed(FunctionElement[Any]):  # noqa: N801 (reads as a SQL function)
    """A column SQLite must not look up by index: `unindexed(Question.group_id).is_(None)`.

    Without statistics SQLite's planner takes `group_id IS NULL` for a selective index
    lookup, though nearly every question is public: it read every question through that
    index and sorted them, where walking the index of the ORDER BY stops after one page.
    SQLite's unary `+` keeps the term out of index choice; PostgreSQL, which keeps
    statistics, gets the plain column.
    """

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        super().__init__(column)
        self.type = self.clauses.clauses[0].type


@compiles(unindexed)
def _plain(element: unindexed, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return str(compiler.process(column, **kw))


@compiles(unindexed, "sqlite")
def _unary_plus(element: unindexed, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return "+" + str(compiler.process(column, **kw))
