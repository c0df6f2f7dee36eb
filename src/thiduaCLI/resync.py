"""Re-syncing a changed plan (pure): what changed, and what may not change under figures."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from thiduaCLI.errors import PlanError
from thiduaCLI.numbers import format_number
from thiduaCLI.plan import Plan, Unit

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
            if section == "units":
                changes += _unit_changes(code, before[code], after[code])
            elif fields := _changed_fields(before[code], after[code]):
                changes.append(f"{section}.{code}: đổi {', '.join(fields)}")
    return changes


def _unit_changes(code: str, old: Unit, new: Unit) -> list[str]:
    changes = []
    for indicator, target in new.agreement.items():
        was = old.agreement.get(indicator)
        if was is None:
            changes.append(f"units.{code} ký thêm {indicator}")
        elif was != target:
            changes.append(
                f"units.{code}/{indicator}: chỉ tiêu {format_number(was)} → {format_number(target)}"
            )
    changes += [
        f"units.{code} bỏ {indicator}"
        for indicator in old.agreement
        if indicator not in new.agreement
    ]
    other = [f for f in _changed_fields(old, new) if f != "agreement"]
    if other:
        changes.append(f"units.{code}: đổi {', '.join(other)}")
    return changes
