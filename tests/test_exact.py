"""Exact to the last digit: the cases of issue 13 through the real command, the limits on
digits, JSON numbers, and a property test of scores, grades and ranks against ``Fraction``."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import assert_refused, dump, plan_copy
from thiduaCLI.domain.attainment import Tally
from thiduaCLI.domain.exact import from_parts
from thiduaCLI.domain.plan import Block, Indicator, Plan, Scoring, Unit
from thiduaCLI.domain.plan_file import parse_plan
from thiduaCLI.domain.scoring import rank_block, rank_units, score_unit
from thiduaCLI.errors import InputError
from thiduaCLI.files.formats import to_csv, write_json
from thiduaCLI.text.numbers import json_number, parse_number, parse_value, plain_decimal, to_decimal

# ------------------------------------------------------------- the two cases


def test_a_score_of_exactly_49_995_is_50_00_and_its_grade(ready) -> None:
    """(0 % + 99,99 %) / 2 = 49,995 exactly: shown 50,00, graded "Hoàn thành nhiệm vụ"
    (a binary float made it 49,99 and the grade below)."""
    assert ready("report", "TH_1", "TRUONG_CHUAN", "0/1", "--date", "2026-06-30").code == 0
    assert ready("report", "TH_1", "BHYT_HS", "9999/10000", "--date", "2026-06-30").code == 0
    table = ready("show", "TH_1", "--as-of", "2026-06-30").out
    assert "= 49,995 → 50,00 điểm: Hoàn thành nhiệm vụ" in table
    data = json.loads(ready("show", "TH_1", "--as-of", "2026-06-30", "--json").out)
    assert (data["score"], data["grade"]) == (50, "Hoàn thành nhiệm vụ")
    assert data["base"] == 49.995
    # the way up starts from what is shown: 70 − 50,00 = 20,00 points
    assert data["next_grade"]["gap"] == 20
    assert "cần thêm 20,00 điểm" in table


def _khom3(ready, water: str) -> None:
    # BHYT 3264/3400 = 96 %, VIEC_LAM 50 of 50, RAC_THAI 93 of 93: 100 % each
    for indicator, value in (("BHYT", "3264/3400"), ("VIEC_LAM", "50"), ("RAC_THAI", "93")):
        assert ready("report", "K03", indicator, value, "--date", "2026-12-31").code == 0
    assert ready("report", "K03", "NUOC_SACH", water, "--date", "2026-12-31").code == 0


def test_a_base_of_99_975_shows_99_98_everywhere(ready) -> None:
    """100 / 100 / 99,9 / 100 % is 99,975: 99,98 in the table, the arithmetic, JSON, CSV
    and Markdown (a binary float made it 99,97)."""
    _khom3(ready, "99,9")
    show = ready("show", "K03", "--period", "2026").out
    assert "= 99,975 → 99,98 điểm: Hoàn thành xuất sắc nhiệm vụ" in show
    rank = ready("rank", "--block", "KHOM", "--period", "2026").out
    assert " 99,98 " in rank
    data = json.loads(ready("rank", "--block", "KHOM", "--period", "2026", "--json").out)
    k03 = next(row for row in data["rows"] if row["unit"] == "K03")
    assert (k03["score"], k03["base"]) == (99.98, 99.975)
    markdown = ready("rank", "--block", "KHOM", "--period", "2026", "--format", "markdown").out
    assert "| K03 | Khóm 3 | 99,98 |" in markdown  # for people: the ward's decimal comma
    csv_text = ready("rank", "--block", "KHOM", "--period", "2026", "--format", "csv").out
    assert ",K03,Khóm 3,99.98," in csv_text


def test_a_base_of_99_825_shows_99_83(ready) -> None:
    _khom3(ready, "99,3")  # (3 + 0,993) / 4 = 99,825 %
    data = json.loads(ready("rank", "--block", "KHOM", "--period", "2026", "--json").out)
    k03 = next(row for row in data["rows"] if row["unit"] == "K03")
    assert (k03["score"], k03["base"]) == (99.83, 99.825)


def test_a_column_of_scores_shows_every_decimal(ready) -> None:
    """98,20 and 68,00, not 98,2 and 68: every row of a score column has the plan's two."""
    _khom3(ready, "92,8")  # (3 + 0,928) / 4 = 98,2
    assert ready("report", "K04", "BHYT", "2784/2900", "--date", "2026-12-31").code == 0
    assert ready("report", "K04", "VIEC_LAM", "36", "--date", "2026-12-31").code == 0  # 0,72
    rank = ready("rank", "--block", "KHOM", "--period", "2026").out
    assert " 98,20 " in rank
    assert " 43,00 " in rank  # (1 + 0,72) / 4
    csv_text = ready("rank", "--block", "KHOM", "--period", "2026", "--format", "csv").out
    assert ",98.20," in csv_text and ",43.00," in csv_text


