"""The year-to-date rows kept beside the figures say what the figures themselves say.

``figure_months`` is derived data: after any mix of reports, bulk imports, corrections and
retractions it must equal a rebuild from the figures, and the observations read from it must
equal what a plain Python model computes from the figures one by one, on any day: month ends,
days inside a month, the year's first and last days, and days outside the year.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from helpers import SMALL_PLAN, location
from thiduaCLI.domain import calendar, timeliness
from thiduaCLI.domain.attainment import Observation, Tally
from thiduaCLI.domain.calendar import due_date
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.plan_file import parse_plan
from thiduaCLI.storage import months, store
from thiduaCLI.storage.models import Figure, Retraction

ENGINES = ("sqlite", "postgresql")  # each test using db runs on both (conftest.py)

UNITS = ("A1", "A2", "B1")
INDICATORS = ("VL", "BH", "NS")


@dataclass
class Stored:
    """A figure as the model sees it."""

    id: int
    unit: str
    indicator: str
    value: float
    ref_date: date
    recorded_at: datetime
    supersedes: int | None
    by: str


def _plan(cycle: str, due_days: int) -> Plan:
    header = f'title = "Kế hoạch thử"\nreporting_cycle = "{cycle}"\ndue_days = {due_days}'
    return parse_plan(SMALL_PLAN.replace('title = "Kế hoạch thử"', header), "cycle.toml")


@contextmanager
def _with_figures(db: Path, seed: int, steps: int) -> Iterator[tuple[store.Database, Plan, Any]]:
    """The database open, with the monthly test plan and ``steps`` random writes (``seed``),
    and the random generator to go on with."""
    rng = random.Random(seed)
    plan = _plan("monthly", 10)
    with store.open_database(location(db)) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, plan, "cycle.toml")
            _change_at_random(session, rng, steps)
        yield opened, plan, rng


def _random_day(rng: random.Random) -> date:
    return date(2026, 1, 1) + timedelta(days=rng.randrange(365))


def _random_time(rng: random.Random, day: date) -> datetime:
    """Recorded from the day itself to about four months later, at any hour (UTC)."""
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(
        minutes=rng.randrange(0, 120 * 24 * 60)
    )


def _figure(
    rng: random.Random, unit: str, indicator: str, day: date, supersedes: int | None = None
) -> Figure:
    return Figure(
        year=2026,
        unit=unit,
        indicator=indicator,
        value=rng.choice([0.1, 0.2, 1.0, 2.5, 7.0, 10.0, 33.3, 1e-09, 123456.789, -4.25]),
        numerator=rng.choice([None, 80.0]),
        denominator=rng.choice([None, 100.0]),
        ref_date=day,
        recorded_by=rng.choice(["an", "bình"]),
        recorded_at=_random_time(rng, day),
        supersedes=supersedes,
    )


def _change_at_random(session, rng: random.Random, steps: int) -> None:
    """Reports, bulk imports, corrections of counted figures and retractions, mixed."""
    for _ in range(steps):
        counted = [f.id for f in store.active_figures(session, 2026)]
        choice = rng.random()
        if choice < 0.5 or not counted:
            unit, indicator = rng.choice(UNITS), rng.choice(INDICATORS)
            store.add_figure(session, _figure(rng, unit, indicator, _random_day(rng)))
        elif choice < 0.65:
            rows = [
                _row(_figure(rng, rng.choice(UNITS), rng.choice(INDICATORS), _random_day(rng)))
                for _ in range(rng.randint(1, 6))
            ]
            if rng.random() < 0.3:  # a correction among them: the months are recomputed
                old = store.get_figure(session, rng.choice(counted))
                assert old is not None
                rows.append(_row(_figure(rng, old.unit, old.indicator, old.ref_date, old.id)))
            store.add_figures(session, rows)
        elif choice < 0.85:
            old = store.get_figure(session, rng.choice(counted))
            assert old is not None and old.id is not None
            store.add_figure(session, _figure(rng, old.unit, old.indicator, old.ref_date, old.id))
        else:
            store.add_retraction(
                session,
                Retraction(figure_id=rng.choice(counted), reason="thử", retracted_by="tester"),
            )


def _row(figure: Figure) -> tuple[object, ...]:
    """A figure as store.add_figures takes it (store.FIGURE_COLUMNS)."""
    fields = {
        **figure.model_dump(),
        "ref_date": store.stored_date(figure.ref_date),
        "recorded_at": store.stored_datetime(figure.recorded_at),
        "origin": "import:t.csv:2",
    }
    return tuple(fields[column] for column in store.FIGURE_COLUMNS)


def _model(session, plan: Plan, day: date) -> dict[tuple[str, str], tuple[object, ...]]:
    """What the figures say on ``day``, figure by figure, by the Python rules."""
    figures, retracted = _stored(session)
    counted = _counted(figures, retracted)
    filed = _filed(figures)
    found = {}
    for pair in sorted({(f.unit, f.indicator) for f in counted}):
        mine = [f for f in counted if (f.unit, f.indicator) == pair and f.ref_date <= day]
        if not mine:
            continue
        latest = max(mine, key=lambda f: (f.ref_date, f.id))
        late = any(_late(plan, f.ref_date, filed[f.id]) for f in mine)
        found[pair] = (
            sum((Decimal(repr(f.value)) for f in mine), Decimal(0)),
            len(mine),
            Decimal(repr(latest.value)),
            latest.ref_date,
            latest.by,
            late,
            max(f.recorded_at for f in mine),
        )
    return found


def _stored(session) -> tuple[list[Stored], set[int]]:
    """Every figure, and the ids of the retracted ones."""
    retracted = {
        figure_id
        for (figure_id,) in session.connection().exec_driver_sql("SELECT figure_id FROM retraction")
    }
    figures = [
        Stored(id_, unit, indicator, value, date.fromisoformat(ref), _utc(recorded), sup, by)
        for id_, unit, indicator, value, ref, recorded, sup, by in session.connection()
        .exec_driver_sql(
            "SELECT id, unit, indicator, value, ref_date, recorded_at, supersedes, recorded_by"
            " FROM figure ORDER BY id"
        )
        .fetchall()
    ]
    return figures, retracted


def _counted(figures: list[Stored], retracted: set[int]) -> list[Stored]:
    """The figures that count, by calendar.py's Python rule (which the SQL must agree with)."""
    counted = calendar.counted_ids(figures, retracted)
    return [f for f in figures if f.id in counted]


