"""The one home of the calendar and counting rules, in Python and as SQL.

Which figures count, the day in Vietnam a time falls on, the last day of a month, the
reporting period of a date and its due date, and when a figure is late: each rule is written
here once, as a Python function for the core and, where a query needs it, as a SQLAlchemy
expression built beside it, so that scoring, ``overdue``, ``check`` and the month-by-month
rows cannot disagree. Nothing here reads or writes a database.

Lateness: a figure is late when it was first *filed* after the due date of the period its
date falls in, in Vietnam's time. A correction keeps the filing time of the figure it
corrects (its ``filed_at`` is that figure's): correcting a late figure does not make it
punctual, and correcting a punctual one late does not make it late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from thiduaCLI.text.dates import format_date

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, FromClause

    from thiduaCLI.domain.plan import Plan

UTC_OFFSET_HOURS = 7  # Vietnam, no daylight saving
LOCAL_OFFSET = timedelta(hours=UTC_OFFSET_HOURS)
MONTHS = range(1, 13)


# ------------------------------------------------------------------------------ days


def local_day(moment: datetime) -> date:
    """The calendar day in Vietnam of a UTC time (stored with or without its zone), to the
    second: 23:59:59.9996 is still that day."""
    return (moment.replace(tzinfo=None, microsecond=0) + LOCAL_OFFSET).date()


def local_time(moment: datetime | str) -> str:
    """A stored UTC time as Vietnam's clock shows it, to the minute: ``31/03/2026 08:15``
    (the zone is named in the column's heading)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    local = moment + LOCAL_OFFSET
    return f"{format_date(local.date())} {local:%H:%M}"


def month_end(year: int, month: int) -> date:
    """The last day of a month (``month`` 12 of ``year`` is 31 December)."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def months_ended(year: int, day: date) -> int:
    """How many months of ``year`` had ended by the end of ``day`` (0 to 12)."""
    if day.year != year:
        return 0 if day.year < year else 12
    return day.month if day == month_end(day.year, day.month) else day.month - 1


def days_elapsed(year: int, day: date) -> tuple[int, int]:
    """Days of ``year`` elapsed by the end of ``day`` (the day itself counted), and the
    year's length: (0, 365) before it starts, (365, 365) from 31 December on."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    length = (end - start).days + 1
    return max(0, min(length, (day - start).days + 1)), length


def quarter_ends(year: int) -> tuple[date, ...]:
    """The last days of the four quarters."""
    return tuple(month_end(year, 3 * quarter) for quarter in range(1, 5))


def partial_month(year: int, day: date) -> tuple[int, date] | None:
    """The month of ``year`` that ``day`` falls inside, and its first day; None when the day
    ends its month or lies outside the year."""
    if day.year != year or day == month_end(day.year, day.month):
        return None
    return day.month, day.replace(day=1)


# -------------------------------------------------------------------------- periods


def _months_in_period(plan: Plan) -> int:
    return 1 if plan.reporting_cycle == "monthly" else 3


def period_count(plan: Plan) -> int:
    """Reporting periods in the plan year: 12 months or 4 quarters."""
    return 12 // _months_in_period(plan)


def period_months(plan: Plan, number: int) -> range:
    """The months of a reporting period."""
    size = _months_in_period(plan)
    return range((number - 1) * size + 1, number * size + 1)


def period_end(plan: Plan, number: int) -> date:
    """The last day of a reporting period of the plan year."""
    return month_end(plan.year, number * _months_in_period(plan))


def due_date(plan: Plan, number: int) -> date:
    """The last day a period's figures are on time."""
    return period_end(plan, number) + timedelta(days=plan.due_days)


def periods_due(plan: Plan, as_of: date) -> list[int]:
    """Periods whose due date has passed before ``as_of`` (on the due date itself a figure is
    still on time)."""
    return [n for n in range(1, period_count(plan) + 1) if due_date(plan, n) < as_of]


def grace_days(plan: Plan, month: int) -> int:
    """How many days after the end of ``month`` its figures are still on time: the plan's
    due days, and for a quarterly plan the rest of the quarter too."""
    period = (month - 1) // _months_in_period(plan) + 1
    return (due_date(plan, period) - month_end(plan.year, month)).days


def days_after_month_end(ref_date: date, filed_at: datetime) -> int:
    """Days between the end of the month a figure is dated in and the day in Vietnam it was
    first filed (negative or 0: filed by the month's end)."""
    return (local_day(filed_at) - month_end(ref_date.year, ref_date.month)).days


def is_late(plan: Plan, ref_date: date, filed_at: datetime) -> bool:
    """A figure first filed after the due date of the period of its date."""
    return days_after_month_end(ref_date, filed_at) > grace_days(plan, ref_date.month)


# ------------------------------------------------------------------------- counting


class Entry(Protocol):
    """What the counting rule needs of a figure."""

    @property
    def id(self) -> int | None: ...

    @property
    def supersedes(self) -> int | None: ...


def counted_ids(figures: Iterable[Entry], retracted: set[int]) -> set[int]:
    """The figures that count: not retracted, and not replaced by a correction that was
    not retracted (a correction of a correction replaces both before it)."""
    entries = list(figures)
    replaced = {f.supersedes for f in entries if f.supersedes is not None and f.id not in retracted}
    out = retracted | replaced
    return {f.id for f in entries if f.id is not None and f.id not in out}


# ------------------------------------------------------------------------------ SQL
# The same rules in SQL (SQLite's or PostgreSQL's: domain/sqlfunctions.py), over the
# ``figure`` and ``retraction`` tables (or aliases).
# SQLAlchemy is imported when a query is built: ``thidua --help`` never loads it.


def sql_local_day(moment: ColumnElement[Any]) -> ColumnElement[str]:
    """SQL: :func:`local_day` of a stored UTC time, as ``YYYY-MM-DD`` text."""
    from thiduaCLI.domain.sqlfunctions import local_day

    return local_day(moment)


def sql_month(ref_date: ColumnElement[Any]) -> ColumnElement[int]:
    """SQL: the month of a stored date (``2026-03-31`` → 3)."""
    from sqlalchemy import Integer, cast, func

    return cast(func.substr(ref_date, 6, 2), Integer)


def sql_month_first(year: object, month: object) -> ColumnElement[str]:
    """SQL: the first day of a month, as stored dates are written."""
    from thiduaCLI.domain.sqlfunctions import month_first

    return month_first(year, month)


def sql_month_last(year: object, month: object) -> ColumnElement[str]:
    """SQL: a text that sorts after every date of the month and before the next month's."""
    from thiduaCLI.domain.sqlfunctions import month_last

    return month_last(year, month)


def sql_days_after_month_end(
    filed_at: ColumnElement[Any], year: object, month: object
) -> ColumnElement[int]:
    """SQL: :func:`days_after_month_end` for a figure of ``month`` of ``year``."""
    from thiduaCLI.domain.sqlfunctions import days_after_month_end

    return days_after_month_end(sql_local_day(filed_at), year, month)


def sql_recorded_by(moment: ColumnElement[Any], as_of: date) -> ColumnElement[bool]:
    """SQL: recorded on or before ``as_of``, in Vietnam's time."""
    return sql_local_day(moment) <= as_of.isoformat()


def sql_retracted(figure: FromClause, retraction: FromClause) -> ColumnElement[bool]:
    """SQL: a retraction names this figure."""
    from sqlalchemy import exists, select

    named = retraction.alias()
    return exists(select(named.c.figure_id).where(named.c.figure_id == figure.c.id))


def sql_counted(figure: FromClause, retraction: FromClause) -> ColumnElement[bool]:
    """SQL: :func:`counted_ids` — the figure is not retracted, and no correction of it that
    was not retracted exists."""
    from sqlalchemy import and_, exists, select

    correction = figure.alias()
    replaced = exists(
        select(correction.c.id).where(
            correction.c.supersedes == figure.c.id, ~sql_retracted(correction, retraction)
        )
    )
    return and_(~sql_retracted(figure, retraction), ~replaced)
