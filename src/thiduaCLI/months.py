"""Year-to-date totals kept beside the figures, and the observations read from them.

A province's year holds a million figures; ``status`` and ``rank`` must not add them all up
again each time. ``figure_month`` holds a row per (year, unit, indicator, month) with counted
figures dated in that month: what the pair's counted figures dated up to the end of that month
add up to, its latest figure by then, and when that month's own figures (corrections aside)
were last recorded. It is derived data, never the record: the figures stay append-only, and a
pair's rows are recomputed from them, in the write's own transaction, whenever a figure, a
correction or a retraction touches the pair (:func:`refresh`).

A day's observation is then, per pair, its row of the last month with figures that ended by
that day, plus, for a day inside a month, that month's figures dated up to the day, read from
the figures themselves. Whether a figure came late is judged at reading, against the plan's
due dates: a month's row keeps when its own figures came in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from thiduaCLI.attainment import Observation
from thiduaCLI.dates import UTC_OFFSET_HOURS
from thiduaCLI.numbers import PLACES
from thiduaCLI.plan import Plan

# The figures that no longer count: the retracted ones, and those a correction that counts
# replaces. Few, so a figure counts when its id is not among them: ``f.id NOT IN inactive``.
INACTIVE = """inactive(id) AS (
    SELECT figure_id FROM retraction
    UNION
    SELECT supersedes FROM figure
    WHERE supersedes IS NOT NULL AND id NOT IN (SELECT figure_id FROM retraction)
)"""

# The month of a stored date ('2026-03-31' -> 3).
_MONTH = "CAST(substr({p}ref_date, 6, 2) AS INTEGER)"

# The latest figure of a group: dates are ten characters of text, so the greatest
# date-and-id text names the figure dated last, the one recorded last among equals.
_LATEST = "max({p}ref_date || printf('%020d', {p}id))"

# The pairs a change touched: a temporary table of this connection.
_TOUCHED = """CREATE TEMP TABLE IF NOT EXISTS touched_pair (
    year INTEGER, unit TEXT, indicator TEXT, PRIMARY KEY (year, unit, indicator)
) WITHOUT ROWID"""
_TOUCH = "INSERT OR IGNORE INTO temp.touched_pair SELECT f.year, f.unit, f.indicator"
_FORGET = """DELETE FROM figure_month
WHERE (year, unit, indicator) IN (SELECT * FROM temp.touched_pair)"""
# Each touched pair's months with counted figures, added up month by month, then carried
# forward: the totals to the end of each month, the latest figure by then, and the most days
# any original figure (a correction is judged by the figure it fixes) came in after the end
# of its month, and of its quarter.
_RECOMPUTE = """WITH {inactive},
monthly AS (
    SELECT t.year, t.unit, t.indicator, {month} AS month, sum(f.value) AS total,
        count(*) AS count, max(f.recorded_at) AS recorded,
        max(CASE WHEN f.supersedes IS NULL THEN {recorded_day} END) AS original_day,
        {latest} AS latest
    FROM temp.touched_pair t CROSS JOIN figure f
        ON f.year = t.year AND f.unit = t.unit AND f.indicator = t.indicator
    WHERE f.id NOT IN inactive
    GROUP BY 1, 2, 3, 4
)
INSERT INTO figure_month (year, unit, indicator, month, total, count, recorded_last,
    delay_monthly, delay_quarterly, latest_id, value, numerator, denominator, ref_date,
    recorded_by)
SELECT m.year, m.unit, m.indicator, m.month,
    sum(m.total) OVER pair, sum(m.count) OVER pair, max(m.recorded) OVER pair,
    max(CAST(m.original_day - {month_end} AS INTEGER)) OVER pair,
    max(CAST(m.original_day - {quarter_end} AS INTEGER)) OVER pair,
    l.id, l.value, l.numerator, l.denominator, l.ref_date, l.recorded_by