# --------------------------------------------------------------------- digits allowed


def test_a_value_with_more_than_15_significant_digits_is_refused(ready, db: Path) -> None:
    before = dump(db)
    result = ready("report", "K03", "VIEC_LAM", "1234567890,123456", "--date", "2026-03-31")
    assert_refused(
        result, "'1234567890,123456' có quá nhiều chữ số có nghĩa (tối đa 15)", db, before
    )


@pytest.mark.parametrize("text", ["123456789012345", "0,123456789", "12.345.678.901,2345"])
def test_fifteen_significant_digits_are_enough(text: str) -> None:
    assert parse_number(text) == Decimal(text.replace(".", "").replace(",", "."))


def test_a_share_of_long_numbers_is_refused_too() -> None:
    with pytest.raises(InputError, match="quá nhiều chữ số có nghĩa"):
        parse_value("12345678901234,56/99999999999999")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "target = 107\n",
            "target = 107.000000000000001\n",
            "indicators.THU_NS.target: quá nhiều chữ số có nghĩa (tối đa 15; "
            "đang là 107.000000000000001)",
        ),
        (
            "target = 107\n",
            "target = 0.0000000001\n",
            "indicators.THU_NS.target: chỉ tiêu khác 0 phải từ 0,000000001 trở lên (đang là 1e-10)",
        ),
    ],
)
def test_a_plan_number_beyond_what_thidua_holds_exactly_is_refused(
    ready, db: Path, tmp_path: Path, old: str, new: str, message: str
) -> None:
    plan = plan_copy(tmp_path, old, new)
    before = dump(db)
    assert_refused(ready("init", str(plan)), f"{plan}: {message}", db, before)


def test_a_plan_keeps_the_digits_written() -> None:
    text = plan_text("target = 100", "target = 0.3")
    plan = parse_plan(text, "x.toml")
    assert plan.indicators["X"].target == Decimal("0.3")  # not 0.299999999999999988…


def test_a_plan_stored_by_an_older_thidua_with_floats_reads_back_exactly() -> None:
    stored = '{"min": 49.995, "name": "x"}'
    from thiduaCLI.domain.plan import Grade

    assert Grade.model_validate_json(stored).min == Decimal("49.995")


# ------------------------------------------------------------------------------- JSON


def test_json_numbers_read_back_to_the_exact_decimal() -> None:
    rng = random.Random(13)
    for _ in range(5_000):
        digits = rng.randint(1, 15)
        places = rng.randint(0, min(9, digits))
        number = Decimal(rng.randint(-(10**digits) + 1, 10**digits - 1)).scaleb(-places)
        written = json.dumps(json_number(number))
        assert json.loads(written, parse_float=Decimal) == number, number
        assert Decimal(plain_decimal(number)) == number
    third = Decimal(1) / Decimal(3)
    assert json.dumps(json_number(third)) == "0.333333333"
    assert json.dumps(json_number(Decimal("98.20"))) == "98.2"
    assert plain_decimal(Decimal("98.20")) == "98.20"  # a CSV cell keeps the score's places
    assert json_number(Decimal("1.5e23")) == 150000000000000000000000


def test_json_never_writes_infinity_or_nan() -> None:
    import io

    with pytest.raises(ValueError):
        write_json({"x": float("inf")}, io.StringIO())
    assert to_csv([{"score": Decimal("68.00")}]) == "score\r\n68.00\r\n"


@pytest.mark.parametrize(
    ("whole", "billionths", "shown"),
    [
        (107, 0, "107"),
        (None, None, "0"),
        (0, 300_000_000, "0.3"),  # 0,1 + 0,2 summed exactly
        (1, 500_000_000, "1.5"),
        (12, 340_000_000, "12.34"),
        (99, 1_000_000_000, "100"),  # billionths that add up to a unit: 100, never 1E+2
        (0, 2_500_000_000, "2.5"),
        (-1, -500_000_000, "-1.5"),  # parts carry the value's sign
        (2, -500_000_000, "1.5"),  # a sum of both signs
        (-3, 3_000_000_000, "0"),
        (123_456_789_012_345, 0, "123456789012345"),
        (123_456, 789_000_000, "123456.789"),
        (0, 1, "1E-9"),  # the smallest part: Decimal writes it so, its value is 0,000000001
    ],
)
def test_summed_parts_are_the_decimal_they_stand_for(whole, billionths, shown) -> None:
    """What SQL added up comes back as the decimal with no trailing zeros: exact, and written
    as a person writes it (the exponent of ``1E-9`` aside, which numbers are formatted from)."""
    number = from_parts(whole, billionths)
    assert str(number) == shown
    assert number == Decimal(whole or 0) + Decimal(billionths or 0) / 10**9