def _filed(figures: list[Stored]) -> dict[int, datetime]:
    """When each figure's content first came in: a correction's is the corrected one's."""
    by_id = {f.id: f for f in figures}
    filed = {}
    for figure in figures:
        root = figure
        while root.supersedes is not None:
            root = by_id[root.supersedes]
        filed[figure.id] = root.recorded_at
    return filed


def _late(plan: Plan, ref_date: date, filed: datetime) -> bool:
    """Late by calendar.py's Python rule (which the SQL must agree with)."""
    return calendar.is_late(plan, ref_date, filed)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=None)


def _read(session, plan: Plan, days: list[date]) -> list[dict[tuple[str, str], tuple[object, ...]]]:
    return [
        {
            pair: (
                o.total,
                o.count,
                o.latest,
                o.last_date,
                o.last_by,
                o.late,
                o.last_recorded_at,
            )
            for pair, o in observed.items()
        }
        for observed in store.observations_at(session, plan, days)
    ]


def _rows(session) -> list[tuple[object, ...]]:
    """The rows as stored: sums are integers, so a bulk import's additions and a full
    recomputation agree to the last digit."""
    rows = session.connection().exec_driver_sql(
        "SELECT * FROM figure_months ORDER BY year, unit, indicator"
    )
    return [tuple(row) for row in rows]


DAYS = [
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 1, 31),
    date(2026, 2, 14),
    date(2026, 3, 31),
    date(2026, 6, 30),
    date(2026, 7, 1),
    date(2026, 9, 15),
    date(2026, 11, 30),
    date(2026, 12, 30),
    date(2026, 12, 31),
    date(2027, 1, 15),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "cycle", "due_days"),
    [(1, "monthly", 10), (2, "quarterly", 15), (3, "monthly", 0), (4, "quarterly", 0)],
)
def test_rows_and_observations_match_the_figures(
    db: Path, seed: int, cycle: str, due_days: int
) -> None:
    rng = random.Random(seed)
    plan = _plan(cycle, due_days)
    with store.open_database(location(db)) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, plan, "cycle.toml")
        for _ in range(4):  # several transactions, as several commands would be
            with opened.session(write=True) as session:
                _change_at_random(session, rng, 40)
        with opened.session(write=True) as session:
            kept = _rows(session)
            months.rebuild(session.connection())
            assert _rows(session) == kept  # what the writes kept is what the figures give
            days = [*DAYS, *(_random_day(rng) for _ in range(8))]
            read = _read(session, plan, days)
            for day, observed in zip(days, read, strict=True):
                assert observed == _model(session, plan, day), day
            filings = store.month_filings(session, plan)
            for as_of in (date(2026, 3, 11), date(2026, 7, 16), date(2027, 1, 16)):
                rates = timeliness.reporting_rates(plan, filings, {}, as_of)
                assert _rates(rates) == _model_rates(session, plan, as_of), as_of
                missing = timeliness.missing(plan, filings, as_of)
                assert _missing(missing) == _model_missing(session, plan, as_of), as_of
            # scoring's lateness and overdue's are one rule: at the year's end a pair is late
            # exactly when one of its periods was received late
            year_end = store.observations(session, plan, date(2026, 12, 31))
            for (unit, indicator), observation in year_end.items():
                months_of = filings[unit, indicator]
                periods = range(1, calendar.period_count(plan) + 1)
                judged = [timeliness.period_received(plan, months_of, n) for n in periods]
                assert observation.late == any(got and not punctual for got, punctual in judged)
    assert any(read[-4:]) and any(o[5] for found in read for o in found.values())


