"""Month-by-month totals kept beside the figures, and the observations read from them.

A province's year holds a million figures; ``status`` and ``rank`` must not add them all up
again each time. ``figure_months`` holds a row per (year, unit, indicator) with, for each month
of the year, what the pair's counted figures dated in that month add up to: total, count,
when the last was recorded, the most days an original figure came in after the month's end,
and the month's latest figure. It is derived data, never the record: the figures stay
append-only, and the months a figure, a correction or a retraction touches are recomputed
from the figures in the write's own transaction (:func:`refresh`), one row per pair.

A day's observation is then each pair's months that ended by that day, added up within the
row, plus, for a day inside a month, that month's figures dated up to the day, read from the
figures themselves. Whether a figure came late is judged at reading, against the plan's due
days: a month keeps only how late its latest original figure came.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from thiduaCLI.attainment import Observation
from thiduaCLI.dates import UTC_OFFSET_HOURS, month_end
from thiduaCLI.models import MONTH_SLOT
from thiduaCLI.numbers import PLACES, stored_decimal
from thiduaCLI.plan import Plan

MONTHS = range(1, 13)

SLOT_COLUMNS = tuple(name for name, _ in MONTH_SLOT)  # of each month, as {name}_{month}

# A figure counts unless it was retracted or a correction that counts replaced it: two index
# look-ups per figure, whatever the number of corrections and retractions.
COUNTED = """NOT EXISTS (SELECT 1 FROM retraction r WHERE r.figure_id = {f}.id)
    AND NOT EXISTS (SELECT 1 FROM figure c WHERE c.supersedes = {f}.id
        AND NOT EXISTS (SELECT 1 FROM retraction r2 WHERE r2.figure_id = c.id))"""

# The month of a stored date ('2026-03-31' -> 3).
_MONTH = "CAST(substr({p}ref_date, 6, 2) AS INTEGER)"

# The latest figure of a group: dates are ten characters of text, so the greatest
# date-and-id text names the figure dated last, the one recorded last among equals.
_LATEST = "max({p}ref_date || printf('%020d', {p}id))"

# The local day a figure was recorded (the latest is the one recorded last), and the last
# day of a month, as Julian day numbers: their difference counts days.
_RECORDED_DAY = (  # to the second: date() would round .9996 up to the next millisecond
    f"julianday(date(substr({{p}}recorded_at, 1, 19), '+{UTC_OFFSET_HOURS} hours'))"
)
_MONTH_END = "julianday(printf('%04d-%02d-01', {year}, {month}), '+1 month', '-1 day')"

# The months a change touched, and what their counted figures add up to now: temporary
# tables of this connection.
_TOUCHED = """CREATE TEMP TABLE IF NOT EXISTS touched_month (
    year INTEGER, unit TEXT, indicator TEXT, month INTEGER,
    PRIMARY KEY (year, unit, indicator, month)
) WITHOUT ROWID"""
_SLOTS = """CREATE TEMP TABLE IF NOT EXISTS month_slot (
    month INTEGER, year INTEGER, unit TEXT, indicator TEXT,
    total, count, recorded, delay, latest,
    PRIMARY KEY (month, year, unit, indicator)
) WITHOUT ROWID"""
_TOUCH = f"INSERT OR IGNORE INTO temp.touched_month SELECT f.year, f.unit, f.indicator, {_MONTH}"
_RECOMPUTE = """WITH slot AS (
    SELECT t.year, t.unit, t.indicator, t.month, sum(f.value) AS total, count(f.id) AS count,
        max(f.recorded_at) AS recorded,
        max(CASE WHEN f.supersedes IS NULL THEN f.recorded_at END) AS original_recorded_at,
        {latest} AS latest
    FROM temp.touched_month t LEFT JOIN figure f
        ON f.year = t.year AND f.unit = t.unit AND f.indicator = t.indicator
        AND f.ref_date >= printf('%04d-%02d-01', t.year, t.month)
        AND f.ref_date <= printf('%04d-%02d-31', t.year, t.month)
        AND {counted}
    GROUP BY t.year, t.unit, t.indicator, t.month
)
INSERT INTO temp.month_slot
SELECT month, year, unit, indicator, total, count, recorded,
    CAST({recorded_day} - {month_end} AS INTEGER), CAST(substr(latest, 11) AS INTEGER)
