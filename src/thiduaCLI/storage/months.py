"""Month-by-month totals kept beside the figures, and the observations read from them.

A province's year holds a million figures; ``status`` and ``rank`` must not add them all up
again each time. ``figure_months`` holds a row per (year, unit, indicator) with, for each month
of the year, what the pair's counted figures dated in that month add up to: the exact sum (as
whole units and billionths, :mod:`thiduaCLI.domain.exact`), the count, when the last was
recorded, the
most days one was first filed after the month's end, and the month's latest figure. It is
derived data, never the record: the figures stay append-only, and the months a figure, a
correction or a retraction touches are recomputed from the figures in the write's own
transaction (:func:`refresh`).

A day's observation is then each pair's months that ended by that day, added up within the
row, plus, for a day inside a month, that month's figures dated up to the day, read from the
figures themselves. Whether a figure came late is judged at reading, against the plan's due
days (:func:`thiduaCLI.domain.calendar.grace_days`): a month keeps only how late its latest-filed
figure came.

Every rule these queries apply (which figures count, the day in Vietnam, a month's end,
lateness) is a SQLAlchemy expression from :mod:`thiduaCLI.domain.calendar`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, overload

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    true,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.schema import CreateIndex, CreateTable

from thiduaCLI.domain import calendar
from thiduaCLI.domain.attainment import Observation, Tally
from thiduaCLI.domain.exact import from_parts
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.sqlfunctions import greatest, padded_id, truth_as_number
from thiduaCLI.storage.tables import MONTH_SLOT, figure_months_table, figure_table, retraction_table
from thiduaCLI.text.numbers import stored_decimal

MONTHS = calendar.MONTHS
SLOT_COLUMNS = tuple(name for name, _ in MONTH_SLOT)  # of each month, as {name}_{month}

FIGURE = figure_table
RETRACTION = retraction_table
ROWS = figure_months_table
PAIR = ("year", "unit", "indicator")


def _counted(figure: Any = FIGURE) -> ColumnElement[bool]:
    return calendar.sql_counted(figure, RETRACTION)


def _text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A stored date or time as the text it is stored as (compared and copied as such)."""
    return type_coerce(column, String)


# ------------------------------------------------------------------------------ writing


def _with_latest(sums: Any, columns: list[Any]) -> Select[Any]:
    """``columns`` of a subquery of sums, then the value, numerator, denominator, date and
    recorder of the figure its ``latest`` column names."""
    latest = FIGURE.alias("l")
    return select(
        *columns,
        latest.c.value,
        latest.c.numerator,
        latest.c.denominator,
        _text(latest.c.ref_date),
        latest.c.recorded_by,
    ).join(latest, latest.c.id == sums.c.latest)


# What a change brings to each month it touches: a temporary table of this connection.
_SLOTS = Table(
    "month_slot",
    MetaData(),
    Column("year", Integer),
    Column("unit", String),
    Column("indicator", String),
    Column("month", Integer),
    *(Column(name, kind) for name, kind in MONTH_SLOT[: SLOT_COLUMNS.index("latest") + 1]),
    prefixes=["TEMPORARY"],
)