FROM monthly m JOIN figure l ON l.id = CAST(substr(m.latest, 11) AS INTEGER)
WINDOW pair AS (PARTITION BY m.year, m.unit, m.indicator ORDER BY m.month)"""

# The local day a figure was recorded, and the last day of a month or its quarter, as
# Julian day numbers: their difference counts days.
_RECORDED_DAY = f"julianday(date({{p}}recorded_at, '+{UTC_OFFSET_HOURS} hours'))"
_MONTH_END = "julianday(printf('%04d-%02d-01', {year}, {month}), '+1 month', '-1 day')"


def refresh(driver: sqlite3.Connection, which: str, parameters: Sequence[object] = ()) -> None:
    """Recompute the rows of the pairs of the figures ``which`` selects (an SQL condition on
    the ``figure`` table) and of the figures they correct, inside the caller's transaction."""
    driver.execute(_TOUCHED)
    driver.execute("DELETE FROM temp.touched_pair")
    driver.execute(f"{_TOUCH} FROM figure f WHERE {which}", parameters)
    corrected = f"SELECT supersedes FROM figure WHERE ({which}) AND supersedes IS NOT NULL"
    driver.execute(f"{_TOUCH} FROM figure f WHERE f.id IN ({corrected})", parameters)
    driver.execute(_FORGET)
    driver.execute(
        _RECOMPUTE.format(
            inactive=INACTIVE,
            month=_MONTH.format(p="f."),
            latest=_LATEST.format(p="f."),
            recorded_day=_RECORDED_DAY.format(p="f."),
            month_end=_MONTH_END.format(year="m.year", month="m.month"),
            quarter_end=_MONTH_END.format(year="m.year", month="(m.month + 2) / 3 * 3"),
        )
    )


