"""Turning results into what people read: Rich tables and one-line messages.

What scripts read is the result models' own dump (:mod:`thiduaCLI.results`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from thiduaCLI.domain.attainment import IndicatorStatus, State
from thiduaCLI.domain.periods import Review
from thiduaCLI.domain.plan import Indicator, Plan, Unit
from thiduaCLI.ledger import InitResult
from thiduaCLI.text.dates import format_date
from thiduaCLI.text.i18n import N_, _, ngettext
from thiduaCLI.text.lookup import sort_key
from thiduaCLI.text.numbers import (
    ONE,
    ZERO,
    Reading,
    format_number,
    format_percent,
    format_quantity,
    in_measure,
)

# Rich is imported where a table is drawn: thidua report prints one line and never needs it.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from thiduaCLI.cli.quicktable import QuickTable
    from thiduaCLI.results import Recorded

STATE_LABELS: dict[State, str] = {
    "achieved": N_("Đạt"),
    "on_track": N_("Đúng tiến độ"),
    "behind": N_("Chậm tiến độ"),
    "not_achieved": N_("Không đạt"),
    "no_data": N_("Chưa có số liệu"),
}
STATE_STYLES: dict[State, str] = {
    "achieved": "green",
    "on_track": "cyan",
    "behind": "yellow",
    "not_achieved": "red",
    "no_data": "dim",
}
COMPARATOR_SIGNS = {">": ">", ">=": "≥", "~": "≈", "<=": "≤", "<": "<"}
KIND_LABELS = {"cumulative": N_("cộng dồn"), "level": N_("mức hiện tại")}
ROLLUP_LABELS = {
    "sum": N_("cộng các đơn vị"),
    "ratio": N_("cộng tử số/mẫu số"),
    "weighted": N_("bình quân gia quyền"),
    "none": N_("phường báo cáo"),
}
SOURCE_LABELS = {"ward": N_("phường báo cáo"), "units": N_("tổng hợp"), "none": N_("chưa có")}
BAR_WIDTH = 8


def target_text(indicator: Indicator, target: Decimal) -> str:
    return f"{COMPARATOR_SIGNS[indicator.comparator]} {format_quantity(target, indicator.measure)}"


def state_text(state: State) -> Text:
    from rich.text import Text

    return Text(_(STATE_LABELS[state]), style=STATE_STYLES[state])


def new_table(
    title: str, headings: Sequence[str], numeric: Sequence[str] = (), codes: Sequence[str] = ()
) -> QuickTable:
    """A compact table; its code column never wraps or cuts the codes users type.

    ``title``, ``headings`` and ``numeric`` are already in the reader's language.
    """
    from rich import box

    from thiduaCLI.cli.quicktable import QuickTable

    table = QuickTable(title=title, box=box.SIMPLE_HEAVY, pad_edge=False)
    table.fit = True  # a narrower layout rather than a number, a date or a code cut
    code_heading = _("Mã")
    for heading in headings:
        if heading == code_heading:
            table.add_column(heading, no_wrap=True, min_width=max(map(len, codes), default=0))
        else:
            table.add_column(heading, justify="right" if heading in numeric else "left")
    return table


def stacked_pairs(
    wide: QuickTable,
    title: str,
    groups: Sequence[Sequence[int]],
    numeric: Sequence[int] = (),
    code: int | None = None,
) -> QuickTable:
    """``wide`` for a narrower terminal: its columns in ``groups`` put one over the other, a
    row on two lines (``numeric``: the groups aligned right; ``code``: the group that starts
    with the code column, kept as wide as the longest code)."""
    from rich.table import Table

    from thiduaCLI.cli.quicktable import stacked

    headings = ["\n".join(str(wide.columns[i].header) for i in group) for group in groups]
    table = new_table(title, headings, numeric=[headings[i] for i in numeric])
    table.caption = wide.caption
    table.narrow = partial(stacked, wide)  # narrower still: each row of the wide table a block
    if code is not None:
        first = wide.columns[groups[code][0]]
        table.columns[code].min_width = first.min_width
    cells = [list(column.cells) for column in wide.columns]
    add_row = Table.add_row.__get__(table)  # the cells are data already: not read again
    for row in zip(*cells, strict=True):
        stacked_cells = [_over(*(row[i] for i in group)) for group in groups]
        if not table.add_plain_row(stacked_cells):
            add_row(*stacked_cells)
    return table


def _over(*cells: object) -> object:
    """Cells of a wide table (already shown as data) as one cell of several lines."""
    try:
        return "\n".join(cells)  # type: ignore[arg-type]  # strings (nearly always)
    except TypeError:  # a Text or another renderable among them
        pass
    from rich.console import Group
    from rich.text import Text

    if all(isinstance(cell, (str, Text)) for cell in cells):
        return Text("\n").join(Text(c) if isinstance(c, str) else c for c in cells)  # type: ignore[misc]
    return Group(*cells)  # type: ignore[arg-type]


def basis_label(basis: str) -> str:
    """How the expected value was found: from the plan's quarterly milestones, or prorated."""
    return _("mốc quý") if basis == "milestones" else _("chia đều")


