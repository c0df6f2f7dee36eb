"""Pure scoring rules: unit scores with their parts, ranks, movement, shortlist, next grade.

Every number a review meeting sees is built here from the plan's ``[scoring]`` rules and the
aggregated figures, and kept in parts so that it can be explained and recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Context, Decimal
from functools import cache
from operator import itemgetter

from thiduaCLI.domain.attainment import (
    Assessment,
    Observation,
    Tallies,
    assess,
    judge,
    months_left,
)
from thiduaCLI.domain.attainment import explained as explain
from thiduaCLI.domain.plan import Commendation, Grade, Indicator, Plan, Scoring, Unit
from thiduaCLI.text.lookup import sort_key
from thiduaCLI.text.numbers import HUNDRED, ONE, PLACES, ZERO, divide, round_half_up


@dataclass(slots=True)
class ScorePart:
    """One indicator's share of a unit's score, and why."""

    indicator: str
    assessment: Assessment
    observation: Observation | None
    capped: Decimal
    weight: Decimal
    total_weight: Decimal  # of the unit's whole agreement
    bonus: Decimal
    deduction: Decimal

    @property
    def points(self) -> Decimal:
        """100 × capped × weight ÷ the agreement's total weight (worked out when asked: a
        ranking needs only their sum, the unit's ``base``)."""
        return divide(HUNDRED * self.capped * self.weight, self.total_weight)

    @property
    def missing(self) -> bool:
        """No figure yet: it counts 0."""
        return self.observation is None

    @property
    def late(self) -> bool:
        """At least one of its counted figures was first filed after its due date (calendar.py)."""
        return self.observation is not None and self.observation.late


@dataclass(slots=True)
class UnitScore:
    """A unit's score over its agreement: parts, bonus, deduction, grade, eligibility.

    ``exact`` is ``base + bonus − deduction`` (never below 0) as computed; ``score`` is it
    rounded half up to the plan's ``decimals``: the number printed, and the one the grade
    and the rank are decided on, so that what a meeting reads is what decided. ``parts`` is
    empty for a score worked out without its explanation (``explained=False``).
    """

    unit: Unit
    parts: tuple[ScorePart, ...]
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    score: Decimal
    grade: str
    eligible: bool
    exact: Decimal = ZERO
    reported: int = 0  # indicators of the agreement with figures
    expected: int = 0  # indicators the agreement holds
    achieved: int = 0  # indicators meeting their target
    missing: list[str] = field(default_factory=list)  # codes of those with no figure yet
    last_recorded_at: datetime | None = None  # when its most recent figure was recorded


def grade_for(plan: Plan, score: Decimal) -> str:
    """The first grade, from the top, whose threshold the (rounded) score reaches."""
    for grade in plan.scoring.grades:
        if score >= grade.min:
            return grade.name
    return plan.scoring.grades[-1].name


@dataclass(frozen=True, slots=True)
class _Rules:
    """A plan's scoring rules as the score of every unit uses them, worked out once."""

    cap: Decimal
    strict_ceiling: Decimal
    per_indicator: Decimal
    missing: Decimal
    late: Decimal


def _rules(scoring: Scoring) -> _Rules:
    """The rules of ``scoring``, worked out once per plan (kept by identity: hashing a
    pydantic model for each of 6,000 unit scores would cost more than the scores)."""
    kept = _RULES.get(id(scoring))
    if kept is not None and kept[0] is scoring:
        return kept[1]
    rules = _Rules(
        cap=divide(scoring.cap, HUNDRED),
        strict_ceiling=1 - divide(scoring.strict_penalty, HUNDRED),
        per_indicator=scoring.bonus.per_indicator,
        missing=scoring.deductions.missing,
        late=scoring.deductions.late,
    )
    _RULES[id(scoring)] = (scoring, rules)
    return rules


_RULES: dict[int, tuple[Scoring, _Rules]] = {}


