"""What the :class:`~thiduaCLI.ledger.Ledger` answers: pydantic models, one per answer.

A command's ``--json`` (or ``--format json``) prints ``result.model_dump(mode="json")`` and
nothing else: these classes are the one definition of the JSON output, and
``tools/schemas.py`` writes their JSON Schemas into ``docs/schemas/``. CSV, NDJSON and
Markdown rows are the rows of the same dump.

Numbers are Decimals (:data:`Number`): in a JSON dump each becomes a plain number exact to
nine decimal places and 15 significant digits (:func:`~thiduaCLI.text.numbers.json_number`),
never NaN or Infinity; in a Python dump they stay Decimals. Times are ISO 8601 in UTC.

The read results also keep, unserialised, the domain answer they were built from
(:attr:`Answer.answer`) and the review they judge at, for the command line's tables.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, PrivateAttr, RootModel, WithJsonSchema

from thiduaCLI.domain.periods import Review
from thiduaCLI.text.numbers import json_number, to_decimal
from thiduaCLI.wording import (  # (re-exported: results.movement and the like)
    arithmetic,
    movement,
    proposal_reason,
)

if TYPE_CHECKING:
    from thiduaCLI.domain.attainment import Assessment, IndicatorStatus
    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.domain.plan_history import PlanChange as DomainPlanChange
    from thiduaCLI.domain.scoring import (
        GradePath,
        NextGrade,
        ScorePart,
        UnitScore,
    )
    from thiduaCLI.domain.timeliness import Finding as DomainFinding
    from thiduaCLI.domain.timeliness import ReportingRate
    from thiduaCLI.storage.models import Figure, TargetChange
    from thiduaCLI.storage.store import HistoryEntry as StoredEntry


def _json_number(value: Decimal) -> int | float:

    return json_number(value)


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC (stored times are UTC, with or without their zone)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


# A Decimal that a JSON dump writes as a plain number exact to 9 places / 15 digits.
Number = Annotated[
    Decimal,
    PlainSerializer(_json_number, when_used="json"),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]
# A UTC time written as ``2026-03-31T08:15:00.123456+00:00`` (in every dump).
UtcTime = Annotated[
    datetime,
    PlainSerializer(utc_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
State = Literal["achieved", "on_track", "behind", "not_achieved", "no_data"]
Basis = Literal["target", "prorated", "milestones"]


def number(value: Decimal | float | int | None) -> Decimal | None:
    """A number for a result: a stored float as the Decimal it was typed as."""
    return None if value is None else to_decimal(value)


class Result(BaseModel):
    """Every result: its JSON is its JSON-mode dump."""

    model_config = ConfigDict(defer_build=True)


class Answer(Result):
    """A read result, with the domain answer it was built from (not serialised)."""

    _answer: Any = PrivateAttr(default=None)
    _review: Any = PrivateAttr(default=None)

    @property
    def answer(self) -> Any:
        """The domain objects this result was built from, for the command line's tables."""
        return self._answer

    @property
    def review(self) -> "Review":
        """The day (and period) this result judges at."""
        return self._review


# ----------------------------------------------------------------------- shared parts


def _review_fields(plan: "Plan", review: "Review") -> dict[str, Any]:

    period = review.period
    return {"year": plan.year, "as_of": review.as_of, "period": period.label if period else None}


class Judged(Result):
    """A value judged against its target."""

    target: Number
    value: Number | None
    attainment: Number | None
    state: State
    expected: Number | None
    basis: Basis
    progress: Number | None
    projection: Number | None
    needed_per_month: Number | None


def _judged(judged: "Assessment") -> dict[str, Any]:

    return {
        "target": judged.target,
        "value": judged.value,
        "attainment": judged.attainment,
        "state": judged.state,
        "expected": judged.expected,
        "basis": judged.basis,
        "progress": judged.progress,
        "projection": judged.projection,
        "needed_per_month": judged.needed_per_month,
    }


