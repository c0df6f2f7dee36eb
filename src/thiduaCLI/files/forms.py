"""Forms for the units: one protected Excel workbook per unit and period, filled in by the
unit and read back by ``thidua import``.

A form (version 1) has a visible sheet ``Biểu mẫu`` and a very hidden sheet ``thidua_form``
holding what identifies it: the unit's code, the period, the plan year, the number of rows
and a check value over them (a SHA-256 of those fields: not a secret, it only shows that the
hidden fields were edited by hand). The visible sheet repeats the unit's code and the period
in locked cells. Every cell is locked but the input cells (the figure and a note of each
row, and who filled the form); the sheet is protected without a password, so that nobody
types over a heading by mistake.

Reading a form is bounded as reading any spreadsheet is (:mod:`thiduaCLI.files.tabular`),
and every problem names the file and the cell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO

from thiduaCLI.domain.periods import Period, parse_period
from thiduaCLI.domain.plan import Indicator, Unit
from thiduaCLI.errors import InputError, ThiduaError
from thiduaCLI.text.i18n import N_, _
from thiduaCLI.text.literal import NAME_LIMIT, NOTE_LIMIT, visible
from thiduaCLI.text.oserrors import os_reason

MARK = "thidua-form"  # the hidden sheet's first cell: this workbook is a thidua form
META_SHEET = "thidua_form"
VERSION = 1
MAX_FORM_ROWS = 500  # indicator rows a form may hold (a plan holds a few dozen)
MAX_FORM_XML = 5_000_000  # bytes a form's XML may expand to (a form is about 30 kB)
MAX_FOLDER_FILES = 1_000  # forms read from one folder

# Layout of version 1: columns and rows of the visible sheet.
UNIT_CELL = "C3"
PERIOD_CELL = "F3"
HEADER_ROW = 6
FIRST_ROW = 7
CODE_COLUMN = "B"
VALUE_COLUMN = "I"
NOTE_COLUMN = "J"
BY_LABEL_COLUMN = "B"
BY_COLUMN = "C"
INPUT_FILL = "FFF2CC"  # light yellow: the cells to fill in

HEADINGS = (
    N_("STT"),
    N_("Mã chỉ tiêu"),
    N_("Tên chỉ tiêu"),
    N_("Đơn vị tính"),
    N_("Chỉ tiêu giao"),
    N_("Số liệu gần nhất"),
    N_("Ngày của số liệu gần nhất"),
    N_("Cách ghi"),
    N_("Số liệu kỳ này"),
    N_("Ghi chú"),
)
WIDTHS = (5, 16, 42, 14, 14, 14, 14, 30, 16, 30)
SYMBOLS = {">": ">", ">=": "≥", "~": "≈", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class FormRow:
    """One indicator of the unit's agreement on its form, with the last figure before the
    period."""

    indicator: Indicator
    target: Decimal
    last_value: Decimal | None
    last_date: date | None


@dataclass(frozen=True)
class Form:
    """What a unit's form for a period shows."""

    plan_title: str
    year: int
    unit: Unit
    period: Period
    rows: tuple[FormRow, ...]

    @property
    def file_name(self) -> str:
        """``K03-2026-10.xlsx``."""
        return f"{self.unit.code}-{self.period.label}.xlsx"


def check_value(unit: str, period: str, year: int, rows: int) -> str:
    """The hidden check over a form's identifying fields."""
    text = f"{MARK}|{VERSION}|{unit}|{period}|{year}|{rows}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def how_to_fill(indicator: Indicator, unit: Unit) -> str:
    """What to type in a row's input cell."""
    if indicator.share:
        if indicator.rollup == "ratio" and not unit.is_ward:
            return _("tử số/mẫu số, ví dụ 4850/5000")
        return _("tỷ lệ % từ 0 đến 100, hoặc tử số/mẫu số")
    if indicator.kind == "cumulative":
        return _("số phát sinh trong kỳ (không cộng dồn)")
    return _("giá trị đến cuối kỳ")


