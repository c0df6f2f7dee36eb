"""Domain rules, each with an expectation computed by hand in the comment beside it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from helpers import obs
from thiduaCLI.domain.attainment import (
    assess,
    attainment_ratio,
    expected_share,
    is_met,
    months_left,
    ward_status,
    ward_value,
    year_fraction,
)
from thiduaCLI.domain.plan import Indicator, Plan

YEAR_END = date(2026, 12, 31)
JUNE = date(2026, 6, 30)


def indicator(comparator: str = ">=", **fields: object) -> Indicator:
    base = {
        "code": "X",
        "name": "X",
        "measure": "x",
        "target": 100,
        "comparator": comparator,
        "kind": "level",
        "rollup": "none",
    }
    return Indicator.model_validate(base | fields)


# ------------------------------------------------------------------------ comparators


@pytest.mark.parametrize(
    ("comparator", "value", "met"),
    [
        (">", 107, False),  # "hơn 107": exactly 107 is not achieved
        (">", 107.01, True),
        (">=", 107, True),
        (">=", 106.99, False),
        ("<=", 107, True),
        ("<=", 107.01, False),
        ("<", 107, False),
        ("<", 106.99, True),
    ],
)
def test_comparators(comparator: str, value: float, met: bool) -> None:
    assert is_met(indicator(comparator, target=107), value, 107) is met


def test_about_is_met_from_target_less_tolerance_upward() -> None:
    about = indicator("~", target=1400, tolerance=5)  # 1400 × 0.95 = 1330
    assert is_met(about, 1330, 1400)
    assert not is_met(about, 1329, 1400)
    assert is_met(about, 2000, 1400)  # over-achieving "about" is never punished


# ------------------------------------------------------------------------- attainment


def test_attainment_is_value_over_target_for_higher_is_better() -> None:
    assert attainment_ratio(indicator(">="), D(535), D(500)) == D("1.07")


def test_attainment_is_target_over_value_for_lower_is_better() -> None:
    assert attainment_ratio(indicator("<="), D(4), D(5)) == D("1.25")
    assert attainment_ratio(indicator("<"), D(10), D(5)) == D("0.5")


@pytest.mark.parametrize(
    ("comparator", "value", "target", "ratio"),
    [
        (">=", 3, 0, 1.0),  # 3/0: ">= 0" is met -> 100 %
        (">", 0, 0, 0.0),  # 0/0: "> 0" is not met -> 0 %
        ("<=", 0, 5, 1.0),  # 5/0: "<= 5" is met -> 100 %
        ("<=", 0, 0, 1.0),  # 0/0: "<= 0" is met -> 100 %
        ("<", 0, 0, 0.0),  # 0/0: "< 0" is not met -> 0 %
        ("<=", 2, 0, 0.0),  # 0/2 = 0
    ],
)
def test_attainment_never_divides_by_zero(comparator, value, target, ratio) -> None:
    assert attainment_ratio(indicator(comparator), value, target) == ratio


def test_a_negative_growth_rate_gives_negative_attainment() -> None:
    growth = indicator(">=", target=12.5, negative=True)
    assert attainment_ratio(growth, D("-2.5"), D("12.5")) == D("-0.2")


# -------------------------------------------------------------------- expected by date


@pytest.mark.parametrize(
    ("day", "fraction"),
    [
        (date(2026, 1, 1), 1 / 365),
        (date(2026, 3, 31), 90 / 365),  # 31 + 28 + 31
        (date(2026, 7, 2), 183 / 365),  # 181 days to 30 June, + 2
        (date(2026, 12, 31), 1.0),
        (date(2025, 12, 31), 0.0),
        (date(2027, 1, 5), 1.0),
    ],
)
def test_year_fraction_counts_elapsed_days_inclusive(day: date, fraction: float) -> None:
    assert float(year_fraction(day, 2026)) == pytest.approx(fraction)


def test_expected_share_follows_quarterly_milestones() -> None:
    staged = indicator(kind="cumulative", target=100, milestones=(20, 50, 80))
    assert expected_share(staged, date(2026, 3, 31), 2026) == D("0.2")
    assert expected_share(staged, date(2026, 6, 30), 2026) == D("0.5")
    assert expected_share(staged, date(2026, 12, 31), 2026) == 1
    # 14 Feb: 45 of Q1's 90 days -> half of 20 %
    assert expected_share(staged, date(2026, 2, 14), 2026) == D("0.1")
    # 15 May: 45 of Q2's 91 days -> 20 % + 45/91 × 30 %
    may = expected_share(staged, date(2026, 5, 15), 2026)
    assert float(may) == pytest.approx(0.2 + 45 / 91 * 0.3)
    # 15 Nov: 46 of Q4's 92 days -> 80 % + 46/92 × 20 % = 90 %
    assert expected_share(staged, date(2026, 11, 15), 2026) == D("0.9")


def test_cumulative_progress_is_judged_against_what_is_expected_by_the_date() -> None:
    revenue = indicator(">", kind="cumulative", target=100)
    judged = assess(revenue, D(100), D(30), date(2026, 3, 31), 2026)
    expected = 100 * 90 / 365  # 24,66
    assert float(judged.expected) == pytest.approx(expected)
    assert judged.attainment == D("0.3")
    assert float(judged.progress) == pytest.approx(30 / expected)  # 1,2167
    assert judged.state == "on_track"
    assert float(judged.projection) == pytest.approx(30 * 365 / 90)  # 121,67 at this run rate
    # April to December: 9 calendar months left for the 70 still missing
    assert float(judged.needed_per_month) == pytest.approx(70 / 9)  # 7,78 a month


def test_cumulative_behind_then_not_achieved_at_year_end() -> None:
    revenue = indicator(">", kind="cumulative", target=100)
    assert assess(revenue, D(100), D(20), date(2026, 3, 31), 2026).state == "behind"  # < 24,66
    assert assess(revenue, D(100), D(100), YEAR_END, 2026).state == "not_achieved"  # not > 100
    assert assess(revenue, D(100), D("100.5"), YEAR_END, 2026).state == "achieved"
    assert assess(revenue, D(100), D(101), date(2026, 6, 1), 2026).state == "achieved"


def test_a_cumulative_ceiling_is_on_track_until_the_year_ends_and_lost_once_passed() -> None:
    """A ceiling (a cost, accidents) is judged on the whole year: 4 of 10 by June is on track,
    not yet achieved (the second half may still pass 10); 11 by June is lost for good."""
    accidents = indicator("<=", kind="cumulative", target=10)
    june = assess(accidents, D(10), D(4), JUNE, 2026)
    assert (june.state, june.met) == ("on_track", False)
    assert assess(accidents, D(10), D(10), JUNE, 2026).state == "on_track"  # <= 10: within
    assert assess(accidents, D(10), D(11), JUNE, 2026).state == "not_achieved"
    year_end = assess(accidents, D(10), D(4), YEAR_END, 2026)
    assert (year_end.state, year_end.met) == ("achieved", True)
    assert assess(accidents, D(10), D(11), YEAR_END, 2026).state == "not_achieved"
    below = indicator("<", kind="cumulative", target=10)  # strictly below: 10 is over it
    assert assess(below, D(10), D(10), JUNE, 2026).state == "not_achieved"
    assert assess(below, D(10), D("9.9"), JUNE, 2026).state == "on_track"


def test_level_indicators_use_the_target_itself() -> None:
    insured = indicator(">=", target=96, share=True)
    judged = assess(insured, D(96), D("91.2"), date(2026, 3, 31), 2026)
    assert judged.expected is None
    assert judged.progress == judged.attainment == D("0.95")
    assert judged.state == "behind"
    assert assess(insured, D(96), D("91.2"), YEAR_END, 2026).state == "not_achieved"
    assert assess(insured, D(96), D(96), date(2026, 3, 31), 2026).state == "achieved"


def test_no_figure_is_no_data() -> None:
    judged = assess(indicator(), 100, None, date(2026, 3, 31), 2026)
    assert (judged.state, judged.value, judged.attainment) == ("no_data", None, None)


# ---------------------------------------------------------------------- ward roll-ups


def test_cumulative_figures_are_summed(small_plan: Plan) -> None:
    observed = {("A1", "VL"): obs("A1", "VL", 30), ("A2", "VL"): obs("A2", "VL", 45)}
    ward = ward_value(small_plan, small_plan.indicators["VL"], observed)
    assert (ward.value, ward.source, ward.units_reported, ward.units_expected) == (
        75,
        "units",
        2,
        3,
    )


def test_shares_add_numerators_and_denominators(small_plan: Plan) -> None:
    observed = {
        ("A1", "BH"): obs("A1", "BH", latest=90, numerator=900, denominator=1000),
        ("A2", "BH"): obs("A2", "BH", latest=95, numerator=1900, denominator=2000),
    }
    ward = ward_value(small_plan, small_plan.indicators["BH"], observed)
    assert ward.value == D(280) / D(3)  # 93,33 %, not the mean 92,5 %


def test_weighted_shares_use_the_declared_weight(small_plan: Plan) -> None:
    observed = {("B1", "NS"): obs("B1", "NS", latest=80), ("B2", "NS"): obs("B2", "NS", latest=100)}
    ward = ward_value(small_plan, small_plan.indicators["NS"], observed)
    assert ward.value == D(95)  # (1000 × 80 + 3000 × 100) / 4000, not the mean 90 %


def test_the_wards_own_figure_stands(small_plan: Plan) -> None:
    observed = {
        ("A1", "BH"): obs("A1", "BH", latest=90, numerator=900, denominator=1000),
        ("PHUONG", "BH"): obs("PHUONG", "BH", latest=91.5),
    }
    ward = ward_value(small_plan, small_plan.indicators["BH"], observed)
    assert (ward.value, ward.source) == (91.5, "ward")


def test_an_indicator_only_the_ward_reports_has_no_roll_up(small_plan: Plan) -> None:
    ward = ward_value(small_plan, small_plan.indicators["TANG"], {})
    assert (ward.value, ward.source, ward.units_expected) == (None, "none", 0)


def test_ward_status_judges_the_ward_value_against_the_ward_target(small_plan: Plan) -> None:
    observed = {("A1", "VL"): obs("A1", "VL", 150), ("A2", "VL"): obs("A2", "VL", 50)}
    rows = {row.indicator.code: row for row in ward_status(small_plan, observed, YEAR_END)}
    assert rows["VL"].assessment.value == 200
    assert rows["VL"].assessment.attainment == pytest.approx(1.0)
    assert rows["VL"].assessment.state == "achieved"
    assert rows["THU"].assessment.state == "no_data"


def test_a_partial_ratio_roll_up_never_counts_as_achieved(small_plan: Plan) -> None:
    observed = {("A1", "BH"): obs("A1", "BH", latest=95, numerator=95, denominator=100)}
    rows = {row.indicator.code: row for row in ward_status(small_plan, observed, JUNE)}
    # 95 % meets "≥ 90 %", but only A1 of A1–A3 reported: on track, not achieved
    assert (rows["BH"].ward.units_reported, rows["BH"].ward.units_expected) == (1, 3)
    assert rows["BH"].assessment.met
    assert rows["BH"].assessment.state == "on_track"
    at_year_end = {row.indicator.code: row for row in ward_status(small_plan, observed, YEAR_END)}
    assert at_year_end["BH"].assessment.state == "not_achieved"


def test_a_partial_sum_already_over_target_is_achieved(small_plan: Plan) -> None:
    observed = {("A1", "VL"): obs("A1", "VL", 250)}  # the others can only add to 250 > 200
    rows = {row.indicator.code: row for row in ward_status(small_plan, observed, JUNE)}
    assert rows["VL"].assessment.state == "achieved"


def test_all_units_reporting_confirms_a_ratio(small_plan: Plan) -> None:
    observed = {
        (code, "BH"): obs(code, "BH", latest=95, numerator=95, denominator=100)
        for code in ("A1", "A2", "A3")
    }
    rows = {row.indicator.code: row for row in ward_status(small_plan, observed, JUNE)}
    assert rows["BH"].assessment.state == "achieved"


# ------------------------------------------------- about (~), ceilings, months left


def test_about_uses_its_tolerance_for_on_track_too() -> None:
    """ "Khoảng 1.400" with 5 %: by 31 March 1400 × 90/365 = 345,2 jobs are expected; on
    track from 345,2 × 0,95 = 327,9 upward, as achieved is from 1.330 upward."""
    jobs = indicator("~", kind="cumulative", target=1400, tolerance=5)
    march = date(2026, 3, 31)
    assert assess(jobs, D(1400), D(328), march, 2026).state == "on_track"  # 95,0 % of 345,2
    assert assess(jobs, D(1400), D(327), march, 2026).state == "behind"  # 94,7 %
    strict = indicator(">=", kind="cumulative", target=1400)
    assert assess(strict, D(1400), D(328), march, 2026).state == "behind"  # no tolerance


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (date(2026, 1, 1), 12),
        (date(2026, 1, 31), 11),
        (date(2026, 6, 15), 7),  # June to December
        (date(2026, 6, 30), 6),  # July to December
        (date(2026, 12, 30), 1),
        (date(2026, 12, 31), 0),
        (date(2025, 12, 31), 12),
        (date(2027, 1, 1), 0),
    ],
)
def test_months_left_are_calendar_months_not_yet_ended(day: date, months: int) -> None:
    assert months_left(day, 2026) == months


def test_needed_per_month_spreads_the_shortfall_over_the_calendar_months_left() -> None:
    revenue = indicator(">=", kind="cumulative", target=100)
    # 100 − 30 = 70 over June to December (7 months): 10 a month
    assert assess(revenue, D(100), D(30), date(2026, 6, 15), 2026).needed_per_month == 10
    # over July to December (6 months): 11,666…
    june = assess(revenue, D(100), D(30), JUNE, 2026).needed_per_month
    assert june == D(70) / 6
    # no month left: nothing can be spread (and nothing is needed once it is met)
    assert assess(revenue, D(100), D(30), YEAR_END, 2026).needed_per_month is None
    assert assess(revenue, D(100), D(100), JUNE, 2026).needed_per_month == 0
