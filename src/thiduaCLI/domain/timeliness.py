"""Pure rules for cron: reporting periods and rates (the "kịp thời" half), and the checks.

A plan reports monthly or quarterly; the figures of a period are due ``due_days`` after it
ends, in Vietnam's time. The calendar itself (periods, due dates, lateness) is
:mod:`thiduaCLI.domain.calendar`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from thiduaCLI.domain.attainment import IndicatorStatus, Observations
from thiduaCLI.domain.calendar import (
    grace_days,
    local_day,
    period_months,
    periods_due,
)
from thiduaCLI.domain.plan import Plan, Unit
from thiduaCLI.domain.scoring import RankRow

# Per (unit, indicator), per month of the plan year: how many counted figures, and the most
# days one was first filed after the month's end (store.month_filings).
Filing = tuple[int | None, int | None]
MonthFilings = Mapping[tuple[str, str], Sequence[Filing]]
NO_FILINGS: tuple[Filing, ...] = ((None, None),) * 12


def period_received(plan: Plan, filings: Sequence[Filing], number: int) -> tuple[bool, bool]:
    """Whether a period has counted figures, and whether every one of them was first filed by
    the period's due date (the lateness rule of :mod:`thiduaCLI.domain.calendar`)."""
    months = period_months(plan, number)
    received = any(filings[m - 1][0] for m in months)
    delays = [(filings[m - 1][1], grace_days(plan, m)) for m in months]
    on_time = received and all(delay is None or delay <= grace for delay, grace in delays)
    return received, on_time


@dataclass(frozen=True)
class ReportingRate:
    """How a unit kept to the reporting cycle: figures expected, received, on time."""

    unit: Unit
    expected: int
    received: int
    on_time: int
    last_report: datetime | None

    @property
    def received_rate(self) -> float | None:
        """Share of expected figures received (None when nothing was due yet)."""
        return self.received / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        """Share of expected figures received by their due date."""
        return self.on_time / self.expected if self.expected else None


def reporting_rates(
    plan: Plan, filings: MonthFilings, last_reports: Mapping[str, datetime], as_of: date
) -> list[ReportingRate]:
    """For every unit in a block: each agreement indicator is due once per period that has
    passed its due date; it is received if a counted figure is dated in that period, and on
    time if every counted figure dated in it was first filed by the due date."""
    due = periods_due(plan, as_of)
    rates = []
    for unit in plan.units.values():
        if unit.is_ward:
            continue
        received = on_time = 0
        for code in unit.agreement:
            months = filings.get((unit.code, code), NO_FILINGS)
            for number in due:
                got, punctual = period_received(plan, months, number)
                received += got
                on_time += punctual
        expected = len(unit.agreement) * len(due)
        rates.append(ReportingRate(unit, expected, received, on_time, last_reports.get(unit.code)))
    return rates


# ------------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Finding:
    """Something a cron job should tell a person about."""

    check: str  # "behind", "overdue", "missing" or "below"
    unit: str
    name: str
    indicator: str | None
    value: Decimal | int | None
    threshold: Decimal | int | None
    state: str


def behind(
    statuses: Sequence[IndicatorStatus], ward: Unit, year_over: bool = False
) -> list[Finding]:
    """Ward indicators behind what was expected by the date (or not achieved at year end).

    No data at all counts as behind for a cumulative indicator (something is expected from the
    first day) and, at year end, for every indicator.
    """
    findings = []
    for row in statuses:
        judged = row.assessment
        lagging = judged.state in ("behind", "not_achieved")
        silent = judged.state == "no_data" and (year_over or judged.expected is not None)
        if lagging or silent:
            threshold = judged.expected if judged.expected is not None else judged.target
            findings.append(
                Finding(
                    "behind",
                    ward.code,
                    ward.name,
                    row.indicator.code,
                    judged.value,
                    threshold,
                    judged.state,
                )
            )
    return findings


def missing(plan: Plan, filings: MonthFilings, as_of: date) -> list[Finding]:
    """Units with an agreement indicator that has no figure for the last period now due.

    ``value`` is that period's number (its month, or its quarter).
    """
    due = periods_due(plan, as_of)
    if not due:
        return []
    last = due[-1]
    return [
        Finding("missing", unit.code, unit.name, code, last, None, "missing")
        for unit in plan.units.values()
        if not unit.is_ward
        for code in unit.agreement
        if not period_received(plan, filings.get((unit.code, code), NO_FILINGS), last)[0]
    ]


def overdue(plan: Plan, observations: Observations, as_of: date, days: int) -> list[Finding]:
    """Units with an agreement indicator that has no figure recorded in the last ``days`` days.

    ``value`` is the number of days since its last figure (None: never reported).
    """
    findings = []
    for unit in plan.units.values():
        if unit.is_ward:
            continue
        for code in unit.agreement:
            observation = observations.get((unit.code, code))
            last = observation.last_recorded_at if observation else None
            age = None if last is None else max(0, (as_of - local_day(last)).days)
            if age is None or age > days:
                state = "never" if age is None else "overdue"
                findings.append(Finding("overdue", unit.code, unit.name, code, age, days, state))
    return findings


def below(rows: Sequence[RankRow], score: Decimal) -> list[Finding]:
    """Units scoring below ``score`` (the score as shown, rounded half up)."""
    return [
        Finding(
            "below",
            row.result.unit.code,
            row.result.unit.name,
            None,
            row.result.score,
            score,
            row.result.grade,
        )
        for row in rows
        if row.result.score < score
    ]
