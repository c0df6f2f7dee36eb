"""Turning results into what people and scripts read: Rich tables, one-line messages, JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from thiduaCLI.actions import InitResult, Recorded
from thiduaCLI.attainment import Assessment, IndicatorStatus, RankRow, State
from thiduaCLI.dates import format_date
from thiduaCLI.numbers import format_number, format_percent, format_quantity
from thiduaCLI.plan import Indicator, Plan

STATE_LABELS: dict[State, str] = {
    "achieved": "Đạt",
    "on_track": "Đúng tiến độ",
    "behind": "Chậm tiến độ",
    "not_achieved": "Không đạt",
    "no_data": "Chưa có số liệu",
}
STATE_STYLES: dict[State, str] = {
    "achieved": "green",
    "on_track": "cyan",
    "behind": "yellow",
    "not_achieved": "red",
    "no_data": "dim",
}
COMPARATOR_SIGNS = {">": ">", ">=": "≥", "~": "≈", "<=": "≤", "<": "<"}
KIND_LABELS = {"cumulative": "cộng dồn", "level": "mức hiện tại"}
ROLLUP_LABELS = {
    "sum": "cộng các đơn vị",
    "ratio": "cộng tử số/mẫu số",
    "weighted": "bình quân gia quyền",
    "none": "phường báo cáo",
}
SOURCE_LABELS = {"ward": "phường báo cáo", "units": "tổng hợp", "none": "—"}
BAR_WIDTH = 10


def dump_json(data: object) -> str:
    """Indented UTF-8 JSON with plain numbers."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _round(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(value, places)


def _target_text(indicator: Indicator, target: float) -> str:
    return f"{COMPARATOR_SIGNS[indicator.comparator]} {format_quantity(target, indicator.measure)}"


def _state_text(state: State) -> Text:
    return Text(STATE_LABELS[state], style=STATE_STYLES[state])