def _bar(ratio: Decimal | None) -> str:
    if ratio is None:
        return ""
    filled = round(min(ONE, max(ZERO, ratio)) * BAR_WIDTH)  # a picture: the nearest cell will do
    return "█" * filled + "░" * (BAR_WIDTH - filled)


# ------------------------------------------------------------------------ the plan


def indicators_table(plan: Plan) -> Table:
    """The plan's indicators for people: with the milestones of a cumulative one, the
    tolerance of an "about" one (≈) and each one's weight in a unit's score."""
    weight_heading = _("Trọng số")
    headings = (
        _("Mã"),
        _("Chỉ tiêu"),
        _("Chỉ tiêu giao"),
        _("Loại"),
        _("Tổng hợp"),
        _("Mốc quý I, II, III"),
        _("Dung sai"),
        weight_heading,
    )
    title = _("Chỉ tiêu năm {year}").format(year=plan.year)
    table = new_table(title, headings, numeric=(weight_heading,), codes=list(plan.indicators))
    for ind in plan.indicators.values():
        rollup = _(ROLLUP_LABELS[ind.rollup])
        if ind.weight_by:
            rollup = _("{rollup} theo {field}").format(rollup=rollup, field=ind.weight_by)
        milestones = (
            "; ".join(format_number(milestone) for milestone in ind.milestones)
            if ind.milestones
            else "—"
        )
        tolerance = "—" if ind.tolerance is None else f"{format_number(ind.tolerance)} %"
        table.add_row(
            ind.code,
            ind.name,
            target_text(ind, ind.target),
            _(KIND_LABELS[ind.kind]),
            rollup,
            milestones,
            tolerance,
            format_number(ind.weight),
        )
    return table


def listed_units(plan: Plan) -> list[Unit]:
    """The signatories as lists show them: the ward, then each block in plan order with its
    units in Vietnamese alphabetical order (Khóm 2 before Khóm 10)."""
    ward = [unit for unit in plan.units.values() if unit.block is None]
    members = [sorted(plan.members(code), key=lambda u: sort_key(u.name)) for code in plan.blocks]
    return ward + [unit for block in members for unit in block]


def units_table(plan: Plan) -> Table:
    """The signatories and their agreements for people."""
    headings = (_("Mã"), _("Đơn vị"), _("Khối thi đua"), _("Chỉ tiêu giao ước"))
    title = _("Đơn vị ký giao ước thi đua năm {year}").format(year=plan.year)
    table = new_table(title, headings, codes=list(plan.units))
    for unit in listed_units(plan):
        block = (
            _("— (phường, không xếp hạng)") if unit.block is None else plan.blocks[unit.block].name
        )
        signed = []
        for code, target in unit.agreement.items():
            own = target != plan.indicators[code].target
            signed.append(f"{code} ({format_number(target)})" if own else code)
        table.add_row(unit.code, unit.name, block, ", ".join(signed))
    return table


# --------------------------------------------------------------------------- status


def review_title(review: Review) -> str:
    """``6 tháng đầu năm 2026 (đến 30/06/2026)`` or ``đến ngày 25/11/2026``."""
    day = format_date(review.as_of)
    if review.period:
        return _("{period} (đến {day})").format(period=review.period.words, day=day)
    return _("đến ngày {day}").format(day=day)


def status_table(plan: Plan, review: Review, rows: Sequence[IndicatorStatus]) -> Table:
    """The ward's progress for people."""
    from rich.text import Text

    done_heading, rate_heading, expected_heading = (
        _("Thực hiện"),
        _("Tỷ lệ"),
        _("Dự kiến đến nay"),
    )
    table = new_table(
        plan.title + "\n" + _("Tiến độ {review}").format(review=review_title(review)),
        (
            _("Chỉ tiêu"),
            _("Chỉ tiêu giao"),
            done_heading,
            rate_heading,
            expected_heading,
            _("Tình trạng"),
        ),
        numeric=(done_heading, rate_heading, expected_heading),
    )
    table.columns[0].min_width = max(len(code) for code in plan.indicators)
    for row in rows:
        ind, judged, ward = row.indicator, row.assessment, row.ward
        done = format_quantity(judged.value, ind.measure)
        if ward.source != "none" or ward.units_expected:
            source = _(SOURCE_LABELS[ward.source])
            if ward.units_expected:
                source = _("{source} {reported}/{expected} đơn vị").format(
                    source=source, reported=ward.units_reported, expected=ward.units_expected
                )
            done += f"\n({source})"
        expected = ""
        if judged.expected is not None:
            how = basis_label(judged.basis)
            if judged.progress is not None:
                how = _("{basis}, đạt {progress}").format(
                    basis=how, progress=format_percent(judged.progress)
                )
            expected = f"{format_quantity(judged.expected, ind.measure)}\n({how})"
        table.add_row(
            Text.assemble((ind.code, "bold"), "\n", ind.name),
            target_text(ind, judged.target),
            done,
            f"{format_percent(judged.attainment)}\n{_bar(judged.attainment)}",
            expected,
            state_text(judged.state),
        )
    table.caption = _(
        "Tỷ lệ: so với chỉ tiêu năm. Chỉ tiêu cộng dồn còn được so với kế hoạch đến ngày xét "
        "(chia đều theo ngày, hoặc theo mốc quý nếu kế hoạch có)."
    )
    return table


