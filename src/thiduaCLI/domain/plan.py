"""The emulation plan as the core uses it: a validated, resolved :class:`Plan` (pure).

Reading a plan file (TOML) into one is :mod:`thiduaCLI.domain.plan_file`'s job; the stored plan's
rows are :mod:`thiduaCLI.storage.plan_rows`'.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_serializer,
    model_serializer,
    model_validator,
)

Comparator = Literal[">", ">=", "~", "<=", "<"]
Kind = Literal["cumulative", "level"]
Rollup = Literal["sum", "ratio", "weighted", "none"]
Cycle = Literal["monthly", "quarterly"]

CODE_PATTERN = r"^[A-Za-z0-9_\-]+$"

Code = Annotated[str, Field(pattern=CODE_PATTERN, min_length=1, max_length=40)]
Text = Annotated[str, Field(min_length=1, max_length=200)]  # literal.NAME_LIMIT
# Every number of a plan is a Decimal: the digits written are the digits computed with
# (a stored plan written by an older thidua holds floats, read back by their shortest repr).
NonNegative = Annotated[Decimal, Field(ge=0, lt=Decimal("1e15"), allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
DueDays = Annotated[int, Field(ge=0, le=90)]


class Strict(BaseModel):
    """Frozen, and no field it does not declare."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Grade(Strict):
    """A grade and the least score that earns it."""

    min: Percent
    name: Text


DEFAULT_GRADES = (
    Grade(min=Decimal(90), name="Hoàn thành xuất sắc nhiệm vụ"),  # i18n: data
    Grade(min=Decimal(70), name="Hoàn thành tốt nhiệm vụ"),  # i18n: data
    Grade(min=Decimal(50), name="Hoàn thành nhiệm vụ"),  # i18n: data
    Grade(min=Decimal(0), name="Không hoàn thành nhiệm vụ"),  # i18n: data
)


class Bonus(Strict):
    """Points added for each indicator achieved beyond its target."""

    per_indicator: NonNegative = Decimal(0)
    max: NonNegative | None = None


class Deductions(Strict):
    """Points taken for each indicator with no figure, or with a figure reported late."""

    missing: NonNegative = Decimal(0)
    late: NonNegative = Decimal(0)
    max: NonNegative | None = None


TieBreaker = Literal["achieved", "reported", "earliest"]


class Commendation(Strict):
    """A commendation and who may be proposed for it: a least grade, a best rank, completeness."""

    name: Text
    grade: Text
    top: Annotated[int, Field(ge=1)] | None = None
    complete: bool = False


def default_commendations(grades: tuple[Grade, ...]) -> tuple[Commendation, ...]:
    """Without rules in the plan: the top of each block with the best grade is proposed for
    the ward's Giấy khen, and the two best grades earn "Tập thể lao động tiên tiến"."""
    if len(grades) < 2:
        return ()
    return (
        Commendation(
            name="Đề nghị Chủ tịch UBND phường tặng Giấy khen",  # i18n: data
            grade=grades[0].name,
            top=1,
        ),
        Commendation(name="Tập thể lao động tiên tiến", grade=grades[1].name),  # i18n: data
    )


