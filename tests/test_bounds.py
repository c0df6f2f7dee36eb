"""Bounded, strict input: every import file, note, name and plan that is too big, malformed or
hostile is refused with one ``Lỗi:`` line naming the row and the limit, exit 1, nothing
written (issue 14: F2, F5, F6, F9, F12, C2). Real ``thidua`` processes."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from helpers import assert_refused, dump, plan_copy
from thiduaCLI.files import tabular

SHEET = "xl/worksheets/sheet1.xml"


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _rewrite(path: Path, part: str, change) -> Path:
    """The workbook with one of its XML parts changed by ``change(text) -> text``."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


GOOD_ROWS = [["unit", "indicator", "value", "date", "note"], ["K01", "VIEC_LAM", 3, "2026-02-28"]]


def _import_refused(ready, db: Path, path: Path, message: str) -> None:
    before = dump(db)
    assert_refused(ready("import", str(path)), message, db, before)


# ------------------------------------------------------------------------- spreadsheets


def test_a_spreadsheet_expanding_beyond_the_limit_is_refused_before_parsing(
    ready, db: Path, tmp_path: Path
) -> None:
    """F2: a small file holding one enormous cell (here 101 MB of text that compresses to a
    few hundred KB) never reaches the XML parser."""
    path = _workbook(tmp_path / "lon.xlsx", GOOD_ROWS)
    huge = "a" * (tabular.MAX_XLSX_XML + 1_000_000)
    _rewrite(
        path,
        SHEET,
        lambda xml: xml.replace(
            "</row></sheetData>",
            f'<c r="E2" t="inlineStr"><is><t>{huge}</t></is></c></row></sheetData>',
        ),
    )
    assert path.stat().st_size < 1_000_000
    _import_refused(
        ready,
        db,
        path,
        f"{path}: không đọc được tệp Excel (nội dung giải nén 101 MB, tối đa 100 MB)",
    )


def test_a_spreadsheet_cell_over_the_limit_names_its_row(ready, db, tmp_path) -> None:
    path = _workbook(
        tmp_path / "o.xlsx", [*GOOD_ROWS, ["K02", "VIEC_LAM", 1, "2026-02-28", "x" * 10_001]]
    )
    _import_refused(ready, db, path, f"{path}: dòng 3: một ô dài quá 10.000 ký tự")


def test_a_note_over_two_thousand_characters_is_refused_on_its_row(ready, db, tmp_path) -> None:
    path = _workbook(
        tmp_path / "note.xlsx", [*GOOD_ROWS, ["K02", "VIEC_LAM", 1, "2026-02-28", "x" * 2_001]]
    )
    before = dump(db)
    done = ready("import", str(path))
    assert done.code == 1
    assert done.err.splitlines() == [
        "Lỗi: dòng 3: ghi chú dài 2.001 ký tự, tối đa 2.000",
        "Lỗi: 1 dòng không hợp lệ; không ghi số liệu nào",
    ]
    assert dump(db) == before


def test_declared_dimensions_are_ignored(ready, db: Path, tmp_path: Path) -> None:
    """F5: a sheet that claims A1:XFD1048576 is read as the cells it has, at once."""
    path = _workbook(tmp_path / "dim.xlsx", GOOD_ROWS)
    claim = '<dimension ref="A1:XFD1048576"'
    _rewrite(path, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]*"', claim, xml))
    started = time.monotonic()
    done = ready("import", str(path))
    assert (done.code, done.out) == (0, "Đã nhập 1 số liệu từ dim.xlsx. Mã lần nhập: #1.\n"), (
        done.err
    )
    assert time.monotonic() - started < 30


