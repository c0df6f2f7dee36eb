"""Figures as spreadsheet rows: reading CSV and Excel files, writing CSV, Excel and JSON.

The columns are unit, indicator, value, date, note and by, with Vietnamese or English headers.
Text cells that a spreadsheet would run as a formula are written with a leading apostrophe,
and read back without it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple

from thiduaCLI.errors import InputError
from thiduaCLI.formats import FORMULA_STARTS, formula_safe
from thiduaCLI.i18n import N_, _
from thiduaCLI.lookup import fold, nfc

COLUMNS = ("unit", "indicator", "value", "date", "note", "by")
REQUIRED = ("unit", "indicator", "value", "date")
HEADINGS = {
    "unit": ("unit", "don vi", "ma don vi"),
    "indicator": ("indicator", "chi tieu", "ma chi tieu"),
    "value": ("value", "gia tri", "so lieu"),
    "date": ("date", "ngay", "ngay so lieu"),
    "note": ("note", "ghi chu", "nguon"),
    "by": ("by", "nguoi nhap", "nguoi bao cao"),
}
VIETNAMESE = {  # each column's name in messages: translate at use, _(VIETNAMESE[column])
    "unit": N_("đơn vị"),
    "indicator": N_("chỉ tiêu"),
    "value": N_("giá trị"),
    "date": N_("ngày"),
    "note": N_("ghi chú"),
    "by": N_("người nhập"),
}


class Row(NamedTuple):
    """One data row of an import file: its line (or spreadsheet row) number and its cells."""

    line: int
    cells: dict[str, object]


def read_rows(path: Path | None, stream: IO[bytes] | None = None) -> Iterator[Row]:
    """Rows of a ``.csv`` or ``.xlsx`` file (or CSV bytes from ``stream``), header mapped."""
    name = "-" if path is None else str(path)
    if path is not None and path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path)
        return
    try:
        raw = stream.read() if stream is not None else path.read_bytes()  # type: ignore[union-attr]
    except OSError as error:
        raise InputError(
            _("{file}: không đọc được tệp ({reason})").format(file=name, reason=error.strerror)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            _("{file}: tệp CSV phải mã hóa UTF-8 (lưu lại bằng 'CSV UTF-8')").format(file=name)
        ) from None
    dialect = _dialect(text)
    records = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(records, None)
    columns = _map_header(name, header or [])
    first_line = records.line_num + 1
    for record in records:
        if any(map(str.strip, record)):
            yield Row(first_line, _cells(columns, record))  # where the record starts
        first_line = records.line_num + 1


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    return _Semicolon if first_line.count(";") > first_line.count(",") else csv.excel


class _Semicolon(csv.excel):
    delimiter = ";"


def _read_xlsx(path: Path) -> Iterator[Row]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as error:
        raise InputError(
            _("{file}: không đọc được tệp Excel ({reason})").format(file=path, reason=error)
        ) from None
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        columns = _map_header(str(path), ["" if c is None else str(c) for c in header or []])
        for number, record in enumerate(values, start=2):
            if any(cell not in (None, "") for cell in record):
                yield Row(number, _cells(columns, list(record)))
    finally:
        book.close()


def _map_header(name: str, header: Sequence[str]) -> dict[str, int]:
    """Column name -> position; refuse a file missing a required column."""
    known = {fold(alias): column for column, aliases in HEADINGS.items() for alias in aliases}
    columns: dict[str, int] = {}
    for position, heading in enumerate(header):
        column = known.get(fold(heading))
        if column is not None and column in columns:
            raise InputError(
                _("{file}: cột '{heading}' ({column}) có hai lần").format(
                    file=name, heading=heading, column=column
                )
            )
        if column is not None:
            columns[column] = position
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        wanted = ", ".join(f"'{_(VIETNAMESE[c])}' ({c})" for c in missing)
        raise InputError(
            _("{file}: thiếu cột {columns}; hàng đầu tiên phải là tên các cột").format(
                file=name, columns=wanted
            )
        )
    return columns


_ESCAPED = frozenset(f"'{start}" for start in FORMULA_STARTS)  # what export made safe


def _cells(columns: dict[str, int], record: Sequence[object]) -> dict[str, object]:
    cells: dict[str, object] = {}
    size = len(record)
    for column, position in columns.items():
        cell = record[position] if position < size else None
        if isinstance(cell, str):
            cell = nfc(cell.strip())  # stored in NFC, whatever form the file used
            if cell[:2] in _ESCAPED:
                cell = cell[1:]  # written safe for spreadsheets by export
        cells[column] = None if cell == "" else cell
    return cells


# ------------------------------------------------------------------------------ writing


def safe_text(text: str | None) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return formula_safe(text) if text else ""


def write_csv(rows: Sequence[dict[str, object]]) -> str:
    """RFC 4180 CSV with a header row; text cells made safe for spreadsheets."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = _safe_row(row)
        writer.writerow([plain_number(c) if isinstance(c, float) else c for c in cells])
    return buffer.getvalue()


def plain_number(value: float) -> str:
    """A locale-neutral number that thidua reads back as itself: never ``2.125`` (which reads
    as two thousand one hundred and twenty-five), but ``2.1250``."""
    text = format(Decimal(repr(value)).normalize(), "f")
    integer, _, decimals = text.partition(".")
    if len(decimals) == 3 and integer.lstrip("-") not in ("", "0"):
        text += "0"
    return text


def write_xlsx(rows: Sequence[dict[str, object]], target: IO[bytes]) -> None:
    """An Excel workbook with one sheet: numbers as numbers, dates as dates.

    A text holding characters an Excel file cannot (ESC, NUL and the other control
    characters but tab and line breaks) is written with them made visible (``␛``), and the
    cell's comment says so."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment

    from thiduaCLI.literal import visible

    book = Workbook(write_only=True)
    sheet = book.create_sheet("figures")
    sheet.append(list(COLUMNS))
    said = _(
        "thidua: ô này có ký tự điều khiển Excel không chứa được; đã thay bằng ký hiệu "
        "nhìn thấy (␛ là ESC, ␀ là NUL)"
    )
    for row in rows:
        cells: list[object] = []
        for cell in _safe_row(row):
            if isinstance(cell, str) and ILLEGAL_CHARACTERS_RE.search(cell):
                shown = WriteOnlyCell(sheet, value=visible(cell, newlines=True))
                shown.comment = Comment(said, "thidua")
                cell = shown
            cells.append(cell)
        sheet.append(cells)
    book.save(target)


def write_json(rows: Sequence[dict[str, object]]) -> str:
    """The same rows as a JSON list (values as numbers, dates ISO)."""
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=_iso)


def _safe_row(row: dict[str, object]) -> list[object]:
    return [
        safe_text(row[c]) if isinstance(row[c], str) and c != "value" else row[c] for c in COLUMNS
    ]


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)
