"""Pure domain rules: a value against a target on a date, and the ward's rolled-up figures.

No I/O and no formatting here: every function takes plain values and returns plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Literal

from thiduaCLI.domain import calendar
from thiduaCLI.domain.plan import Indicator, Plan
from thiduaCLI.text.numbers import HUNDRED, ONE, ZERO, divide, exact_sum

State = Literal["achieved", "on_track", "behind", "not_achieved", "no_data"]
Basis = Literal["target", "prorated", "milestones"]


# The records a ranking makes by the ten thousand (here and in scoring.py) are slotted
# dataclasses, not frozen ones, which cost three times as much to create. They are values all
# the same: nothing changes one once made (``dataclasses.replace`` makes another).


@dataclass(slots=True)
class Tally:
    """What a score counts of one unit's figures on one indicator by a date (computed in
    SQL): their sum, how many, the latest value, whether one came late and when the last was
    recorded. A ranking reads 54,000 of them and nothing more."""

    unit: str
    indicator: str
    total: Decimal
    count: int
    latest: Decimal
    late: bool  # a counted figure, no correction, came after its due date
    last_recorded_at: datetime | None

    def value(self, indicator: Indicator) -> Decimal:
        """Year-to-date sum for a cumulative indicator; the latest figure for a level one."""
        return self.total if indicator.kind == "cumulative" else self.latest


@dataclass(slots=True)
class Observation(Tally):
    """A :class:`Tally` with its latest figure's numerator, denominator, date and recorder:
    what a scorecard, the ward's roll-up and the forms show."""

    latest_numerator: Decimal | None
    latest_denominator: Decimal | None
    last_date: date
    last_by: str


Observations = Mapping[tuple[str, str], Observation]
Tallies = Mapping[tuple[str, str], Tally]


@dataclass(slots=True)
class Assessment:
    """A value judged against a target on a date.

    ``attainment`` compares with the annual target; ``progress`` with the ``basis`` a score
    uses: the expected-by-date figure (pro-rated or by milestones) for a cumulative indicator,
    the target itself for a level one. The year-end projection and the pace still needed are
    worked out when asked (a ranking judges 54,000 values and asks for neither).
    """

    target: Decimal
    value: Decimal | None
    expected: Decimal | None
    attainment: Decimal | None
    progress: Decimal | None
    met: bool
    state: State
    basis: Basis = "target"
    as_of: date | None = None  # the day judged at (the projection and the pace need it)
    year: int = 0
    chases: bool = False  # cumulative, higher is better: a pace per month is worth giving

    @property
    def basis_target(self) -> Decimal:
        """The figure ``progress`` is measured against."""
        return self.target if self.expected is None else self.expected

    @property
    def projection(self) -> Decimal | None:
        """A cumulative value carried on at its pace to the year's end (None: a level
        indicator, no figure, or nothing of the year elapsed)."""
        if self.expected is None or self.value is None or self.as_of is None:
            return None
        fraction = year_fraction(self.as_of, self.year)
        return divide(self.value, fraction) if fraction > ZERO else None

    @property
    def needed_per_month(self) -> Decimal | None:
        """What a cumulative target still needs per calendar month left: 0 when met, None
        when no month is left (or for a ceiling, a level indicator, no figure)."""
        if not self.chases or self.value is None or self.as_of is None:
            return None
        return _needed_per_month(
            self.target - self.value, self.met, months_left(self.as_of, self.year)
        )


# ------------------------------------------------------------------------ the calendar


@cache  # a ranking asks the same question tens of thousands of times
def year_fraction(as_of: date, year: int) -> Decimal:
    """Share of the plan year elapsed at the end of ``as_of`` (31 December -> 1)."""
    elapsed, length = calendar.days_elapsed(year, as_of)
    if elapsed == 0:
        return ZERO
    if elapsed == length:
        return ONE
    return divide(Decimal(elapsed), Decimal(length))


@cache
def months_left(as_of: date, year: int) -> int:
    """Calendar months of the plan year not yet ended by the end of ``as_of``: 15 June leaves
    June to December (7), 30 June leaves 6, 31 December none."""
    return 12 - calendar.months_ended(year, as_of)


def expected_share(indicator: Indicator, as_of: date, year: int) -> Decimal:
    """Share of the annual target a cumulative indicator should have reached by ``as_of``.

    Pro-rated by days elapsed, or interpolated between the plan's quarterly milestones.
    """
    if indicator.milestones is None or indicator.target == 0:
        return year_fraction(as_of, year)
    return _milestone_share(indicator.milestones, indicator.target, as_of, year)