class ScoringRules(Result):
    """The plan's rules a script needs to recompute a score from its parts."""

    cap: Number
    decimals: int
    strict_penalty: Number
    bonus_per_indicator: Number
    bonus_max: Number | None
    deduction_missing: Number
    deduction_late: Number
    deduction_max: Number | None
    min_reported: Number

    @classmethod
    def of(cls, plan: "Plan") -> "ScoringRules":
        rules = plan.scoring
        return cls(
            cap=rules.cap,
            decimals=rules.decimals,
            strict_penalty=rules.strict_penalty,
            bonus_per_indicator=rules.bonus.per_indicator,
            bonus_max=rules.bonus.max,
            deduction_missing=rules.deductions.missing,
            deduction_late=rules.deductions.late,
            deduction_max=rules.deductions.max,
            min_reported=rules.min_reported,
        )


# ------------------------------------------------------------------------- figures


class FigureRecord(Result):
    """A stored figure with everything the audit trail keeps about it."""

    id: int
    year: int
    unit: str
    indicator: str
    value: Number
    numerator: Number | None
    denominator: Number | None
    reported_total: Number | None
    date: date
    recorded_at: UtcTime
    recorded_by: str
    note: str | None
    origin: str
    supersedes: int | None
    key: str | None


def _figure(figure: "Figure") -> dict[str, Any]:

    return {
        "id": figure.id,
        "year": figure.year,
        "unit": figure.unit,
        "indicator": figure.indicator,
        "value": number(figure.value),  # the decimals typed, as every JSON number
        "numerator": number(figure.numerator),
        "denominator": number(figure.denominator),
        "reported_total": number(figure.reported_total),
        "date": figure.ref_date,
        "recorded_at": figure.recorded_at,
        "recorded_by": figure.recorded_by,
        "note": figure.note,
        "origin": figure.origin,
        "supersedes": figure.supersedes,
        "key": figure.key,
    }


class Standing(Judged):
    """Where the unit stands on the figure's indicator after it."""


class Recorded(FigureRecord):
    """``record``: the stored figure with its id, and the unit's standing after it
    (``duplicate``: a figure with the same key was already recorded, nothing was written;
    ``dry_run``: the figure as it would be recorded now, id included, but nothing was
    written)."""

    year_to_date: Number | None
    standing: Standing
    duplicate: bool
    dry_run: bool = False

    @classmethod
    def of(
        cls,
        figure: "Figure",
        year_to_date: Decimal | None,
        standing: "Assessment",
        duplicate: bool = False,
        dry_run: bool = False,
    ) -> "Recorded":
        return cls(
            **_figure(figure),
            year_to_date=year_to_date,
            standing=Standing(**_judged(standing)),
            duplicate=duplicate,
            dry_run=dry_run,
        )


class Corrected(Recorded):
    """``correct``: the new figure (``supersedes`` names the one it replaces) and the unit's
    standing after it."""


class Retracted(FigureRecord):
    """``retract``: the figure taken out of every computation, kept with the reason."""

    reason: str
    retracted_by: str

    @classmethod
    def of(cls, figure: "Figure", reason: str, by: str) -> "Retracted":
        return cls(**_figure(figure), reason=reason, retracted_by=by)


class ImportResult(Result):
    """``import``: what an import did, or would do with ``dry_run``. ``import_id`` is the
    import's number (the id of its first figure; ``retract --import`` takes it), None when
    nothing was recorded."""

    source: str
    rows: int
    recorded: int
    skipped: int
    dry_run: bool
    import_id: int | None = None


class RetractedImport(Result):
    """``retract --import``: a whole import taken back. ``retracted``: the ids of the figures
    retracted now (the import's, and the corrections made since of them, superseded or not:
    none comes back when another is retracted); ``kept``: those retracted before."""

    import_id: int
    source: str
    reason: str
    retracted_by: str
    retracted: list[int]
    kept: list[int]


# -------------------------------------------------------------------------- status


class IndicatorProgress(Result):
    """One ward indicator's progress."""

    code: str
    name: str
    measure: str
    comparator: str
    kind: str
    target: Number
    value: Number | None
    attainment: Number | None
    state: State
    expected: Number | None
    basis: Basis
    progress: Number | None
    projection: Number | None
    needed_per_month: Number | None
    source: Literal["ward", "units", "none"]
    units_reported: int
    units_expected: int


