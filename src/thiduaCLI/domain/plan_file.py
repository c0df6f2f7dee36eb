"""A plan file: TOML text in, a validated and resolved :class:`~thiduaCLI.domain.plan.Plan` out,
or one :class:`PlanError` naming the field (pure, apart from reading the file)."""

from __future__ import annotations

import itertools
import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError

from thiduaCLI.domain.plan import (
    Block,
    Code,
    Cycle,
    DueDays,
    Indicator,
    NonNegative,
    Plan,
    Scoring,
    Strict,
    Text,
    Unit,
)
from thiduaCLI.errors import PlanError
from thiduaCLI.text.i18n import N_, _, ngettext
from thiduaCLI.text.lookup import nfc
from thiduaCLI.text.numbers import DIGITS, significant_digits
from thiduaCLI.text.oserrors import os_reason

# ----------------------------------------------------------------- the file's own shape


class _WardEntry(Strict):
    code: Code
    name: Text


class _UnitEntry(Strict):
    name: Text
    block: Code
    indicators: tuple[str, ...] | None = None
    targets: dict[str, NonNegative] = Field(default_factory=dict)
    sizes: dict[str, NonNegative] = Field(default_factory=dict)
    denominators: dict[str, NonNegative] = Field(default_factory=dict)


class _BlockEntry(Strict):
    name: Text
    indicators: tuple[str, ...] = ()
    weights: dict[str, NonNegative] = Field(default_factory=dict)


class _PlanFile(Strict):
    year: Annotated[int, Field(ge=2000, le=2100)]
    title: Text
    reporting_cycle: Cycle = "monthly"
    due_days: DueDays = 10
    ward: _WardEntry
    scoring: Scoring = Scoring.model_validate({})
    indicators: Annotated[dict[str, Any], Field(min_length=1)]
    blocks: dict[str, _BlockEntry] = Field(default_factory=dict)
    units: dict[str, _UnitEntry] = Field(default_factory=dict)


# ----------------------------------------------------------------------------- loading


MAX_PLAN_BYTES = 10_000_000  # a province's plan is well under a megabyte


def shipped_plan_path() -> Path:
    """The plan shipped with thidua: inside the wheel, or ``data/`` in a source checkout."""
    packaged = resources.files("thiduaCLI") / "data" / "targets_2026.toml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "data" / "targets_2026.toml"


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file."""
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise PlanError(
                _("{path}: tệp kế hoạch lớn quá {limit} MB").format(
                    path=path, limit=MAX_PLAN_BYTES // 1_000_000
                )
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(_("{path}: không tìm thấy tệp kế hoạch").format(path=path)) from None
    except UnicodeDecodeError:
        raise PlanError(_("{path}: tệp kế hoạch phải là văn bản UTF-8").format(path=path)) from None
    except OSError as exc:
        raise PlanError(
            _("{path}: không đọc được tệp kế hoạch ({reason})").format(
                path=path, reason=os_reason(exc)
            )
        ) from None
    return parse_plan(text, source=str(path))


def parse_plan(text: str, source: str | None = None) -> Plan:
    """Parse TOML text into a resolved plan, or raise :class:`PlanError` naming the field.

    ``source`` names the text in errors (by default, a placeholder for "the plan").
    """
    if source is None:
        source = _("<kế hoạch>")
    try:
        # names stored in NFC, whatever the editor wrote; numbers as the decimals written
        document = tomllib.loads(nfc(text), parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{source}: {_describe_toml_error(exc)}") from None
    try:
        _check_digits(document)
        raw = _PlanFile.model_validate(document)
        indicators = {
            code: _validate_indicator(code, fields) for code, fields in raw.indicators.items()
        }
        return _resolve(raw, indicators)
    except ValidationError as exc:
        raise PlanError(f"{source}: {_describe_validation_error(exc)}") from None
    except _EntryError as exc:
        raise PlanError(f"{source}: {exc}") from None


# The least target above 0: a value over a smaller one would have an attainment beyond what a
# report, a table or a JSON reader can hold (value < 10^15, so attainment < 10^24).
SMALLEST_TARGET = Decimal("1e-9")


def _check_digits(document: object, location: str = "") -> None:
    """Every number of the plan has at most 15 significant digits (as every value reported
    has), so that it is stored and computed with exactly the digits written."""
    if isinstance(document, dict):
        for key, value in document.items():
            _check_digits(value, f"{location}.{key}" if location else str(key))
    elif isinstance(document, list):
        for position, value in enumerate(document):
            _check_digits(value, f"{location}.{position}")
    elif isinstance(document, Decimal | int) and not isinstance(document, bool):
        number = Decimal(document)
        if number.is_finite() and significant_digits(number) > DIGITS:
            raise _EntryError(
                location,
                _("quá nhiều chữ số có nghĩa (tối đa {digits}; đang là {value})").format(
                    digits=DIGITS, value=document
                ),
            )


class _EntryError(Exception):
    """A cross-reference problem at a location such as ``units.K01.targets.BHYT``."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")