def counted_progress(
    indicator: Indicator,
    progress: Decimal | None,
    value: Decimal | None,
    basis: Decimal,
    cap: Decimal,
    strict_ceiling: Decimal,
) -> Decimal:
    """The progress a score counts: ``progress`` held between 0 and the cap; for a strict
    comparator (``>``, ``<``) a value not strictly beyond its ``basis`` (exactly on it, or
    short of it) counts at most ``strict_ceiling`` (1 − strict_penalty/100), so that exactly on
    a "hơn" target never earns what beating it earns."""
    if progress is None or progress <= ZERO:
        return ZERO
    if indicator.comparator in _STRICT and value is not None:
        beyond = value > basis if indicator.comparator == ">" else value < basis
        if not beyond:
            return min(progress, strict_ceiling)
    return min(progress, cap)


_STRICT = (">", "<")


def score_unit(
    plan: Plan, unit: Unit, observations: Tallies, as_of: date, *, explained: bool = True
) -> UnitScore:
    """Weighted mean of counted progress over the agreement (× 100), plus bonus, less
    deduction.

    A missing figure counts 0; progress below 0 (a negative growth rate) counts 0. Everything
    is a Decimal, kept unrounded; only the final score is rounded, half up to the plan's
    ``decimals``, and never goes below 0. Without ``explained``, the score alone: no parts
    (a ranking's table, or the ranking it is compared with, needs none; making them costs
    3,000 units a tenth of a second), and :class:`Tally` records are enough; with it, each
    part shows its :class:`Observation`.
    """
    rules = _rules(plan.scoring)
    indicators, weights, year = plan.indicators, unit.weights, plan.year
    total_weight = sum((weights[code] for code in unit.agreement), ZERO)
    parts = []
    missing: list[str] = []
    weighted = ZERO
    bonuses = late = achieved = 0
    last_recorded: datetime | None = None
    for code, target in unit.agreement.items():
        indicator = indicators[code]
        observation = observations.get((unit.code, code))
        weight = weights[code]
        if observation is None:
            missing.append(code)
            if explained:
                judged = assess(indicator, target, None, as_of, year)
                part = ScorePart(
                    code, judged, None, ZERO, weight, total_weight, ZERO, rules.missing
                )
                parts.append(part)
            continue
        value = observation.total if indicator.kind == "cumulative" else observation.latest
        judgement = judge(indicator, target, value, as_of, year)
        expected, met, attainment, progress = judgement
        basis = target if expected is None else expected
        capped = counted_progress(
            indicator, progress, value, basis, rules.cap, rules.strict_ceiling
        )
        part_bonus = part_deduction = ZERO
        if met:
            achieved += 1
            if attainment > ONE:
                part_bonus = rules.per_indicator
                bonuses += 1
        if observation.late:
            part_deduction = rules.late
            late += 1
        recorded = observation.last_recorded_at
        if recorded is not None and (last_recorded is None or recorded > last_recorded):
            last_recorded = recorded
        weighted += capped * weight
        if explained:
            if not isinstance(observation, Observation):
                raise TypeError(f"{unit.code}/{code}: a score explained needs observations")
            judged = explain(indicator, target, value, judgement, as_of, year)
            parts.append(
                ScorePart(
                    code,
                    judged,
                    observation,
                    capped,
                    weight,
                    total_weight,
                    part_bonus,
                    part_deduction,
                )
            )
    base = divide(HUNDRED * weighted, total_weight)  # Σ points, in one division
    # the parts' bonuses and deductions, added up by counting them (exact, and no additions
    # of zeros for the thousands of parts that have neither)
    bonus = _at_most(rules.per_indicator * bonuses, plan.scoring.bonus.max)
    expected_count = len(unit.agreement)
    reported = expected_count - len(missing)
    deduction = _at_most(
        rules.missing * len(missing) + rules.late * late, plan.scoring.deductions.max
    )
    exact = max(ZERO, settled(base + bonus - deduction))
    score = round_half_up(exact, plan.scoring.decimals)
    eligible = reported * 100 >= plan.scoring.min_reported * expected_count
    return UnitScore(
        unit,
        tuple(parts),
        base,
        bonus,
        deduction,
        score,
        grade_for(plan, score),
        eligible,
        exact,
        reported,
        expected_count,
        achieved,
        missing,
        last_recorded,
    )