def _periods_model(session, plan: Plan, as_of: date) -> dict[tuple[str, str, int], bool]:
    """Per (unit, indicator, period due by ``as_of``) with counted figures: on time or not."""
    figures, retracted = _stored(session)
    filed = _filed(figures)
    size = 1 if plan.reporting_cycle == "monthly" else 3
    due = [n for n in range(1, 12 // size + 1) if due_date(plan, n) < as_of]
    found: dict[tuple[str, str, int], bool] = {}
    for figure in _counted(figures, retracted):
        period = (figure.ref_date.month - 1) // size + 1
        if period in due:
            key = (figure.unit, figure.indicator, period)
            punctual = not _late(plan, figure.ref_date, filed[figure.id])
            found[key] = found.get(key, True) and punctual
    return found


def _model_rates(session, plan: Plan, as_of: date) -> dict[str, tuple[int, int]]:
    periods = _periods_model(session, plan, as_of)
    rates = {}
    for unit in plan.units.values():
        if unit.is_ward:
            continue
        mine = [
            on_time
            for (code, indicator, _n), on_time in periods.items()
            if code == unit.code and indicator in unit.agreement
        ]
        rates[unit.code] = (len(mine), sum(mine))
    return rates


def _rates(rates: list[timeliness.ReportingRate]) -> dict[str, tuple[int, int]]:
    return {rate.unit.code: (rate.received, rate.on_time) for rate in rates}


def _model_missing(session, plan: Plan, as_of: date) -> set[tuple[str, str]]:
    size = 1 if plan.reporting_cycle == "monthly" else 3
    due = [n for n in range(1, 12 // size + 1) if due_date(plan, n) < as_of]
    if not due:
        return set()
    received = {(u, i) for (u, i, n) in _periods_model(session, plan, as_of) if n == due[-1]}
    return {
        (unit.code, code)
        for unit in plan.units.values()
        if not unit.is_ward
        for code in unit.agreement
        if (unit.code, code) not in received
    }


def _missing(findings: list[timeliness.Finding]) -> set[tuple[str, str]]:
    return {(f.unit, f.indicator or "") for f in findings}


@pytest.mark.parametrize(
    "days",
    [
        [date(2026, 12, 31), date(2026, 11, 30)],  # a ranking at the year's end
        [date(2026, 8, 31), date(2026, 7, 31), date(2026, 8, 17)],
    ],
)
def test_a_day_derived_from_the_first_reads_as_the_figures_say(db: Path, days: list[date]) -> None:
    """The previous month's end is read as the first day's sums less its last month, and
    the first day's lateness and last recording as the previous month end's and its last
    month's: both agree with the figures, and both derivations ran (month 1 is read once)."""
    rng = random.Random(5)
    plan = _plan("monthly", 10)
    # A3 (no figure at random): on time in March, late in the first day's last month
    on_time, late = _figure(rng, "A3", "VL", date(2026, 3, 5)), _figure(rng, "A3", "VL", days[0])
    on_time.recorded_at = datetime(2026, 3, 6, tzinfo=UTC)
    late.recorded_at = datetime.combine(days[0], datetime.min.time(), UTC) + timedelta(days=30)
    with store.open_database(location(db)) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, plan, "cycle.toml")
            _change_at_random(session, rng, 150)
            store.add_figure(session, on_time)
            store.add_figure(session, late)
        with opened.session() as session:
            statements: list[str] = []

            def seen(conn, cursor, statement, *rest) -> None:
                statements.append(statement)

            event.listen(session.connection(), "before_cursor_execute", seen)
            read = _read(session, plan, days)
            event.remove(session.connection(), "before_cursor_execute", seen)
            for day, observed in zip(days, read, strict=True):
                assert observed == _model(session, plan, day), day
    (query,) = [s for s in statements if re.search(r"\bwhole_1\b", s)]
    for column in ("whole_1", "nano_1", "delay_1", "recorded_1"):  # (a third day reads its own)
        assert len(re.findall(rf"\b{column}\b", query)) == len(days) - 1, column
    first, derived = read[0], read[1]
    assert first[("A3", "VL")][5] and not derived[("A3", "VL")][5]
    assert first[("A3", "VL")][6] > derived[("A3", "VL")][6]


def test_one_unit_reads_as_all_units_read(db: Path) -> None:
    with _with_figures(db, 7, 60) as (opened, plan, _rng), opened.session() as session:
        days = [date(2026, 5, 31), date(2026, 8, 17)]
        everyone = store.observations_at(session, plan, days)
        alone = store.observations_at(session, plan, days, unit="A2")
    assert alone == [{k: v for k, v in found.items() if k[0] == "A2"} for found in everyone]
    assert all(alone)


def test_tallies_are_the_observations_less_their_details(db: Path) -> None:
    """A ranking reads the days it only scores without the latest figure's details: what
    it reads is the same as the detailed observations' tally, whichever days are bare (the
    previous month's end is derived from the first day's sums, mid-month days add a partial
    month)."""
    days = [date(2026, 8, 31), date(2026, 7, 31), date(2026, 8, 17)]
    with _with_figures(db, 11, 60) as (opened, plan, _rng), opened.session() as session:
        detailed = store.observations_at(session, plan, days)
        read = {
            flags: store.tallies_at(session, plan, days, flags)
            for flags in ((False, False, False), (True, False, True), (False, True, False))
        }
    names = [field.name for field in fields(Tally)]

    def tally(found: Tally) -> tuple[object, ...]:
        return tuple(getattr(found, name) for name in names)

    assert all(detailed)
    for flags, tallies in read.items():
        for flag, bare, full in zip(flags, tallies, detailed, strict=True):
            assert {k: tally(v) for k, v in bare.items()} == {k: tally(v) for k, v in full.items()}
            assert all(type(v) is (Observation if flag else Tally) for v in bare.values())
            if flag:
                assert bare == full


def test_a_retraction_of_every_figure_leaves_no_row(db: Path) -> None:
    rng = random.Random(3)
    plan = _plan("monthly", 10)
    with store.open_database(location(db)) as opened, opened.session(write=True) as session:
        store.save_plan(session, plan, "cycle.toml")
        figure = store.add_figure(session, _figure(rng, "A1", "VL", date(2026, 4, 30)))
        assert len(_rows(session)) == 1
        store.add_retraction(
            session, Retraction(figure_id=figure.id, reason="nhầm", retracted_by="tester")
        )
        assert _rows(session) == []
        assert store.observations(session, plan, date(2026, 12, 31)) == {}


@pytest.mark.sqlite_only
def test_new_figures_are_read_by_id_not_by_scanning_the_index(db: Path) -> None:
    """Adding a report's figure to its month reads that figure by its id: SQLite's plan for
    the new figures' sums searches the table's ids and scans no index of the figures (a scan
    of the covering index cost a report 65 ms on 1,000,000 figures), and the months say what
    the figures say."""
    with (
        _with_figures(db, 5, 40) as (opened, _plan, rng),
        opened.session(write=True) as session,
    ):
        connection = session.connection()
        plans: list[str] = []

        @event.listens_for(connection, "before_cursor_execute")
        def explain(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            if statement.startswith("INSERT INTO month_slot"):
                driver = conn.connection.driver_connection
                found = driver.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                plans.extend(row[3] for row in found)

        added = store.add_figure(session, _figure(rng, "B1", "NS", date(2026, 9, 30)))
        event.remove(connection, "before_cursor_execute", explain)
        kept = _rows(session)
        months.rebuild(connection)
        assert _rows(session) == kept  # the month it was added to is what the figures give
    assert added.id is not None
    assert any(step.startswith("SEARCH figure USING INTEGER PRIMARY KEY") for step in plans)
    assert not [step for step in plans if step.startswith("SCAN figure")], plans
