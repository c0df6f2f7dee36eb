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

from thiduaCLI.domain.attainment import Assessment, Observation, Observations, assess, months_left
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
    and the rank are decided on, so that what a meeting reads is what decided.
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

    @property
    def reported(self) -> int:
        """How many indicators of the agreement have figures."""
        return sum(1 for part in self.parts if not part.missing)

    @property
    def expected(self) -> int:
        """How many indicators the agreement holds."""
        return len(self.parts)

    @property
    def achieved(self) -> int:
        """How many indicators meet their target."""
        return sum(1 for part in self.parts if part.assessment.met)

    @property
    def missing(self) -> list[str]:
        """Codes of the indicators with no figure yet."""
        return [part.indicator for part in self.parts if part.missing]

    @property
    def last_recorded_at(self) -> datetime | None:
        """When the unit's most recent figure was recorded."""
        times = [p.observation.last_recorded_at for p in self.parts if p.observation]
        known = [time for time in times if time is not None]
        return max(known) if known else None


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
    indicator: Indicator, judged: Assessment, cap: Decimal, strict_ceiling: Decimal
) -> Decimal:
    """The progress a score counts: ``progress`` held between 0 and the cap; for a strict
    comparator (``>``, ``<``) a value not strictly beyond its basis (exactly on it, or short
    of it) counts at most ``strict_ceiling`` (1 − strict_penalty/100), so that exactly on a
    "hơn" target never earns what beating it earns."""
    progress = judged.progress
    if progress is None or progress <= ZERO:
        return ZERO
    if indicator.comparator in _STRICT and judged.value is not None:
        basis = judged.basis_target
        beyond = judged.value > basis if indicator.comparator == ">" else judged.value < basis
        if not beyond:
            return min(progress, strict_ceiling)
    return min(progress, cap)


_STRICT = (">", "<")


def score_unit(plan: Plan, unit: Unit, observations: Observations, as_of: date) -> UnitScore:
    """Weighted mean of counted progress over the agreement (× 100), plus bonus, less
    deduction.

    A missing figure counts 0; progress below 0 (a negative growth rate) counts 0. Everything
    is a Decimal, kept unrounded; only the final score is rounded, half up to the plan's
    ``decimals``, and never goes below 0.
    """
    rules = _rules(plan.scoring)
    indicators, weights, year = plan.indicators, unit.weights, plan.year
    total_weight = sum((weights[code] for code in unit.agreement), ZERO)
    parts = []
    weighted = ZERO
    reported = bonuses = late = 0
    for code, target in unit.agreement.items():
        indicator = indicators[code]
        observation = observations.get((unit.code, code))
        if observation is None:
            judged = assess(indicator, target, None, as_of, year)
            part_deduction = rules.missing
        else:
            reported += 1
            value = observation.total if indicator.kind == "cumulative" else observation.latest
            judged = assess(indicator, target, value, as_of, year)  # (Observation.value inline)
            part_deduction = ZERO
            if observation.late:
                part_deduction = rules.late
                late += 1
        capped = counted_progress(indicator, judged, rules.cap, rules.strict_ceiling)
        weight = weights[code]
        part_bonus = ZERO
        if judged.met and (judged.attainment or ZERO) > ONE:
            part_bonus = rules.per_indicator
            bonuses += 1
        parts.append(
            ScorePart(
                code, judged, observation, capped, weight, total_weight, part_bonus, part_deduction
            )
        )
        weighted += capped * weight
    base = divide(HUNDRED * weighted, total_weight)  # Σ points, in one division
    # the parts' bonuses and deductions, added up by counting them (exact, and no additions
    # of zeros for the thousands of parts that have neither)
    bonus = _at_most(rules.per_indicator * bonuses, plan.scoring.bonus.max)
    missing = len(parts) - reported
    deduction = _at_most(rules.missing * missing + rules.late * late, plan.scoring.deductions.max)
    exact = max(ZERO, settled(base + bonus - deduction))
    score = round_half_up(exact, plan.scoring.decimals)
    eligible = reported * 100 >= plan.scoring.min_reported * len(parts)
    return UnitScore(
        unit, tuple(parts), base, bonus, deduction, score, grade_for(plan, score), eligible, exact
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
    Vietnamese alphabetical order of their names, as are the unranked ones that follow."""
    by_name = sorted(results, key=lambda r: _name_key(r.unit.name))
    ranked = sorted(((_order_key(plan, r), r) for r in by_name if r.eligible), key=itemgetter(0))
    rows: list[RankRow] = []
    for position, (key, result) in enumerate(ranked):
        tied = position > 0 and key == ranked[position - 1][0]
        rank = rows[-1].rank if tied else position + 1
        rows.append(RankRow(result.unit.block or "", rank, result))
    return rows + [RankRow(r.unit.block or "", None, r) for r in by_name if not r.eligible]


def rank_units(
    plan: Plan, observations: Observations, as_of: date, block: str | None = None
) -> list[RankRow]:
    """Rank every block's units (or one block's), blocks in plan order."""
    members: dict[str | None, list[Unit]] = {}
    for unit in plan.units.values():  # as Plan.members gives them, for every block at once
        members.setdefault(unit.block, []).append(unit)
    rows: list[RankRow] = []
    for code in plan.blocks:
        if block is None or code == block:
            results = [score_unit(plan, u, observations, as_of) for u in members.get(code, [])]
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
        else:
            moved.append(
                replace(row, previous_rank=earlier.rank, previous_score=earlier.result.score)
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