def _sums(figure: Any, group: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """What a group of figures (``group``: year, unit, indicator and month columns) adds up
    to, in SLOT_COLUMNS order up to the latest figure's id (an empty group: count 0, the
    rest NULL)."""
    year, month = group[0], group[3]
    latest = func.max(_text(figure.c.ref_date).concat(padded_id(figure.c.id)))
    return [
        *group,
        func.sum(figure.c.whole),
        func.sum(figure.c.nano),
        func.count(figure.c.id),
        _text(func.max(figure.c.recorded_at)),
        calendar.sql_days_after_month_end(func.max(figure.c.filed_at), year, month),
        cast(func.substr(latest, 11), Integer),
    ]


def _month_of(figure: Any) -> list[ColumnElement[Any]]:
    return [
        figure.c.year,
        figure.c.unit,
        figure.c.indicator,
        calendar.sql_month(figure.c.ref_date),
    ]


# _store joins each month of the slots to the pairs: without this index SQLite builds one of
# its own for every month (twelve passes over an import of 100,000 rows instead of one).
_SLOTS_KEY = Index(
    "month_slot_key", _SLOTS.c.year, _SLOTS.c.unit, _SLOTS.c.indicator, _SLOTS.c.month
)


def _fill(conn: Connection, query: Select[Any]) -> None:
    """Put the month sums a query gives (:func:`_sums` order) into ``month_slot``."""
    conn.execute(CreateTable(_SLOTS, if_not_exists=True))
    conn.execute(delete(_SLOTS))
    conn.execute(_SLOTS.insert().from_select([column.name for column in _SLOTS.c], query))
    conn.execute(CreateIndex(_SLOTS_KEY, if_not_exists=True))


def refresh(conn: Connection, chosen: ColumnElement[bool]) -> None:
    """Recompute the months of the figures ``chosen`` selects (a condition on the ``figure``
    table) and of the figures they correct, inside the caller's transaction."""
    corrected = select(FIGURE.c.supersedes).where(chosen, FIGURE.c.supersedes.is_not(None))
    touched = (
        select(*(column.label(name) for column, name in zip(_month_of(FIGURE), _KEY, strict=True)))
        .where(or_(chosen, FIGURE.c.id.in_(corrected.scalar_subquery())))
        .distinct()
        .cte("touched")
    )
    f = FIGURE.alias("f")
    group = [touched.c[name] for name in _KEY]
    figures_of_the_month = and_(
        f.c.year == touched.c.year,
        f.c.unit == touched.c.unit,
        f.c.indicator == touched.c.indicator,
        f.c.ref_date >= calendar.sql_month_first(touched.c.year, touched.c.month),
        f.c.ref_date <= calendar.sql_month_last(touched.c.year, touched.c.month),
        _counted(f),
    )
    query = (
        select(*_sums(f, group))
        .select_from(touched.outerjoin(f, figures_of_the_month))
        .group_by(*group)
    )
    _fill(conn, query)
    _store(conn, added=False)
    everything_empty = and_(*(ROWS.c[f"count_{m}"].is_(None) for m in MONTHS))
    slot_pairs = select(_SLOTS.c.year, _SLOTS.c.unit, _SLOTS.c.indicator)
    conn.execute(
        delete(ROWS).where(tuple_(*(ROWS.c[n] for n in PAIR)).in_(slot_pairs), everything_empty)
    )


_KEY = ("year", "unit", "indicator", "month")


def refresh_figures(conn: Connection, ids: Sequence[int]) -> None:
    """Recompute the months of these figures and of the figures they correct."""
    refresh(conn, FIGURE.c.id.in_(list(ids)))


def add_after(conn: Connection, first_id: int, last_id: int) -> None:
    """Add the figures just inserted, ids ``first_id`` to ``last_id`` (a bulk insert), to
    their months.

    New figures that correct none change no other figure's standing: what they add up to is
    added to what their months hold, without adding up the months' older figures again (the
    sums are integers: the result is exact). With a correction among the new figures, their
    months are recomputed instead.

    The range is bounded on both sides: SQLite then takes the new rows by id, where for
    "every id after the last" it scans the whole covering index (1,000,000 entries, 65 ms,
    for a report's one figure).
    """
    new = FIGURE.c.id.between(first_id, last_id)
    correction = select(FIGURE.c.id).where(new, FIGURE.c.supersedes.is_not(None)).limit(1)
    if conn.execute(correction).first() is not None:
        refresh(conn, new)
        return
    group = _month_of(FIGURE)
    _fill(conn, select(*_sums(FIGURE, group)).where(new).group_by(*group))
    _store(conn, added=True)


def upsert(conn: Connection) -> Any:
    """The engine's INSERT with ON CONFLICT (SQLite's and PostgreSQL's are alike); each
    dialect's module is imported only when used (PostgreSQL's costs a command 20 ms)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def _store(conn: Connection, *, added: bool) -> None:
    """Write ``month_slot`` into the pairs' rows, each row once: every month with a slot
    from the slot (``added``: the slot added to what the month held), the others as they were.
    """
    months = [m for (m,) in conn.execute(select(_SLOTS.c.month).distinct())]
    if not months:
        return
    pairs = select(_SLOTS.c.year, _SLOTS.c.unit, _SLOTS.c.indicator).distinct()
    # (a SELECT before ON CONFLICT needs a WHERE, or SQLite cannot parse it)
    conn.execute(
        upsert(conn)(ROWS).from_select(list(PAIR), pairs.where(true())).on_conflict_do_nothing()
    )
    t = pairs.subquery("t")
    joined: Any = t
    columns: list[ColumnElement[Any]] = [t.c.year, t.c.unit, t.c.indicator]
    for m in months:
        s, latest = _SLOTS.alias(f"s{m}"), FIGURE.alias(f"l{m}")
        joined = joined.outerjoin(
            s,
            and_(
                s.c.month == m,
                s.c.year == t.c.year,
                s.c.unit == t.c.unit,
                s.c.indicator == t.c.indicator,
            ),
        ).outerjoin(latest, latest.c.id == s.c.latest)
        columns += [s.c.month.label(f"month{m}")]
        columns += [s.c[name].label(f"{name}{m}") for name in SLOT_COLUMNS[:6]]
        details = (latest.c.value, latest.c.numerator, latest.c.denominator)
        columns += [column.label(f"{column.name}{m}") for column in details]
        columns += [_text(latest.c.ref_date).label(f"date{m}")]
        columns += [latest.c.recorded_by.label(f"by{m}")]
    j = select(*columns).select_from(joined).subquery("j")
    values: dict[str, ColumnElement[Any]] = {}
    for m in months:
        held = {name: ROWS.c[f"{name}_{m}"] for name in SLOT_COLUMNS}
        new = {name: j.c[f"{name}{m}"] for name in SLOT_COLUMNS}
        computed = _added(held, new) if added else {**new, "count": func.nullif(new["count"], 0)}
        for name in SLOT_COLUMNS:
            values[f"{name}_{m}"] = case(
                (j.c[f"month{m}"].is_(None), held[name]), else_=computed[name]
            )
    conn.execute(
        update(ROWS)
        .values(values)
        .where(ROWS.c.year == j.c.year, ROWS.c.unit == j.c.unit, ROWS.c.indicator == j.c.indicator)
    )


def _added(
    held: Mapping[str, ColumnElement[Any]], new: Mapping[str, ColumnElement[Any]]
) -> dict[str, ColumnElement[Any]]:
    """A month as it was with more figures added to it: the latest figure is the added one
    unless the month's own is dated later."""
    later = or_(
        held["count"].is_(None),
        tuple_(new["date"], new["latest"]) > tuple_(held["date"], held["latest"]),
    )
    return {
        "whole": func.coalesce(held["whole"], 0) + new["whole"],
        "nano": func.coalesce(held["nano"], 0) + new["nano"],
        "count": func.coalesce(held["count"], 0) + new["count"],
        "recorded": greatest(func.coalesce(held["recorded"], ""), new["recorded"]),
        "delay": greatest(func.coalesce(held["delay"], new["delay"]), new["delay"]),
        **{name: case((later, new[name]), else_=held[name]) for name in SLOT_COLUMNS[5:]},
    }


def rebuild(conn: Connection) -> None:
    """Recompute every month of every year (a new table, or one to check)."""
    conn.execute(delete(ROWS))
    f = FIGURE.alias("f")
    group = _month_of(f)
    _fill(conn, select(*_sums(f, group)).where(_counted(f)).group_by(*group))
    _store(conn, added=False)


# ------------------------------------------------------------------------------ reading


def observations_at(
    conn: Connection,
    plan: Plan,
    days: Sequence[date],
    unit: str | None = None,
    *,
    timeliness: bool = True,
) -> list[dict[tuple[str, str], Observation]]:
    """Per day, per (unit, indicator): the year-to-date sum and count of the counted figures
    dated up to the day, the latest of them, whether one was filed after its due date, and
    when the last one was recorded (without ``timeliness``: not late, recorded None).
    """
    decimals = _Decimals()  # the days share their figures: each value read once
    sums = _sums_at(conn, plan, days, unit, timeliness, [True] * len(days))
    return [_tallies(day, decimals, True) for day in sums]


def tallies_at(
    conn: Connection, plan: Plan, days: Sequence[date], detailed: Sequence[bool]
) -> list[Mapping[tuple[str, str], Tally]]:
    """Per day, per (unit, indicator), its :class:`Tally`; for the days ``detailed`` says,
    an :class:`Observation` (the latest figure's numerator, denominator, date and recorder
    too). A score needs no details: leaving them out spares SQL eight of a ranking's
    columns."""
    decimals = _Decimals()
    sums = _sums_at(conn, plan, days, None, True, detailed)
    return [_tallies(day, decimals, detail) for day, detail in zip(sums, detailed, strict=True)]


def _sums_at(
    conn: Connection,
    plan: Plan,
    days: Sequence[date],
    unit: str | None,
    timeliness: bool,
    details: Sequence[bool],
) -> list[_Sums]:
    """Per day, per pair, its sums (see :func:`observations_at`).

    The months that ended by each day are added up in one query for every day, a row per
    pair, and so is the month a day falls inside for the pairs whose figures that month are
    all dated by then (a review of today, say); for the others, that month's figures dated up
    to the day are added up from the figures themselves.
    """
    found = _whole_months(conn, plan, days, unit, timeliness, details)
    for sums, day in zip(found, days, strict=True):
        partial = calendar.partial_month(plan.year, day)
        if partial is not None:
            _add(sums, _days_of_month(conn, plan, partial, day, unit, timeliness))
    return found


# A pair's sums: whole, nano, count, late, last recorded, then its latest figure's value,
# numerator, denominator, date and recorder.
_Sums = dict[tuple[str, str], Sequence[Any]]
_DETAILS = ("value", "numerator", "denominator", "date", "by")
_WIDTH = 5 + len(_DETAILS)


def _whole_months(
    conn: Connection,
    plan: Plan,
    days: Sequence[date],
    unit: str | None,
    timeliness: bool,
    details: Sequence[bool],
) -> list[_Sums]:
    """Per day, the sums of the months that ended by it, and of the month it falls inside
    where that month's figures are all dated by then, in one query: each pair's months added
    up within its row. A day not in ``details`` has NULL for its latest figure's details
    but the value.

    A later day of whole months that takes fewer months away from the first day's than it
    keeps (the previous month's end, for a ranking at a month's end) has the first day's sums
    less those months' (integers: exact), which costs SQL fewer columns to add up; and the
    first day's lateness and last recording are that day's and those of the months after it
    (an "or" and a "latest of" that SQL need not work out over the whole year twice)."""
    months_of: list[dict[int, ColumnElement[bool] | None]] = []
    less: dict[int, list[int]] = {}  # a day (by position): the months taken from the first's
    for k, day in enumerate(days):
        taken: dict[int, ColumnElement[bool] | None] = {
            m: None for m in range(1, calendar.months_ended(plan.year, day) + 1)
        }
        partial = calendar.partial_month(plan.year, day)
        if partial is not None:  # the month, where nothing in it is dated after the day
            month = partial[0]
            taken[month] = ROWS.c[f"date_{month}"] <= day.isoformat()
        if k and _derivable(months_of[0], taken):
            less[k] = sorted(months_of[0].keys() - taken.keys())
        months_of.append(taken)
    base = min(less, default=None)  # the day the first day's lateness is built on
    columns: list[ColumnElement[Any]] = []
    for k, taken in enumerate(months_of):
        timely = None if k or base is None else less[base]
        columns += _day_columns(plan, taken, timeliness, less.get(k), details[k], timely)
    if not columns:
        return [{} for _ in days]
    query = select(ROWS.c.unit, ROWS.c.indicator, *columns).where(ROWS.c.year == plan.year)
    if unit is not None:
        query = query.where(ROWS.c.unit == unit)
    rows = conn.execute(query).fetchall()
    found: list[_Sums] = []
    for k in range(len(days)):  # a day's columns, for the pairs with figures by that day
        at, count, end = 2 + _WIDTH * k, 4 + _WIDTH * k, 2 + _WIDTH * (k + 1)
        if k in less:  # the first day's whole, nano and count less the months after this day
            found.append(
                {
                    (row[0], row[1]): (
                        row[2] - row[at],
                        row[3] - row[at + 1],
                        left,
                        *row[at + 3 : end],
                    )
                    for row in rows
                    if (left := row[4] - row[count])
                }
            )
        elif k == 0 and base is not None:  # its lateness and last recording: see above
            late = 5 + _WIDTH * base
            found.append(
                {
                    (row[0], row[1]): (
                        *row[2:5],
                        row[5] or row[late],
                        _later(row[6], row[late + 1]),
                        *row[7:end],
                    )
                    for row in rows
                    if row[4]
                }
            )
        else:
            found.append({(row[0], row[1]): row[at:end] for row in rows if row[count]})
    return found


def _later(stamp: str | None, other: str | None) -> str | None:
    """The later of two stored times, either of them missing."""
    if stamp is None or (other is not None and other > stamp):
        return other
    return stamp


def _derivable(first: dict[int, Any], taken: dict[int, Any]) -> bool:
    """Whether a day's sums are cheaper as the first day's less some months: both of whole
    months only, this one's within the first's, and fewer months to take away than to add."""
    whole_months = all(c is None for c in first.values()) and all(c is None for c in taken.values())
    return (
        bool(taken)
        and whole_months
        and taken.keys() <= first.keys()
        and (len(first) - len(taken) < len(taken))
    )


def _day_columns(
    plan: Plan,
    taken: dict[int, ColumnElement[bool] | None],
    timeliness: bool,
    less: list[int] | None = None,
    detailed: bool = True,
    timely: list[int] | None = None,
) -> list[ColumnElement[Any]]:
    """The columns of one day from the months it takes (``taken``: per month, None for the
    whole month, or the condition under which it counts); with ``less``, its whole, nano and
    count are those of these months instead (to take away from the first day's); not
    ``detailed``, of its latest figure's details only the value; with ``timely``, its
    lateness and last recording are those of these months alone."""
    if not taken:
        return [literal(0), literal(0), literal(0), literal(0), *[null()] * (_WIDTH - 4)]
    months = sorted(taken)

    def slot(name: str, month: int) -> ColumnElement[Any]:
        column = ROWS.c[f"{name}_{month}"]
        condition = taken.get(month)  # (a month in ``less`` is a whole one)
        return column if condition is None else case((condition, column))

    def added(name: str) -> ColumnElement[Any]:
        terms = [func.coalesce(slot(name, m), 0) for m in (months if less is None else less)]
        if not terms:  # the same months as the first day's: nothing to take away
            return literal(0)
        total: ColumnElement[Any] = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    late: ColumnElement[Any] = literal(0)
    recorded: ColumnElement[Any] = null()
    judged = months if timely is None else timely
    if timeliness and judged:  # (no months of its own: the day it is built on says)
        overdue = or_(*(slot("delay", m) > calendar.grace_days(plan, m) for m in judged))
        late = func.coalesce(truth_as_number(overdue), 0)
        stamps = [func.coalesce(slot("recorded", m), "") for m in judged]
        recorded = (
            func.nullif(greatest(*stamps), "") if len(stamps) > 1 else slot("recorded", judged[0])
        )
    details = [
        case(*((slot("count", m).is_not(None), slot(name, m)) for m in reversed(months)))
        if detailed or name == "value"
        else null()
        for name in _DETAILS
    ]
    return [added("whole"), added("nano"), added("count"), late, recorded, *details]


def _days_of_month(
    conn: Connection,
    plan: Plan,
    partial: tuple[int, date],
    day: date,
    unit: str | None,
    timeliness: bool,
) -> _Sums:
    """The sums of a month's figures dated from its first day to ``day``, for the pairs with
    a figure dated after the day that month (``_whole_months`` took the month whole for the
    others)."""
    month, first = partial
    f, b = FIGURE.alias("f"), ROWS.alias("b")
    late: ColumnElement[Any] = literal(0)
    recorded: ColumnElement[Any] = null()
    if timeliness:  # as a month's delay is judged in _whole_months
        delay = calendar.sql_days_after_month_end(func.max(f.c.filed_at), plan.year, month)
        late = truth_as_number(delay > calendar.grace_days(plan, month))
        recorded = _text(func.max(f.c.recorded_at))
    latest = func.max(_text(f.c.ref_date).concat(padded_id(f.c.id)))
    sums = (
        select(
            b.c.unit,
            b.c.indicator,
            func.sum(f.c.whole).label("whole"),
            func.sum(f.c.nano).label("nano"),
            func.count().label("count"),
            late.label("late"),
            recorded.label("recorded"),
            cast(func.substr(latest, 11), Integer).label("latest"),
        )
        .select_from(
            b.join(
                f,
                and_(
                    f.c.year == b.c.year,
                    f.c.unit == b.c.unit,
                    f.c.indicator == b.c.indicator,
                    f.c.ref_date >= first.isoformat(),
                    f.c.ref_date <= day.isoformat(),
                ),
            )
        )
        .where(b.c.year == plan.year, b.c[f"date_{month}"] > day.isoformat(), _counted(f))
        .group_by(b.c.unit, b.c.indicator)
    )
    if unit is not None:
        sums = sums.where(b.c.unit == unit)
    s = sums.subquery("s")
    query = _with_latest(s, [column for column in s.c if column.name != "latest"])
    return {(row[0], row[1]): list(row[2:]) for row in conn.execute(query)}


def _add(sums: _Sums, later: _Sums) -> None:
    """Add the sums of later figures to the sums so far: the latest figure is the later one."""
    for pair, (whole, nano, count, late, recorded, *latest) in later.items():
        so_far = sums.get(pair)
        if so_far is None:
            sums[pair] = [whole, nano, count, late, recorded, *latest]
        else:
            recorded = max(filter(None, (so_far[4], recorded)), default=None)
            sums[pair] = [
                so_far[0] + whole,
                so_far[1] + nano,
                so_far[2] + count,
                so_far[3] or late,
                recorded,
                *latest,
            ]


@overload
def _tallies(
    sums: _Sums, decimals: _Decimals, detailed: Literal[True]
) -> dict[tuple[str, str], Observation]: ...
@overload
def _tallies(sums: _Sums, decimals: _Decimals, detailed: bool) -> dict[tuple[str, str], Tally]: ...
def _tallies(
    sums: _Sums, decimals: _Decimals, detailed: bool
) -> dict[tuple[str, str], Observation] | dict[tuple[str, str], Tally]:
    """The pairs' tallies, their values the decimals typed (:func:`to_decimal`); ``detailed``:
    observations, with the latest figure's numerator, denominator, date and recorder."""
    dates = _Dates()
    found: dict[tuple[str, str], Any] = {}  # of Observation, or of Tally: as ``detailed``
    for (code, indicator), (whole, nano, count, late, recorded, value, *latest) in sums.items():
        counted = (
            code,
            indicator,
            from_parts(whole, nano),
            count,
            decimals[value],
            bool(late),
            None if recorded is None else datetime.fromisoformat(recorded),
        )
        if detailed:
            numerator, denominator, ref_date, by = latest
            found[code, indicator] = Observation(
                *counted,
                None if numerator is None else decimals[numerator],
                None if denominator is None else decimals[denominator],
                dates[ref_date],
                by,
            )
        else:
            found[code, indicator] = Tally(*counted)
    return found


class _Decimals(dict[float, Decimal]):
    """Stored values read once each as the decimals typed: a ranking reads 150,000 of them,
    many the same (a month's latest share on both review days, a denominator every month)."""

    def __missing__(self, value: float) -> Decimal:
        self[value] = number = stored_decimal(repr(value))
        return number


class _Dates(dict[str, date]):
    """Stored dates read once each: a year has 365 of them, a ranking 50,000 figures."""

    def __missing__(self, text: str) -> date:
        self[text] = day = date.fromisoformat(text)
        return day


# ------------------------------------------------------------------ reporting periods


MonthFilings = dict[tuple[str, str], list[tuple[int | None, int | None]]]


def month_filings(conn: Connection, plan: Plan) -> MonthFilings:
    """Per (unit, indicator) of the plan year, per month: how many counted figures are dated
    in it and the most days one was first filed after the month's end (None, None: none)."""
    query = select(
        ROWS.c.unit,
        ROWS.c.indicator,
        *(ROWS.c[f"{name}_{m}"] for m in MONTHS for name in ("count", "delay")),
    ).where(ROWS.c.year == plan.year)
    return {
        (unit, indicator): list(zip(values[::2], values[1::2], strict=True))
        for unit, indicator, *values in conn.execute(query)
    }