def _validate_indicator(code: str, fields: object) -> Indicator:
    """Validate one ``[indicators.CODE]`` table, naming it in any error."""
    if not isinstance(fields, dict):
        raise _EntryError(f"indicators.{code}", _("phải là một bảng [indicators.MÃ]"))
    if "code" in fields:
        raise _EntryError(
            f"indicators.{code}.code", _("mã là tên bảng, không ghi thêm trường code")
        )
    try:
        return Indicator.model_validate({**fields, "code": code})
    except ValidationError as exc:
        raise _EntryError(f"indicators.{code}", _describe_validation_error(exc)) from None


def _resolve(raw: _PlanFile, indicators: dict[str, Indicator]) -> Plan:
    """Check cross-references and build each unit's agreement."""
    _check_unique_codes(raw, indicators)
    _check_scoring(raw.scoring)
    for code, indicator in indicators.items():
        _check_indicator(f"indicators.{code}", indicator)

    blocks: dict[str, Block] = {}
    for code, entry in raw.blocks.items():
        _check_known(f"blocks.{code}.indicators", entry.indicators, indicators)
        _check_known(f"blocks.{code}.weights", tuple(entry.weights), indicators)
        blocks[code] = Block(
            code=code, name=entry.name, indicators=entry.indicators, weights=entry.weights
        )

    units: dict[str, Unit] = {
        raw.ward.code: Unit(
            code=raw.ward.code,
            name=raw.ward.name,
            block=None,
            agreement={code: ind.target for code, ind in indicators.items()},
            weights={code: ind.weight for code, ind in indicators.items()},
        )
    }
    for code, unit_entry in raw.units.items():
        units[code] = _resolve_unit(code, unit_entry, blocks, indicators)

    return Plan(
        year=raw.year,
        title=raw.title,
        reporting_cycle=raw.reporting_cycle,
        due_days=raw.due_days,
        scoring=raw.scoring,
        ward_code=raw.ward.code,
        indicators=indicators,
        blocks=blocks,
        units=units,
    )