def test_stored_doubles_come_back_as_the_decimals_typed() -> None:
    assert to_decimal(0.1) == Decimal("0.1")
    assert str(to_decimal(40.0)) == "40"
    assert to_decimal(100 / 3) == Decimal("33.3333333333333")  # 15 significant digits
    assert to_decimal(106.9 + 0.1) == Decimal(107)


# --------------------------------------------------------------- property: Fraction


def plan_text(old: str = "", new: str = "") -> str:
    text = """
year = 2026
title = "t"
[ward]
code = "W"
name = "W"
[indicators.X]
name = "X"
measure = "x"
target = 100
comparator = ">="
kind = "level"
rollup = "none"
"""
    return text.replace(old, new)


COMPARATORS = (">", ">=", "~", "<=", "<")
GRADES = (Fraction(90), Fraction(70), Fraction(50), Fraction(0))


def _number(rng: random.Random, low: int, high: int, places: int) -> Decimal:
    return Decimal(rng.randint(low * 10**places, high * 10**places)).scaleb(-places)


def _random_plan(rng: random.Random, units: int) -> tuple[Plan, dict, dict]:
    """A plan of random indicators (level, or cumulative judged on a random day) and units
    signing random subsets with random weights; and random observations."""
    from helpers import obs

    indicators = {}
    for n in range(rng.randint(1, 5)):
        comparator = rng.choice(COMPARATORS)
        indicators[f"I{n}"] = Indicator(
            code=f"I{n}",
            name=f"I{n}",
            measure="x",
            target=_number(rng, 0, 200, rng.choice((0, 1, 2))),
            comparator=comparator,
            kind=rng.choice(("level", "cumulative")),
            rollup="none",
            tolerance=_number(rng, 0, 10, 1) if comparator == "~" else None,
        )
    codes = list(indicators)
    scoring = Scoring(
        cap=_number(rng, 100, 130, 0),
        strict_penalty=_number(rng, 0, 5, 1) or Decimal(1),
        bonus={"per_indicator": _number(rng, 0, 2, 1), "max": _number(rng, 0, 3, 0)},
        deductions={"missing": _number(rng, 0, 3, 1), "max": _number(rng, 0, 5, 0)},
    )
    members = {}
    observed = {}
    for u in range(units):
        signed = rng.sample(codes, rng.randint(1, len(codes)))
        weights = {code: _number(rng, 0, 3, 1) for code in signed}
        if not any(weights.values()):
            weights[signed[0]] = Decimal(1)
        targets = {code: indicators[code].target for code in signed}
        members[f"U{u}"] = Unit(
            code=f"U{u}", name=f"Đơn vị {u}", block="B", agreement=targets, weights=weights
        )
        for code in signed:
            if rng.random() < 0.85:
                target = indicators[code].target
                value = target + _number(rng, -30, 30, rng.choice((0, 1, 2, 3)))
                if rng.random() < 0.3:
                    value = target  # exactly on the target, the hard case
                observed[(f"U{u}", code)] = obs(f"U{u}", code, max(value, Decimal(0)))
    ward = Unit(code="W", name="W", block=None, agreement={}, weights={})
    plan = Plan(
        year=2026,
        title="t",
        scoring=scoring,
        ward_code="W",
        indicators=indicators,
        blocks={"B": Block(code="B", name="B")},
        units={"W": ward, **members},
    )
    return plan, members, observed