class Status(Answer):
    """``status``: the ward's progress on every indicator at a review date."""

    year: int
    as_of: date
    period: str | None
    indicators: list[IndicatorProgress]

    @classmethod
    def of(cls, plan: "Plan", review: "Review", rows: "list[IndicatorStatus]") -> "Status":
        result = cls(
            **_review_fields(plan, review),
            indicators=[
                IndicatorProgress(
                    code=row.indicator.code,
                    name=row.indicator.name,
                    measure=row.indicator.measure,
                    comparator=row.indicator.comparator,
                    kind=row.indicator.kind,
                    **_judged(row.assessment),
                    source=row.ward.source,
                    units_reported=row.ward.units_reported,
                    units_expected=row.ward.units_expected,
                )
                for row in rows
            ],
        )
        return _keep(result, rows, review)


A = TypeVar("A", bound=Answer)


def _keep(result: A, answer: object, review: "Review | None") -> "A":
    result._answer = answer
    result._review = review
    return result


# ---------------------------------------------------------------------------- rank


class ScorePartResult(Result):
    """One indicator's contribution to a unit's score, with all it takes to recompute it."""

    indicator: str
    target: Number
    value: Number | None
    attainment: Number | None
    state: State
    expected: Number | None
    basis: Basis
    progress: Number | None
    projection: Number | None
    needed_per_month: Number | None
    basis_target: Number | None
    capped: Number
    weight: Number
    points: Number
    bonus: Number
    deduction: Number
    met: bool
    missing: bool
    late: bool
    last_date: date | None
    last_by: str | None


def _part(part: "ScorePart") -> "ScorePartResult":
    judged, observation = part.assessment, part.observation
    return ScorePartResult(
        indicator=part.indicator,
        **_judged(judged),
        basis_target=judged.basis_target,
        capped=part.capped,
        weight=part.weight,
        points=part.points,
        bonus=part.bonus,
        deduction=part.deduction,
        met=judged.met,
        missing=part.missing,
        late=part.late,
        last_date=observation.last_date if observation else None,
        last_by=observation.last_by if observation else None,
    )


class UnitScoreResult(Result):
    """A unit's score and all of its parts."""

    unit: str
    name: str
    block: str | None
    score: Number
    grade: str
    eligible: bool
    reported: int
    expected: int
    achieved: int
    missing: list[str]
    base: Number
    bonus: Number
    deduction: Number
    parts: list[ScorePartResult]


def _score(result: "UnitScore") -> dict[str, Any]:

    return {
        "unit": result.unit.code,
        "name": result.unit.name,
        "block": result.unit.block,
        "score": result.score,
        "grade": result.grade,
        "eligible": result.eligible,
        "reported": result.reported,
        "expected": result.expected,
        "achieved": result.achieved,
        "missing": result.missing,
        "base": result.base,
        "bonus": result.bonus,
        "deduction": result.deduction,
        "parts": [_part(part) for part in result.parts],
    }


class _Place(Result):
    """Where a unit is ranked (the first fields of a ranked row)."""

    block: str | None
    rank: int | None
    previous_rank: int | None
    previous_score: Number | None
    move: int | None
    movement: str


class RankedUnit(UnitScoreResult, _Place):
    """A ranked row: its place in its block and its place before, then the unit's score."""


class Ranking(Answer):
    """``rank``: units ranked within their blocks, and their move since the period before."""

    year: int
    as_of: date
    period: str | None
    scoring: ScoringRules
    previous_as_of: date
    previous_ranked: bool
    rows: list[RankedUnit]

    @classmethod
    def of(cls, plan: "Plan", review: "Review", ranking: Any) -> "Ranking":
        result = cls(
            **_review_fields(plan, review),
            scoring=ScoringRules.of(plan),
            previous_as_of=ranking.previous_end,
            previous_ranked=ranking.previous_available,
            rows=[
                RankedUnit(
                    **_score(row.result),
                    rank=row.rank,
                    previous_rank=row.previous_rank,
                    previous_score=row.previous_score,
                    move=row.move,
                    movement=movement(row),
                )
                for row in ranking.rows
            ],
        )
        return _keep(result, ranking, review)


# ----------------------------------------------------------------------- shortlist


class ProposalResult(Result):
    """A unit proposed for a commendation, and why."""

    block: str
    unit: str
    name: str
    rank: int | None
    block_size: int
    score: Number
    grade: str
    commendation: str
    reason: str