FROM slot"""
# Each touched pair's row, written once: every month of it from ``temp.month_slot`` (alias
# s1…s12, the latest figure l1…l12) where the month has a slot, as it was where not.
_STORE = """UPDATE figure_months AS p SET {assignments}
FROM (SELECT DISTINCT year, unit, indicator FROM temp.month_slot) t {joins}
WHERE p.year = t.year AND p.unit = t.unit AND p.indicator = t.indicator"""
_STORE_JOIN = """LEFT JOIN temp.month_slot s{m} ON s{m}.month = {m} AND s{m}.year = t.year
    AND s{m}.unit = t.unit AND s{m}.indicator = t.indicator
LEFT JOIN figure l{m} ON l{m}.id = s{m}.latest"""
# A month recomputed: its slot as it is ({s}, {l}: the slot and its latest figure).
_SLOT_SOURCES = (
    "{s}.total",
    "nullif({s}.count, 0)",
    "{s}.recorded",
    "{s}.delay",
    "{s}.latest",
    "{l}.value",
    "{l}.numerator",
    "{l}.denominator",
    "{l}.ref_date",
    "{l}.recorded_by",
)


def refresh(driver: sqlite3.Connection, which: str, parameters: Sequence[object] = ()) -> None:
    """Recompute the months of the figures ``which`` selects (an SQL condition on the
    ``figure`` table) and of the figures they correct, inside the caller's transaction."""
    for table in (_TOUCHED, _SLOTS):
        driver.execute(table)
    driver.execute("DELETE FROM temp.touched_month")
    driver.execute("DELETE FROM temp.month_slot")
    touch = _TOUCH.format(p="f.")
    driver.execute(f"{touch} FROM figure f WHERE {which}", parameters)
    corrected = f"SELECT supersedes FROM figure WHERE ({which}) AND supersedes IS NOT NULL"
    driver.execute(f"{touch} FROM figure f WHERE f.id IN ({corrected})", parameters)
    driver.execute(
        _RECOMPUTE.format(
            counted=COUNTED.format(f="f"),
            latest=_LATEST.format(p="f."),
            recorded_day=_RECORDED_DAY.format(p="original_"),
            month_end=_MONTH_END.format(year="year", month="month"),
        )
    )
    _store(driver, _SLOT_SOURCES)
    empty = " AND ".join(f"p.count_{month} IS NULL" for month in MONTHS)
    driver.execute(
        "DELETE FROM figure_months WHERE rowid IN (SELECT p.rowid FROM temp.month_slot s"
        " CROSS JOIN figure_months p ON p.year = s.year AND p.unit = s.unit"
        f" AND p.indicator = s.indicator WHERE {empty})"
    )


def _store(driver: sqlite3.Connection, sources: Sequence[str]) -> None:
    """Write ``temp.month_slot`` into the pairs' rows: each column of a month with a slot from
    its ``source`` (``{s}``, ``{l}``: the slot and its latest figure; ``{total}``,
    ``{count}``…: the month's columns as they were)."""
    driver.execute(
        "INSERT OR IGNORE INTO figure_months (year, unit, indicator)"
        " SELECT DISTINCT year, unit, indicator FROM temp.month_slot"
    )
    touched = [m for (m,) in driver.execute("SELECT DISTINCT month FROM temp.month_slot")]
    if not touched:  # no figure changed (a database without figures upgrading, say)
        return
    assignments = []
    for month in touched:
        held = {name: f'p."{name}_{month}"' for name in SLOT_COLUMNS}
        for column, source in zip(SLOT_COLUMNS, sources, strict=True):
            new = source.format(s=f"s{month}", l=f"l{month}", **held)
            assignments.append(
                f'"{column}_{month}" = CASE WHEN s{month}.month IS NULL'
                f" THEN {held[column]} ELSE {new} END"
            )
    joins = " ".join(_STORE_JOIN.format(m=month) for month in touched)
    driver.execute(_STORE.format(assignments=", ".join(assignments), joins=joins))