# Points are quotients worked out to 28 significant digits; their sum can end a few units of
# the 28th digit away from the exact value (1/3 + 1/6 + 1/2). Rounded to 24 digits, a sum
# that is exactly 49,995 is 49,995 again before it is rounded for display and grade.
_SETTLE = Context(prec=24)


def settled(total: Decimal) -> Decimal:
    """A sum of quotients without the noise of their last digits (see ``_SETTLE``)."""
    return _SETTLE.plus(total)


def _at_most(total: Decimal, limit: Decimal | None) -> Decimal:
    return total if limit is None else min(total, limit)


# ------------------------------------------------------------------------------- ranks


@dataclass(slots=True)
class RankRow:
    """A unit's place in its block (None when it reported too little to be ranked)."""

    block: str
    rank: int | None
    result: UnitScore
    previous_rank: int | None = None
    previous_score: Decimal | None = None

    @property
    def move(self) -> int | None:
        """Places gained since the previous period (negative: lost); None if new or unranked."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def _order_key(plan: Plan, result: UnitScore) -> tuple[object, ...]:
    """The score as shown (rounded), then the plan's tie-breakers; equal keys share a rank:
    two units printed with the same score are never ranked apart by digits nobody sees."""
    key: list[object] = [-result.score]
    for breaker in plan.scoring.tie_breakers:
        if breaker == "achieved":
            key.append(-result.achieved)
        elif breaker == "reported":
            key.append(-result.reported)
        else:  # "earliest": the unit that finished reporting first
            last = result.last_recorded_at
            key.append((last is None, last or datetime.min))
    return tuple(key)


# Names sort the same way every time: a ranking and the one before it share the keys.
_name_key = cache(sort_key)


def rank_block(plan: Plan, results: list[UnitScore]) -> list[RankRow]:
    """Order one block's eligible units; equal keys share a rank (1, 1, 3) and are listed in
    Vietnamese alphabetical order of their names, as are the unranked ones that follow.

    Names are compared only where they decide (among equal keys, and the unranked): a
    name's sort key costs 20 µs, and 3,000 units are rarely tied."""
    ranked = sorted(((_order_key(plan, r), r) for r in results if r.eligible), key=itemgetter(0))
    rows: list[RankRow] = []
    start = 0
    while start < len(ranked):
        key, end = ranked[start][0], start + 1
        while end < len(ranked) and ranked[end][0] == key:
            end += 1
        tied = [result for _, result in ranked[start:end]]
        for result in _by_name(tied) if len(tied) > 1 else tied:
            rows.append(RankRow(result.unit.block or "", start + 1, result))
        start = end
    unranked = _by_name([r for r in results if not r.eligible])
    return rows + [RankRow(r.unit.block or "", None, r) for r in unranked]


def _by_name(results: list[UnitScore]) -> list[UnitScore]:
    """In Vietnamese alphabetical order of the units' names (stable: equal names keep their
    order)."""
    return sorted(results, key=lambda r: _name_key(r.unit.name))


def rank_units(
    plan: Plan,
    observations: Tallies,
    as_of: date,
    block: str | None = None,
    *,
    explained: bool = True,
) -> list[RankRow]:
    """Rank every block's units (or one block's), blocks in plan order (``explained``: with
    each score's parts, see :func:`score_unit`)."""
    members: dict[str | None, list[Unit]] = {}
    for unit in plan.units.values():  # as Plan.members gives them, for every block at once
        members.setdefault(unit.block, []).append(unit)
    rows: list[RankRow] = []
    for code in plan.blocks:
        if block is None or code == block:
            results = [
                score_unit(plan, u, observations, as_of, explained=explained)
                for u in members.get(code, [])
            ]
            rows.extend(rank_block(plan, results))
    return rows


def with_movement(rows: list[RankRow], previous: Iterable[RankRow]) -> list[RankRow]:
    """Attach each unit's rank and score in the previous period."""
    before = {row.result.unit.code: row for row in previous}
    moved = []
    for row in rows:
        earlier = before.get(row.result.unit.code)
        if earlier is None or earlier.rank is None:
            moved.append(row)  # new to the ranking
        else:  # (made anew: dataclasses.replace costs a ranking 10 ms)
            moved.append(
                RankRow(row.block, row.rank, row.result, earlier.rank, earlier.result.score)
            )
    return moved


