"""Re-syncing a changed plan (pure): what changed, and what may not change under figures."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from thiduaCLI.errors import PlanError
from thiduaCLI.numbers import format_number
from thiduaCLI.plan import Plan

# Fields that say what a stored figure means: changing them would reinterpret old figures.
MEANING = ("measure", "kind", "share", "negative", "rollup")


def check_resync(old: Plan, new: Plan, pairs: dict[tuple[str, str], int], source: Path) -> None:
    """Refuse a new plan that would leave figures without their unit or indicator, or change
    what figures already reported mean."""
    for (unit, code), count in sorted(pairs.items()):
        signed = new.units.get(unit)
        if signed is None or code not in signed.agreement:
            what = f"đơn vị {unit}" if signed is None else f"chỉ tiêu {code} của {unit}"
            raise PlanError(
                f"{source}: kế hoạch mới bỏ {what} nhưng đã có {count} số liệu báo cáo; "
                "giữ lại trong kế hoạch để không mất số liệu"
            )
    reported = {code for _, code in pairs}
    for code in sorted(reported):
        changed = _changed_fields(old.indicators[code], new.indicators[code], MEANING)
        if changed:
            raise PlanError(
                f"{source}: indicators.{code}: không đổi {', '.join(changed)} khi chỉ tiêu đã "
                "có số liệu báo cáo (số liệu cũ sẽ bị hiểu sai); hãy tạo chỉ tiêu mới"
            )


def _changed_fields(
    old: BaseModel, new: BaseModel, fields: tuple[str, ...] | None = None
) -> list[str]:
    names = fields or tuple(type(old).model_fields)
    return [name for name in names if getattr(old, name) != getattr(new, name)]


def describe_changes(old: Plan, new: Plan) -> list[str]:
    """The differences between two plans of one year, one short phrase each."""
    changes = [
        f"đổi {name}"
        for name in ("title", "reporting_cycle", "due_days")
        if getattr(old, name) != getattr(new, name)
    ]
    if old.scoring != new.scoring:
        changes.append("sửa cách chấm điểm ([scoring])")
    for section in ("indicators", "blocks", "units"):
        before, after = getattr(old, section), getattr(new, section)
        changes += [f"thêm {section}.{code}" for code in after if code not in before]
        changes += [f"bỏ {section}.{code}" for code in before if code not in after]
        for code in (c for c in after if c in before):
            ignored = ("agreement",) if section == "units" else ()
            fields = [f for f in _changed_fields(before[code], after[code]) if f not in ignored]
            if fields:
                changes.append(f"{section}.{code}: đổi {', '.join(fields)}")
    return changes + [_target_phrase(*change) for change in target_differences(old, new)]


def target_differences(old: Plan, new: Plan) -> list[tuple[str, str, float | None, float | None]]:
    """(unit, indicator, old target, new target) for every target that differs; None where a
    unit did not sign, or no longer signs, the indicator. Units are those in both plans."""
    differences = []
    for code in (c for c in new.units if c in old.units):
        before, after = old.units[code].agreement, new.units[code].agreement
        for indicator in [*after, *(i for i in before if i not in after)]:
            was, now = before.get(indicator), after.get(indicator)
            if was != now:
                differences.append((code, indicator, was, now))
    return differences


def _target_phrase(unit: str, indicator: str, was: float | None, now: float | None) -> str:
    if was is None:
        return f"units.{unit} ký thêm {indicator}"
    if now is None:
        return f"units.{unit} bỏ {indicator}"
    return f"units.{unit}/{indicator}: chỉ tiêu {format_number(was)} → {format_number(now)}"