def refresh_figures(driver: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Recompute the months of these figures and of the figures they correct."""
    refresh(driver, f"id IN ({', '.join('?' * len(ids))})", ids)


def add_after(driver: sqlite3.Connection, last_id: int) -> None:
    """Add the figures inserted after ``last_id`` (a bulk insert) to their months.

    New figures that correct none change no other figure's standing: what they add up to is
    added to what their months hold, without adding up the months' older figures again. A
    month's sum may then differ from a full recomputation in its last binary digit (the order
    of the additions); observations round sums to the places a value may have. With a
    correction among the new figures, their months are recomputed instead.
    """
    corrections = "SELECT 1 FROM figure WHERE id > ? AND supersedes IS NOT NULL LIMIT 1"
    if driver.execute(corrections, (last_id,)).fetchone():
        refresh(driver, "id > ?", [last_id])
        return
    driver.execute(_SLOTS)
    driver.execute("DELETE FROM temp.month_slot")
    driver.execute(
        _ADDED.format(
            month=_MONTH.format(p=""),
            latest=_LATEST.format(p=""),
            recorded_day=_RECORDED_DAY.format(p=""),
            month_end=_MONTH_END.format(year="year", month="month"),
        ),
        (last_id,),
    )
    _store(driver, _ADDED_SOURCES)


# What the added figures bring to each month (all of them originals).
_ADDED = """INSERT INTO temp.month_slot
SELECT month, year, unit, indicator, total, count, recorded_at,
    CAST({recorded_day} - {month_end} AS INTEGER), CAST(substr(latest, 11) AS INTEGER)