# ------------------------------------------------------------------------------ writing


def write_form(form: Form, target: IO[bytes]) -> None:
    """The form as an .xlsx workbook, written to ``target``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from thiduaCLI.files.tabular import safe_text
    from thiduaCLI.text.dates import format_date
    from thiduaCLI.text.numbers import format_number, json_number

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Biểu mẫu")
    columns = len(HEADINGS)
    last_column = get_column_letter(columns)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    title_font = Font(name="Times New Roman", size=14, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", start_color=INPUT_FILL, end_color=INPUT_FILL)
    unlocked = Protection(locked=False)

    def put(cell: str, value: object, style: Font = font) -> None:
        sheet[cell] = safe_text(value) if isinstance(value, str) else value
        sheet[cell].font = style

    put("A1", visible(form.plan_title), bold)
    sheet.merge_cells(f"A1:{last_column}1")
    put(
        "A2",
        _("BIỂU MẪU BÁO CÁO SỐ LIỆU THI ĐUA {period} – {name}").format(
            period=form.period.words.upper(), name=visible(form.unit.name)
        ),
        title_font,
    )
    sheet.merge_cells(f"A2:{last_column}2")
    sheet["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[2].height = 36
    put("A3", _("Mã đơn vị:"), bold)
    put(UNIT_CELL, form.unit.code, bold)
    put("E3", _("Kỳ báo cáo:"), bold)
    put(PERIOD_CELL, form.period.label, bold)
    put("H3", _("Ngày của số liệu: {day}").format(day=format_date(form.period.end)), bold)
    put(
        "A4",
        _(
            "Chỉ ghi vào các ô nền vàng: số liệu ở cột {value}, ghi chú ở cột {note}, tên người "
            "báo cáo ở cuối biểu. Để trống nếu chưa có số. Số liệu được ghi vào ngày cuối kỳ."
        ).format(value=VALUE_COLUMN, note=NOTE_COLUMN),
    )
    sheet.merge_cells(f"A4:{last_column}4")
    sheet["A4"].alignment = wrap
    sheet.row_dimensions[4].height = 32
    for position, heading in enumerate(HEADINGS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=position, value=_(heading))
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(position)].width = WIDTHS[position - 1]
    sheet.row_dimensions[HEADER_ROW].height = 32
    number = 0
    for number, row in enumerate(form.rows, start=1):
        line = FIRST_ROW + number - 1
        indicator = row.indicator
        goal = f"{SYMBOLS[indicator.comparator]} {format_number(row.target, 6)}"
        values: list[object] = [
            number,
            indicator.code,
            visible(indicator.name),
            visible(indicator.measure),
            goal,
            None if row.last_value is None else json_number(row.last_value),
            row.last_date,
            how_to_fill(indicator, form.unit),
            None,
            None,
        ]
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=position)
            cell.value = safe_text(value) if isinstance(value, str) else value
            cell.font = font
            cell.alignment = wrap
            cell.border = border
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, float):  # the last figure: two places at most, grouped
                cell.number_format = "#,##0.##"
            elif isinstance(value, int) and position > 1:
                cell.number_format = "#,##0"
        for column in (VALUE_COLUMN, NOTE_COLUMN):
            cell = sheet[f"{column}{line}"]
            cell.protection = unlocked
            cell.fill = fill
        _validate(sheet, indicator, form.unit, f"{VALUE_COLUMN}{line}", DataValidation)
        note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=NOTE_LIMIT)
        note.error = _("Ghi chú tối đa {limit} ký tự.").format(limit=NOTE_LIMIT)
        note.showErrorMessage = True
        note.add(f"{NOTE_COLUMN}{line}")
        sheet.add_data_validation(note)
    by_row = FIRST_ROW + number + 1
    put(f"{BY_LABEL_COLUMN}{by_row}", _("Người báo cáo:"), bold)
    by_cell = sheet[f"{BY_COLUMN}{by_row}"]
    by_cell.protection = unlocked
    by_cell.fill = fill
    by_cell.border = border
    name = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=NAME_LIMIT)
    name.error = _("Tên tối đa {limit} ký tự.").format(limit=NAME_LIMIT)
    name.showErrorMessage = True
    name.add(f"{BY_COLUMN}{by_row}")
    sheet.add_data_validation(name)
    put(
        f"A{by_row + 1}",
        _("Biểu mẫu do thidua lập; không sửa các ô đã khóa, không đổi tên, thêm hay xóa dòng."),
    )
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = f"A{FIRST_ROW}"

    meta = book.create_sheet(META_SHEET)
    fields = (
        (MARK, VERSION),
        ("unit", form.unit.code),
        ("period", form.period.label),
        ("year", form.year),
        ("rows", len(form.rows)),
        ("check", check_value(form.unit.code, form.period.label, form.year, len(form.rows))),
    )
    for key, value in fields:
        meta.append([key, value])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    book.properties.title = _("Biểu mẫu thi đua {unit} {period}").format(
        unit=form.unit.code, period=form.period.label
    )
    book.properties.creator = "thidua"
    book.save(target)


def _validate(sheet: object, indicator: Indicator, unit: Unit, cell: str, kind: type) -> None:
    """Excel's own check of an input cell: a number (not below zero unless the indicator may
    be negative); for a share a number from 0 to 100 or a text with a slash (a/b)."""
    if indicator.share:
        rule = kind(
            type="custom",
            formula1=f'OR(AND(ISNUMBER({cell}),{cell}>=0,{cell}<=100),ISNUMBER(FIND("/",{cell})))',
        )
        rule.error = _(
            "Ghi tỷ lệ % từ 0 đến 100 (không gõ dấu %), hoặc tử số/mẫu số như 4850/5000. "
            "Nếu Excel đổi a/b thành ngày, gõ dấu nháy đơn trước: '8/9."
        )
    else:
        low = "-1E+15" if indicator.negative else "0"
        rule = kind(type="decimal", operator="between", formula1=low, formula2="1E+15")
        rule.error = _("Ghi một số (được âm).") if indicator.negative else _("Ghi một số không âm.")
    rule.errorTitle = _("Số liệu không hợp lệ")
    rule.showErrorMessage = True
    rule.allow_blank = True
    rule.add(cell)
    sheet.add_data_validation(rule)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class FilledRow:
    """One filled input cell of a form."""

    row: int  # the spreadsheet row
    cell: str  # where the value is, ``I7``
    indicator: str
    value: object
    note: str | None


@dataclass(frozen=True)
class Filled:
    """What a filled form holds: who it is from, for which period, and its filled rows."""

    name: str  # the file's name, as errors show it
    unit: str
    period: Period
    year: int
    by: str | None
    rows: tuple[FilledRow, ...]


def is_form(path: Path) -> bool:
    """Whether ``path`` is an .xlsx workbook that thidua wrote as a form (judged by its sheet
    names only; :func:`read_form` checks the rest)."""
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 1_000_000:
                return False
            return f'name="{META_SHEET}"'.encode() in archive.read(info)
    except (OSError, KeyError, BadZipFile, EOFError, ValueError, RuntimeError):
        return False


class FormError(InputError):
    """A form that cannot be read as one; nothing was written."""


def _at(name: str, cell: str | None, problem: str) -> str:
    if cell is None:
        return _("{file}: {problem}").format(file=name, problem=problem)
    return _("{file}: ô {cell}: {problem}").format(file=name, cell=cell, problem=problem)


def read_form(path: Path) -> Filled:
    """The filled cells of the form in ``path``, its hidden fields checked against each
    other and against the visible sheet; a :class:`FormError` names the file and the cell.
    Whether the unit, the period and the indicators fit the plan is the ledger's check."""
    from thiduaCLI.files.tabular import _check_xlsx_archive

    name = path.name
    _check_size(path)
    try:
        _check_xlsx_archive(path)
    except InputError as error:  # named by the file's name, as every form error is
        raise FormError(str(error).replace(str(path), name, 1)) from None
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # any failure of the reader, in one line
        raise FormError(
            _("{file}: không đọc được tệp Excel ({reason})").format(
                file=name, reason=os_reason(error)
            )
        ) from None
    try:
        return _read(book, name)
    except ThiduaError:
        raise
    except Exception as error:  # any failure of the reader, in one line
        raise FormError(
            _("{file}: không đọc được biểu mẫu ({reason})").format(
                file=name, reason=os_reason(error)
            )
        ) from None
    finally:
        book.close()