@pytest.mark.slow
def test_far_away_cells_do_not_make_rows_wide(ready, db: Path, tmp_path: Path) -> None:
    """A cell in column XFD of row 1,048,576 is one cell, not a million padded rows."""
    path = _workbook(tmp_path / "xa.xlsx", GOOD_ROWS)
    _rewrite(
        path,
        SHEET,
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData>",
        ),
    )
    started = time.monotonic()
    done = ready("import", str(path))
    assert (done.code, done.out) == (0, "Đã nhập 1 số liệu từ xa.xlsx. Mã lần nhập: #1.\n"), (
        done.err
    )
    assert time.monotonic() - started < 30


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("name", "prologue"), [("bom", BILLION_LAUGHS), ("xxe", XXE)])
def test_xml_with_entities_is_refused(ready, db: Path, tmp_path: Path, name, prologue) -> None:
    """F6: entity expansion and external entities: one line, no traceback."""
    path = _workbook(tmp_path / f"{name}.xlsx", GOOD_ROWS)
    _rewrite(path, SHEET, lambda xml: prologue + re.sub(r"^<\?xml[^>]*\?>", "", xml))
    _import_refused(
        ready,
        db,
        path,
        f"{path}: không đọc được tệp Excel (XML có khai báo DOCTYPE/ENTITY trong {SHEET}, "
        "không được phép)",
    )


def test_broken_sheet_xml_is_one_line(ready, db: Path, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "hong.xlsx", GOOD_ROWS)
    _rewrite(path, SHEET, lambda xml: xml.replace("</sheetData>", "<row><c></sheetData>"))
    before = dump(db)
    done = ready("import", str(path))
    assert done.code == 1
    assert done.err.startswith(f"Lỗi: {path}: ")
    assert done.err.count("\n") == 1 and "Traceback" not in done.err
    assert dump(db) == before


# -------------------------------------------------------------------------------- CSV


def test_a_huge_csv_field_is_one_line(ready, db: Path, tmp_path: Path) -> None:
    """F6: a 10 MB field was a raw _csv.Error."""
    path = tmp_path / "lon.csv"
    path.write_text(
        "unit,indicator,value,date,note\nK01,VIEC_LAM,3,2026-02-28,ok\n"
        f"K01,VIEC_LAM,3,2026-02-28,{'x' * 10_000_000}\n",
        encoding="utf-8",
    )
    _import_refused(ready, db, path, f"{path}: dòng 3: một ô dài quá 10.000 ký tự")


def test_an_unclosed_quote_is_an_error_on_its_line(ready, db: Path, tmp_path: Path) -> None:
    """F9: the quote opened on line 3 swallowed the next rows into one note, exit 0."""
    rows = "".join(f"K0{n},VIEC_LAM,{n},2026-02-28,\n" for n in range(1, 6))
    path = tmp_path / "ngoac.csv"
    path.write_text(
        "unit,indicator,value,date,note\nK01,VIEC_LAM,1,2026-02-28,ok\n"
        f'K02,VIEC_LAM,2,2026-02-28,"mở\n{rows}',
        encoding="utf-8",
    )
    _import_refused(
        ready,
        db,
        path,
        f"{path}: dòng 3: dấu ngoặc kép mở ở dòng này không được đóng (ô kéo tới cuối tệp); "
        "đóng ngoặc hoặc bỏ dấu ngoặc",
    )


def test_a_quote_closed_rows_later_is_an_error_on_its_line(ready, db, tmp_path) -> None:
    rows = "".join(f"K0{n},VIEC_LAM,{n},2026-02-28,\n" for n in range(1, 6))
    path = tmp_path / "ngoac.csv"
    path.write_text(
        'unit,indicator,value,date,note\nK02,VIEC_LAM,2,2026-02-28,"mở\n'
        f'{rows}K03,VIEC_LAM,2,2026-02-28,đóng"\n',
        encoding="utf-8",
    )
    _import_refused(
        ready,
        db,
        path,
        f"{path}: dòng 2: dấu ngoặc kép mở ở dòng này chỉ đóng ở dòng 8, nuốt cả các dòng "
        "giữa vào một ô; đóng ngoặc đúng chỗ",
    )