class Shortlist(Answer):
    """``rank --shortlist``: the units the plan's commendation rules propose."""

    year: int
    as_of: date
    period: str | None
    proposals: list[ProposalResult]

    @classmethod
    def of(cls, plan: "Plan", review: "Review", ranking: Any) -> "Shortlist":
        result = cls(
            **_review_fields(plan, review),
            proposals=[
                ProposalResult(
                    block=p.row.block,
                    unit=p.row.result.unit.code,
                    name=p.row.result.unit.name,
                    rank=p.row.rank,
                    block_size=p.block_size,
                    score=p.row.result.score,
                    grade=p.row.result.grade,
                    commendation=p.commendation.name,
                    reason=proposal_reason(plan, p),
                )
                for p in ranking.proposals
            ],
        )
        return _keep(result, ranking, review)


# ----------------------------------------------------------------------- scorecard


class GradePathResult(Result):
    """One way to reach the next grade: a single indicator's value."""

    indicator: str
    value_needed: Number
    change: Number
    by_year_end: Number | None
    per_month: Number | None
    beyond: bool


class NextGradeResult(Result):
    """The next grade and the ways to it."""

    grade: str
    min: Number
    gap: Number
    paths: list[GradePathResult]

    @classmethod
    def of(cls, step: "NextGrade | None") -> "NextGradeResult | None":
        if step is None:
            return None
        return cls(
            grade=step.grade.name,
            min=step.grade.min,
            gap=step.gap,
            paths=[_path(path) for path in step.paths],
        )


def _path(path: "GradePath") -> "GradePathResult":
    return GradePathResult(
        indicator=path.indicator,
        value_needed=path.value_needed,
        change=path.change,
        by_year_end=path.by_year_end,
        per_month=path.per_month,
        beyond=path.beyond,
    )


class _ScoredAt(Result):
    """The review and the rules a scorecard is computed with (its first fields)."""

    year: int
    as_of: date
    period: str | None
    scoring: ScoringRules


class Scorecard(Answer, UnitScoreResult, _ScoredAt):
    """``show``: one unit's score explained: parts, arithmetic, rank, the way to the next grade."""

    rank: int | None
    arithmetic: str
    next_grade: NextGradeResult | None

    @classmethod
    def of(cls, plan: "Plan", review: "Review", card: Any) -> "Scorecard":
        row = card.rank
        result = cls(
            **_review_fields(plan, review),
            scoring=ScoringRules.of(plan),
            **_score(card.result),
            rank=row.rank if row else None,
            arithmetic=arithmetic(plan, card.result),
            next_grade=NextGradeResult.of(card.next),
        )
        return _keep(result, card, review)


# ------------------------------------------------------------------- audit trail


class RetractionResult(Result):
    """Why, when and by whom a figure was retracted."""

    reason: str
    at: UtcTime
    by: str


class HistoryEntry(FigureRecord):
    """A figure with its standing: still counted, corrected by a later one, or retracted."""

    standing: Literal["active", "superseded", "retracted"]
    superseded_by: int | None
    retraction: RetractionResult | None


class History(RootModel[list[HistoryEntry]]):
    """``history``: figures newest first, each with its standing and, if retracted, why."""

    model_config = ConfigDict(defer_build=True)

    _answer: Any = PrivateAttr(default=None)

    @property
    def answer(self) -> Any:

        return self._answer

    @classmethod
    def of(cls, entries: "list[StoredEntry]") -> "History":
        result = cls(
            [
                HistoryEntry(
                    **_figure(entry.figure),
                    standing=entry.standing,  # type: ignore[arg-type]
                    superseded_by=entry.superseded_by,
                    retraction=None
                    if entry.retraction is None
                    else RetractionResult(
                        reason=entry.retraction.reason,
                        at=entry.retraction.retracted_at,
                        by=entry.retraction.retracted_by,
                    ),
                )
                for entry in entries
            ]
        )
        result._answer = entries
        return result


class TargetChangeResult(Result):
    """A target changed by re-syncing the plan."""

    unit: str
    indicator: str
    old_target: float | None
    new_target: float | None
    changed_at: UtcTime
    source: str