FROM (
    SELECT year, unit, indicator, {month} AS month, sum(value) AS total, count(*) AS count,
        max(recorded_at) AS recorded_at, {latest} AS latest
    FROM figure WHERE id > ? GROUP BY 1, 2, 3, 4
)"""
# A month as it was (``{total}``, ``{count}``…: its columns), with the added figures: the
# latest figure is the added one unless the month's own is dated later.
_LATER = "({count} IS NULL OR ({l}.ref_date, {s}.latest) > ({date}, {latest}))"
_ADDED_SOURCES = (
    "coalesce({total}, 0) + {s}.total",
    "coalesce({count}, 0) + {s}.count",
    "max(coalesce({recorded}, ''), {s}.recorded)",
    "max(coalesce({delay}, {s}.delay), {s}.delay)",
    *(
        f"CASE WHEN {_LATER} THEN {source} ELSE {{{name}}} END"
        for name, source in zip(SLOT_COLUMNS[4:], _SLOT_SOURCES[4:], strict=True)
    ),
)


def rebuild(driver: sqlite3.Connection) -> None:
    """Recompute every month of every year (a new table, or one to check)."""
    driver.execute("DELETE FROM figure_months")
    refresh(driver, "1")


# ------------------------------------------------------------------------------ reading


def observations_at(
    driver: sqlite3.Connection,
    plan: Plan,
    days: Sequence[date],
    unit: str | None = None,
    *,
    timeliness: bool = True,
) -> list[dict[tuple[str, str], Observation]]:
    """Per day, per (unit, indicator): the year-to-date sum and count of the counted figures
    dated up to the day, the latest of them, whether one came after its due date, and when the
    last one was recorded (without ``timeliness``: not late, recorded None).

    The months that ended by each day are added up in one query for every day, a row per
    pair, and so is the month a day falls inside for the pairs whose figures that month are
    all dated by then (a review of today, say); for the others, that month's figures dated up
    to the day are added up from the figures themselves. Sums are rounded to the places a
    value may have: 0,1 ten times is 1, not 0,9999999999999999.
    """
    found = _whole_months(driver, plan, days, unit, timeliness)
    for sums, day in zip(found, days, strict=True):
        partial = _partial_month(plan, day)
        if partial is not None:
            _add(sums, _days_of_month(driver, plan, partial, day, unit, timeliness))
    decimals = _Decimals()  # the days share their figures: each value read once
    return [_observations(sums, decimals) for sums in found]


# A pair's sums: total, count, late, last recorded, then its latest figure's value,
# numerator, denominator, date and recorder.
_Sums = dict[tuple[str, str], list[Any]]
_FIGURE = "{f}.value, {f}.numerator, {f}.denominator, {f}.ref_date, {f}.recorded_by"
_DETAILS = ("value", "numerator", "denominator", "date", "by")


def _whole_months(
    driver: sqlite3.Connection,
    plan: Plan,
    days: Sequence[date],
    unit: str | None,
    timeliness: bool,
) -> list[_Sums]:
    """Per day, the sums of the months that ended by it, and of the month it falls inside
    where that month's figures are all dated by then, in one query: each pair's months added
    up within its row."""
    parameters: dict[str, object] = {"year": plan.year, "unit": unit}
    parameters.update({f"late{m}": days for m, days in zip(MONTHS, _grace(plan), strict=True)})
    taken: list[dict[int, str]] = []  # per day, the SQL of each month's {name} column
    for k, day in enumerate(days):
        parameters[f"day{k}"] = day.isoformat()
        slots = {m: f'p."{{name}}_{m}"' for m in range(1, _months_ended(plan, day) + 1)}
        partial = _partial_month(plan, day)
        if partial is not None:  # the month, where nothing in it is dated after the day
            month = partial[0]
            slots[month] = f'CASE WHEN p.date_{month} <= :day{k} THEN p."{{name}}_{month}" END'
        taken.append(slots)
    if not any(taken):
        return [{} for _ in days]
    columns = []
    for slots in taken:
        columns += _day_columns(slots, timeliness) if slots else ["0", "0"] + ["NULL"] * 7
    unit_filter = "" if unit is None else " AND p.unit = :unit"
    sql = (
        f"SELECT p.unit, p.indicator, {', '.join(columns)} FROM figure_months p"
        f" WHERE p.year = :year{unit_filter}"
    )
    found: list[_Sums] = [{} for _ in days]
    width = 9
    for row in driver.execute(sql, parameters):
        pair = row[0], row[1]
        for k in range(len(days)):
            at = 2 + width * k
            if row[at + 1]:  # figures by that day
                found[k][pair] = list(row[at : at + width])
    return found


def _day_columns(slots: dict[int, str], timeliness: bool) -> list[str]:
    """The nine columns of one day from the months it takes (``slots``: per month, the SQL
    of its ``{name}`` column, None where the month is left out)."""
    months = sorted(slots)

    def slot(name: str, month: int) -> str:
        return slots[month].format(name=name)

    recorded, late = "NULL", "0"
    if timeliness:
        late = " OR ".join(f"{slot('delay', m)} > :late{m}" for m in months)
        stamps = [f"coalesce({slot('recorded', m)}, '')" for m in months]
        recorded = (
            f"nullif(max({', '.join(stamps)}), '')"
            if len(months) > 1
            else slot("recorded", months[0])
        )
    details = [
        "CASE {} END".format(
            " ".join(
                f"WHEN {slot('count', m)} IS NOT NULL THEN {slot(name, m)}"
                for m in reversed(months)
            )
        )
        for name in _DETAILS
    ]
    return [
        " + ".join(f"coalesce({slot('total', m)}, 0)" for m in months),
        " + ".join(f"coalesce({slot('count', m)}, 0)" for m in months),
        f"coalesce({late}, 0)",
        recorded,
        *details,
    ]


def _grace(plan: Plan) -> list[int]:
    """Per month, how many days after the month's end its figures may come in: the plan's
    due days, and for a quarterly plan the days left in the quarter."""
    if plan.reporting_cycle == "monthly":
        return [plan.due_days for _ in MONTHS]
    return [
        plan.due_days + (month_end(plan.year, (m + 2) // 3 * 3) - month_end(plan.year, m)).days
        for m in MONTHS
    ]


def _days_of_month(
    driver: sqlite3.Connection,
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
    late = recorded = "NULL"
    if timeliness:  # as a month's delay is judged in _whole_months
        month_end = _MONTH_END.format(year=":year", month=":month")
        late = (
            f"f.supersedes IS NULL"
            f" AND CAST({_RECORDED_DAY.format(p='f.')} - {month_end} AS INTEGER) > :grace"
        )
        recorded = "max(f.recorded_at)"
    unit_filter = "" if unit is None else " AND b.unit = :unit"
    sql = f"""
