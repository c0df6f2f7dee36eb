"""The review's workbook (XLSX): progress, each block's ranking, every unit's scorecard and
the commendation shortlist, one sheet each; numbers stored as numbers with number formats
(Excel shows them in the reader's own convention: 1.400,5 on a Vietnamese system), headings
frozen, each sheet set to print on A4 landscape, one page wide, its heading on every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from thiduaCLI.cli.render import review_title
from thiduaCLI.papers import cells
from thiduaCLI.text.i18n import _
from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import json_number

if TYPE_CHECKING:
    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.results import Brief

NUMBER = "#,##0.##"  # grouped thousands, up to two decimals
WHOLE = "#,##0"
SCORE = "0.00"
PERCENT = "0.0%"
A4 = 9  # Excel's paper size code
SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet's name
_NOT_IN_SHEET_NAMES = str.maketrans({character: "-" for character in "[]:*?/\\"})


def _value(value: Decimal | int | None) -> float | int | None:
    """A number as the workbook stores it: the same number ``--json`` writes."""
    if value is None:
        return None
    return value if isinstance(value, int) else json_number(value)


def _text(value: str) -> str:
    """A cell's text as written: control characters visible, never a formula."""
    shown = visible(value, newlines=True)
    return "'" + shown if shown.startswith(("=", "+", "-", "@")) else shown


def _header(text: str) -> str:
    """A page header's text as written: "&" starts Excel's header codes (&P is the page)."""
    return visible(text).replace("&", "&&")


def _sheet(book: object, title: str, headings: Sequence[str], widths: Sequence[int]) -> Any:
    """A sheet of a write-only book (rows go straight to the file: a province's scorecards
    are 27,000 rows), its bold headings frozen and printed on every A4 landscape page."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_title(book, title))  # type: ignore[attr-defined]
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    row = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, heading)
        cell.font, cell.alignment = bold, wrapped
        row.append(cell)
    sheet.append(row)
    return sheet


def _sheet_title(book: object, title: str) -> str:
    """An Excel-safe sheet name, unique in the book."""
    base = title.translate(_NOT_IN_SHEET_NAMES).strip("'")[:SHEET_NAME_LIMIT] or "-"
    taken = set(book.sheetnames)  # type: ignore[attr-defined]
    name, number = base, 2
    while name in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        number += 1
    return name


def _append(sheet: Any, values: Sequence[object], formats: dict[int, str]) -> None:
    """A row, the cells of ``formats`` (column number → number format) formatted."""
    from openpyxl.cell import WriteOnlyCell

    row: list[object] = list(values)
    for column, number_format in formats.items():
        value = row[column - 1]
        cell = WriteOnlyCell(sheet, value)
        # a whole number without the decimal mark "#,##0.##" would leave after it ("81.")
        cell.number_format = (
            WHOLE if number_format == NUMBER and isinstance(value, int) else number_format
        )
        row[column - 1] = cell
    sheet.append(row)


def workbook(plan: Plan, brief: Brief, target: IO[bytes]) -> None:
    """Write the workbook of ``brief``."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    title = review_title(brief.review)

    progress = _sheet(
        book,
        _("Tiến độ"),
        [
            _("Mã"),
            _("Chỉ tiêu"),
            _("Đơn vị tính"),
            _("So sánh"),
            _("Chỉ tiêu giao"),
            _("Thực hiện"),
            _("Tỷ lệ"),
            _("Dự kiến đến nay"),
            _("Tình trạng"),
        ],
        [14, 48, 18, 10, 16, 16, 10, 18, 20],
    )
    for indicator in brief.status.indicators:
        _append(
            progress,
            [
                indicator.code,
                _text(indicator.name),
                _text(indicator.measure),
                indicator.comparator,
                _value(indicator.target),
                _value(indicator.value),
                _value(indicator.attainment),
                _value(indicator.expected),
                cells.state_cell(indicator.state),
            ],
            {5: NUMBER, 6: NUMBER, 7: PERCENT, 8: NUMBER},
        )
    progress.oddHeader.center.text = _header(f"{plan.title} – {title}")

    for block, rows in cells.blocks(brief.ranking.rows):
        sheet = _sheet(
            book,
            _("XH {block}").format(block=block),
            [
                _("Hạng"),
                _("Thay đổi"),
                _("Mã"),
                _("Đơn vị"),
                _("Điểm"),
                _("Điểm kỳ trước"),
                _("Xếp loại"),
                _("Đã báo cáo"),
                _("Phải báo cáo"),
            ],
            [8, 10, 12, 40, 10, 14, 34, 12, 14],
        )
        sheet.oddHeader.center.text = _header(f"{plan.blocks[block].name} – {title}")
        for row in rows:
            _append(
                sheet,
                [
                    row.rank,
                    row.movement,
                    row.unit,
                    _text(row.name),
                    _value(row.score),
                    _value(row.previous_score),
                    _text(row.grade),
                    row.reported,
                    row.expected,
                ],
                {5: SCORE, 6: SCORE},
            )

    cards = _sheet(
        book,
        _("Bảng điểm"),
        [_("Mã đơn vị"), _("Đơn vị"), *cells.part_headings()],  # the scorecard's columns
        [12, 36, 16, 14, 14, 10, 10, 10, 10, 20],
    )
    for unit in brief.ranking.rows:
        for part in unit.parts:
            _append(
                cards,
                [
                    unit.unit,
                    _text(unit.name),
                    part.indicator,
                    _value(part.target),
                    _value(part.value),
                    _value(part.attainment),
                    _value(part.capped),
                    _value(part.weight),
                    _value(part.points),
                    cells.state_cell(part.state),
                ],
                {4: NUMBER, 5: NUMBER, 6: PERCENT, 7: PERCENT, 8: NUMBER, 9: SCORE},
            )

    shortlist = _sheet(
        book,
        _("Đề nghị khen thưởng"),
        [
            _("Hình thức"),
            _("Khối"),
            _("Mã"),
            _("Đơn vị"),
            _("Hạng"),
            _("Số đơn vị trong khối"),
            _("Điểm"),
            _("Xếp loại"),
            _("Căn cứ"),
        ],
        [36, 30, 12, 36, 8, 12, 10, 30, 60],
    )
    for proposal in brief.shortlist.proposals:
        _append(
            shortlist,
            [
                _text(proposal.commendation),
                _text(plan.blocks[proposal.block].name),
                proposal.unit,
                _text(proposal.name),
                proposal.rank,
                proposal.block_size,
                _value(proposal.score),
                _text(proposal.grade),
                _text(proposal.reason),
            ],
            {7: SCORE},
        )
    book.save(target)