@cache
def _milestone_share(
    milestones: tuple[Decimal, ...], target: Decimal, as_of: date, year: int
) -> Decimal:
    levels = [ZERO, *(divide(m, target) for m in milestones), ONE]
    ends = calendar.quarter_ends(year)
    starts = (date(year - 1, 12, 31), *ends[:3])
    for quarter, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if as_of <= end:
            if as_of <= start:
                return levels[quarter]
            part = divide(Decimal((as_of - start).days), Decimal((end - start).days))
            return levels[quarter] + part * (levels[quarter + 1] - levels[quarter])
    return ONE


# ---------------------------------------------------------------- comparing with targets


def is_met(indicator: Indicator, value: Decimal, target: Decimal) -> bool:
    """Whether ``value`` achieves ``target`` under the indicator's comparator."""
    match indicator.comparator:
        case ">":
            return value > target
        case ">=":
            return value >= target
        case "~":
            return value >= about_floor(indicator, target)
        case "<=":
            return value <= target
        case "<":
            return value < target
    raise ValueError(indicator.comparator)  # pragma: no cover - the plan admits no other


def about_floor(indicator: Indicator, target: Decimal) -> Decimal:
    """The least value that is "about" ``target`` (``~``): target × (1 − tolerance/100);
    the target itself for other comparators."""
    if indicator.comparator != "~":
        return target
    return target * _about_share(indicator.tolerance or ZERO)


@cache  # the same few tolerances, asked for each unit's "about" indicators
def _about_share(tolerance: Decimal) -> Decimal:
    """1 − tolerance/100: the share of a target that is "about" it."""
    return ONE - divide(tolerance, HUNDRED)


def attainment_ratio(indicator: Indicator, value: Decimal, target: Decimal) -> Decimal:
    """value ÷ target (target ÷ value when lower is better); 1 is the target.

    Where that would divide by zero the ratio is 1 if the target is met, else 0.
    """
    if indicator.lower_is_better:
        if value > ZERO:  # Decimal constants: comparing with an int converts it each time
            return divide(target, value)
    elif target > ZERO:
        return divide(value, target)
    return ONE if is_met(indicator, value, target) else ZERO


def expected_by(indicator: Indicator, target: Decimal, as_of: date, year: int) -> Decimal | None:
    """What a cumulative indicator should have reached by ``as_of`` (None: a level one)."""
    if indicator.kind != "cumulative":
        return None
    return target * expected_share(indicator, as_of, year)


Judgement = tuple[Decimal | None, bool, Decimal, Decimal]


def judge(
    indicator: Indicator, target: Decimal, value: Decimal, as_of: date, year: int
) -> Judgement:
    """The numbers of a value judged against a target as of a date: the expected-by-date
    figure (None for a level indicator), whether it is met as a score counts it, its
    attainment and its progress (see :func:`assess`, which explains them in an
    :class:`Assessment`; a ranking's score needs only these)."""
    cumulative = indicator.kind == "cumulative"
    expected = expected_by(indicator, target, as_of, year)
    met = is_met(indicator, value, target)
    if met and cumulative and indicator.lower_is_better:  # a ceiling: met when the year is
        met = as_of >= _year_end(year)
    attainment = attainment_ratio(indicator, value, target)
    progress = attainment if expected is None else attainment_ratio(indicator, value, expected)
    return expected, met, attainment, progress


def assess(
    indicator: Indicator, target: Decimal, value: Decimal | None, as_of: date, year: int
) -> Assessment:
    """Judge a value against a target as of a date: attainment, state, expectation, projection.

    ``progress`` is the ratio a score is built from: against the expected-by-date figure for a
    cumulative indicator, against the target itself for a level one. A cumulative ceiling
    (``<``/``<=``) is judged on the whole year: it is never met before the year has ended.
    """
    if value is None:
        expected = expected_by(indicator, target, as_of, year)
        return Assessment(target, None, expected, None, None, False, "no_data", basis_of(indicator))
    return explained(
        indicator, target, value, judge(indicator, target, value, as_of, year), as_of, year
    )


def explained(
    indicator: Indicator,
    target: Decimal,
    value: Decimal,
    judgement: Judgement,
    as_of: date,
    year: int,
) -> Assessment:
    """The :class:`Assessment` of a value from its :func:`judge` numbers."""
    expected, met, attainment, progress = judgement
    year_over = as_of >= _year_end(year)
    return Assessment(  # by position: a ranking makes 54,000 of them
        target,
        value,
        expected,
        attainment,
        progress,
        met,
        _state(indicator, target, value, expected, met, year_over),
        basis_of(indicator),
        as_of,
        year,
        expected is not None and not indicator.lower_is_better,
    )


def basis_of(indicator: Indicator) -> Basis:
    """What an indicator's progress is measured against."""
    if indicator.kind != "cumulative":
        return "target"
    return "prorated" if indicator.milestones is None else "milestones"