def _resolve_unit(
    code: str, entry: _UnitEntry, blocks: dict[str, Block], indicators: dict[str, Indicator]
) -> Unit:
    where = f"units.{code}"
    if entry.block not in blocks:
        known = ", ".join(blocks) or _("(chưa khai báo khối nào)")
        raise _EntryError(
            f"{where}.block",
            _("khối '{block}' không có trong [blocks] ({known})").format(
                block=entry.block, known=known
            ),
        )
    signed = entry.indicators if entry.indicators is not None else blocks[entry.block].indicators
    _check_known(f"{where}.indicators", signed, indicators)
    if not signed:
        raise _EntryError(f"{where}.indicators", _("đơn vị phải ký ít nhất một chỉ tiêu"))
    if len(set(signed)) != len(signed):
        raise _EntryError(f"{where}.indicators", _("một chỉ tiêu được ghi hai lần"))
    for indicator_code, target in entry.targets.items():
        location = f"{where}.targets.{indicator_code}"
        if indicator_code not in indicators:
            raise _EntryError(
                location,
                _("chỉ tiêu '{code}' không có trong [indicators]").format(code=indicator_code),
            )
        if indicator_code not in signed:
            raise _EntryError(location, _("chỉ tiêu này không thuộc giao ước của đơn vị"))
        _check_target(location, indicators[indicator_code], target)
    for indicator_code in signed:
        weight_by = indicators[indicator_code].weight_by
        if weight_by and entry.sizes.get(weight_by, 0) <= 0:
            raise _EntryError(
                f"{where}.sizes.{weight_by}",
                _("chỉ tiêu {code} tổng hợp theo '{weight_by}': cần một số dương").format(
                    code=indicator_code, weight_by=weight_by
                ),
            )
    for indicator_code, size in entry.denominators.items():
        location = f"{where}.denominators.{indicator_code}"
        if indicator_code not in indicators:
            raise _EntryError(
                location,
                _("chỉ tiêu '{code}' không có trong [indicators]").format(code=indicator_code),
            )
        if indicator_code not in signed:
            raise _EntryError(location, _("chỉ tiêu này không thuộc giao ước của đơn vị"))
        if indicators[indicator_code].rollup != "ratio":
            raise _EntryError(
                location, _("mẫu số chỉ dùng cho chỉ tiêu tổng hợp bằng rollup = 'ratio'")
            )
        if size <= 0:
            raise _EntryError(
                location, _("mẫu số phải lớn hơn 0 (đang là {value})").format(value=f"{size:g}")
            )
    block = blocks[entry.block]
    weights = {c: block.weights.get(c, indicators[c].weight) for c in signed}
    if not any(weights.values()):
        raise _EntryError(where, _("tổng trọng số các chỉ tiêu của đơn vị bằng 0"))
    return Unit(
        code=code,
        name=entry.name,
        block=entry.block,
        agreement={c: entry.targets.get(c, indicators[c].target) for c in signed},
        weights=weights,
        sizes=entry.sizes,
        denominators=entry.denominators,
    )


def _check_unique_codes(raw: _PlanFile, indicators: dict[str, Indicator]) -> None:
    """Codes differ case-insensitively within indicators, blocks and units (ward included)."""
    groups = {
        "indicators": list(indicators),
        "blocks": list(raw.blocks),
        "units": [raw.ward.code, *raw.units],
    }
    for section, codes in groups.items():
        seen: dict[str, str] = {}
        for code in codes:
            if code.casefold() in seen:  # the ward comes first, so a repeat is always an entry
                raise _EntryError(
                    f"{section}.{code}",
                    _("mã trùng với '{other}'").format(other=seen[code.casefold()]),
                )
            seen[code.casefold()] = code


def _check_scoring(scoring: Scoring) -> None:
    minimums = [grade.min for grade in scoring.grades]
    if not minimums:
        raise _EntryError("scoring.grades", _("cần ít nhất một mức xếp loại"))
    if any(a <= b for a, b in itertools.pairwise(minimums)):
        raise _EntryError(
            "scoring.grades", _("các mức phải xếp từ cao xuống thấp, không trùng nhau")
        )
    if minimums[-1] != 0:
        raise _EntryError("scoring.grades", _("mức cuối cùng phải có min = 0"))
    names = [grade.name for grade in scoring.grades]
    if len(set(names)) != len(names):
        raise _EntryError("scoring.grades", _("hai mức xếp loại trùng tên"))
    if len(set(scoring.tie_breakers)) != len(scoring.tie_breakers):
        raise _EntryError("scoring.tie_breakers", _("một tiêu chí được ghi hai lần"))
    for position, commendation in enumerate(scoring.commendations):
        if commendation.grade not in names:
            raise _EntryError(
                f"scoring.commendations.{position}.grade",
                _("'{grade}' không phải một mức trong scoring.grades").format(
                    grade=commendation.grade
                ),
            )