def _exact_score(plan: Plan, unit: Unit, observed: dict, day: date) -> Fraction:
    """The score by the README's rules, in Fraction arithmetic, unrounded."""
    rules = plan.scoring
    cap = Fraction(rules.cap) / 100
    ceiling = 1 - Fraction(rules.strict_penalty) / 100
    elapsed = Fraction((day - date(2026, 1, 1)).days + 1, 365)
    total_weight = sum(Fraction(w) for w in unit.weights.values())
    base = bonus = deduction = Fraction(0)
    for code, target_decimal in unit.agreement.items():
        indicator = plan.indicators[code]
        target = Fraction(target_decimal)
        observation = observed.get((unit.code, code))
        if observation is None:
            deduction += Fraction(rules.deductions.missing)
            continue
        value = Fraction(observation.total)
        basis = target * elapsed if indicator.kind == "cumulative" else target
        tolerance = Fraction(indicator.tolerance or 0) / 100
        lower = indicator.comparator in ("<", "<=")
        if lower:
            progress = basis / value if value > 0 else Fraction(_met(indicator, value, basis))
        else:
            progress = value / basis if basis > 0 else Fraction(_met(indicator, value, basis))
        counted = min(max(progress, Fraction(0)), cap)
        beyond = value > basis if indicator.comparator == ">" else value < basis
        if indicator.comparator in (">", "<") and not beyond:
            counted = min(max(progress, Fraction(0)), ceiling)
        base += 100 * counted * Fraction(unit.weights[code]) / total_weight
        met = _met(indicator, value, target, tolerance)
        if indicator.kind == "cumulative" and lower and day < date(2026, 12, 31):
            met = False  # a ceiling is judged on the whole year
        if lower:
            attainment = target / value if value > 0 else Fraction(met)
        else:
            attainment = value / target if target > 0 else Fraction(met)
        if met and attainment > 1:
            bonus += Fraction(rules.bonus.per_indicator)
    bonus = min(bonus, Fraction(rules.bonus.max)) if rules.bonus.max is not None else bonus
    if rules.deductions.max is not None:
        deduction = min(deduction, Fraction(rules.deductions.max))
    return max(Fraction(0), base + bonus - deduction)


def _met(indicator: Indicator, value: Fraction, target: Fraction, tolerance=Fraction(0)) -> bool:
    return {
        ">": value > target,
        ">=": value >= target,
        "~": value >= target * (1 - tolerance),
        "<=": value <= target,
        "<": value < target,
    }[indicator.comparator]


def _half_up(value: Fraction, places: int) -> Fraction:
    scale = 10**places
    return Fraction(int(value * scale + Fraction(1, 2)), scale)  # value >= 0


def test_scores_grades_and_ranks_agree_with_fraction_arithmetic() -> None:
    """Thousands of random scorecards: the displayed score is the exact score rounded half
    up, the grade is decided on that score, and the ranks follow it (ties share a rank)."""
    rng = random.Random(2026)
    checked = 0
    for _ in range(400):
        plan, members, observed = _random_plan(rng, units=8)
        day = rng.choice((date(2026, 12, 31), date(2026, 6, 30), date(2026, 3, 15)))
        results = [score_unit(plan, unit, observed, day) for unit in members.values()]
        for result in results:
            # the score without its explanation is the same score, every other field too
            bare = score_unit(plan, result.unit, observed, day, explained=False)
            assert bare.parts == () and replace(bare, parts=result.parts) == result
            exact = _exact_score(plan, result.unit, observed, day)
            shown = _half_up(exact, 2)
            assert Fraction(result.score) == shown, (result, exact)
            grade = next(i for i, least in enumerate(GRADES) if shown >= least)
            assert plan.scoring.grade_rank(result.grade) == grade
            checked += 1
        rows = rank_block(plan, [r for r in results if r.eligible])
        scores = [Fraction(row.result.score) for row in rows]
        for row, score in zip(rows, scores, strict=True):
            assert row.rank == 1 + sum(1 for other in scores if other > score)
    assert checked == 3_200


def test_a_ranking_without_explanations_ranks_as_the_explained_one() -> None:
    """``rank_units(explained=False)`` (a table's ranking, and the previous period's) gives
    every unit the rank, score, grade and counts the explained ranking gives it."""
    rng = random.Random(18)
    for _ in range(100):
        plan, _members, observed = _random_plan(rng, units=8)
        observed = {  # some came late, each was recorded at its own time
            pair: replace(
                seen,
                late=rng.random() < 0.3,
                last_recorded_at=datetime(2026, 1, 1) + timedelta(hours=rng.randint(0, 8000)),
            )
            for pair, seen in observed.items()
        }
        day = rng.choice((date(2026, 12, 31), date(2026, 6, 30), date(2026, 3, 15)))
        explained = rank_units(plan, observed, day)
        bare = rank_units(plan, observed, day, explained=False)
        assert [replace(r, result=replace(r.result, parts=())) for r in explained] == bare
        # as Ledger.ranked scores the previous period: from tallies, without the details
        tallies = {
            pair: Tally(o.unit, o.indicator, o.total, o.count, o.latest, o.late, o.last_recorded_at)
            for pair, o in observed.items()
        }
        assert rank_units(plan, tallies, day, explained=False) == bare