def _check_size(path: Path) -> None:
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as archive:
            size = sum(part.file_size for part in archive.infolist())
    except (OSError, BadZipFile, EOFError, ValueError, RuntimeError):
        return  # the archive check says what is wrong
    if size > MAX_FORM_XML:
        raise FormError(
            _("{file}: biểu mẫu giải nén {size} MB, tối đa {limit} MB").format(
                file=path.name, size=size // 1_000_000, limit=MAX_FORM_XML // 1_000_000
            )
        )


def _read(book: object, name: str) -> Filled:
    sheets = book.sheetnames  # type: ignore[attr-defined]
    if META_SHEET not in sheets or len(sheets) < 2:
        raise FormError(_at(name, None, _("không phải biểu mẫu của thidua")))
    meta = _meta(book[META_SHEET], name)  # type: ignore[index]
    version, unit, label, year, count = meta
    tampered = _at(
        name,
        None,
        _(
            "dữ liệu ẩn của biểu mẫu đã bị sửa (mã kiểm tra không khớp); lập biểu mẫu mới "
            "bằng thidua form"
        ),
    )
    if version != str(VERSION):
        raise FormError(
            _at(
                name,
                None,
                _("biểu mẫu phiên bản {version}; thidua này đọc phiên bản {known}").format(
                    version=visible(version), known=VERSION
                ),
            )
        )
    try:
        period = parse_period(label)
        year_number = int(year)
        rows = int(count)
    except (ThiduaError, ValueError):
        raise FormError(tampered) from None
    if meta_check(book) != check_value(unit, label, year_number, rows):
        raise FormError(tampered)
    if not 0 <= rows <= MAX_FORM_ROWS or period.year != year_number:
        raise FormError(tampered)
    sheet = book[sheets[0] if sheets[0] != META_SHEET else sheets[1]]  # type: ignore[index]
    sheet.reset_dimensions()
    last = FIRST_ROW + rows + 1  # the rows, a blank row, who filled the form
    cells: dict[str, object] = {}
    number_formats: dict[str, str] = {}
    for record in sheet.iter_rows(min_row=1, max_row=last, max_col=len(HEADINGS)):
        for cell in record:
            coordinate = getattr(cell, "coordinate", None)
            if coordinate is None or cell.value is None:
                continue
            value = cell.value
            if isinstance(value, str) and len(value) > NOTE_LIMIT * 5:
                raise FormError(_at(name, coordinate, _("ô dài quá giới hạn")))
            cells[coordinate] = value
            number_formats[coordinate] = cell.number_format or ""
    shown_unit = _text(cells.get(UNIT_CELL))
    if shown_unit != unit:
        raise FormError(
            _at(
                name,
                UNIT_CELL,
                _("biểu mẫu lập cho đơn vị {unit} nhưng ô ghi '{shown}'").format(
                    unit=unit, shown=visible(shown_unit)[:40]
                ),
            )
        )
    shown_period = _text(cells.get(PERIOD_CELL))
    if shown_period != label:
        raise FormError(
            _at(
                name,
                PERIOD_CELL,
                _("biểu mẫu lập cho kỳ {period} nhưng ô ghi '{shown}'").format(
                    period=label, shown=visible(shown_period)[:40]
                ),
            )
        )
    filled: list[FilledRow] = []
    for line in range(FIRST_ROW, FIRST_ROW + rows):
        code_cell, value_cell, note_cell = (
            f"{c}{line}" for c in (CODE_COLUMN, VALUE_COLUMN, NOTE_COLUMN)
        )
        value = cells.get(value_cell)
        if isinstance(value, str) and not value.strip():
            value = None
        note = cells.get(note_cell)
        note_text = None if note is None else _text(note) or None
        if note_text is not None and len(note_text) > NOTE_LIMIT:
            raise FormError(
                _at(
                    name,
                    note_cell,
                    _("ghi chú dài {length} ký tự, tối đa {limit}").format(
                        length=len(note_text), limit=NOTE_LIMIT
                    ),
                )
            )
        if value is None:
            continue
        code = _text(cells.get(code_cell))
        if not code:
            raise FormError(_at(name, code_cell, _("thiếu mã chỉ tiêu")))
        if isinstance(value, int | float) and not isinstance(value, bool):
            if "%" in number_formats.get(value_cell, ""):
                value = Decimal(repr(value)) * 100  # typed 95% in Excel: 0.95 shown as 95 %
        elif isinstance(value, datetime | date):
            raise FormError(
                _at(
                    name,
                    value_cell,
                    _(
                        "Excel đã đổi số liệu thành ngày ({day}); gõ lại với dấu nháy đơn "
                        "trước, ví dụ '8/9"
                    ).format(day=value.strftime("%d/%m/%Y")),
                )
            )
        elif isinstance(value, str):
            value = _text(value)
        elif not isinstance(value, Decimal):
            raise FormError(_at(name, value_cell, _("ô không chứa số")))
        filled.append(FilledRow(line, value_cell, code, value, note_text))
    by_cell = f"{BY_COLUMN}{FIRST_ROW + rows + 1}"
    by = cells.get(by_cell)
    by_text = None if by is None else _text(by) or None
    if by_text is not None and len(by_text) > NAME_LIMIT:
        raise FormError(_at(name, by_cell, _("tên dài quá {limit} ký tự").format(limit=NAME_LIMIT)))
    return Filled(name, unit, period, year_number, by_text, tuple(filled))