class TargetChanges(RootModel[list[TargetChangeResult]]):
    """``history --targets``: targets changed by re-syncing the plan, newest first."""

    model_config = ConfigDict(defer_build=True)

    _answer: Any = PrivateAttr(default=None)

    @property
    def answer(self) -> Any:

        return self._answer

    @classmethod
    def of(cls, changes: "list[TargetChange]") -> "TargetChanges":
        result = cls(
            [
                TargetChangeResult(
                    unit=change.unit,
                    indicator=change.indicator,
                    old_target=change.old_target,
                    new_target=change.new_target,
                    changed_at=change.changed_at,
                    source=change.source,
                )
                for change in changes
            ]
        )
        result._answer = changes
        return result


class PlanChangeResult(Result):
    """One change a plan version made (``field`` null: the year's first version, whole)."""

    version: int
    year: int
    loaded_at: str
    loaded_by: str
    source: str
    field: str | None
    before: Any
    after: Any


def _stored_utc(stored: str) -> str:
    """``2026-03-31 08:15:00.000000`` as ISO 8601 UTC, like every other time thidua prints."""
    return stored[:19].replace(" ", "T") + "Z"


class PlanChanges(RootModel[list[PlanChangeResult]]):
    """``history --plan``: every change each stored version of the plan made, newest first."""

    model_config = ConfigDict(defer_build=True)

    _answer: Any = PrivateAttr(default=None)

    @property
    def answer(self) -> Any:

        return self._answer

    @classmethod
    def of(cls, changes: "list[DomainPlanChange]") -> "PlanChanges":
        result = cls(
            [
                PlanChangeResult(
                    version=change.version.id,
                    year=change.version.year,
                    loaded_at=_stored_utc(change.version.loaded_at),
                    loaded_by=change.version.loaded_by,
                    source=change.version.source,
                    field=change.field,
                    before=change.before,
                    after=change.after,
                )
                for change in changes
            ]
        )
        result._answer = changes
        return result


# ----------------------------------------------------------------- cron and rates


class FindingResult(Result):
    """One problem a check found."""

    check: Literal["behind", "overdue", "missing", "below"]
    unit: str
    name: str
    indicator: str | None
    value: Number | None
    threshold: Number | None
    state: str


class Checks(Answer):
    """``check``: the checks run and what they found (none found: exit 0)."""

    year: int
    as_of: date
    period: str | None
    checks: list[str]
    found: int
    findings: list[FindingResult]

    @classmethod
    def of(
        cls, plan: "Plan", review: "Review", checks: list[str], findings: "list[DomainFinding]"
    ) -> "Checks":
        result = cls(
            **_review_fields(plan, review),
            checks=checks,
            found=len(findings),
            findings=[
                FindingResult(
                    check=finding.check,  # type: ignore[arg-type]
                    unit=finding.unit,
                    name=finding.name,
                    indicator=finding.indicator,
                    value=number(finding.value),
                    threshold=number(finding.threshold),
                    state=finding.state,
                )
                for finding in findings
            ],
        )
        return _keep(result, (checks, findings), review)


class ReportingRateResult(Result):
    """How one unit reports: figures due, received, on time, its last report."""

    unit: str
    name: str
    block: str | None
    expected: int
    received: int
    on_time: int
    received_rate: Number | None
    on_time_rate: Number | None
    last_report: UtcTime | None


class ReportingRates(Answer):
    """``overdue``: per unit, figures due so far in the reporting cycle, received, on time."""

    year: int
    as_of: date
    period: str | None
    reporting_cycle: str
    due_days: int
    units: list[ReportingRateResult]

    @classmethod
    def of(cls, plan: "Plan", review: "Review", rates: "list[ReportingRate]") -> "ReportingRates":
        result = cls(
            **_review_fields(plan, review),
            reporting_cycle=plan.reporting_cycle,
            due_days=plan.due_days,
            units=[
                ReportingRateResult(
                    unit=rate.unit.code,
                    name=rate.unit.name,
                    block=rate.unit.block,
                    expected=rate.expected,
                    received=rate.received,
                    on_time=rate.on_time,
                    received_rate=number(rate.received_rate),
                    on_time_rate=number(rate.on_time_rate),
                    last_report=rate.last_report,
                )
                for rate in rates
            ],
        )
        return _keep(result, rates, review)


# ------------------------------------------------------------------------ the plan