# ---------------------------------------------------------------------------- report


def as_read(reading: Reading) -> str:
    """The value as it was read, for the confirmation line."""
    if reading.numerator is not None and reading.denominator is not None:
        fraction = f"{format_number(reading.numerator)}/{format_number(reading.denominator)}"
        return f"{fraction} = {format_number(reading.value)}"
    if reading.converted:  # 850 triệu = 0,85 (tỷ đồng)
        return f"{reading.typed} = {format_number(reading.value, 9)}"
    return format_number(reading.value, 9)


def recorded_line(plan: Plan, recorded: Recorded, typed: Reading) -> str:
    """One line: what was recorded (``typed``: the value as the command line read it) and
    where the unit stands on that indicator now."""
    ind, judged = plan.indicators[recorded.indicator], recorded.standing
    what = f"{as_read(in_measure(typed, ind.measure))} {ind.measure}"
    if recorded.denominator is not None and not typed.is_fraction:  # over the plan's size
        what = _("{value} (= {numerator}/{denominator}, mẫu số theo kế hoạch)").format(
            value=what,
            numerator=format_number(recorded.numerator or 0, 9),
            denominator=format_number(recorded.denominator, 9),
        )
    if recorded.reported_total is not None:
        what = _("lũy kế {value} (phát sinh {increment})").format(
            value=what, increment=format_number(recorded.value)
        )
    done = (
        _(
            "Chạy thử (--dry-run), chưa ghi gì: sẽ ghi #{id}: {unit} – {indicator}: {what}, "
            "ngày {date}, người nhập {by}."
        )
        if recorded.dry_run
        else _("Đã ghi #{id}: {unit} – {indicator}: {what}, ngày {date}, người nhập {by}.")
    ).format(
        id=recorded.id,
        unit=plan.units[recorded.unit].name,
        indicator=ind.name,
        what=what,
        date=format_date(recorded.date),
        by=recorded.recorded_by,
    )
    cumulative = ind.kind == "cumulative"
    if judged.expected is None:
        standing = (
            _("Lũy kế {value} / {target} ({attainment}): {state}.")
            if cumulative
            else _("Hiện tại {value} / {target} ({attainment}): {state}.")
        )
    else:
        standing = (
            _("Lũy kế {value} / {target} ({attainment}), dự kiến đến ngày {expected}: {state}.")
            if cumulative
            else _(
                "Hiện tại {value} / {target} ({attainment}), dự kiến đến ngày {expected}: {state}."
            )
        )
    standing = standing.format(
        value=format_quantity(judged.value, ind.measure),
        target=target_text(ind, judged.target),
        attainment=format_percent(judged.attainment, fixed=False),
        expected=format_quantity(judged.expected, ind.measure),
        state=_(STATE_LABELS[judged.state]).lower(),
    )
    return f"{done} {standing}"


def init_line(result: InitResult) -> str:
    """What ``thidua init`` did, in one line (changes follow, one per line)."""
    plan = result.plan
    if result.outcome == "loaded":
        n_indicators, n_blocks, n_units = len(plan.indicators), len(plan.blocks), len(plan.units)
        sizes = ", ".join(
            (
                ngettext("{n} chỉ tiêu", "{n} chỉ tiêu", n_indicators).format(n=n_indicators),
                ngettext("{n} khối", "{n} khối", n_blocks).format(n=n_blocks),
                ngettext("{n} đơn vị", "{n} đơn vị", n_units).format(n=n_units),
            )
        )
        return _("Đã nạp kế hoạch {year} từ {source}: {sizes}.").format(
            year=plan.year, source=result.source, sizes=sizes
        )
    if result.outcome == "replaced":
        return _(
            "Đã thay kế hoạch {year} lưu trong cơ sở dữ liệu (không đọc được) bằng {source}; "
            "không so được thay đổi với kế hoạch cũ."
        ).format(year=plan.year, source=result.source)
    if result.outcome == "unchanged":
        return _("Kế hoạch {year} không thay đổi ({source}).").format(
            year=plan.year, source=result.source
        )
    listed = "; ".join(result.changes)
    return _("Đã cập nhật kế hoạch {year} từ {source}: {changes}.").format(
        year=plan.year, source=result.source, changes=listed
    )


def make_console(stderr: bool = False) -> Console:
    """A console that writes plain text when not on a terminal or when NO_COLOR is set."""
    plain = bool(os.environ.get("NO_COLOR"))
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, color_system=None if plain else "auto")
