"""Output of the audit trail: history, corrections, retractions, imports and exports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from thiduaCLI.actions import ImportResult
from thiduaCLI.dates import format_date
from thiduaCLI.models import Figure, TargetChange
from thiduaCLI.numbers import format_number
from thiduaCLI.render import figure_json, new_table, utc_iso
from thiduaCLI.store import HistoryEntry

STANDING_LABELS = {"active": "đang tính", "superseded": "đã được sửa", "retracted": "đã rút"}


def history_json(entries: Sequence[HistoryEntry]) -> list[dict[str, Any]]:
    """Figures newest first, each with its standing and, if retracted, why."""
    return [
        {
            **figure_json(entry.figure),
            "standing": entry.standing,
            "superseded_by": entry.superseded_by,
            "retraction": None
            if entry.retraction is None
            else {
                "reason": entry.retraction.reason,
                "at": utc_iso(entry.retraction.retracted_at),
                "by": entry.retraction.retracted_by,
            },
        }
        for entry in entries
    ]


def _value_text(figure: Figure) -> str:
    if figure.denominator is not None:
        return f"{format_number(figure.numerator or 0, 6)}/{format_number(figure.denominator, 6)}"
    return format_number(figure.value, 6)


def history_table(year: int, entries: Sequence[HistoryEntry]) -> Table:
    """The audit trail for people."""
    table = new_table(
        f"Lịch sử số liệu năm {year} (mới nhất trước)",
        (
            "Số",
            "Ghi lúc (UTC)",
            "Người nhập",
            "Mã",
            "Chỉ tiêu",
            "Giá trị",
            "Ngày số liệu",
            "Tình trạng",
            "Ghi chú / nguồn",
        ),
        numeric=("Số", "Giá trị"),
        codes=[entry.figure.unit for entry in entries],
    )
    for entry in entries:
        figure = entry.figure
        state = STANDING_LABELS[entry.standing]
        if entry.superseded_by:
            state += f" bởi #{entry.superseded_by}"
        if entry.retraction is not None:
            state += f": {entry.retraction.reason} ({entry.retraction.retracted_by})"
        notes = [figure.note or "", figure.origin if figure.origin != "cli" else ""]
        if figure.supersedes:
            notes.insert(0, f"sửa #{figure.supersedes}")
        table.add_row(
            f"#{figure.id}",
            utc_iso(figure.recorded_at)[:16].replace("T", " "),
            figure.recorded_by,
            figure.unit,
            figure.indicator,
            _value_text(figure),
            format_date(figure.ref_date),
            state,
            "; ".join(note for note in notes if note),
        )
    return table


TARGET_CHANGE_COLUMNS = ("unit", "indicator", "old_target", "new_target", "changed_at", "source")
HISTORY_COLUMNS = (
    "id",
    "year",
    "unit",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "reported_total",
    "date",
    "recorded_at",
    "recorded_by",
    "note",
    "origin",
    "supersedes",
    "key",
    "standing",
    "superseded_by",
)


def target_changes_json(changes: Sequence[TargetChange]) -> list[dict[str, Any]]:
    """Targets changed by re-syncing the plan, newest first."""
    return [
        {
            "unit": change.unit,
            "indicator": change.indicator,
            "old_target": change.old_target,
            "new_target": change.new_target,
            "changed_at": utc_iso(change.changed_at),
            "source": change.source,
        }
        for change in changes
    ]


def target_changes_table(year: int, changes: Sequence[TargetChange]) -> Table:
    """Target changes for people."""
    table = new_table(
        f"Các lần đổi chỉ tiêu năm {year} (mới nhất trước)",
        ("Lúc (UTC)", "Mã", "Chỉ tiêu", "Cũ", "Mới", "Từ tệp"),
        numeric=("Cũ", "Mới"),
        codes=[change.unit for change in changes],
    )
    for change in changes:
        table.add_row(
            utc_iso(change.changed_at)[:16].replace("T", " "),
            change.unit,
            change.indicator,
            "—" if change.old_target is None else format_number(change.old_target),
            "—" if change.new_target is None else format_number(change.new_target),
            change.source,
        )
    return table


def retracted_line(figure: Figure, reason: str) -> str:
    """What ``retract`` did."""
    return (
        f"Đã rút số liệu #{figure.id} ({figure.unit} – {figure.indicator}: "
        f"{_value_text(figure)}, ngày {format_date(figure.ref_date)}): {reason}. "
        "Số liệu vẫn còn trong lịch sử nhưng không được tính."
    )


def import_line(result: ImportResult) -> str:
    """What ``import`` did, or would do."""
    skipped = f", bỏ qua {result.skipped} dòng đã nhập trước đó" if result.skipped else ""
    if result.dry_run:
        return (
            f"Kiểm tra {result.source}: {result.rows} dòng hợp lệ, sẽ ghi {result.recorded}"
            f"{skipped}. Chưa ghi gì (--dry-run)."
        )
    return f"Đã nhập {result.recorded} số liệu từ {result.source}{skipped}."


def import_json(result: ImportResult) -> dict[str, Any]:
    """What ``import`` did, for scripts."""
    return {
        "source": result.source,
        "rows": result.rows,
        "recorded": result.recorded,
        "skipped": result.skipped,
        "dry_run": result.dry_run,
    }
