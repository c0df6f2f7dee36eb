"""SQL functions the rules need, written for each engine thidua runs on.

SQLite and PostgreSQL name the same operations differently (``printf`` and ``lpad``,
``julianday`` and date arithmetic, a many-argument ``max`` and ``greatest``); each function
here is one SQLAlchemy element that compiles to what its engine understands. On SQLite each
compiles to exactly the SQL thidua wrote before it ran on PostgreSQL: the budgets measured
there (bench/run.py) hold for the same queries.

Stored dates and times are text on both engines (``2026-03-31``, ``2026-03-31
08:15:00.000000``: see :mod:`thiduaCLI.storage.models`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from thiduaCLI.domain.calendar import UTC_OFFSET_HOURS


class local_day(FunctionElement[str]):
    """The day in Vietnam of a stored UTC time, as ``YYYY-MM-DD`` text (cut to the second
    first: SQLite's date() rounds to the millisecond)."""

    type = String()
    inherit_cache = True


@compiles(local_day)
def _local_day_sqlite(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = element.clauses
    return f"date(substr({compiler.process(moment, **kw)}, 1, 19), '+{UTC_OFFSET_HOURS} hours')"


@compiles(local_day, "postgresql")
def _local_day_postgresql(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = element.clauses
    return (
        f"(to_char(CAST(substr({compiler.process(moment, **kw)}, 1, 19) AS timestamp) "
        f"+ interval '{UTC_OFFSET_HOURS} hours', 'YYYY-MM-DD') COLLATE \"C\")"
    )


class month_first(FunctionElement[str]):
    """``month_first(year, month)``: the text ``YYYY-MM-01``."""

    type = String()
    inherit_cache = True
    day = "01"


class month_last(month_first):
    """``month_last(year, month)``: ``YYYY-MM-31``, a text that sorts after every date of
    the month and before the next month's."""

    inherit_cache = True
    day = "31"


@compiles(month_first)
def _month_day_sqlite(element: month_first, compiler: SQLCompiler, **kw: Any) -> str:
    year, month = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"printf('%04d-%02d-{element.day}', {year}, {month})"


@compiles(month_first, "postgresql")
def _month_day_postgresql(element: month_first, compiler: SQLCompiler, **kw: Any) -> str:
    year, month = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"(lpad(CAST({year} AS text), 4, '0') || '-' || lpad(CAST({month} AS text), 2, '0') "
        f"|| '-{element.day}') COLLATE \"C\""
    )


class days_after_month_end(FunctionElement[int]):
    """``days_after_month_end(day, year, month)``: how many days the ``YYYY-MM-DD`` text
    ``day`` falls after the last day of ``month`` of ``year`` (negative: before it)."""

    type = Integer()
    inherit_cache = True


@compiles(days_after_month_end)
def _days_after_sqlite(element: days_after_month_end, compiler: SQLCompiler, **kw: Any) -> str:
    day, year, month = (compiler.process(clause, **kw) for clause in element.clauses)
    first = f"printf('%04d-%02d-01', {year}, {month})"
    return f"CAST(julianday({day}) - julianday({first}, '+1 month', '-1 day') AS INTEGER)"


@compiles(days_after_month_end, "postgresql")
def _days_after_postgresql(element: days_after_month_end, compiler: SQLCompiler, **kw: Any) -> str:
    day, year, month = (compiler.process(clause, **kw) for clause in element.clauses)
    first = f"make_date(CAST({year} AS integer), CAST({month} AS integer), 1)"
    return f"(CAST({day} AS date) - CAST({first} + interval '1 month - 1 day' AS date))"


class padded_id(FunctionElement[str]):
    """An id as 20 digits, zeros in front: ids sort as text in the order of numbers."""

    type = String()
    inherit_cache = True


@compiles(padded_id)
def _padded_id_sqlite(element: padded_id, compiler: SQLCompiler, **kw: Any) -> str:
    (number,) = element.clauses
    return f"printf('%020d', {compiler.process(number, **kw)})"


@compiles(padded_id, "postgresql")
def _padded_id_postgresql(element: padded_id, compiler: SQLCompiler, **kw: Any) -> str:
    (number,) = element.clauses
    return f"lpad(CAST({compiler.process(number, **kw)} AS text), 20, '0')"


class greatest(FunctionElement[Any]):
    """The largest of several values, none of them NULL (SQLite's max(a, b, …))."""

    inherit_cache = True


@compiles(greatest)
def _greatest_sqlite(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "postgresql")
def _greatest_postgresql(element: greatest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


class truth_as_number(FunctionElement[int]):
    """A condition as 1, 0 or NULL (SQLite's truths are numbers already)."""

    type = Integer()
    inherit_cache = True


@compiles(truth_as_number)
def _truth_sqlite(element: truth_as_number, compiler: SQLCompiler, **kw: Any) -> str:
    (condition,) = element.clauses
    return f"({compiler.process(condition, **kw)})"


@compiles(truth_as_number, "postgresql")
def _truth_postgresql(element: truth_as_number, compiler: SQLCompiler, **kw: Any) -> str:
    (condition,) = element.clauses
    return f"CAST(({compiler.process(condition, **kw)}) AS integer)"
