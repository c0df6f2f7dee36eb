"""Scores, grades, ranks and ties, each expectation computed by hand beside it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from helpers import SMALL_PLAN, obs
from thiduaCLI.domain.attainment import Tally
from thiduaCLI.domain.periods import parse_period
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.plan_file import parse_plan
from thiduaCLI.domain.scoring import (
    UnitScore,
    grade_for,
    next_grade,
    rank_block,
    rank_units,
    score_unit,
    shortlist,
    with_movement,
)
from thiduaCLI.errors import PlanError

YEAR_END = date(2026, 12, 31)


# ----------------------------------------------------------------------- scores, ranks


def test_score_is_the_weighted_mean_of_capped_attainment(small_plan: Plan) -> None:
    observed = {
        ("A1", "BH"): obs("A1", "BH", latest=81, numerator=81, denominator=100),  # 81/90 = 0,9
        ("A1", "VL"): obs("A1", "VL", 120),  # 120/100 = 1,2, capped at 1,0
    }
    result = score_unit(small_plan, small_plan.units["A1"], observed, YEAR_END)
    # BH weighs 2, VL weighs 1: (2 × 0,9 + 1 × 1,0) / 3 × 100 = 93,33
    assert result.score == D("93.33")
    assert result.grade == "Hoàn thành xuất sắc nhiệm vụ"
    parts = {part.indicator: part for part in result.parts}
    assert parts["VL"].capped == 1
    assert parts["BH"].points == 60
    assert float(parts["VL"].points) == pytest.approx(100 / 3)
    assert (result.reported, result.expected, result.missing) == (2, 2, [])


def test_a_score_from_bare_tallies_is_the_same_score(small_plan: Plan) -> None:
    """A ranking scores the previous period from tallies (no latest figure's details): the
    same 93,33 as above; explaining a score needs the observations."""
    observed = {
        ("A1", "BH"): obs("A1", "BH", latest=81, numerator=81, denominator=100),
        ("A1", "VL"): obs("A1", "VL", 120),
    }
    tallies = {
        pair: Tally(o.unit, o.indicator, o.total, o.count, o.latest, o.late, None)
        for pair, o in observed.items()
    }
    unit = small_plan.units["A1"]
    bare = score_unit(small_plan, unit, tallies, YEAR_END, explained=False)
    assert (bare.score, bare.achieved, bare.parts) == (D("93.33"), 1, ())
    assert bare.exact.quantize(D("0.0001")) == D("93.3333")  # 280 / 3, unrounded
    with pytest.raises(TypeError, match="A1/BH: a score explained needs observations"):
        score_unit(small_plan, unit, tallies, YEAR_END)


def test_a_higher_cap_counts_over_achievement(small_plan: Plan) -> None:
    generous = small_plan.model_copy(
        update={"scoring": small_plan.scoring.model_copy(update={"cap": 120})}
    )
    observed = {
        ("A1", "BH"): obs("A1", "BH", latest=81, numerator=81, denominator=100),
        ("A1", "VL"): obs("A1", "VL", 130),  # 1,3 capped at 1,2
    }
    result = score_unit(generous, generous.units["A1"], observed, YEAR_END)
    assert result.score == D("100.0")  # (2 × 0,9 + 1 × 1,2) / 3 × 100


def test_a_missing_figure_counts_zero_and_is_marked(small_plan: Plan) -> None:
    observed = {("A2", "BH"): obs("A2", "BH", latest=90, numerator=9, denominator=10)}
    result = score_unit(small_plan, small_plan.units["A2"], observed, YEAR_END)
    assert result.score == D("66.67")  # (2 × 1,0 + 1 × 0) / 3 × 100
    assert result.grade == "Hoàn thành nhiệm vụ"
    assert (result.reported, result.expected, result.missing) == (1, 2, ["VL"])


def test_mid_year_a_cumulative_indicator_scores_against_the_expected_figure(
    small_plan: Plan,
) -> None:
    observed = {
        ("A1", "BH"): obs("A1", "BH", latest=90, numerator=9, denominator=10),
        ("A1", "VL"): obs("A1", "VL", 20),
    }
    result = score_unit(small_plan, small_plan.units["A1"], observed, date(2026, 3, 31))
    # 100 × 90/365 = 24,66 jobs expected by 31 March; 20/24,66 = 0,8111
    # (2 × 1,0 + 1 × 0,8111) / 3 × 100 = 93,70
    assert result.score == D("93.7")


def test_negative_progress_counts_zero() -> None:
    plan = parse_plan(
        SMALL_PLAN.replace('indicators = ["NS"]', 'indicators = ["TANG"]')
        .replace(", sizes = { population = 1000 }", "")
        .replace(", sizes = { population = 3000 }", ""),
        "x.toml",
    )
    observed = {("B1", "TANG"): obs("B1", "TANG", latest=-3)}
    assert score_unit(plan, plan.units["B1"], observed, YEAR_END).score == D("0.0")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "Hoàn thành xuất sắc nhiệm vụ"),
        (90, "Hoàn thành xuất sắc nhiệm vụ"),
        (89.99, "Hoàn thành tốt nhiệm vụ"),
        (70, "Hoàn thành tốt nhiệm vụ"),
        (69.99, "Hoàn thành nhiệm vụ"),
        (50, "Hoàn thành nhiệm vụ"),
        (49.99, "Không hoàn thành nhiệm vụ"),
        (0, "Không hoàn thành nhiệm vụ"),
    ],
)
def test_grade_boundaries(small_plan: Plan, score: float, grade: str) -> None:
    assert grade_for(small_plan, score) == grade


def _scored(small_plan: Plan, scores: dict[str, float]) -> list[UnitScore]:
    """Units of block A with the given scores and nothing else to tell them apart."""
    results = []
    for code, score in scores.items():
        result = score_unit(small_plan, small_plan.units[code], {}, YEAR_END)
        results.append(replace(result, score=score, eligible=True))
    return results


def test_ties_share_a_rank_and_the_next_rank_is_skipped(small_plan: Plan) -> None:
    rows = rank_block(small_plan, _scored(small_plan, {"A1": 80.0, "A2": 80.0, "A3": 70.0}))
    assert [(row.result.unit.code, row.rank) for row in rows] == [("A1", 1), ("A2", 1), ("A3", 3)]
    rows = rank_block(small_plan, _scored(small_plan, {"A1": 60.0, "A2": 95.5, "A3": 60.0}))
    assert [(row.result.unit.code, row.rank) for row in rows] == [("A2", 1), ("A1", 2), ("A3", 2)]


def test_units_are_ranked_within_their_own_block(small_plan: Plan) -> None:
    observed = {
        ("A2", "BH"): obs("A2", "BH", latest=90, numerator=9, denominator=10),
        ("A2", "VL"): obs("A2", "VL", 100),
        ("B1", "NS"): obs("B1", "NS", latest=50),
    }
    rows = rank_units(small_plan, observed, YEAR_END)
    ranked = [(row.block, row.rank, row.result.unit.code, row.result.score) for row in rows]
    assert ranked == [
        ("A", 1, "A2", 100.0),
        ("A", 2, "A1", 0.0),
        ("A", 2, "A3", 0.0),
        ("B", 1, "B1", 50.0),
        ("B", 2, "B2", 0.0),
    ]
    assert [row.result.unit.code for row in rank_units(small_plan, observed, YEAR_END, "B")] == [
        "B1",
        "B2",
    ]


# ------------------------------------------------------------------ the plan's scoring rules


def plan_with(scoring: str, **replacements: str) -> Plan:
    """The small plan with its ``[scoring]`` section replaced, and other lines changed."""
    text = SMALL_PLAN.replace("[scoring]\ncap = 100\n", f"[scoring]\n{scoring}\n")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return parse_plan(text, "rules.toml")


def a1(latest_bh: float | None, jobs: float | None, **extra) -> dict:
    observed = {}
    if latest_bh is not None:
        observed[("A1", "BH")] = obs(
            "A1", "BH", latest=latest_bh, numerator=latest_bh, denominator=100, **extra
        )
    if jobs is not None:
        observed[("A1", "VL")] = obs("A1", "VL", jobs)
    return observed


def test_bonus_for_each_indicator_beyond_its_target() -> None:
    plan = plan_with("cap = 120\n[scoring.bonus]\nper_indicator = 1.5\nmax = 2")
    result = score_unit(plan, plan.units["A1"], a1(94.5, 110), YEAR_END)
    # BH 94,5/90 = 1,05, VL 110/100 = 1,1: (2 × 1,05 + 1 × 1,1) / 3 × 100 = 106,67
    # two indicators beyond target: 2 × 1,5 = 3, capped at the plan's max 2 -> 108,67
    assert float(result.base) == pytest.approx(320 / 3)
    assert result.bonus == 2
    assert result.score == D("108.67")
    assert [part.bonus for part in result.parts] == [1.5, 1.5]


def test_no_bonus_for_exactly_reaching_the_target() -> None:
    plan = plan_with("[scoring.bonus]\nper_indicator = 1")
    result = score_unit(plan, plan.units["A1"], a1(90, 100), YEAR_END)
    assert (result.bonus, result.score) == (0, 100.0)


def test_deductions_for_missing_and_late_reports() -> None:
    plan = plan_with("[scoring.deductions]\nmissing = 2\nlate = 1")
    late = score_unit(plan, plan.units["A1"], a1(90, None, late=True), YEAR_END)
    # BH 1,0 × 2 / 3 × 100 = 66,67; VL missing: −2; BH late: −1 -> 63,67
    assert late.deduction == 3
    assert late.score == D("63.67")
    assert [(p.indicator, p.late, p.missing, p.deduction) for p in late.parts] == [
        ("BH", True, False, 1),
        ("VL", False, True, 2),
    ]


def test_deductions_stop_at_their_max_and_a_score_at_zero() -> None:
    plan = plan_with("[scoring.deductions]\nmissing = 30\nmax = 40")
    result = score_unit(plan, plan.units["A1"], {}, YEAR_END)
    assert (result.deduction, result.score) == (40, 0.0)  # 0 − 40 -> 0, never negative


def test_a_block_weighs_an_indicator_its_own_way() -> None:
    plan = plan_with(
        "cap = 100",
        **{'indicators = ["BH", "VL"]': 'indicators = ["BH", "VL"]\nweights = { VL = 3 }'},
    )
    assert plan.units["A1"].weights == {"BH": 2, "VL": 3}
    result = score_unit(plan, plan.units["A1"], a1(81, 100), YEAR_END)
    assert result.score == D("96.0")  # (2 × 0,9 + 3 × 1,0) / 5 × 100


def test_units_that_reported_too_little_are_not_ranked() -> None:
    plan = plan_with("min_reported = 100")
    observed = a1(90, 100) | {("A2", "BH"): obs("A2", "BH", latest=90, numerator=9, denominator=10)}
    rows = rank_units(plan, observed, YEAR_END, "A")
    assert [(row.result.unit.code, row.rank, row.result.eligible) for row in rows] == [
        ("A1", 1, True),
        ("A2", None, False),
        ("A3", None, False),
    ]


def _tied(plan: Plan, **facts: dict) -> list[UnitScore]:
    """Units A1–A3 all scoring 50, differing only in the facts given."""
    results = []
    for code in ("A1", "A2", "A3"):
        result = score_unit(plan, plan.units[code], facts.get(code, {}), YEAR_END)
        results.append(replace(result, score=50.0, eligible=True))
    return results


def test_tie_breaker_more_indicators_achieved() -> None:
    plan = plan_with('tie_breakers = ["achieved"]')
    facts = {"A2": {("A2", "VL"): obs("A2", "VL", 100)}}  # A2 achieved one indicator
    rows = rank_block(plan, _tied(plan, **facts))
    assert [(r.result.unit.code, r.rank) for r in rows] == [("A2", 1), ("A1", 2), ("A3", 2)]


def test_tie_breaker_more_indicators_reported() -> None:
    plan = plan_with('tie_breakers = ["reported"]')
    facts = {"A3": {("A3", "VL"): obs("A3", "VL", 1)}}
    rows = rank_block(plan, _tied(plan, **facts))
    assert [(r.result.unit.code, r.rank) for r in rows] == [("A3", 1), ("A1", 2), ("A2", 2)]


def test_tie_breaker_earlier_reporting_then_never_reported_last() -> None:
    from datetime import datetime

    plan = plan_with('tie_breakers = ["achieved", "earliest"]')
    facts = {
        "A1": {("A1", "VL"): obs("A1", "VL", 1, recorded=datetime(2026, 4, 9))},
        "A2": {("A2", "VL"): obs("A2", "VL", 1, recorded=datetime(2026, 4, 2))},
    }
    rows = rank_block(plan, _tied(plan, **facts))
    assert [(r.result.unit.code, r.rank) for r in rows] == [("A2", 1), ("A1", 2), ("A3", 3)]


# ------------------------------------------------------------------- movement, shortlist


def test_movement_since_the_previous_period(small_plan: Plan) -> None:
    march = rank_block(small_plan, _scored(small_plan, {"A1": 80.0, "A2": 70.0, "A3": 60.0}))
    june = rank_block(small_plan, _scored(small_plan, {"A1": 65.0, "A2": 90.0, "A3": 60.0}))
    moved = with_movement(june, march[:2])  # A3 was not ranked in March
    found = [(r.result.unit.code, r.rank, r.previous_rank, r.previous_score, r.move) for r in moved]
    assert found == [
        ("A2", 1, 2, 70.0, 1),  # ↑1
        ("A1", 2, 1, 80.0, -1),  # ↓1
        ("A3", 3, None, None, None),  # new
    ]
    same = with_movement(march, march)
    assert [row.move for row in same] == [0, 0, 0]


COMMENDATIONS = """
[[scoring.commendations]]
name = "Giấy khen"
grade = "Hoàn thành xuất sắc nhiệm vụ"
top = 1
complete = true

[[scoring.commendations]]
name = "Tiên tiến"
grade = "Hoàn thành tốt nhiệm vụ"
"""


def test_shortlist_follows_the_plans_commendation_rules() -> None:
    plan = plan_with("min_reported = 50\n" + COMMENDATIONS)
    observed = {
        **a1(90, 100),  # 100 points, complete
        ("A2", "BH"): obs("A2", "BH", latest=90, numerator=9, denominator=10),  # 66,67
        ("A3", "BH"): obs("A3", "BH", latest=90, numerator=9, denominator=10),
        ("A3", "VL"): obs("A3", "VL", 60),  # (2 + 0,6) / 3 × 100 = 86,67
    }
    rows = rank_units(plan, observed, YEAR_END, "A")
    proposals = [
        (p.row.result.unit.code, p.commendation.name, p.block_size) for p in shortlist(plan, rows)
    ]
    assert proposals == [("A1", "Giấy khen", 3), ("A1", "Tiên tiến", 3), ("A3", "Tiên tiến", 3)]


def test_the_top_unit_must_also_be_complete_when_the_rule_says_so() -> None:
    plan = plan_with("cap = 150\n" + COMMENDATIONS)
    # VL missing, BH at 135/90 = 1,5: (2 × 1,5 + 1 × 0) / 3 × 100 = 100 points, top of block,
    # hoàn thành xuất sắc, yet not complete: only the second commendation applies.
    rows = rank_units(plan, a1(135, None), YEAR_END, "A")
    assert (rows[0].result.unit.code, rows[0].rank, rows[0].result.score) == ("A1", 1, 100.0)
    assert [p.commendation.name for p in shortlist(plan, rows)] == ["Tiên tiến"]
    complete = rank_units(plan, a1(135, 100), YEAR_END, "A")
    assert [p.commendation.name for p in shortlist(plan, complete)] == ["Giấy khen", "Tiên tiến"]


def test_unranked_units_are_never_proposed() -> None:
    plan = plan_with("min_reported = 100\n" + COMMENDATIONS)
    rows = rank_units(
        plan,
        {("A1", "BH"): obs("A1", "BH", latest=95, numerator=95, denominator=100)},
        YEAR_END,
        "A",
    )
    assert shortlist(plan, rows) == []


# ---------------------------------------------------------------------------- next grade


def test_the_way_to_the_next_grade_at_year_end(small_plan: Plan) -> None:
    result = score_unit(small_plan, small_plan.units["A1"], a1(81, 50), YEAR_END)
    # (2 × 0,9 + 1 × 0,5) / 3 × 100 = 76,67: hoàn thành tốt; 90 needs 13,33 more points
    assert (result.score, result.grade) == (D("76.67"), "Hoàn thành tốt nhiệm vụ")
    step = next_grade(small_plan, result, YEAR_END)
    assert step is not None
    # the gap is what a person reads: 90 − the 76,67 shown = 13,33 points; the paths close
    # the gap from the exact 76,666… (13,333… points), so that the exact score reaches 90
    assert (step.grade.name, step.gap) == ("Hoàn thành xuất sắc nhiệm vụ", D("13.33"))
    # BH alone would need 0,9 + 13,33 × 3 / 200 = 1,1 > the 100 % cap: no path.
    # VL alone needs 0,5 + 13,33 × 3 / 100 = 0,9 of 100 jobs.
    assert [path.indicator for path in step.paths] == ["VL"]
    path = step.paths[0]
    assert path.value_needed == 90
    assert path.change == 40
    assert path.by_year_end == 90
    assert path.per_month is None  # no month left


def test_the_way_to_the_next_grade_mid_year(small_plan: Plan) -> None:
    june = date(2026, 6, 30)
    result = score_unit(small_plan, small_plan.units["A1"], a1(81, 30), june)
    expected_jobs = 100 * 181 / 365  # 49,59 by 30 June
    progress = 30 / expected_jobs  # 0,605
    assert result.score == D("80.17")  # (2 × 0,9 + 0,605) / 3 × 100 = 80,1657
    step = next_grade(small_plan, result, june)
    needed = progress + (90 - float(result.base)) * 3 / 100  # 0,8983
    path = step.paths[0]
    assert float(path.value_needed) == pytest.approx(expected_jobs * needed)  # 44,62 by 30 June
    assert float(path.by_year_end) == pytest.approx(100 * needed)  # 89,99 over the year
    # July to December: 6 calendar months left
    assert float(path.per_month) == pytest.approx((100 * needed - 30) / 6)  # 9,99 a month


def test_the_top_grade_has_no_next_grade(small_plan: Plan) -> None:
    result = score_unit(small_plan, small_plan.units["A1"], a1(90, 100), YEAR_END)
    assert next_grade(small_plan, result, YEAR_END) is None


def test_a_period_review_uses_the_plans_milestones() -> None:
    jobs = 'kind = "cumulative"\nrollup = "sum"\n\n[indicators.NS]'
    staged = jobs.replace('"sum"\n', '"sum"\nmilestones = [40, 100, 160]\n')
    plan = plan_with("cap = 100", **{jobs: staged})
    june = parse_period("2026-Q2").end
    result = score_unit(plan, plan.units["A1"], a1(90, 25), june)
    vl = next(part for part in result.parts if part.indicator == "VL")
    # ward milestones 40/100/160 of 200 -> 50 % due by 30 June; A1's own target 100 -> 50 jobs
    assert vl.assessment.basis == "milestones"
    assert vl.assessment.expected == 50
    assert vl.assessment.progress == D("0.5")
    assert result.score == D("83.33")  # (2 × 1,0 + 0,5) / 3 × 100 = 83,333…


@pytest.mark.parametrize(
    ("insured", "score", "grade"),
    [
        (76.5, D("90.00"), "Hoàn thành xuất sắc nhiệm vụ"),  # (2 × 0,85 + 1) / 3 × 100 = 90
        (76.4865, D("89.99"), "Hoàn thành tốt nhiệm vụ"),  # (2 × 0,84985 + 1) / 3 × 100 = 89,99
        # (2 × 0,849925 + 1) / 3 × 100 = 89,995 exactly: shown 90,00, so the top grade
        (76.49325, D("90.00"), "Hoàn thành xuất sắc nhiệm vụ"),
        # 89,9949…: shown 89,99, so not
        (76.49324, D("89.99"), "Hoàn thành tốt nhiệm vụ"),
    ],
)
def test_grade_boundaries_reached_by_real_scores(small_plan, insured, score, grade) -> None:
    result = score_unit(small_plan, small_plan.units["A1"], a1(insured, 100), YEAR_END)
    assert (result.score, result.grade) == (score, grade)


def test_custom_grades_bring_their_own_default_commendations() -> None:
    plan = plan_with('grades = [{ min = 80, name = "Xuất sắc" }, { min = 0, name = "Khác" }]')
    assert [(c.grade, c.top) for c in plan.scoring.commendations] == [
        ("Xuất sắc", 1),
        ("Khác", None),
    ]


def test_no_path_asks_for_a_share_above_100() -> None:
    plan = plan_with("cap = 150")
    # BH 81/90 = 0,9 and VL 30/100 = 0,3: (2 × 0,9 + 0,3) / 3 × 100 = 70, hoàn thành tốt.
    # For 90, BH alone would need 0,9 + 20 × 3 / 200 = 1,2 of 90 % = 108 %: impossible for a
    # share even though the cap would count it. VL alone needs 0,3 + 0,6 = 0,9: 90 jobs.
    result = score_unit(plan, plan.units["A1"], a1(81, 30), YEAR_END)
    assert result.score == D("70.0")
    step = next_grade(plan, result, YEAR_END)
    assert step is not None
    assert [(path.indicator, path.value_needed) for path in step.paths] == [("VL", 90)]


# ------------------------------------------------------------------ strict comparators

STRICT_PLAN = """
year = 2026
title = "Hai chỉ tiêu 'hơn'"
[ward]
code = "W"
name = "W"
[scoring]
{scoring}
[indicators.THU_NHAP]
name = "Thu nhập"
measure = "triệu đồng"
target = 89
comparator = ">"
kind = "level"
rollup = "none"
[indicators.HAI_LONG]
name = "Hài lòng"
measure = "%"
target = 93
comparator = ">"
kind = "level"
share = true
rollup = "none"
[blocks.K]
name = "K"
indicators = ["THU_NHAP", "HAI_LONG"]
[units]
ON = {{ name = "Đúng bằng", block = "K" }}
ON2 = {{ name = "Đúng bằng 2", block = "K" }}
BEAT = {{ name = "Vượt", block = "K" }}
HALF = {{ name = "Một vượt một bằng", block = "K" }}
"""


def strict_plan(scoring: str = "") -> Plan:
    return parse_plan(STRICT_PLAN.format(scoring=scoring), "strict.toml")


def strict_figures() -> dict:
    return {
        ("ON", "THU_NHAP"): obs("ON", "THU_NHAP", latest=89),  # exactly 89: not "hơn 89"
        ("ON", "HAI_LONG"): obs("ON", "HAI_LONG", latest=93),
        ("ON2", "THU_NHAP"): obs("ON2", "THU_NHAP", latest=89),
        ("ON2", "HAI_LONG"): obs("ON2", "HAI_LONG", latest=93),
        ("BEAT", "THU_NHAP"): obs("BEAT", "THU_NHAP", latest=89.5),
        ("BEAT", "HAI_LONG"): obs("BEAT", "HAI_LONG", latest=93.1),
        ("HALF", "THU_NHAP"): obs("HALF", "THU_NHAP", latest=90),
        ("HALF", "HAI_LONG"): obs("HALF", "HAI_LONG", latest=93),
    }


def test_exactly_on_a_strict_target_earns_less_than_beating_it() -> None:
    """ "Hơn 89": 89 is not achieved, and counts 1 − strict_penalty/100 = 99 %, not 100 %."""
    plan = strict_plan()
    results = {
        code: score_unit(plan, plan.units[code], strict_figures(), YEAR_END)
        for code in ("ON", "ON2", "BEAT", "HALF")
    }
    on = results["ON"]
    assert [part.capped for part in on.parts] == [D("0.99"), D("0.99")]
    assert (on.achieved, on.score) == (0, D("99.00"))  # (99 + 99) / 2
    assert results["HALF"].score == D("99.50")  # (100 + 99) / 2
    assert (results["BEAT"].achieved, results["BEAT"].score) == (2, D("100.00"))
    rows = rank_block(plan, list(results.values()))
    ranks = {row.result.unit.code: row.rank for row in rows}
    # the two units exactly on both targets tie with each other, below the one that beat both
    assert ranks == {"BEAT": 1, "HALF": 2, "ON": 3, "ON2": 3}


def test_the_strict_penalty_is_the_plans_and_stops_short_progress_too() -> None:
    plan = strict_plan("strict_penalty = 5")
    figures = strict_figures() | {("ON2", "HAI_LONG"): obs("ON2", "HAI_LONG", latest=90.21)}
    on = score_unit(plan, plan.units["ON"], figures, YEAR_END)
    assert on.score == D("95.00")  # (95 + 95) / 2
    # 90,21 / 93 = 97 %: short of the target, also held to 95 %, so that nothing between
    # 95 % and the target counts more than exactly on it
    on2 = score_unit(plan, plan.units["ON2"], figures, YEAR_END)
    assert [part.capped for part in on2.parts] == [D("0.95"), D("0.95")]


def test_a_strict_cumulative_target_mid_year_counts_against_the_expected_figure() -> None:
    """THU "> 100" cumulative: by 31 March 100 × 90/365 = 24,657… is expected. Exactly that
    is held to 99 %; anything beyond it counts fully."""
    text = STRICT_PLAN.format(scoring="").replace(
        'target = 89\ncomparator = ">"\nkind = "level"',
        'target = 100\ncomparator = ">"\nkind = "cumulative"',
    )
    plan = parse_plan(text.replace('"HAI_LONG"]', "]"), "strict.toml")
    march = date(2026, 3, 31)
    expected = D(100) * 90 / 365  # 24,657534246575342465753424658 (28 digits)
    figures = {("ON", "THU_NHAP"): obs("ON", "THU_NHAP", expected)}
    on = score_unit(plan, plan.units["ON"], figures, march)
    assert on.parts[0].assessment.expected == expected
    assert on.parts[0].capped == D("0.99")
    figures = {("ON", "THU_NHAP"): obs("ON", "THU_NHAP", 25)}
    assert score_unit(plan, plan.units["ON"], figures, march).parts[0].capped == 1


def test_a_plan_may_not_set_the_strict_penalty_to_nothing() -> None:
    with pytest.raises(PlanError, match=r"scoring\.strict_penalty: phải lớn hơn 0"):
        strict_plan("strict_penalty = 0")


def test_a_score_is_rounded_half_up_at_the_plans_decimals(small_plan: Plan) -> None:
    """BH 89,1/90 = 99 % (weight 2), VL 99,375/100 (weight 1): (2 × 0,99 + 0,99375) / 3
    = 99,125 exactly: 99,13 with two decimals (half up; half to even would say 99,12), 99,1
    with one."""
    figures = a1(89.1, 99.375)
    two = score_unit(small_plan, small_plan.units["A1"], figures, YEAR_END)
    assert (two.exact, two.score) == (D("99.125"), D("99.13"))
    one = plan_with("cap = 100\ndecimals = 1")
    assert score_unit(one, one.units["A1"], figures, YEAR_END).score == D("99.1")


def test_the_way_up_from_exactly_on_a_strict_target_is_to_pass_it() -> None:
    """ON is exactly on both "hơn" targets: 99,00. For 99,5 one indicator must count 100 %:
    THU_NHAP must pass 89 (reaching it is what ON did), HAI_LONG pass 93."""
    plan = strict_plan('grades = [{ min = 99.5, name = "A" }, { min = 0, name = "B" }]')
    result = score_unit(plan, plan.units["ON"], strict_figures(), YEAR_END)
    step = next_grade(plan, result, YEAR_END)
    assert step is not None and step.gap == D("0.50")
    paths = [(p.indicator, p.value_needed, p.change, p.beyond) for p in step.paths]
    assert paths == [("THU_NHAP", 89, 0, True), ("HAI_LONG", 93, 0, True)]