def _check_indicator(where: str, indicator: Indicator) -> None:
    _check_target(f"{where}.target", indicator, indicator.target)
    if indicator.comparator == "~" and indicator.tolerance is None:
        raise _EntryError(
            f"{where}.tolerance", _("chỉ tiêu '~' (khoảng) cần dung sai, ví dụ 5 (%)")
        )
    if indicator.rollup == "ratio" and not indicator.share:
        raise _EntryError(
            f"{where}.rollup", _("'ratio' chỉ dùng cho chỉ tiêu tỷ lệ (share = true)")
        )
    if indicator.rollup == "sum" and indicator.share:
        raise _EntryError(
            f"{where}.rollup", _("không cộng các tỷ lệ: dùng 'ratio' hoặc 'weighted'")
        )
    if (indicator.rollup == "weighted") != bool(indicator.weight_by):
        raise _EntryError(f"{where}.weight_by", _("cần khi và chỉ khi rollup = 'weighted'"))
    if indicator.share and indicator.negative:
        raise _EntryError(f"{where}.negative", _("một tỷ lệ không thể âm"))
    if indicator.milestones is not None:
        if indicator.kind != "cumulative":
            raise _EntryError(f"{where}.milestones", _("chỉ dùng cho chỉ tiêu cộng dồn"))
        steps = [*indicator.milestones, indicator.target]
        if any(a > b for a, b in itertools.pairwise(steps)):
            raise _EntryError(
                f"{where}.milestones", _("mức quý phải tăng dần và không vượt chỉ tiêu")
            )


def _check_target(location: str, indicator: Indicator, target: Decimal) -> None:
    if indicator.share and target > 100:
        raise _EntryError(
            location,
            _("chỉ tiêu tỷ lệ phải từ 0 đến 100 (đang là {value})").format(value=f"{target:g}"),
        )
    if 0 < target < SMALLEST_TARGET:
        raise _EntryError(
            location,
            _("chỉ tiêu khác 0 phải từ 0,000000001 trở lên (đang là {value})").format(
                value=f"{target:g}"
            ),
        )


def _check_known(location: str, codes: tuple[str, ...], indicators: dict[str, Indicator]) -> None:
    for code in codes:
        if code not in indicators:
            raise _EntryError(
                location, _("chỉ tiêu '{code}' không có trong [indicators]").format(code=code)
            )


# ------------------------------------------------------------------------ writing back


def plan_file_document(plan: Plan) -> dict[str, Any]:
    """A plan as a plan file holds it (the inverse of :func:`parse_plan`): what the resolution
    derives is left out (the ward's agreement, each unit's weights, a target or an agreement
    equal to the one it would inherit), so that reading it back gives an equal plan."""
    units = {}
    for code, unit in plan.units.items():
        if unit.is_ward:
            continue
        entry: dict[str, Any] = {"name": unit.name, "block": unit.block}
        inherited = plan.blocks[unit.block].indicators if unit.block in plan.blocks else ()
        if tuple(unit.agreement) != tuple(inherited):
            entry["indicators"] = list(unit.agreement)
        targets = {
            indicator: target
            for indicator, target in unit.agreement.items()
            if target != plan.indicators[indicator].target
        }
        for key, value in (
            ("targets", targets),
            ("sizes", unit.sizes),
            ("denominators", unit.denominators),
        ):
            if value:
                entry[key] = dict(value)
        units[code] = entry
    blocks = {
        code: {
            "name": block.name,
            **({"indicators": list(block.indicators)} if block.indicators else {}),
            **({"weights": dict(block.weights)} if block.weights else {}),
        }
        for code, block in plan.blocks.items()
    }
    document = {
        "year": plan.year,
        "title": plan.title,
        "reporting_cycle": plan.reporting_cycle,
        "due_days": plan.due_days,
        "ward": {"code": plan.ward_code, "name": plan.ward.name},
        "scoring": plan.scoring.model_dump(exclude_none=True),
        "indicators": {
            code: indicator.model_dump(exclude={"code"}, exclude_none=True, exclude_defaults=True)
            for code, indicator in plan.indicators.items()
        },
        "blocks": blocks,
        "units": units,
    }
    return _tomlable(document)


