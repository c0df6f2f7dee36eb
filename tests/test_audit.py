"""The audit trail through the real command: history, corrections, retractions, imports."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from helpers import assert_refused, dump, figure_count, person, plan_copy

ENGINES = ("sqlite", "postgresql")  # each test using db runs on both (conftest.py)


def _status_value(thidua, code: str, *args: str) -> float | None:
    data = json.loads(thidua("status", "--period", "2026", "--json", *args).out)
    return next(row["value"] for row in data["indicators"] if row["code"] == code)


def _history(thidua, *args: str) -> list[dict]:
    result = thidua("history", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


# ----------------------------------------------------------------------------- history


def test_history_keeps_who_when_what_and_where_newest_first(ready, db) -> None:
    by, lan = person(db, "Lan")
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31", "--note", "hội chợ")
    ready("report", "K01", "BHYT", "3000/3200", "--date", "2026-06-30", *by)
    entries = _history(ready)
    assert [entry["id"] for entry in entries] == [2, 1]
    newest = entries[0]
    assert {
        k: newest[k]
        for k in (
            "unit",
            "indicator",
            "numerator",
            "denominator",
            "date",
            "recorded_by",
            "origin",
            "standing",
        )
    } == {
        "unit": "K01",
        "indicator": "BHYT",
        "numerator": 3000,
        "denominator": 3200,
        "date": "2026-06-30",
        "recorded_by": lan,
        "origin": "cli",
        "standing": "active",
    }
    assert entries[1]["recorded_by"] == "tester"  # THIDUA_USER when there is no --by
    assert entries[1]["note"] == "hội chợ"
    assert newest["recorded_at"].endswith("+00:00")


def test_history_filters_by_unit_indicator_and_date(ready) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("report", "K03", "BHYT", "3000/3400", "--date", "2026-03-31")
    ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-03-31")
    assert [e["id"] for e in _history(ready, "khom 3")] == [2, 1]
    assert [e["id"] for e in _history(ready, "K03", "viec lam")] == [1]
    assert _history(ready, "--since", "2099-01-01") == []
    assert len(_history(ready, "--since", "2026-01-01")) == 3


def test_history_table_for_people(ready) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("retract", "1", "--reason", "báo cáo trùng")
    out = " ".join(ready("history").out.split())
    assert "#1" in out
    assert "đã rút: báo cáo trùng (tester)" in out


# ------------------------------------------------------------------- correct and retract


def test_a_correction_supersedes_and_is_counted_instead(ready, db: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("report", "K03", "VIEC_LAM", "10", "--date", "2026-04-30")
    result = ready("correct", "1", "30", "--reason", "cộng sót tháng 3", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["id"], data["supersedes"], data["value"], data["date"]) == (3, 1, 30, "2026-03-31")
    assert data["note"] == "cộng sót tháng 3"
    assert data["year_to_date"] == 30  # as of 31 March: the corrected 30 alone
    assert _status_value(ready, "VIEC_LAM") == 40  # 30 + 10; the 25 no longer counts
    entries = {e["id"]: e for e in _history(ready)}
    assert (entries[1]["standing"], entries[1]["superseded_by"]) == ("superseded", 3)
    assert entries[3]["standing"] == "active"
    assert figure_count(db) == 3  # nothing overwritten


def test_a_retraction_takes_a_figure_out_and_keeps_it(ready, db: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("report", "K03", "VIEC_LAM", "10", "--date", "2026-04-30")
    by, minh = person(db, "Minh")
    result = ready("retract", "2", "--reason", "báo cáo trùng", *by)
    assert result.code == 0
    assert result.out == (
        "Đã rút số liệu #2 (K03 – VIEC_LAM: 10, ngày 30/04/2026): báo cáo trùng. "
        "Số liệu vẫn còn trong lịch sử nhưng không được tính.\n"
    )
    assert _status_value(ready, "VIEC_LAM") == 25
    entry = next(e for e in _history(ready) if e["id"] == 2)
    assert entry["standing"] == "retracted"
    assert (entry["retraction"]["reason"], entry["retraction"]["by"]) == ("báo cáo trùng", minh)
    assert figure_count(db) == 2


def test_retracting_a_correction_brings_the_original_back(ready) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("correct", "1", "30", "--reason", "sửa")
    ready("retract", "2", "--reason", "sửa nhầm")
    assert _status_value(ready, "VIEC_LAM") == 25
    assert {e["id"]: e["standing"] for e in _history(ready)} == {1: "active", 2: "retracted"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["correct", "9", "1", "--reason", "x"],
            "không có số liệu #9; xem mã số bằng: thidua history",
        ),
        (["retract", "9", "--reason", "x"], "không có số liệu #9; xem mã số bằng: thidua history"),
        (
            ["correct", "1", "1", "--reason", "x"],
            "số liệu #1 đã bị thay bằng số liệu sửa, không sửa được nữa; xem thidua history",
        ),
        (
            ["retract", "1", "--reason", "x"],
            "số liệu #1 đã bị thay bằng số liệu sửa, không rút được nữa; xem thidua history",
        ),
        (
            ["correct", "3", "1", "--reason", "x"],
            "số liệu #3 đã bị rút, không sửa được nữa; xem thidua history",
        ),
        (
            ["retract", "3", "--reason", "x"],
            "số liệu #3 đã bị rút, không rút được nữa; xem thidua history",
        ),
        (
            ["correct", "2", "-5", "--reason", "x"],
            "VIEC_LAM (Giải quyết việc làm) không nhận số âm (đã nhập -5)",
        ),
    ],
)
def test_refused_corrections_and_retractions_write_nothing(ready, db, args, message) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("correct", "1", "30", "--reason", "sửa")  # #2 supersedes #1
    ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30")
    ready("retract", "3", "--reason", "trùng")
    before = dump(db)
    assert_refused(ready(*args), message, db, before)


def test_a_reason_is_required(ready) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    for args in (["correct", "1", "30"], ["retract", "1"]):
        result = ready(*args)
        assert result.code == 2
        assert "--reason" in result.err


def test_target_changes_are_recorded_and_shown(ready, tmp_path: Path) -> None:
    path = plan_copy(
        tmp_path,
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 50 }',
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 60 }',
    )
    assert ready("init", str(path)).code == 0
    changes = json.loads(ready("history", "--targets", "--json").out)
    assert [
        (c["unit"], c["indicator"], c["old_target"], c["new_target"], c["source"]) for c in changes
    ] == [("K03", "VIEC_LAM", 50, 60, str(path))]
    assert "K03" in ready("history", "--targets").out


# ------------------------------------------------------------------------------ import


GOOD_CSV = (
    "Đơn vị,Chỉ tiêu,Giá trị,Ngày,Ghi chú\n"
    "khom 1,viec lam,12,31/03/2026,hội chợ\n"
    'K02,VIEC_LAM,"12,5",2026-03-31,\n'
    "K01,BHYT,3000/3200,2026-03-31,\n"
)


def test_import_a_vietnamese_csv(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "thang3.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    result = ready("import", str(path))
    assert (result.code, result.out) == (0, "Đã nhập 3 số liệu từ thang3.csv. Mã lần nhập: #1.\n")
    entries = {e["id"]: e for e in _history(ready)}
    assert entries[1]["origin"] == "import:thang3.csv:2"
    assert entries[2]["value"] == 12.5
    assert entries[3]["numerator"] == 3000
    assert entries[1]["recorded_by"] == "tester"


@pytest.mark.sqlite_only  # reads the file with sqlite3 (typeof)
def test_an_imported_figure_is_stored_as_a_reported_one(ready, db: Path, tmp_path: Path) -> None:
    ready("report", "K01", "VIEC_LAM", "3", "--date", "2026-03-31")
    path = tmp_path / "thang3.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    ready("import", str(path))
    book = Workbook()
    book.active.append(["unit", "indicator", "value", "date"])
    book.active.append(["K04", "VIEC_LAM", 2, datetime(2026, 4, 30)])
    book.save(tmp_path / "thang4.xlsx")
    ready("import", str(tmp_path / "thang4.xlsx"))
    with sqlite3.connect(db) as connection:
        stored = connection.execute(
            "SELECT typeof(value), typeof(numerator), typeof(reported_total), ref_date,"
            " recorded_at, typeof(supersedes), typeof(key) FROM figure ORDER BY id"
        ).fetchall()
    assert [row[:4] for row in stored] == [
        ("real", "null", "null", "2026-03-31"),  # reported
        ("real", "null", "null", "2026-03-31"),  # imported from CSV
        ("real", "null", "null", "2026-03-31"),
        ("real", "real", "null", "2026-03-31"),  # 3000/3200
        ("real", "null", "null", "2026-04-30"),  # from Excel, a date-time cell
    ]
    shape = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"  # as SQLAlchemy stores it
    assert all(re.fullmatch(shape, row[4]) for row in stored)
    assert {row[5:] for row in stored} == {("null", "null")}


def test_a_bad_name_repeated_is_reported_on_every_row(ready, tmp_path: Path) -> None:
    path = tmp_path / "lap.csv"
    path.write_text(
        "unit,indicator,value,date\nK99,VIEC_LAM,1,2026-03-31\nK99,VIEC_LAM,2,2026-03-31\n",
        encoding="utf-8",
    )
    result = ready("import", str(path))
    wrong = "không có đơn vị 'K99'; gần nhất: K19 (Khóm 19), K09 (Khóm 9)"
    assert result.err.splitlines()[:2] == [f"Lỗi: dòng 2: {wrong}", f"Lỗi: dòng 3: {wrong}"]


@pytest.mark.sqlite_only  # names a recorder (on PostgreSQL the login records)
def test_import_an_excel_file_with_english_headers(ready, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "indicator", "value", "date", "note", "by"])
    sheet.append(["K01", "VIEC_LAM", 7, "2026-02-28", None, "Hoa"])
    sheet.append(["K02", "NUOC_SACH", 96.5, "2026-02-28", "khảo sát", None])
    path = tmp_path / "so-lieu.xlsx"
    book.save(path)
    result = ready("import", str(path), "--json")
    assert json.loads(result.out) == {
        "source": "so-lieu.xlsx",
        "rows": 2,
        "recorded": 2,
        "skipped": 0,
        "dry_run": False,
        "import_id": 1,
    }
    entries = {e["unit"]: e for e in _history(ready)}
    assert (entries["K01"]["recorded_by"], entries["K02"]["value"]) == ("Hoa", 96.5)


def test_one_bad_row_means_nothing_is_written(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "loi.csv"
    path.write_text(
        GOOD_CSV + "K99,VIEC_LAM,1,2026-03-31,\nK01,VIEC_LAM,nhiều,2026-03-31,\n"
        "K01,VIEC_LAM,1,2025-12-31,\nK01,,1,2026-03-31,\n",
        encoding="utf-8",
    )
    before = dump(db)
    result = ready("import", str(path))
    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        "Lỗi: dòng 5: không có đơn vị 'K99'; gần nhất: K19 (Khóm 19), K09 (Khóm 9)",
        "Lỗi: dòng 6: 'nhiều' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)",
        "Lỗi: dòng 7: ngày 31/12/2025 nằm ngoài năm kế hoạch 2026 "
        "(chọn một ngày từ 01/01/2026 đến 31/12/2026)",
        "Lỗi: dòng 8: thiếu chỉ tiêu (indicator)",
        "Lỗi: 4 dòng không hợp lệ; không ghi số liệu nào",
    ]
    assert dump(db) == before


def test_dry_run_checks_without_writing(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "thang3.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    before = dump(db)
    result = ready("import", str(path), "--dry-run")
    assert result.out == "Kiểm tra thang3.csv: 3 dòng hợp lệ, sẽ ghi 3. Chưa ghi gì (--dry-run).\n"
    assert dump(db) == before


def test_importing_again_records_nothing_twice(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "thang3.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    ready("import", str(path))
    again = ready("import", str(path))
    assert again.out == "Đã nhập 0 số liệu từ thang3.csv, bỏ qua 3 dòng đã nhập trước đó.\n"
    # a later file repeating two of those rows and adding one new
    later = tmp_path / "thang3-bo-sung.csv"
    later.write_text(
        GOOD_CSV.splitlines()[0]
        + "\n"
        + "\n".join(GOOD_CSV.splitlines()[1:3])
        + "\nK05,VIEC_LAM,4,2026-03-31,\n",
        encoding="utf-8",
    )
    assert ready("import", str(later)).out == (
        "Đã nhập 1 số liệu từ thang3-bo-sung.csv, bỏ qua 2 dòng đã nhập trước đó. "
        "Mã lần nhập: #4.\n"
    )
    assert figure_count(db) == 4


def test_a_row_repeated_in_one_file_is_recorded_as_often_as_it_appears(ready, db, tmp_path) -> None:
    path = tmp_path / "lap.csv"
    path.write_text(
        "unit,indicator,value,date\nK01,VIEC_LAM,2,2026-03-31\nK01,VIEC_LAM,2,2026-03-31\n",
        encoding="utf-8",
    )
    assert ready("import", str(path)).out == "Đã nhập 2 số liệu từ lap.csv. Mã lần nhập: #1.\n"
    assert ready("import", str(path)).out == (
        "Đã nhập 0 số liệu từ lap.csv, bỏ qua 2 dòng đã nhập trước đó.\n"
    )
    assert figure_count(db) == 2


def test_import_from_standard_input(ready) -> None:
    result = ready("import", "-", stdin="unit,indicator,value,date\nK01,VIEC_LAM,3,2026-01-31\n")
    assert result.out == "Đã nhập 1 số liệu từ -. Mã lần nhập: #1.\n"
    assert _history(ready)[0]["origin"] == "import:-:2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "unit,indicator,value\nK01,VIEC_LAM,1\n",
            "{path}: thiếu cột 'ngày' (date); hàng đầu tiên phải là tên các cột",
        ),
        (
            "đơn vị;chỉ tiêu;ngày\nK01;VIEC_LAM;2026-01-01\n",
            "{path}: thiếu cột 'giá trị' (value); hàng đầu tiên phải là tên các cột",
        ),
        (
            "",
            "{path}: thiếu cột 'đơn vị' (unit), 'chỉ tiêu' (indicator), 'giá trị' (value), "
            "'ngày' (date); hàng đầu tiên phải là tên các cột",
        ),
    ],
)
def test_a_file_without_the_columns_is_refused(ready, db, tmp_path, content, message) -> None:
    path = tmp_path / "cot.csv"
    path.write_text(content, encoding="utf-8")
    before = dump(db)
    assert_refused(ready("import", str(path)), message.format(path=path), db, before)


def test_a_file_in_another_encoding_is_refused(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "cp1258.csv"
    path.write_bytes("đơn vị,chỉ tiêu,giá trị,ngày\n".encode("utf-16"))
    before = dump(db)
    message = f"{path}: tệp CSV phải mã hóa UTF-8 (lưu lại bằng 'CSV UTF-8')"
    assert_refused(ready("import", str(path)), message, db, before)


def test_a_broken_excel_file_is_refused(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"not really a workbook")
    before = dump(db)
    result = ready("import", str(path))
    assert result.code == 1
    assert result.err.startswith(f"Lỗi: {path}: không đọc được tệp Excel")
    assert result.err.count("\n") == 1
    assert dump(db) == before


# ------------------------------------------------------------------------------ export


def _seed(thidua) -> None:
    for args in (
        ("K01", "VIEC_LAM", "2,125", "--date", "2026-03-31", "--note", "=1+1"),
        ("K01", "BHYT", "3000/3200", "--date", "2026-03-31", "--by", "@admin"),
        ("PHUONG", "TANG_TRUONG", "-1,5", "--date", "2026-06-30"),
        ("K02", "VIEC_LAM", "1.400", "--date", "2026-06-30"),
    ):
        assert thidua("report", *args).code == 0


@pytest.mark.sqlite_only  # names a recorder (on PostgreSQL the login records)
def test_csv_export_is_safe_for_spreadsheets_and_imports_back(
    ready, thidua, tmp_path: Path, template_db: Path
) -> None:
    _seed(ready)
    ready("retract", "4", "--reason", "nhầm")
    text = ready("export").out
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["unit", "indicator", "value", "date", "note", "by"]
    assert rows[1] == ["K01", "VIEC_LAM", "2.1250", "2026-03-31", "'=1+1", "tester"]
    assert rows[2] == ["K01", "BHYT", "3000/3200", "2026-03-31", "", "'@admin"]
    assert rows[3][:3] == ["PHUONG", "TANG_TRUONG", "-1.5"]
    assert len(rows) == 4  # the retracted figure is not exported
    # imported into another database, the export gives the same figures and the same status
    other = tmp_path / "khac.sqlite3"
    path = tmp_path / "xuat.csv"
    path.write_text(text, encoding="utf-8")
    copy = on_database(thidua, other)
    assert copy("import", str(path)).out == "Đã nhập 3 số liệu từ xuat.csv. Mã lần nhập: #1.\n"
    mine = json.loads(ready("status", "--period", "2026", "--json").out)
    theirs = json.loads(copy("status", "--period", "2026", "--json").out)
    assert theirs == mine
    imported = {(e["unit"], e["indicator"]): e for e in json.loads(copy("history", "--json").out)}
    assert imported[("K01", "VIEC_LAM")]["note"] == "=1+1"
    assert imported[("K01", "BHYT")]["recorded_by"] == "@admin"


@pytest.mark.sqlite_only  # names a recorder (on PostgreSQL the login records)
def test_excel_and_json_exports(ready, tmp_path: Path) -> None:
    _seed(ready)
    target = tmp_path / "xuat.xlsx"
    assert ready("export", "--format", "xlsx", "-o", str(target)).code == 0
    sheet = load_workbook(target).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["unit", "indicator", "value", "date", "note", "by"]
    assert rows[1][:5] == ["K01", "VIEC_LAM", 2.125, rows[1][3], "'=1+1"]
    assert rows[1][3].date().isoformat() == "2026-03-31"
    data = json.loads(ready("export", "--format", "json").out)
    assert data[2] == {
        "unit": "PHUONG",
        "indicator": "TANG_TRUONG",
        "value": -1.5,
        "date": "2026-06-30",
        "note": None,
        "by": "tester",
    }
    again = ready("export", "--format", "xlsx", "-o", str(target))
    assert (again.code, again.err) == (
        1,
        f"Lỗi: {target}: tệp đã có, chọn tên khác để không ghi đè\n",
    )


def test_export_options_are_checked(ready) -> None:
    assert ready("export", "--format", "pdf").code == 2
    assert ready("export", "--format", "xlsx").code == 2


def on_database(thidua, db: Path):
    """``thidua`` on another database."""

    def run(*args: str, **kwargs):
        return thidua("--db", str(db), *args, **kwargs)

    return run


# ---------------------------------------------------------------------- found in review


def test_reimporting_after_a_correction_or_retraction_records_nothing(ready, db, tmp_path):
    path = tmp_path / "thang3.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    ready("import", str(path))
    ready("correct", "1", "20", "--reason", "sửa")
    ready("retract", "2", "--reason", "trùng")
    again = ready("import", str(path))
    assert again.out == "Đã nhập 0 số liệu từ thang3.csv, bỏ qua 3 dòng đã nhập trước đó.\n"
    assert figure_count(db) == 4  # three imported, one correction


def test_excel_numbers_are_taken_as_they_are(ready, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "indicator", "value", "date"])
    sheet.append(["K01", "VIEC_LAM", 2.125, "2026-02-28"])  # not two thousand…
    sheet.append(["K02", "NUOC_SACH", 97.125, "2026-02-28"])  # …and not ambiguous
    path = tmp_path / "so.xlsx"
    book.save(path)
    assert ready("import", str(path)).code == 0
    values = {e["unit"]: e["value"] for e in _history(ready)}
    assert values == {"K01": 2.125, "K02": 97.125}


@pytest.mark.sqlite_only  # names a recorder (on PostgreSQL the login records)
def test_an_excel_export_imports_back_unchanged(ready, thidua, tmp_path: Path) -> None:
    _seed(ready)
    target = tmp_path / "xuat.xlsx"
    assert ready("export", "--format", "xlsx", "-o", str(target)).code == 0
    other = on_database(thidua, tmp_path / "khac.sqlite3")
    assert other("import", str(target)).out == "Đã nhập 4 số liệu từ xuat.xlsx. Mã lần nhập: #1.\n"
    mine = json.loads(ready("status", "--period", "2026", "--json").out)
    assert json.loads(other("status", "--period", "2026", "--json").out) == mine


def test_an_empty_reason_is_refused(ready, db: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    before = dump(db)
    message = "--reason không được để trống: ghi lý do để lịch sử giải thích được"
    assert_refused(ready("retract", "1", "--reason", "  "), message, db, before)
    assert_refused(ready("correct", "1", "2", "--reason", ""), message, db, before)


def test_correcting_a_year_to_date_total_corrects_the_total(ready) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    ready("report", "K03", "VIEC_LAM", "40", "--total", "--date", "2026-06-30")  # +15
    data = json.loads(ready("correct", "2", "35", "--reason", "tổng đúng là 35", "--json").out)
    assert (data["value"], data["reported_total"], data["year_to_date"]) == (10, 35, 35)


def test_a_header_named_twice_is_refused(ready, db: Path, tmp_path: Path) -> None:
    path = tmp_path / "trung.csv"
    path.write_text(
        "unit,value,indicator,giá trị,date\nK01,1,VIEC_LAM,2,2026-01-31\n", encoding="utf-8"
    )
    before = dump(db)
    assert_refused(
        ready("import", str(path)), f"{path}: cột 'giá trị' (value) có hai lần", db, before
    )


def test_line_numbers_count_lines_not_records(ready, tmp_path: Path) -> None:
    path = tmp_path / "nhieu-dong.csv"
    path.write_text(
        'unit,indicator,value,date,note\nK01,VIEC_LAM,1,2026-01-31,"ghi chú\nhai dòng"\n'
        "K99,VIEC_LAM,1,2026-01-31,\n",
        encoding="utf-8",
    )
    result = ready("import", str(path))
    assert result.err.splitlines()[0].startswith("Lỗi: dòng 4: không có đơn vị 'K99'")


def test_a_plan_change_of_milestones_reads_as_numbers(ready, tmp_path: Path) -> None:
    """history --plan shows a list of the plan as people read it: 300; 700; 1.050."""
    plan = plan_copy(
        tmp_path,
        'target = 1400\ncomparator = "~"',
        'target = 1400\nmilestones = [300, 700, 1050]\ncomparator = "~"',
    )
    assert ready("init", str(plan)).code == 0
    text = ready("history", "--plan", "--format", "text").out
    assert "300; 700; 1.050" in text
    assert '["300"' not in text
