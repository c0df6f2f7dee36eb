"""Reporting periods and rates with figures recorded at chosen times (the real store)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from helpers import SMALL_PLAN
from thiduaCLI import open_ledger
from thiduaCLI.domain.calendar import due_date, periods_due
from thiduaCLI.domain.plan import Deductions
from thiduaCLI.domain.plan_file import parse_plan
from thiduaCLI.storage import store
from thiduaCLI.storage.models import Figure


def _plan(cycle: str = "monthly"):
    text = SMALL_PLAN.replace(
        'title = "Kế hoạch thử"', f'title = "Kế hoạch thử"\nreporting_cycle = "{cycle}"'
    )
    return parse_plan(text, "cycle.toml")


def _record(db: Path, plan, *rows: tuple[str, str, date, datetime, int | None]) -> None:
    """(unit, indicator, figure date, recorded at UTC, id it supersedes)."""
    with store.open_database(db) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, plan, "cycle.toml")
        for unit, indicator, day, recorded, supersedes in rows:
            with opened.session(write=True) as session:
                figure = Figure(
                    year=2026,
                    unit=unit,
                    indicator=indicator,
                    value=90,
                    numerator=9,
                    denominator=10,
                    ref_date=day,
                    recorded_by="t",
                    supersedes=supersedes,
                )
                figure.recorded_at = recorded.replace(tzinfo=UTC)
                store.add_figure(session, figure)


def _rates(db: Path, as_of: date):
    with open_ledger(db, year=2026) as ledger:
        rates = ledger.overdue(as_of).answer
    return {rate.unit.code: rate for rate in rates}


def test_periods_fall_due_the_day_after_their_grace() -> None:
    monthly, quarterly = _plan(), _plan("quarterly")
    assert due_date(monthly, 3) == date(2026, 4, 10)
    assert due_date(quarterly, 1) == date(2026, 4, 10)
    assert periods_due(monthly, date(2026, 4, 10)) == [1, 2]  # March is still on time
    assert periods_due(monthly, date(2026, 4, 11)) == [1, 2, 3]
    assert periods_due(quarterly, date(2026, 7, 11)) == [1, 2]
    assert periods_due(monthly, date(2026, 1, 31)) == []


def test_reporting_rates(db: Path) -> None:
    plan = _plan()
    _record(
        db,
        plan,
        ("B1", "NS", date(2026, 1, 20), datetime(2026, 2, 5), None),  # January, on time
        ("B1", "NS", date(2026, 2, 20), datetime(2026, 3, 20), None),  # February, late
        ("B1", "NS", date(2026, 3, 20), datetime(2026, 4, 1), None),  # March: not due yet
        ("B2", "NS", date(2026, 1, 10), datetime(2026, 5, 1), None),  # filed after as_of
    )
    rates = _rates(db, date(2026, 4, 10))  # January and February are due
    b1 = rates["B1"]
    assert (b1.expected, b1.received, b1.on_time) == (2, 2, 1)
    assert b1.last_report.replace(tzinfo=None) == datetime(2026, 4, 1)
    # A review judges the figures dated by its day as they stand now: B2's January figure is
    # received, and late (filed 1 May, due 10 February); its last report by 10 April: none.
    b2 = rates["B2"]
    assert (b2.expected, b2.received, b2.on_time, b2.last_report) == (2, 1, 0, None)
    assert rates["A1"].expected == 4  # two indicators × two months
    assert "PHUONG" not in rates


def test_a_correction_keeps_the_time_of_the_figure_it_fixes(db: Path) -> None:
    plan = _plan()
    _record(
        db,
        plan,
        ("B1", "NS", date(2026, 1, 20), datetime(2026, 2, 5), None),  # on time
        ("B1", "NS", date(2026, 1, 20), datetime(2026, 3, 30), 1),  # corrected later
    )
    b1 = _rates(db, date(2026, 4, 30))["B1"]
    assert (b1.received, b1.on_time) == (1, 1)


def test_a_quarterly_plan_counts_quarters(db: Path) -> None:
    plan = _plan("quarterly")
    _record(db, plan, ("B1", "NS", date(2026, 2, 15), datetime(2026, 4, 9), None))
    b1 = _rates(db, date(2026, 7, 11))["B1"]
    assert (b1.expected, b1.received, b1.on_time) == (2, 1, 1)


@pytest.mark.parametrize(
    ("as_of", "missing_period"), [(date(2026, 5, 11), 4), (date(2026, 5, 10), 3)]
)
def test_check_missing_looks_at_the_last_period_due(
    db: Path, as_of: date, missing_period: int
) -> None:
    plan = _plan()
    _record(
        db,
        plan,
        ("B1", "NS", date(2026, 3, 31), datetime(2026, 4, 2), None),
        ("B1", "NS", date(2026, 4, 30), datetime(2026, 5, 2), None),
    )
    with open_ledger(db, year=2026) as ledger:
        result = ledger.check(as_of, missing=True)
    found = {(f.unit, f.indicator): f.value for f in result.findings}
    assert ("B1", "NS") not in found  # both March and April came in
    assert found[("B2", "NS")] == missing_period
    assert set(found.values()) == {missing_period}


@pytest.mark.parametrize("corrected", [False, True])
def test_a_late_figure_is_late_for_scoring_overdue_and_check_alike(
    db: Path, corrected: bool
) -> None:
    """B1's January figure came on 20 February (due 10 February); corrected the next day
    with the same value, it is still late, for every consumer of the lateness rule: the score
    loses its late deduction (2 points in this plan), overdue counts it received and not on
    time, and check finds nothing missing for January."""
    plan = _plan()
    plan = plan.model_copy(
        update={"scoring": plan.scoring.model_copy(update={"deductions": Deductions(late=2)})}
    )
    rows = [("B1", "NS", date(2026, 1, 20), datetime(2026, 2, 20, 3), None)]
    if corrected:
        rows.append(("B1", "NS", date(2026, 1, 20), datetime(2026, 2, 21, 3), 1))
    _record(db, plan, *rows)
    with open_ledger(db, year=2026) as ledger:
        as_of = date(2026, 2, 28)
        card = ledger.scorecard("B1", as_of)
        rates = {r.unit: r for r in ledger.overdue(as_of).units}
        check = ledger.check(as_of, missing=True)
    part = next(p for p in card.parts if p.indicator == "NS")
    assert (part.late, part.deduction, card.deduction) == (True, 2, 2)
    assert (rates["B1"].received, rates["B1"].on_time) == (1, 0)
    assert ("B1", "NS") not in {(f.unit, f.indicator) for f in check.findings}
