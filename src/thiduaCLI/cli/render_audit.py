"""Output of the audit trail: history, corrections, retractions, imports and exports."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from rich.table import Table

from thiduaCLI.cli.render import new_table, stacked_pairs
from thiduaCLI.domain.calendar import local_time
from thiduaCLI.domain.plan_history import PlanChange
from thiduaCLI.results import ImportResult, Retracted, RetractedImport
from thiduaCLI.storage.models import Figure, TargetChange
from thiduaCLI.storage.store import HistoryEntry
from thiduaCLI.text.dates import format_date
from thiduaCLI.text.i18n import N_, _, ngettext
from thiduaCLI.text.numbers import format_number

STANDING_LABELS = {
    "active": N_("đang tính"),
    "superseded": N_("đã được sửa"),
    "retracted": N_("đã rút"),
}


def _value_text(figure: Figure | Retracted) -> str:
    if figure.denominator is not None:
        return f"{format_number(figure.numerator or 0, 6)}/{format_number(figure.denominator, 6)}"
    return format_number(figure.value, 6)


def typed_text(figure: Figure) -> str:
    """The value as it was typed: for a year-to-date total (``--total``), the total and the
    increment it stands for."""
    if figure.reported_total is None:
        return _value_text(figure)
    return _("lũy kế {value} (phát sinh {increment})").format(
        value=format_number(figure.reported_total, 6), increment=format_number(figure.value, 6)
    )


def history_table(year: int, entries: Sequence[HistoryEntry]) -> Table:
    """The audit trail for people."""
    number_heading, value_heading = _("Số"), _("Giá trị")
    title = _("Lịch sử số liệu năm {year} (mới nhất trước)").format(year=year)
    table = new_table(
        title,
        (
            number_heading,
            _("Ghi lúc (giờ VN, UTC+7)"),
            _("Người nhập"),
            _("Mã"),
            _("Chỉ tiêu"),
            value_heading,
            _("Ngày số liệu"),
            _("Tình trạng"),
            _("Ghi chú / nguồn"),
        ),
        numeric=(number_heading, value_heading),
        codes=[entry.figure.unit for entry in entries],
    )
    # a figure on two lines: number over date, time over who, unit over indicator, the value,
    # standing over notes
    table.narrow = partial(
        stacked_pairs, table, title, ((0, 6), (1, 2), (3, 4), (5,), (7, 8)), (0, 3), 2
    )
    for entry in entries:
        figure = entry.figure
        state = _(STANDING_LABELS[entry.standing])
        if entry.superseded_by:
            state = _("{state} bởi #{id}").format(state=state, id=entry.superseded_by)
        if entry.retraction is not None:
            state += f": {entry.retraction.reason} ({entry.retraction.retracted_by})"
        notes = [figure.note or "", figure.origin if figure.origin != "cli" else ""]
        if figure.supersedes:
            notes.insert(0, _("sửa #{id}").format(id=figure.supersedes))
        table.add_row(
            f"#{figure.id}",
            local_time(figure.recorded_at),
            figure.recorded_by,
            figure.unit,
            figure.indicator,
            typed_text(figure),
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


def target_changes_table(year: int, changes: Sequence[TargetChange]) -> Table:
    """Target changes for people."""
    old_heading, new_heading = _("Cũ"), _("Mới")
    table = new_table(
        _("Các lần đổi chỉ tiêu năm {year} (mới nhất trước)").format(year=year),
        (_("Lúc (giờ VN, UTC+7)"), _("Mã"), _("Chỉ tiêu"), old_heading, new_heading, _("Từ tệp")),
        numeric=(old_heading, new_heading),
        codes=[change.unit for change in changes],
    )
    for change in changes:
        table.add_row(
            local_time(change.changed_at),
            change.unit,
            change.indicator,
            "—" if change.old_target is None else format_number(change.old_target),
            "—" if change.new_target is None else format_number(change.new_target),
            change.source,
        )
    return table


PLAN_CHANGE_COLUMNS = (
    "version",
    "year",
    "loaded_at",
    "loaded_by",
    "source",
    "field",
    "before",
    "after",
)


def _plan_value(value: Any) -> str:
    """A value of the plan as people read it: numbers in the ward's format, a list of plain
    values joined by "; " (milestones ``300; 700; 1.050``), anything else as JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_number(value, 9)
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return "; ".join(_list_item(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def _list_item(item: str | int | float) -> str:
    """A list's item: a number (stored as its text, "1050") in the ward's format."""
    if isinstance(item, str):
        return format_number(Decimal(item), 9) if _PLAIN_NUMBER.fullmatch(item) else item
    return _plan_value(item)


_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def plan_changes_table(year: int, changes: Sequence[PlanChange]) -> Table:
    """Plan versions and what each changed, for people."""
    table = new_table(
        _("Các phiên bản kế hoạch năm {year} và thay đổi (mới nhất trước)").format(year=year),
        (
            _("Phiên bản"),
            _("Lúc (giờ VN, UTC+7)"),
            _("Người nạp"),
            _("Từ tệp"),
            _("Mục"),
            _("Trước"),
            _("Sau"),
        ),
        numeric=(_("Phiên bản"),),
    )
    for change in changes:
        version = change.version
        table.add_row(
            str(version.id),
            local_time(version.loaded_at),
            version.loaded_by,
            version.source,
            _("(nạp lần đầu)") if change.field is None else change.field,
            "" if change.field is None else _plan_value(change.before),
            "" if change.field is None else _plan_value(change.after),
        )
    return table


def retracted_line(figure: Retracted) -> str:
    """What ``retract`` did."""
    done = _("Đã rút số liệu #{id} ({unit} – {indicator}: {value}, ngày {date}): {reason}.")
    return " ".join(
        (
            done.format(
                id=figure.id,
                unit=figure.unit,
                indicator=figure.indicator,
                value=_value_text(figure),
                date=format_date(figure.date),
                reason=figure.reason,
            ),
            _("Số liệu vẫn còn trong lịch sử nhưng không được tính."),
        )
    )


def retracted_import_line(result: RetractedImport) -> str:
    """What ``retract --import`` did."""
    done = ngettext(
        "Đã rút lần nhập #{id} ({source}): {count} số liệu không còn được tính ({reason}).",
        "Đã rút lần nhập #{id} ({source}): {count} số liệu không còn được tính ({reason}).",
        len(result.retracted),
    ).format(
        id=result.import_id,
        source=result.source,
        count=format_number(len(result.retracted)),
        reason=result.reason,
    )
    said = [done]
    if result.kept:
        listed = ", ".join(f"#{figure}" for figure in result.kept[:10])
        if len(result.kept) > 10:
            listed += ", …"
        said.append(
            _("{count} số liệu đã được rút từ trước: {ids}.").format(
                count=len(result.kept), ids=listed
            )
        )
    said.append(_("Sửa tệp rồi nhập lại được: thidua import TỆP."))
    return " ".join(said)


def import_line(result: ImportResult) -> str:
    """What ``import`` did, or would do."""
    if result.dry_run:
        checked = (
            _(
                "Kiểm tra {source}: {rows} dòng hợp lệ, sẽ ghi {recorded}, bỏ qua {skipped} dòng "
                "đã nhập trước đó."
            )
            if result.skipped
            else _("Kiểm tra {source}: {rows} dòng hợp lệ, sẽ ghi {recorded}.")
        )
        checked = checked.format(
            source=result.source,
            rows=format_number(result.rows),
            recorded=format_number(result.recorded),
            skipped=format_number(result.skipped),
        )
        return " ".join((checked, _("Chưa ghi gì (--dry-run).")))
    done = (
        ngettext(
            "Đã nhập {recorded} số liệu từ {source}, bỏ qua {skipped} dòng đã nhập trước đó.",
            "Đã nhập {recorded} số liệu từ {source}, bỏ qua {skipped} dòng đã nhập trước đó.",
            result.recorded,
        )
        if result.skipped
        else ngettext(
            "Đã nhập {recorded} số liệu từ {source}.",
            "Đã nhập {recorded} số liệu từ {source}.",
            result.recorded,
        )
    )
    said = done.format(
        recorded=format_number(result.recorded),
        source=result.source,
        skipped=format_number(result.skipped),
    )
    if result.import_id is None:
        return said
    return " ".join((said, _("Mã lần nhập: #{id}.").format(id=result.import_id)))