# --------------------------------------------------------------------------- shortlist


@dataclass(frozen=True)
class Proposal:
    """A unit proposed for a commendation, with the facts that qualify it."""

    row: RankRow
    commendation: Commendation
    block_size: int


def qualifies(plan: Plan, row: RankRow, commendation: Commendation) -> bool:
    """Grade at least the commendation's, rank within its ``top``, and complete if required."""
    if row.rank is None:
        return False
    scoring = plan.scoring
    if scoring.grade_rank(row.result.grade) > scoring.grade_rank(commendation.grade):
        return False
    if commendation.top is not None and row.rank > commendation.top:
        return False
    return not (commendation.complete and row.result.missing)


def shortlist(plan: Plan, rows: list[RankRow]) -> list[Proposal]:
    """Per block, every unit that meets a commendation rule, in rank order."""
    sizes: dict[str, int] = {}
    for row in rows:
        if row.rank is not None:
            sizes[row.block] = sizes.get(row.block, 0) + 1
    return [
        Proposal(row, commendation, sizes[row.block])
        for row in rows
        for commendation in plan.scoring.commendations
        if qualifies(plan, row, commendation)
    ]


# -------------------------------------------------------------------------- next grade


@dataclass(frozen=True)
class GradePath:
    """One way to close the gap to the next grade: this indicator alone reaching a value."""

    indicator: str
    value_needed: Decimal
    change: Decimal
    by_year_end: Decimal | None = None
    per_month: Decimal | None = None
    beyond: bool = False  # a strict target: the value must pass value_needed, not reach it


@dataclass(frozen=True)
class NextGrade:
    """The next grade up, the points missing, and the indicators that could close the gap."""

    grade: Grade
    gap: Decimal
    paths: list[GradePath] = field(default_factory=list)


def next_grade(plan: Plan, result: UnitScore, as_of: date) -> NextGrade | None:
    """What the unit still needs for the next grade, one indicator at a time.

    Each path raises one indicator's capped progress just enough to add the missing points
    (others unchanged, bonus and deductions aside). For a cumulative indicator it also gives the
    year-end total that keeps that progress against the annual target, and the amount per
    month still needed to get there.
    """
    grades = plan.scoring.grades
    position = plan.scoring.grade_rank(result.grade)
    if position == 0:
        return None
    goal = grades[position - 1]
    gap = goal.min - result.score  # as a person reads it: the score shown plus the gap
    exact_gap = goal.min - result.exact  # what the paths close: the exact score reaches min
    rules = _rules(plan.scoring)
    total_weight = sum((part.weight for part in result.parts), ZERO)
    months = months_left(as_of, plan.year)
    paths = []
    for part in result.parts:
        if part.weight == 0:
            continue
        needed_progress = part.capped + divide(exact_gap * total_weight, HUNDRED * part.weight)
        basis = part.assessment.basis_target
        indicator = plan.indicators[part.indicator]
        # a strict target counts fully only beyond its basis: past the ceiling of "exactly
        # on it", the value needed is the basis itself, to be passed (beyond)
        beyond = indicator.comparator in _STRICT and rules.strict_ceiling < needed_progress <= ONE
        if beyond:
            needed_progress = ONE
        if needed_progress > rules.cap or basis <= 0:
            continue
        current = part.assessment.value or ZERO
        if indicator.lower_is_better:
            value_needed = divide(basis, needed_progress)
        else:
            value_needed = basis * needed_progress
        value_needed = round_half_up(value_needed, PLACES)  # a value has at most nine places
        if indicator.share and (value_needed > 100 or (beyond and value_needed >= 100)):
            continue  # no share goes past 100 %
        path = GradePath(part.indicator, value_needed, value_needed - current, beyond=beyond)
        if indicator.kind == "cumulative" and not indicator.lower_is_better:
            year_end = round_half_up(part.assessment.target * needed_progress, PLACES)
            per_month = divide(year_end - current, Decimal(months)) if months > 0 else None
            path = replace(path, by_year_end=year_end, per_month=per_month)
        paths.append(path)
    return NextGrade(goal, gap, paths)
