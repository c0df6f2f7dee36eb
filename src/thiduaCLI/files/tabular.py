"""Figures as spreadsheet rows: reading CSV and Excel files, writing CSV, Excel and JSON.

The columns are unit, indicator, value, date, note and by, with Vietnamese or English headers.
Text cells that a spreadsheet would run as a formula are written with a leading apostrophe,
and read back without it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple

from thiduaCLI.errors import InputError, ThiduaError
from thiduaCLI.files.formats import FORMULA_STARTS, formula_safe
from thiduaCLI.files.progress import Progress, counted
from thiduaCLI.text.i18n import N_, _
from thiduaCLI.text.lookup import fold, nfc
from thiduaCLI.text.oserrors import os_reason

COLUMNS = ("unit", "indicator", "value", "date", "note", "by")
REQUIRED = ("unit", "indicator", "value", "date")
MAX_ROWS = 500_000  # data rows in one file
MAX_CELL = 10_000  # characters in one cell (a note may hold 2,000: see literal.NOTE_LIMIT)
MAX_COLUMNS = 64  # columns read of a spreadsheet (six are used)
MAX_XLSX_XML = 100_000_000  # bytes the XML inside an .xlsx may expand to, all parts together
MAX_XLSX_PARTS = 1_000  # files inside an .xlsx
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


def read_rows(
    path: Path | None,
    stream: IO[bytes] | None = None,
    on_total: Callable[[int], object] | None = None,
) -> Iterator[Row]:
    """Rows of a ``.csv`` or ``.xlsx`` file (or CSV bytes from ``stream``), header mapped.

    Bounded and strict: at most :data:`MAX_ROWS` data rows and :data:`MAX_CELL` characters a
    cell; a CSV quote left open, an unknown column, a broken or oversized spreadsheet is one
    :class:`InputError` naming the file, the line and the limit. ``on_total`` is told, once
    the file is open, about how many rows it holds (its lines; what a workbook claims), for
    a progress bar: never trusted for anything else."""
    name = "-" if path is None else str(path)
    if path is not None and path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _read_xlsx(path, on_total)
        return
    if path is not None and path.suffix.lower() in (".xls", ".ods", ".numbers"):
        raise InputError(
            _("{file}: thidua đọc tệp .xlsx hoặc .csv; lưu lại tệp {suffix} thành .xlsx").format(
                file=name, suffix=path.suffix
            )
        )
    try:
        raw = stream.read() if stream is not None else path.read_bytes()  # type: ignore[union-attr]
    except OSError as error:
        raise InputError(
            _("{file}: không đọc được tệp ({reason})").format(file=name, reason=os_reason(error))
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            _("{file}: tệp CSV phải mã hóa UTF-8 (lưu lại bằng 'CSV UTF-8')").format(file=name)
        ) from None
    del raw
    if on_total is not None:
        on_total(max(0, text.count("\n") - 1))
    yield from _read_csv(name, text)


def _read_csv(name: str, text: str) -> Iterator[Row]:
    dialect = _dialect(text)
    records = csv.reader(io.StringIO(text, newline=""), dialect)
    first_line = 1
    limit = csv.field_size_limit(MAX_CELL)
    try:
        header = next(records, None)
        columns = _map_header(name, header or [])
        width = len(header or [])
        first_line = records.line_num + 1
        count = 0
        cells = _Cells(columns)
        for record in records:
            if any(map(str.strip, record)):
                count += 1
                if count > MAX_ROWS:
                    raise InputError(_too_many_rows(name, first_line))
                _check_spill(name, first_line, records.line_num, record, dialect, width)
                yield Row(first_line, cells(record))  # where the record starts
            first_line = records.line_num + 1
    except csv.Error as error:
        raise InputError(_csv_problem(name, first_line, str(error))) from None
    finally:
        csv.field_size_limit(limit)


def _csv_problem(name: str, line: int, reason: str) -> str:
    """One line for what the CSV reader refused, in words a person can act on."""
    if "field larger than field limit" in reason:
        said = _("một ô dài quá {limit} ký tự").format(limit=f"{MAX_CELL:,}".replace(",", "."))
    elif "unexpected end of data" in reason or "EOF" in reason:
        said = _(
            "dấu ngoặc kép mở ở dòng này không được đóng (ô kéo tới cuối tệp); đóng ngoặc "
            "hoặc bỏ dấu ngoặc"
        )
    elif "expected after" in reason:
        said = _(
            "sau dấu ngoặc kép đóng phải là dấu phân cách hoặc hết dòng ({reason}); "
            'viết ngoặc kép trong ô thành hai dấu ""'
        ).format(reason=reason)
    else:
        said = _("CSV không hợp lệ ({reason})").format(reason=reason)
    return _("{file}: dòng {line}: {problem}").format(file=name, line=line, problem=said)


def _check_spill(
    name: str,
    first: int,
    last: int,
    record: Sequence[str],
    dialect: type[csv.Dialect] | csv.Dialect,
    width: int,
) -> None:
    """A record over several lines whose cell holds what looks like rows of its own: a quote
    opened and closed only lines later swallowed them (F9). A note written over two lines
    is fine; a line inside it with as many separators as a row is not."""
    if last == first or width < 2:
        return
    separator = dialect.delimiter
    for cell in record:
        for line in cell.splitlines()[1:]:
            if line.count(separator) >= width - 1:
                raise InputError(
                    _(
                        "{file}: dòng {line}: dấu ngoặc kép mở ở dòng này chỉ đóng ở dòng {last},"
                        " nuốt cả các dòng giữa vào một ô; đóng ngoặc đúng chỗ"
                    ).format(file=name, line=first, last=last)
                )


def _too_many_rows(name: str, line: int) -> str:
    return _("{file}: dòng {line}: quá {limit} dòng số liệu trong một tệp; chia nhỏ tệp").format(
        file=name, line=line, limit=f"{MAX_ROWS:,}".replace(",", ".")
    )


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    return _Semicolon if first_line.count(";") > first_line.count(",") else _Comma


class _Comma(csv.excel):
    strict = True  # a stray quote is an error on its line, never part of a cell


class _Semicolon(_Comma):
    delimiter = ";"


def _check_xlsx_archive(path: Path) -> None:
    """Refuse, before any XML is parsed, a spreadsheet whose parts would expand beyond
    :data:`MAX_XLSX_XML`, that has too many parts, or whose XML declares a DTD or entities
    (entity expansion, external entities): Excel writes none of these."""
    from zipfile import BadZipFile, ZipFile

    def refuse(reason: str) -> InputError:
        return InputError(
            _("{file}: không đọc được tệp Excel ({reason})").format(file=path, reason=reason)
        )

    try:
        with ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_XLSX_PARTS:
                raise refuse(_("quá {limit} phần trong tệp").format(limit=MAX_XLSX_PARTS))
            size = sum(part.file_size for part in parts)
            if size > MAX_XLSX_XML:
                raise refuse(
                    _("nội dung giải nén {size} MB, tối đa {limit} MB").format(
                        size=size // 1_000_000, limit=MAX_XLSX_XML // 1_000_000
                    )
                )
            for part in parts:
                if not part.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                data = archive.read(part)
                if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:1] == b"\x00":
                    said = _("XML không mã hóa UTF-8 trong {part}")
                    raise refuse(said.format(part=part.filename))
                if _DECLARATION.search(data):
                    raise refuse(
                        _("XML có khai báo DOCTYPE/ENTITY trong {part}, không được phép").format(
                            part=part.filename
                        )
                    )
    except (OSError, BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise refuse(os_reason(error)) from None


_DECLARATION = re.compile(rb"<!\s*(?i:doctype|entity)")


def _read_xlsx(path: Path, on_total: Callable[[int], object] | None = None) -> Iterator[Row]:
    """The first sheet's rows, its declared dimensions ignored (a sheet that claims
    A1:XFD1048576 is read as the cells it has), at most :data:`MAX_COLUMNS` columns and
    :data:`MAX_ROWS` data rows; any failure of the reader is one :class:`InputError`."""
    _check_xlsx_archive(path)
    try:
        from openpyxl import load_workbook
    except ImportError as error:  # pragma: no cover - openpyxl is a dependency
        raise InputError(str(error)) from None
    number = 1
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # any failure of the reader, in one line
        raise InputError(
            _("{file}: không đọc được tệp Excel ({reason})").format(
                file=path, reason=os_reason(error)
            )
        ) from None
    try:
        sheet = book.worksheets[0]
        claimed = sheet.max_row  # for a progress bar only
        if on_total is not None and isinstance(claimed, int):
            on_total(max(0, min(claimed, MAX_ROWS + 1) - 1))
        sheet.reset_dimensions()  # what the file claims is not read: only the cells it has
        values = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(values, None)
        columns = _map_header(str(path), ["" if c is None else str(c) for c in header or []])
        count = 0
        cells = _Cells(columns)
        for number, record in enumerate(values, start=2):
            if any(cell not in (None, "") for cell in record):
                count += 1
                if count > MAX_ROWS:
                    raise InputError(_too_many_rows(str(path), number))
                for cell in record:
                    if isinstance(cell, str) and len(cell) > MAX_CELL:
                        raise InputError(
                            _("{file}: dòng {line}: một ô dài quá {limit} ký tự").format(
                                file=path, line=number, limit=f"{MAX_CELL:,}".replace(",", ".")
                            )
                        )
                yield Row(number, cells(list(record)))
    except ThiduaError:
        raise
    except Exception as error:  # any failure of the reader, in one line
        raise InputError(
            _("{file}: dòng {line}: không đọc được tệp Excel ({reason})").format(
                file=path, line=number, reason=os_reason(error)
            )
        ) from None
    finally:
        book.close()


def _map_header(name: str, header: Sequence[str]) -> dict[str, int]:
    """Column name -> position; refuse a file missing a required column or naming one thidua
    does not know (a typo would silently drop a column)."""
    known = {fold(alias): column for column, aliases in HEADINGS.items() for alias in aliases}
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for position, heading in enumerate(header):
        if not heading.strip():
            continue
        column = known.get(fold(heading))
        if column is None:
            unknown.append(heading)
            continue
        if column in columns:
            raise InputError(
                _("{file}: cột '{heading}' ({column}) có hai lần").format(
                    file=name, heading=heading, column=column
                )
            )
        columns[column] = position
    if unknown:
        from thiduaCLI.text.literal import visible

        listed = ", ".join(f"'{visible(heading)[:40]}'" for heading in unknown[:5])
        names = ", ".join(
            f"{aliases[0]}/{_(VIETNAMESE[column])}" for column, aliases in HEADINGS.items()
        )
        raise InputError(
            _("{file}: cột không biết {columns}; các cột dùng được: {known}").format(
                file=name, columns=listed, known=names
            )
        )
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


class _Cells:
    """A record's cells by column, text cells stripped, in NFC and without the apostrophe
    export put before a formula; each distinct text is cleaned once (a file repeats its
    codes, values and dates row after row)."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns = list(columns.items())
        self.cleaned: dict[str, object] = {}

    def __call__(self, record: Sequence[object]) -> dict[str, object]:
        cells: dict[str, object] = {}
        size = len(record)
        cleaned = self.cleaned
        for column, position in self.columns:
            cell = record[position] if position < size else None
            if isinstance(cell, str):
                text = cell
                cell = cleaned.get(text, _UNSEEN)
                if cell is _UNSEEN:
                    cell = cleaned[text] = _clean(text)
            cells[column] = cell
        return cells


