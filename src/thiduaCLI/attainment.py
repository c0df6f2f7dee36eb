"""Pure domain rules: a value against a target on a date, and the ward's rolled-up figures.

No I/O and no formatting here: every function takes plain values and returns plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Literal

from thiduaCLI.numbers import exact_sum
from thiduaCLI.plan import Indicator, Plan

State = Literal["achieved", "on_track", "behind", "not_achieved", "no_data"]
Basis = Literal["target", "prorated", "milestones"]


# The records a ranking makes by the ten thousand (here and in scoring.py) are slotted
# dataclasses, not frozen ones, which cost three times as much to create. They are values all
# the same: nothing changes one once made (``dataclasses.replace`` makes another).


@dataclass(slots=True)
class Observation:
    """What one unit's figures on one indicator add up to by a date (computed in SQL)."""

    unit: str
    indicator: str
    total: float
    count: int
    latest: float
    latest_numerator: float | None
    latest_denominator: float | None
    last_date: date
    last_by: str
    late: bool = False  # a counted figure, no correction, came after its due date
    last_recorded_at: datetime | None = None

    def value(self, indicator: Indicator) -> float:
        """Year-to-date sum for a cumulative indicator; the latest figure for a level one."""
        return self.total if indicator.kind == "cumulative" else self.latest


Observations = Mapping[tuple[str, str], Observation]


@dataclass(slots=True)
class Assessment:
    """A value judged against a target on a date.

    ``attainment`` compares with the annual target; ``progress`` with the ``basis`` a score
    uses: the expected-by-date figure (pro-rated or by milestones) for a cumulative indicator,
    the target itself for a level one.
    """

    target: float
    value: float | None
    expected: float | None
    attainment: float | None
    progress: float | None
    met: bool
    state: State
    projection: float | None
    needed_per_month: float | None
    basis: Basis = "target"

    @property
    def basis_target(self) -> float:
        """The figure ``progress`` is measured against."""
        return self.target if self.expected is None else self.expected


# ------------------------------------------------------------------------ the calendar


@cache  # a ranking asks the same question tens of thousands of times
def year_fraction(as_of: date, year: int) -> float:
    """Share of the plan year elapsed at the end of ``as_of`` (31 December -> 1.0)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def _quarter_ends(year: int) -> tuple[date, ...]:
    return (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))


def expected_share(indicator: Indicator, as_of: date, year: int) -> float:
    """Share of the annual target a cumulative indicator should have reached by ``as_of``.

    Pro-rated by days elapsed, or interpolated between the plan's quarterly milestones.
    """
    if indicator.milestones is None or indicator.target == 0:
        return year_fraction(as_of, year)
    levels = [0.0, *(m / indicator.target for m in indicator.milestones), 1.0]
    ends = _quarter_ends(year)
    starts = (date(year - 1, 12, 31), *ends[:3])
    for quarter, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if as_of <= end:
            if as_of <= start:
                return levels[quarter]
            part = (as_of - start).days / (end - start).days
            return levels[quarter] + part * (levels[quarter + 1] - levels[quarter])
    return 1.0


# ---------------------------------------------------------------- comparing with targets


def is_met(indicator: Indicator, value: float, target: float) -> bool:
    """Whether ``value`` achieves ``target`` under the indicator's comparator."""
    match indicator.comparator:
        case ">":
            return value > target
        case ">=":
            return value >= target
        case "~":
            return value >= target * (1 - (indicator.tolerance or 0) / 100)
        case "<=":
            return value <= target
        case "<":
            return value < target
    raise ValueError(indicator.comparator)  # pragma: no cover - the plan admits no other


def attainment_ratio(indicator: Indicator, value: float, target: float) -> float:
    """value ÷ target (target ÷ value when lower is better); 1.0 is the target.

    Where that would divide by zero the ratio is 1.0 if the target is met, else 0.0.
    """
    if indicator.lower_is_better:
        if value > 0:
            return target / value
    elif target > 0:
        return value / target
    return 1.0 if is_met(indicator, value, target) else 0.0


def assess(
    indicator: Indicator, target: float, value: float | None, as_of: date, year: int
) -> Assessment:
    """Judge a value against a target as of a date: attainment, state, expectation, projection.

    ``progress`` is the ratio a score is built from: against the expected-by-date figure for a
    cumulative indicator, against the target itself for a level one.
    """
    cumulative = indicator.kind == "cumulative"
    expected = target * expected_share(indicator, as_of, year) if cumulative else None
    basis: Basis = "target"
    if cumulative:
        basis = "prorated" if indicator.milestones is None else "milestones"
    if value is None:
        return Assessment(target, None, expected, None, None, False, "no_data", None, None, basis)

    met = is_met(indicator, value, target)
    attainment = attainment_ratio(indicator, value, target)
    progress = attainment
    projection = needed = None
    if cumulative and expected is not None:
        progress = attainment_ratio(indicator, value, expected)
        fraction = year_fraction(as_of, year)
        projection = value / fraction if fraction > 0 else None
        if not indicator.lower_is_better:
            months_left = (1 - fraction) * 12
            shortfall = max(0.0, target - value)
            needed = (
                0.0
                if met or shortfall == 0
                else (shortfall / months_left if months_left > 0 else None)
            )
    return Assessment(
        target=target,
        value=value,
        expected=expected,
        attainment=attainment,
        progress=progress,
        met=met,
        state=_state(indicator, value, expected, met, as_of >= date(year, 12, 31)),
        projection=projection,
        needed_per_month=needed,
        basis=basis,
    )


def _state(
    indicator: Indicator, value: float, expected: float | None, met: bool, year_over: bool
) -> State:
    if met:
        return "achieved"
    if year_over:
        return "not_achieved"
    if expected is None:
        return "behind"
    if indicator.lower_is_better:
        # A cumulative total only grows: past a ceiling it cannot come back under it.
        return "not_achieved"
    return "on_track" if value >= expected else "behind"


# ------------------------------------------------------------------- the ward's figures


@dataclass(frozen=True)
class WardValue:
    """The ward's value of an indicator and where it came from."""

    value: float | None
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
    value = _roll_up(plan, indicator, reported)
    source = "none" if value is None else "units"
    return WardValue(value, source, len(reported), len(signatories))


def _roll_up(plan: Plan, indicator: Indicator, reported: list[Observation]) -> float | None:
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
        return 100 * exact_sum(n for n, _ in parts if n is not None) / denominator
    weight_by = indicator.weight_by or ""
    weighted = [(plan.units[obs.unit].sizes.get(weight_by, 0.0), obs) for obs in reported]
    total_weight = sum(weight for weight, _ in weighted)
    if not total_weight:
        return None
    return sum(weight * obs.value(indicator) for weight, obs in weighted) / total_weight


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