class IndicatorInfo(Result):
    """One of the plan's indicators."""

    code: str
    name: str
    measure: str
    target: Number
    comparator: str
    kind: str
    share: bool
    rollup: str
    weight_by: str | None
    tolerance: Number | None
    weight: Number
    milestones: list[Number] | None


class Indicators(RootModel[list[IndicatorInfo]]):
    """``indicators``: the plan's indicators."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def of(cls, plan: "Plan") -> "Indicators":
        return cls(
            [
                IndicatorInfo(
                    code=ind.code,
                    name=ind.name,
                    measure=ind.measure,
                    target=ind.target,
                    comparator=ind.comparator,
                    kind=ind.kind,
                    share=ind.share,
                    rollup=ind.rollup,
                    weight_by=ind.weight_by,
                    tolerance=ind.tolerance,
                    weight=ind.weight,
                    milestones=list(ind.milestones) if ind.milestones else None,
                )
                for ind in plan.indicators.values()
            ]
        )


class UnitInfo(Result):
    """A signatory, its block (none for the ward) and its agreement's targets."""

    code: str
    name: str
    block: str | None
    indicators: list[str]
    targets: dict[str, Number]


class Units(RootModel[list[UnitInfo]]):
    """``units``: the signatories, the ward first, then each block's units."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def of(cls, plan: "Plan") -> "Units":
        from thiduaCLI.text.lookup import sort_key

        ward = [unit for unit in plan.units.values() if unit.block is None]
        members = [
            sorted(plan.members(code), key=lambda u: sort_key(u.name)) for code in plan.blocks
        ]
        listed = ward + [unit for block in members for unit in block]
        return cls(
            [
                UnitInfo(
                    code=unit.code,
                    name=unit.name,
                    block=unit.block,
                    indicators=list(unit.agreement),
                    targets=dict(unit.agreement),
                )
                for unit in listed
            ]
        )


class AccessEntry(Result):
    """``access grant``/``revoke``/``list``: one login's access to a PostgreSQL database."""

    login: str
    role: Literal["officer", "unit", "viewer"]
    units: list[str]


class AccessList(Result):
    """``access list``: who may do what in the database."""

    database: str
    entries: list[AccessEntry]


class Verification(Result):
    """``verify``: what was checked; all of it held (else an error was raised)."""

    path: str
    ok: bool = True
    entries: int
    figures: int
    retractions: int
    plan_versions: int
    month_rows: int
    head: str

    @property
    def file(self) -> Path:

        return Path(self.path)


class CopyResult(Result):
    """``db copy``: the rows copied into the new database, table by table, and the check of
    the copy (counts equal, and ``verify`` on it, its audit chain ending at the source's
    head)."""

    source: str
    target: str
    rows: dict[str, int]
    verification: Verification


# The results of the read commands, by command, for tools/schemas.py and the docs.
# --------------------------------------------------------------------------- brief


@dataclass(frozen=True)
class MonthPoint:
    """A ward indicator at one month's end (or the review day): its figure and what the plan
    expected by then (None: no figure yet / nothing expected, as ``status`` says)."""

    day: date
    value: Decimal | None
    expected: Decimal | None


@dataclass(frozen=True)
class Brief:
    """Everything the review meeting's papers show (``thidua brief``), from the same
    computations as ``status``, ``rank``, ``rank --shortlist``, ``show`` and ``overdue``.

    ``last_year``: ``status`` a year before the review day, when the database holds that
    year's plan (None otherwise); ``series``: each ward indicator month by month up to the
    review day, for the progress charts."""

    review: Review
    status: Status
    last_year: Status | None
    ranking: Ranking
    shortlist: Shortlist
    rates: ReportingRates
    series: dict[str, list[MonthPoint]]


SCHEMAS: dict[str, type[BaseModel]] = {
    "status": Status,
    "rank": Ranking,
    "rank-shortlist": Shortlist,
    "show": Scorecard,
    "history": History,
    "history-targets": TargetChanges,
    "history-plan": PlanChanges,
    "overdue": ReportingRates,
    "check": Checks,
    "indicators": Indicators,
    "units": Units,
    "verify": Verification,
    "report": Recorded,
    "correct": Corrected,
    "import": ImportResult,
    "retract": Retracted,
    "retract-import": RetractedImport,
    "access": AccessList,
    "db-copy": CopyResult,
}