def _needed_per_month(shortfall: Decimal, met: bool, months: int) -> Decimal | None:
    """What is still needed per calendar month left; 0 when met; None when no month is left."""
    if met or shortfall <= ZERO:
        return ZERO
    return divide(shortfall, Decimal(months)) if months > 0 else None


def _state(
    indicator: Indicator,
    target: Decimal,
    value: Decimal,
    expected: Decimal | None,
    met: bool,
    year_over: bool,
) -> State:
    if expected is not None and indicator.lower_is_better and not year_over:
        # A cumulative ceiling (a cost) is judged on the whole year: within it, on track;
        # past it, not achieved at once, since a total only grows.
        return "on_track" if is_met(indicator, value, target) else "not_achieved"
    if met:
        return "achieved"
    if year_over:
        return "not_achieved"
    if expected is None:
        return "behind"
    return "on_track" if value >= about_floor(indicator, expected) else "behind"


@cache
def _year_end(year: int) -> date:
    return date(year, 12, 31)


# ------------------------------------------------------------------- the ward's figures


@dataclass(frozen=True)
class WardValue:
    """The ward's value of an indicator and where it came from."""

    value: Decimal | None
    source: Literal["ward", "units", "none"]
    units_reported: int
    units_expected: int


def ward_value(plan: Plan, indicator: Indicator, observations: Observations) -> WardValue:
    """The ward's own figure where it reported one, else the roll-up the plan declares."""
    signatories = [
        unit.code
        for unit in plan.units.values()
        if not unit.is_ward and indicator.code in unit.agreement
    ]
    reported = [
        observations[(code, indicator.code)]
        for code in signatories
        if (code, indicator.code) in observations
    ]
    own = observations.get((plan.ward_code, indicator.code))
    if own is not None:
        return WardValue(own.value(indicator), "ward", len(reported), len(signatories))
    if indicator.rollup == "ratio" and any(not obs.latest_denominator for obs in reported):
        # a share given as a plain percentage: the sole signatory's share is the ward's;
        # beside other units it cannot be added, and counts as not reported
        if len(signatories) == 1:
            (obs,) = reported
            return WardValue(obs.value(indicator), "units", 1, 1)
        reported = [obs for obs in reported if obs.latest_denominator]
    value = _roll_up(plan, indicator, reported)
    source: Literal["units", "none"] = "none" if value is None else "units"
    return WardValue(value, source, len(reported), len(signatories))


def _roll_up(plan: Plan, indicator: Indicator, reported: list[Observation]) -> Decimal | None:
    if not reported or indicator.rollup == "none":
        return None
    if indicator.rollup == "sum":
        return exact_sum(obs.value(indicator) for obs in reported)
    if indicator.rollup == "ratio":
        parts = [
            (obs.latest_numerator, obs.latest_denominator)
            for obs in reported
            if obs.latest_numerator is not None and obs.latest_denominator
        ]
        denominator = exact_sum(d for _, d in parts if d is not None)
        if not denominator:
            return None
        return divide(HUNDRED * exact_sum(n for n, _ in parts if n is not None), denominator)
    weight_by = indicator.weight_by or ""
    weighted = [(plan.units[obs.unit].sizes.get(weight_by, ZERO), obs) for obs in reported]
    total_weight = sum((weight for weight, _ in weighted), ZERO)
    if not total_weight:
        return None
    weighted_sum = sum((weight * obs.value(indicator) for weight, obs in weighted), ZERO)
    return divide(weighted_sum, total_weight)


@dataclass(frozen=True)
class IndicatorStatus:
    """One row of the ward's progress table."""

    indicator: Indicator
    ward: WardValue
    assessment: Assessment


def ward_status(plan: Plan, observations: Observations, as_of: date) -> list[IndicatorStatus]:
    """Progress of every indicator of the plan at ward level."""
    rows = []
    for indicator in plan.indicators.values():
        ward = ward_value(plan, indicator, observations)
        judged = assess(indicator, indicator.target, ward.value, as_of, plan.year)
        if judged.state == "achieved" and not _can_confirm(indicator, ward):
            year_over = as_of >= date(plan.year, 12, 31)
            judged = replace(judged, state="not_achieved" if year_over else "on_track")
        rows.append(IndicatorStatus(indicator, ward, judged))
    return rows


def _can_confirm(indicator: Indicator, ward: WardValue) -> bool:
    """Whether the ward value can prove the target achieved: missing data never helps.

    A roll-up from only some units proves it only for a cumulative sum where more is better
    (the missing units can only add to it); a ratio or a mean of some units proves nothing.
    """
    if ward.source != "units" or ward.units_reported >= ward.units_expected:
        return True
    return (
        indicator.kind == "cumulative"
        and indicator.rollup == "sum"
        and not indicator.lower_is_better
    )