def test_a_note_over_two_lines_is_still_fine(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "hai-dong.csv"
    path.write_text(
        'unit,indicator,value,date,note\nK02,VIEC_LAM,2,2026-02-28,"dòng một\ndòng hai"\n',
        encoding="utf-8",
    )
    assert ready("import", str(path)).code == 0


def test_a_stray_quote_inside_a_cell_is_an_error(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "le.csv"
    path.write_text(
        'unit,indicator,value,date,note\nK02,VIEC_LAM,2,2026-02-28,"a"b\n', encoding="utf-8"
    )
    before = dump(db)
    done = ready("import", str(path))
    assert done.code == 1 and done.err.count("\n") == 1
    assert done.err.startswith(f"Lỗi: {path}: dòng 2: sau dấu ngoặc kép đóng")
    assert dump(db) == before


@pytest.mark.parametrize("heading", ["notes", "recorded by", "ghi chu them"])
def test_an_unknown_column_is_refused_with_the_known_ones(ready, db, tmp_path, heading) -> None:
    """C2: a misspelt column was silently dropped."""
    path = tmp_path / "cot.csv"
    path.write_text(
        f"unit,indicator,value,date,{heading}\nK01,VIEC_LAM,1,2026-02-28,x\n", encoding="utf-8"
    )
    _import_refused(
        ready,
        db,
        path,
        f"{path}: cột không biết '{heading}'; các cột dùng được: unit/đơn vị, "
        "indicator/chỉ tiêu, value/giá trị, date/ngày, note/ghi chú, by/người nhập",
    )


def test_rows_per_file_are_capped(monkeypatch, tmp_path: Path) -> None:
    from thiduaCLI.errors import InputError

    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    path = tmp_path / "nhieu.csv"
    path.write_text(
        "unit,indicator,value,date\n" + "K01,VIEC_LAM,1,2026-02-28\n" * 4, encoding="utf-8"
    )
    with pytest.raises(InputError) as refused:
        list(tabular.read_rows(path))
    assert str(refused.value) == f"{path}: dòng 5: quá 3 dòng số liệu trong một tệp; chia nhỏ tệp"


# ----------------------------------------------------------------- typed text and plans


@pytest.mark.parametrize(
    ("option", "limit", "what"),
    [("--note", 2_000, "ghi chú (--note)"), ("--by", 200, "người nhập (--by)")],
)
def test_a_typed_note_or_name_over_the_limit_is_refused(ready, db, option, limit, what) -> None:
    before = dump(db)
    typed = "x" * (limit + 1)
    done = ready("report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28", option, typed)
    grouped = f"{limit + 1:,}".replace(",", ".")
    shown = f"{limit:,}".replace(",", ".")
    assert_refused(done, f"{what} dài {grouped} ký tự, tối đa {shown}", db, before)


def test_a_reason_over_the_limit_is_refused(ready, db: Path) -> None:
    ready("report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28")
    before = dump(db)
    done = ready("retract", "1", "--reason", "x" * 2_001)
    assert_refused(done, "lý do (--reason) dài 2.001 ký tự, tối đa 2.000", db, before)


def test_a_vanishingly_small_target_is_refused_at_plan_load(ready, db, tmp_path) -> None:
    """F12: 1e-320 was accepted, and status --json printed Infinity."""
    plan = plan_copy(tmp_path, "target = 1400", "target = 1e-320")
    before = dump(db)
    assert_refused(
        ready("init", str(plan)),
        f"{plan}: indicators.VIEC_LAM.target: chỉ tiêu khác 0 phải từ 0,000000001 trở lên "
        "(đang là 1e-320)",
        db,
        before,
    )


def test_a_plan_name_over_the_limit_is_refused_quoting_only_its_start(ready, db, tmp_path):
    plan = plan_copy(tmp_path, 'name = "Khối khóm"', f'name = "{"K" * 201}"')
    before = dump(db)
    assert_refused(
        ready("init", str(plan)),
        f"{plan}: blocks.KHOM.name: dài quá 200 ký tự (đang là {'K' * 60}…)",
        db,
        before,
    )


def test_an_old_excel_file_is_refused_with_what_to_save_it_as(ready, db, tmp_path) -> None:
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _import_refused(
        ready, db, path, f"{path}: thidua đọc tệp .xlsx hoặc .csv; lưu lại tệp .xls thành .xlsx"
    )