def meta_check(book: object) -> str:
    """The check value the hidden sheet holds."""
    sheet = book[META_SHEET]  # type: ignore[index]
    for key, value in sheet.iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if key == "check":
            return _text(value)
    return ""


def _meta(sheet: object, name: str) -> tuple[str, str, str, str, str]:
    """The hidden fields: version, unit, period, year, rows (as text)."""
    found: dict[str, str] = {}
    for record in sheet.iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):  # type: ignore[attr-defined]
        if len(record) >= 2 and isinstance(record[0], str):
            found[record[0]] = _text(record[1])
    wanted = (MARK, "unit", "period", "year", "rows", "check")
    if any(key not in found for key in wanted):
        raise FormError(_at(name, None, _("không phải biểu mẫu của thidua")))
    return found[MARK], found["unit"], found["period"], found["year"], found["rows"]


def _text(value: object) -> str:
    """A cell as text, stripped and in NFC (a number cell as its digits)."""
    from thiduaCLI.text.lookup import nfc

    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value).strip())
    return text[1:] if text[:2] in _ESCAPED else text


_ESCAPED = frozenset(f"'{start}" for start in "=+-@")


def forms_in(folder: Path) -> list[Path]:
    """The .xlsx files of a folder, sorted (Excel's lock files ``~$…`` and hidden files
    left out); at most :data:`MAX_FOLDER_FILES`."""
    try:
        found = sorted(
            path
            for path in folder.iterdir()
            if path.suffix.lower() == ".xlsx"
            and not path.name.startswith(("~$", "."))
            and path.is_file()
        )
    except OSError as error:
        raise InputError(
            _("{file}: không đọc được thư mục ({reason})").format(
                file=folder, reason=os_reason(error)
            )
        ) from None
    if not found:
        raise InputError(_("{file}: thư mục không có tệp .xlsx nào").format(file=folder))
    if len(found) > MAX_FOLDER_FILES:
        raise InputError(
            _("{file}: quá {limit} tệp .xlsx trong thư mục").format(
                file=folder, limit=MAX_FOLDER_FILES
            )
        )
    return found