class Scoring(Strict):
    """How attainment becomes a score, a score a grade, and a grade a commendation."""

    cap: Annotated[Decimal, Field(ge=100, le=1000, allow_inf_nan=False)] = Decimal(100)
    decimals: Annotated[int, Field(ge=0, le=6)] = 2
    strict_penalty: Annotated[Decimal, Field(gt=0, le=100, allow_inf_nan=False)] = Decimal(1)
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    bonus: Bonus = Bonus()
    deductions: Deductions = Deductions()
    min_reported: Percent = Decimal(0)
    tie_breakers: tuple[TieBreaker, ...] = ()
    commendations: tuple[Commendation, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _default_commendations(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "commendations" in data:
            return data
        try:
            grades = tuple(Grade.model_validate(g) for g in data.get("grades", DEFAULT_GRADES))
        except (ValidationError, TypeError):
            return data  # the grades themselves are wrong: their own error says where
        return {**data, "commendations": default_commendations(grades)}

    def grade_rank(self, name: str) -> int:
        """Position of a grade from the top (0 is the best)."""
        return _grade_positions(self.grades)[name]


def _grade_positions(grades: tuple[Grade, ...]) -> dict[str, int]:
    """Each grade's position, worked out once per plan: a shortlist of 3,000 units asks
    12,000 times (kept by identity; hashing the grades would cost as much as the lookup)."""
    kept = _POSITIONS.get(id(grades))
    if kept is not None and kept[0] is grades:
        return kept[1]
    positions = {grade.name: position for position, grade in enumerate(grades)}
    _POSITIONS[id(grades)] = (grades, positions)
    return positions


_POSITIONS: dict[int, tuple[tuple[Grade, ...], dict[str, int]]] = {}


class Indicator(Strict):
    """One chỉ tiêu: what is measured, the ward's target and how figures combine."""

    code: Code
    name: Text
    measure: Text
    target: NonNegative
    comparator: Comparator
    kind: Kind
    rollup: Rollup
    share: bool = False
    negative: bool = False
    tolerance: Percent | None = None
    weight_by: str | None = None
    weight: NonNegative = Decimal(1)
    milestones: tuple[NonNegative, NonNegative, NonNegative] | None = None

    @property
    def lower_is_better(self) -> bool:
        """True for ``<`` and ``<=`` indicators."""
        return self.comparator in ("<", "<=")


class Unit(Strict):
    """A signatory with its resolved agreement: indicator code -> its own target and weight."""

    code: Code
    name: Text
    block: str | None
    agreement: dict[str, Decimal]
    weights: dict[str, Decimal]
    sizes: dict[str, Decimal] = {}
    # per indicator rolled up as a ratio: the unit's denominator (its population, the
    # surveys it runs), so that a plain percentage it reports adds up honestly
    denominators: dict[str, Decimal] = {}

    @model_validator(mode="after")
    def _weights_match_agreement(self) -> Unit:
        if self.weights.keys() != self.agreement.keys():
            raise ValueError("weights and agreement name different indicators")
        return self

    @model_serializer(mode="wrap")
    def _without_empty_denominators(self, handler: SerializerFunctionWrapHandler) -> Any:
        """A unit without denominators is written as before they existed: a stored plan, and
        the audit chain's plan versions, keep their exact text."""
        dumped = handler(self)
        if not self.denominators and isinstance(dumped, dict):
            dumped.pop("denominators", None)
        return dumped

    @property
    def is_ward(self) -> bool:
        """The ward reports too but is ranked in no block."""
        return self.block is None


class Block(Strict):
    """A khối thi đua, the indicators its members sign by default, and its own weights."""

    code: Code
    name: Text
    indicators: tuple[str, ...] = ()
    weights: dict[str, Decimal] = {}


class Plan(Strict):
    """A whole year's plan, resolved: every unit knows its agreement and targets."""

    year: Annotated[int, Field(ge=2000, le=2100)]
    title: Text
    reporting_cycle: Cycle = "monthly"
    due_days: DueDays = 10
    scoring: Scoring = Scoring.model_validate({})
    ward_code: Code
    indicators: dict[str, Indicator]
    blocks: dict[str, Block]
    units: Mapping[str, Unit]  # a dict; a stored plan's reads its units when asked

    @field_serializer("units")
    def _units_as_dict(self, units: Mapping[str, Unit]) -> dict[str, Unit]:
        """A stored plan's units (read when asked for) are written like any plan's."""
        return dict(units.items())

    @property
    def ward(self) -> Unit:
        """The ward as a reporting unit."""
        return self.units[self.ward_code]

    def members(self, block: str) -> list[Unit]:
        """Units of one block, in plan order."""
        return [unit for unit in self.units.values() if unit.block == block]