def _bar(ratio: float | None) -> str:
    if ratio is None:
        return ""
    filled = round(min(1.0, max(0.0, ratio)) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


# ------------------------------------------------------------------------ the plan


def indicators_json(plan: Plan) -> list[dict[str, Any]]:
    """The plan's indicators for scripts."""
    return [
        {
            "code": ind.code,
            "name": ind.name,
            "measure": ind.measure,
            "target": ind.target,
            "comparator": ind.comparator,
            "kind": ind.kind,
            "share": ind.share,
            "rollup": ind.rollup,
            "weight_by": ind.weight_by,
            "tolerance": ind.tolerance,
            "weight": ind.weight,
            "milestones": list(ind.milestones) if ind.milestones else None,
        }
        for ind in plan.indicators.values()
    ]


def indicators_table(plan: Plan) -> Table:
    """The plan's indicators for people."""
    table = Table(title=f"Chỉ tiêu năm {plan.year}")
    for heading in ("Mã", "Chỉ tiêu", "Chỉ tiêu giao", "Loại", "Tổng hợp"):
        table.add_column(heading)
    for ind in plan.indicators.values():
        rollup = ROLLUP_LABELS[ind.rollup]
        if ind.weight_by:
            rollup += f" theo {ind.weight_by}"
        table.add_row(
            ind.code, ind.name, _target_text(ind, ind.target), KIND_LABELS[ind.kind], rollup
        )
    return table


def units_json(plan: Plan) -> list[dict[str, Any]]:
    """The signatories for scripts; the ward has no block."""
    return [
        {
            "code": unit.code,
            "name": unit.name,
            "block": unit.block,
            "indicators": list(unit.agreement),
            "targets": unit.agreement,
        }
        for unit in plan.units.values()
    ]


def units_table(plan: Plan) -> Table:
    """The signatories and their agreements for people."""
    table = Table(title=f"Đơn vị ký giao ước thi đua năm {plan.year}")
    for heading in ("Mã", "Đơn vị", "Khối thi đua", "Chỉ tiêu giao ước"):
        table.add_column(heading)
    for unit in plan.units.values():
        block = "— (phường, không xếp hạng)" if unit.block is None else plan.blocks[unit.block].name
        signed = []
        for code, target in unit.agreement.items():
            own = target != plan.indicators[code].target
            signed.append(f"{code} ({format_number(target)})" if own else code)
        table.add_row(unit.code, unit.name, block, ", ".join(signed))
    return table


# --------------------------------------------------------------------------- status


def status_json(plan: Plan, as_of: date, rows: Sequence[IndicatorStatus]) -> dict[str, Any]:
    """The ward's progress for scripts."""
    return {
        "year": plan.year,
        "as_of": as_of.isoformat(),
        "indicators": [
            {
                "code": row.indicator.code,
                "name": row.indicator.name,
                "measure": row.indicator.measure,
                "comparator": row.indicator.comparator,
                "kind": row.indicator.kind,
                **_assessment_json(row.assessment),
                "source": row.ward.source,
                "units_reported": row.ward.units_reported,
                "units_expected": row.ward.units_expected,
            }
            for row in rows
        ],
    }


def _assessment_json(judged: Assessment) -> dict[str, Any]:
    return {
        "target": judged.target,
        "value": _round(judged.value),
        "attainment": _round(judged.attainment),
        "state": judged.state,
        "expected": _round(judged.expected),
        "projection": _round(judged.projection),
        "needed_per_month": _round(judged.needed_per_month),
    }


def status_table(plan: Plan, as_of: date, rows: Sequence[IndicatorStatus]) -> Table:
    """The ward's progress for people."""
    table = Table(title=f"{plan.title}\nTiến độ đến ngày {format_date(as_of)}")
    for heading in ("Mã", "Chỉ tiêu", "Chỉ tiêu giao", "Thực hiện", "Tỷ lệ", "Dự kiến đến nay"):
        table.add_column(heading, justify="right" if heading in ("Thực hiện", "Tỷ lệ") else "left")
    table.add_column("Tình trạng")
    table.add_column("Nguồn")
    for row in rows:
        ind, judged = row.indicator, row.assessment
        expected = "" if judged.expected is None else format_quantity(judged.expected, ind.measure)
        source = SOURCE_LABELS[row.ward.source]
        if row.ward.units_expected:
            source += f" ({row.ward.units_reported}/{row.ward.units_expected} đơn vị)"
        table.add_row(
            ind.code,
            ind.name,
            _target_text(ind, judged.target),
            format_quantity(judged.value, ind.measure),
            f"{format_percent(judged.attainment)} {_bar(judged.attainment)}",
            expected,
            _state_text(judged.state),
            source,
        )
    return table


# ----------------------------------------------------------------------------- rank


def rank_json(plan: Plan, as_of: date, rows: Sequence[RankRow]) -> dict[str, Any]:
    """Units ranked within their blocks, for scripts."""
    return {
        "year": plan.year,
        "as_of": as_of.isoformat(),
        "rows": [
            {
                "block": row.block,
                "rank": row.rank,
                "unit": row.result.unit.code,
                "name": row.result.unit.name,
                "score": row.result.score,
                "grade": row.result.grade,
                "reported": row.result.reported,
                "expected": row.result.expected,
                "missing": row.result.missing,
            }
            for row in rows
        ],
    }


def rank_tables(plan: Plan, as_of: date, rows: Sequence[RankRow]) -> list[Table]:
    """One table per block, for people."""
    tables: dict[str, Table] = {}
    for row in rows:
        table = tables.get(row.block)
        if table is None:
            title = f"{plan.blocks[row.block].name} – xếp hạng đến ngày {format_date(as_of)}"
            table = Table(title=title)
            for heading in ("Hạng", "Mã", "Đơn vị", "Điểm", "Xếp loại", "Đã báo cáo"):
                table.add_column(
                    heading, justify="right" if heading in ("Hạng", "Điểm") else "left"
                )
            tables[row.block] = table
        result = row.result
        reported = f"{result.reported}/{result.expected}"
        if result.missing:
            reported += f" ⚠ thiếu {', '.join(result.missing)} (tính 0 điểm)"
        table.add_row(
            str(row.rank),
            result.unit.code,
            result.unit.name,
            format_number(result.score),
            result.grade,
            reported,
        )
    return list(tables.values())


# ---------------------------------------------------------------------------- report


def recorded_json(recorded: Recorded) -> dict[str, Any]:
    """The stored figure with its id, and the unit's standing after it."""
    figure = recorded.figure
    return {
        "id": figure.id,
        "year": figure.year,
        "unit": figure.unit,
        "indicator": figure.indicator,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "reported_total": figure.reported_total,
        "date": figure.ref_date.isoformat(),
        "recorded_at": figure.recorded_at.isoformat(),
        "recorded_by": figure.recorded_by,
        "note": figure.note,
        "year_to_date": _round(recorded.year_to_date),
        "standing": _assessment_json(recorded.standing),
    }


def recorded_line(recorded: Recorded) -> str:
    """One line: what was recorded and where the unit stands on that indicator now."""
    figure, ind, judged = recorded.figure, recorded.indicator, recorded.standing
    what = f"{recorded.value_as_read} {ind.measure}"
    if figure.reported_total is not None:
        what = f"lũy kế {what} (phát sinh {format_number(figure.value)})"
    now = "lũy kế" if ind.kind == "cumulative" else "hiện tại"
    line = (
        f"Đã ghi #{figure.id}: {recorded.unit.name} – {ind.name}: {what}, "
        f"ngày {format_date(figure.ref_date)}, người nhập {figure.recorded_by}. "
        f"{now.capitalize()} {format_quantity(judged.value, ind.measure)} / "
        f"{_target_text(ind, judged.target)} ({format_percent(judged.attainment)})"
    )
    if judged.expected is not None:
        line += f", dự kiến đến ngày {format_quantity(judged.expected, ind.measure)}"
    return f"{line}: {STATE_LABELS[judged.state].lower()}."


def init_line(result: InitResult) -> str:
    """What ``thidua init`` did, in one line (changes follow, one per line)."""
    plan = result.plan
    sizes = f"{len(plan.indicators)} chỉ tiêu, {len(plan.blocks)} khối, {len(plan.units)} đơn vị"
    if result.outcome == "loaded":
        return f"Đã nạp kế hoạch {plan.year} từ {result.source}: {sizes}."
    if result.outcome == "unchanged":
        return f"Kế hoạch {plan.year} không thay đổi ({result.source})."
    listed = "; ".join(result.changes)
    return f"Đã cập nhật kế hoạch {plan.year} từ {result.source}: {listed}."


def make_console(stderr: bool = False) -> Console:
    """A console that writes plain text when not on a terminal or when NO_COLOR is set."""
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, highlight=False, color_system=None if plain else "auto")