_UNSEEN = object()


def _clean(text: str) -> object:
    """A text cell as imported: stripped, NFC, without export's formula apostrophe; None
    when empty."""
    cell = nfc(text.strip())  # stored in NFC, whatever form the file used
    if cell[:2] in _ESCAPED:
        cell = cell[1:]  # written safe for spreadsheets by export
    return None if cell == "" else cell


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


def write_xlsx(
    rows: Sequence[dict[str, object]], target: IO[bytes], progress: Progress | None = None
) -> None:
    """An Excel workbook with one sheet: numbers as numbers, dates as dates (``progress``:
    told of the rows written).

    A text holding characters an Excel file cannot (ESC, NUL and the other control
    characters but tab and line breaks) is written with them made visible (``␛``), and the
    cell's comment says so."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment

    from thiduaCLI.text.literal import visible

    book = Workbook(write_only=True)
    sheet = book.create_sheet("figures")
    sheet.append(list(COLUMNS))
    said = _(
        "thidua: ô này có ký tự điều khiển Excel không chứa được; đã thay bằng ký hiệu "
        "nhìn thấy (␛ là ESC, ␀ là NUL)"
    )
    for row in counted(rows, "export", progress, len(rows)):
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
        safe_text(cell) if isinstance(cell := row[c], str) and c != "value" else cell
        for c in COLUMNS
    ]


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)