SELECT s.unit, s.indicator, s.total, s.count, s.late, s.recorded, {_FIGURE.format(f="l")}
FROM (
    SELECT b.unit, b.indicator, sum(f.value) AS total, count(*) AS count, max({late}) AS late,
        {recorded} AS recorded, {_LATEST.format(p="f.")} AS latest
    FROM figure_months b CROSS JOIN figure f
        ON f.year = b.year AND f.unit = b.unit AND f.indicator = b.indicator
        AND f.ref_date >= :first AND f.ref_date <= :day
    WHERE b.year = :year AND b.date_{month} > :day{unit_filter}
        AND {COUNTED.format(f="f")}
    GROUP BY b.unit, b.indicator
) s JOIN figure l ON l.id = CAST(substr(s.latest, 11) AS INTEGER)"""
    parameters = {
        "year": plan.year,
        "month": month,
        "grace": _grace(plan)[month - 1],
        "first": first.isoformat(),
        "day": day.isoformat(),
        "unit": unit,
    }
    return {(row[0], row[1]): list(row[2:]) for row in driver.execute(sql, parameters)}


def _add(sums: _Sums, later: _Sums) -> None:
    """Add the sums of later figures to the sums so far: the latest figure is the later one."""
    for pair, (total, count, late, recorded, *latest) in later.items():
        so_far = sums.get(pair)
        if so_far is None:
            sums[pair] = [total, count, late, recorded, *latest]
        else:
            recorded = max(filter(None, (so_far[3], recorded)), default=None)
            sums[pair] = [so_far[0] + total, so_far[1] + count, so_far[2] or late, recorded]
            sums[pair] += latest


def _observations(
    sums: _Sums, decimals: _Decimals | None = None
) -> dict[tuple[str, str], Observation]:
    """The observations of the pairs, their values the decimals typed (:func:`to_decimal`)."""
    dates = _Dates()
    decimal = decimals if decimals is not None else _Decimals()
    found = {}
    for (code, indicator), entry in sums.items():
        total, count, late, recorded, value, numerator, denominator, ref_date, by = entry
        found[code, indicator] = Observation(
            code,
            indicator,
            decimal[round(total, PLACES)],
            count,
            decimal[value],
            None if numerator is None else decimal[numerator],
            None if denominator is None else decimal[denominator],
            dates[ref_date],
            by,
            bool(late),
            None if recorded is None else datetime.fromisoformat(recorded),
        )
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


# ------------------------------------------------------------------------- the calendar


def _months_ended(plan: Plan, day: date) -> int:
    """How many months of the plan year had ended by the end of ``day`` (0 to 12)."""
    if day.year != plan.year:
        return 0 if day.year < plan.year else 12
    return day.month if day == month_end(day.year, day.month) else day.month - 1


def _partial_month(plan: Plan, day: date) -> tuple[int, date] | None:
    """The month ``day`` falls inside, and its first day, unless the day ends its month or
    lies outside the plan year."""
    if day.year != plan.year or day == month_end(day.year, day.month):
        return None
    return day.month, day.replace(day=1)
