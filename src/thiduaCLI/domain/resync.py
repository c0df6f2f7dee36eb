"""Re-syncing a changed plan (pure): what changed, and what may not change under figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from thiduaCLI.domain.plan import Plan
from thiduaCLI.errors import PlanError
from thiduaCLI.text.i18n import _, ngettext
from thiduaCLI.text.numbers import format_number

# Fields that say what a stored figure means: changing them would reinterpret old figures.
MEANING = ("measure", "kind", "share", "negative", "rollup")


def check_resync(old: Plan, new: Plan, pairs: dict[tuple[str, str], int], source: Path) -> None:
    """Refuse a new plan that would leave figures without their unit or indicator, or change
    what figures already reported mean."""
    check_figures_kept(new, pairs, source)
    reported = {code for _, code in pairs}
    for code in sorted(reported):
        changed = _changed_fields(old.indicators[code], new.indicators[code], MEANING)
        if changed:
            raise PlanError(
                _(
                    "{source}: {location}: không đổi {fields} khi chỉ tiêu đã có số liệu báo cáo "
                    "(số liệu cũ sẽ bị hiểu sai); hãy tạo chỉ tiêu mới"
                ).format(source=source, location=f"indicators.{code}", fields=", ".join(changed))
            )


def check_figures_kept(new: Plan, pairs: dict[tuple[str, str], int], source: Path) -> None:
    """Refuse a new plan that would leave figures without their unit or indicator."""
    for (unit, code), count in sorted(pairs.items()):
        signed = new.units.get(unit)
        if signed is None:
            message = ngettext(
                "{source}: kế hoạch mới bỏ đơn vị {unit} nhưng đã có {n} số liệu báo cáo; "
                "giữ lại trong kế hoạch để không mất số liệu",
                "{source}: kế hoạch mới bỏ đơn vị {unit} nhưng đã có {n} số liệu báo cáo; "
                "giữ lại trong kế hoạch để không mất số liệu",
                count,
            )
            raise PlanError(message.format(source=source, unit=unit, n=count))
        if code not in signed.agreement:
            message = ngettext(
                "{source}: kế hoạch mới bỏ chỉ tiêu {code} của {unit} nhưng đã có {n} số liệu "
                "báo cáo; giữ lại trong kế hoạch để không mất số liệu",
                "{source}: kế hoạch mới bỏ chỉ tiêu {code} của {unit} nhưng đã có {n} số liệu "
                "báo cáo; giữ lại trong kế hoạch để không mất số liệu",
                count,
            )
            raise PlanError(message.format(source=source, code=code, unit=unit, n=count))


def _changed_fields(
    old: BaseModel, new: BaseModel, fields: tuple[str, ...] | None = None
) -> list[str]:
    names = fields or tuple(type(old).model_fields)
    return [name for name in names if getattr(old, name) != getattr(new, name)]


def describe_changes(old: Plan, new: Plan) -> list[str]:
    """The differences between two plans of one year, one short phrase each."""
    changes = [
        _("đổi {fields}").format(fields=name)
        for name in ("title", "reporting_cycle", "due_days")
        if getattr(old, name) != getattr(new, name)
    ]
    if old.scoring != new.scoring:
        changes.append(_("sửa cách chấm điểm ([scoring])"))
    for section in ("indicators", "blocks", "units"):
        before, after = getattr(old, section), getattr(new, section)
        changes += [
            _("thêm {location}").format(location=f"{section}.{code}")
            for code in after
            if code not in before
        ]
        changes += [
            _("bỏ {location}").format(location=f"{section}.{code}")
            for code in before
            if code not in after
        ]
        kept = [code for code in after if code in before]
        if kept != [code for code in before if code in after]:  # the plan's order is shown
            changes.append(_("đổi thứ tự {section}").format(section=section))
        for code in kept:
            ignored = ("agreement",) if section == "units" else ()
            fields = [f for f in _changed_fields(before[code], after[code]) if f not in ignored]
            if fields:
                changes.append(
                    _("{location}: đổi {fields}").format(
                        location=f"{section}.{code}", fields=", ".join(fields)
                    )
                )
    return changes + [_target_phrase(*change) for change in target_differences(old, new)]


def target_differences(
    old: Plan, new: Plan
) -> list[tuple[str, str, Decimal | None, Decimal | None]]:
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


def _target_phrase(unit: str, indicator: str, was: Decimal | None, now: Decimal | None) -> str:
    if was is None:
        return _("{location} ký thêm {indicator}").format(
            location=f"units.{unit}", indicator=indicator
        )
    if now is None:
        return _("{location} bỏ {indicator}").format(location=f"units.{unit}", indicator=indicator)
    return _("{location}: chỉ tiêu {old} → {new}").format(
        location=f"units.{unit}/{indicator}", old=format_number(was), new=format_number(now)
    )