def _tomlable(value: Any) -> Any:
    """Tuples as lists, and each number as written: a whole number without a decimal point."""
    if isinstance(value, dict):
        return {key: _tomlable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tomlable(item) for item in value]
    if isinstance(value, Decimal) and not isinstance(value, bool):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


def dump_plan(plan: Plan, header: str = "") -> str:
    """The plan as TOML text that :func:`parse_plan` reads back as an equal plan; ``header``:
    comment lines put first."""
    import tomli_w

    comments = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comments + ("\n" if comments else "") + tomli_w.dumps(plan_file_document(plan))


# -------------------------------------------------------------------- error wording

_MESSAGES: dict[str, str] = {
    "missing": N_("thiếu trường bắt buộc"),
    "extra_forbidden": N_("trường không hợp lệ (gõ sai tên?)"),
    "greater_than_equal": N_("phải lớn hơn hoặc bằng {ge}"),
    "less_than_equal": N_("phải nhỏ hơn hoặc bằng {le}"),
    "less_than": N_("phải nhỏ hơn {lt}"),
    "literal_error": N_("phải là một trong {expected}"),
    "string_pattern_mismatch": N_("mã chỉ gồm chữ không dấu, số, '_' và '-'"),
    "string_too_short": N_("không được để trống"),
    "string_too_long": N_("dài quá {max_length} ký tự"),
    "too_short": N_("không được để trống"),
    "finite_number": N_("phải là số hữu hạn"),
    "float_type": N_("phải là số"),
    "decimal_type": N_("phải là số"),
    "decimal_parsing": N_("phải là số"),
    "greater_than": N_("phải lớn hơn {gt}"),
    "float_parsing": N_("phải là số"),
    "int_type": N_("phải là số nguyên"),
    "int_parsing": N_("phải là số nguyên"),
    "int_from_float": N_("phải là số nguyên"),
    "string_type": N_("phải là chuỗi"),
    "bool_type": N_("phải là true hoặc false"),
    "dict_type": N_("phải là một bảng"),
    "model_type": N_("phải là một bảng"),
    "tuple_type": N_("phải là một danh sách"),
}


def _describe_validation_error(exc: ValidationError) -> str:
    """The first validation problem as ``location: message``, plus how many others."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    location = ".".join(str(part) for part in first["loc"]) or _("(toàn tệp)")
    template = _MESSAGES.get(first["type"])
    context = {k: _show(v).replace(" or ", ", ") for k, v in first.get("ctx", {}).items()}
    # pydantic's own (English) wording only for an error type we have no words for
    message = _(template).format(**context) if template else first["msg"]
    if "input" in first and first["type"] not in ("missing", "extra_forbidden", "model_type"):
        message = _("{message} (đang là {value})").format(
            message=message, value=_show(first["input"])
        )
    others = len(errors) - 1
    if others:
        return ngettext(
            "{location}: {message} (và {n} lỗi khác)",
            "{location}: {message} (và {n} lỗi khác)",
            others,
        ).format(location=location, message=message, n=others)
    return f"{location}: {message}"


def _show(value: object) -> str:
    if isinstance(value, str):
        if len(value) > _SHOWN:
            value = value[:_SHOWN] + "…"
        return value.replace("'", '"')
    if isinstance(value, float | Decimal):
        return f"{value:g}"
    return str(value)


_SHOWN = 60  # characters of a wrong text an error quotes

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _describe_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """Name the line of a TOML syntax error, and say so when a code is declared twice."""
    text = str(exc)
    position = _TOML_POSITION.search(text)
    if position:
        where = _("dòng {line}, cột {column}").format(
            line=position.group(1), column=position.group(2)
        )
    else:
        where = _("cuối tệp")
    reason = _TOML_POSITION.sub("", text).replace("(at end of document)", "").strip()
    if "Cannot overwrite a value" in reason or "Cannot declare" in reason:
        return _("{where}: một mã hoặc một khóa được khai báo hai lần ({reason})").format(
            where=where, reason=reason
        )
    return _("{where}: TOML không hợp lệ ({reason})").format(where=where, reason=reason)