def refresh_figures(driver: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Recompute the pairs of these figures and of the figures they correct."""
    refresh(driver, f"id IN ({', '.join('?' * len(ids))})", ids)


def refresh_after(driver: sqlite3.Connection, last_id: int) -> None:
    """Recompute the pairs of the figures added after ``last_id`` (a bulk insert)."""
    refresh(driver, "id > ?", [last_id])


def rebuild(driver: sqlite3.Connection) -> None:
    """Recompute every row of every year (a new table, or one to check)."""
    driver.execute("DELETE FROM figure_month")
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

    The months that ended by each day are read from ``figure_month`` in one query for every
    day; a day inside a month adds that month's figures dated up to it. Sums are rounded to
    the places a value may have: 0,1 ten times is 1, not 0,9999999999999999.
    """
    through = [_months_ended(plan, day) for day in days]
    found = _whole_months(driver, plan, through, unit, timeliness)
    for sums, day in zip(found, days, strict=True):
        partial = _partial_month(plan, day)
        if partial is not None:
            _add(sums, _days_of_month(driver, plan, partial, day, unit, timeliness))
    return [_observations(sums) for sums in found]


# A pair's sums: total, count, late, last recorded, then its latest figure's value,
# numerator, denominator, date and recorder.
_Sums = dict[tuple[str, str], list[Any]]
_FIGURE = "{f}.value, {f}.numerator, {f}.denominator, {f}.ref_date, {f}.recorded_by"


def _whole_months(
    driver: sqlite3.Connection,
    plan: Plan,
    through: Sequence[int],
    unit: str | None,
    timeliness: bool,
) -> list[_Sums]:
    """Per day, the sums of the months that ended by it (``through``: how many), in one
    query: each pair's row of its last month with figures by then."""
    if not any(through):
        return [{} for _ in through]
    parameters: dict[str, object] = {"year": plan.year, "unit": unit, "due": plan.due_days}
    delay = "delay_monthly" if plan.reporting_cycle == "monthly" else "delay_quarterly"
    late, recorded = (f"{{m}}.{delay} > :due", "{m}.recorded_last") if timeliness else ("0", "NULL")
    columns, joins = [], []
    for k, months in enumerate(through):
        parameters[f"through{k}"] = months
        m = f"m{k}"
        columns.append(
            f"{m}.total, {m}.count, {late.format(m=m)}, {recorded.format(m=m)},"
            f" {_FIGURE.format(f=m)}"
        )
        joins.append(
            f"LEFT JOIN figure_month {m} ON {m}.year = :year AND {m}.unit = p.unit"
            f" AND {m}.indicator = p.indicator AND {m}.month = ("
            "SELECT max(x.month) FROM figure_month x WHERE x.year = :year"
            f" AND x.unit = p.unit AND x.indicator = p.indicator AND x.month <= :through{k})"
        )
    unit_filter = "" if unit is None else " AND unit = :unit"
    sql = (
        f"WITH pairs AS MATERIALIZED (SELECT DISTINCT unit, indicator FROM figure_month"
        f" WHERE year = :year{unit_filter})"
        f" SELECT p.unit, p.indicator, {', '.join(columns)} FROM pairs p {' '.join(joins)}"
    )
    found: list[_Sums] = [{} for _ in through]
    width = 9
    for row in driver.execute(sql, parameters):
        pair = row[0], row[1]
        for k in range(len(through)):
            at = 2 + width * k
            if row[at + 1]:  # figures by that day
                found[k][pair] = list(row[at : at + width])
    return found


def _days_of_month(
    driver: sqlite3.Connection,
    plan: Plan,
    partial: tuple[int, date],
    day: date,
    unit: str | None,
    timeliness: bool,
) -> _Sums:
    """The sums of a month's figures dated from its first day to ``day``, pair by pair (the
    pairs with figures that month found from ``figure_month``)."""
    month, first = partial
    late = recorded = "NULL"
    if timeliness:  # after the end of the month, or of its quarter, and the grace days
        period_end = _MONTH_END.format(year=":year", month=":period_month")
        late = (
            f"f.supersedes IS NULL"
            f" AND CAST({_RECORDED_DAY.format(p='f.')} - {period_end} AS INTEGER) > :due"
        )
        recorded = "max(f.recorded_at)"
    unit_filter = "" if unit is None else " AND b.unit = :unit"
    sql = f"""WITH {INACTIVE}
SELECT s.unit, s.indicator, s.total, s.count, s.late, s.recorded, {_FIGURE.format(f="l")}
FROM (
    SELECT b.unit, b.indicator, sum(f.value) AS total, count(*) AS count, max({late}) AS late,
        {recorded} AS recorded, {_LATEST.format(p="f.")} AS latest
    FROM figure_month b CROSS JOIN figure f
        ON f.year = b.year AND f.unit = b.unit AND f.indicator = b.indicator
        AND f.ref_date >= :first AND f.ref_date <= :day
    WHERE b.year = :year AND b.month = :month{unit_filter} AND f.id NOT IN inactive
    GROUP BY b.unit, b.indicator
) s JOIN figure l ON l.id = CAST(substr(s.latest, 11) AS INTEGER)"""
    parameters = {
        "year": plan.year,
        "month": month,
        "period_month": month if plan.reporting_cycle == "monthly" else (month + 2) // 3 * 3,
        "due": plan.due_days,
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


def _observations(sums: _Sums) -> dict[tuple[str, str], Observation]:
    """The observations of the pairs."""
    dates = _Dates()
    found = {}
    for (code, indicator), entry in sums.items():
        total, count, late, recorded, value, numerator, denominator, ref_date, by = entry
        found[code, indicator] = Observation(
            code,
            indicator,
            round(total, PLACES),
            count,
            value,
            numerator,
            denominator,
            dates[ref_date],
            by,
            bool(late),
            None if recorded is None else datetime.fromisoformat(recorded),
        )
    return found


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
    return day.month if (day + timedelta(days=1)).month != day.month else day.month - 1


def _partial_month(plan: Plan, day: date) -> tuple[int, date] | None:
    """The month ``day`` falls inside, and its first day, unless the day ends its month or
    lies outside the plan year."""
    if day.year != plan.year or (day + timedelta(days=1)).month != day.month:
        return None
    return day.month, day.replace(day=1)
