"""Forms for the units: ``thidua form`` writes them, ``thidua import`` reads them back filled.

Real files, re-read with openpyxl; filled with openpyxl as a unit's Excel would save them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Run
from helpers import dump
from thiduaCLI.files.forms import check_value

AGREEMENT = "BHYT, VIEC_LAM, NUOC_SACH, RAC_THAI"  # K01 in the shipped plan


@pytest.fixture
def forms(ready: Callable[..., Run], tmp_path: Path) -> Path:
    """K01's and K02's forms for October 2026, K01 with a figure of September before."""
    assert ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-09-30").code == 0
    done = ready("form", "K01", "K02", "--period", "2026-10", "-o", "bieu-mau")
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "Đã lập biểu mẫu bieu-mau/K01-2026-10.xlsx (K01, tháng 10/2026, 4 chỉ tiêu).",
        "Đã lập biểu mẫu bieu-mau/K02-2026-10.xlsx (K02, tháng 10/2026, 4 chỉ tiêu).",
    ]
    return tmp_path / "bieu-mau"


def fill(path: Path, cells: dict[str, object], sheet: str | None = None) -> None:
    """Type ``cells`` into the form and save it, as Excel would."""
    book = load_workbook(path)
    target = book[sheet] if sheet else book.worksheets[0]
    for cell, value in cells.items():
        target[cell] = value
    book.save(path)


def test_the_form_as_written(forms: Path) -> None:
    book = load_workbook(forms / "K01-2026-10.xlsx")
    assert book.sheetnames == ["Biểu mẫu", "thidua_form"]
    sheet = book["Biểu mẫu"]
    assert sheet["A2"].value == "BIỂU MẪU BÁO CÁO SỐ LIỆU THI ĐUA THÁNG 10/2026 – Khóm 1"
    assert (sheet["C3"].value, sheet["F3"].value) == ("K01", "2026-10")
    assert sheet["H3"].value == "Ngày của số liệu: 31/10/2026"
    assert [c.value for c in sheet[6]] == [
        "STT",
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Chỉ tiêu giao",
        "Số liệu gần nhất",
        "Ngày của số liệu gần nhất",
        "Cách ghi",
        "Số liệu kỳ này",
        "Ghi chú",
    ]
    rows = [[c.value for c in sheet[line]][:8] for line in range(7, 11)]
    assert [row[:5] for row in rows] == [
        [1, "BHYT", "Tỷ lệ người dân tham gia bảo hiểm y tế", "%", "≥ 96"],
        [2, "VIEC_LAM", "Giải quyết việc làm", "lao động", "≈ 50"],
        [3, "NUOC_SACH", "Tỷ lệ dân số sử dụng nước sạch", "%", "≥ 100"],
        [4, "RAC_THAI", "Tỷ lệ thu gom rác thải sinh hoạt", "%", "≥ 93"],
    ]
    assert rows[1][5] == 5 and rows[1][6].date().isoformat() == "2026-09-30"
    assert rows[0][5] is None and rows[0][6] is None
    assert rows[0][7] == "tử số/mẫu số, ví dụ 4850/5000"
    assert rows[1][7] == "số phát sinh trong kỳ (không cộng dồn)"
    assert sheet["B12"].value == "Người báo cáo:"
    # locked but the input cells, which are highlighted
    assert sheet.protection.sheet is True and not sheet.protection.password
    inputs = {f"{c}{r}" for c in "IJ" for r in range(7, 11)} | {"C12"}
    for row in sheet.iter_rows(min_row=1, max_row=13, max_col=10):
        for cell in row:
            assert cell.protection.locked is (cell.coordinate not in inputs), cell.coordinate
    assert sheet["I7"].fill.start_color.rgb.endswith("FFF2CC")
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert rules["I8"].type == "decimal" and (rules["I8"].formula1, rules["I8"].formula2) == (
        "0",
        "1E+15",
    )
    assert rules["I7"].type == "custom"
    assert rules["I7"].formula1 == 'OR(AND(ISNUMBER(I7),I7>=0,I7<=100),ISNUMBER(FIND("/",I7)))'
    assert rules["J7"].type == "textLength" and rules["J7"].formula1 == "2000"
    assert all(rule.showErrorMessage for rule in rules.values())
    # printable on A4
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$6:$6"
    assert sheet.page_margins.left == 0.5
    # what identifies the form
    meta = book["thidua_form"]
    assert meta.sheet_state == "veryHidden"
    fields = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert fields == {
        "thidua-form": 1,
        "unit": "K01",
        "period": "2026-10",
        "year": 2026,
        "rows": 4,
        "check": check_value("K01", "2026-10", 2026, 4),
    }


def test_a_filled_form_is_recorded_once(ready: Callable[..., Run], forms: Path) -> None:
    path = forms / "K01-2026-10.xlsx"
    fill(path, {"I7": "4850/5000", "I8": 12, "J8": "tháng 10", "I9": 95.5, "C12": "Chị Lan"})
    done = ready("import", str(path))
    assert (done.code, done.out, done.err) == (
        0,
        "Đã nhập 3 số liệu từ K01-2026-10.xlsx. Mã lần nhập: #2.\n",
        "",
    )
    history = json.loads(ready("history", "K01", "--json").out)
    got = [
        (f["indicator"], f["value"], f["numerator"], f["date"], f["recorded_by"], f["origin"])
        for f in history
        if f["origin"] != "cli"
    ]
    assert sorted(got) == [
        ("BHYT", 97, 4850, "2026-10-31", "Chị Lan", "import:K01-2026-10.xlsx:7"),
        ("NUOC_SACH", 95.5, None, "2026-10-31", "Chị Lan", "import:K01-2026-10.xlsx:9"),
        ("VIEC_LAM", 12, None, "2026-10-31", "Chị Lan", "import:K01-2026-10.xlsx:8"),
    ]
    assert next(f["note"] for f in history if f["origin"].endswith(":8")) == "tháng 10"
    again = ready("import", str(forms))  # the folder: K01's again, K02's empty
    assert again.code == 0 and again.out == (
        "Đã nhập 0 số liệu từ bieu-mau, bỏ qua 3 dòng đã nhập trước đó.\n"
    )


def test_excel_percent_and_a_date_made_of_a_share(ready: Callable[..., Run], forms: Path) -> None:
    path = forms / "K01-2026-10.xlsx"
    book = load_workbook(path)
    book.worksheets[0]["I10"] = 0.95  # typed 95% in Excel
    book.worksheets[0]["I10"].number_format = "0%"
    book.save(path)
    assert ready("import", str(path)).code == 0
    history = json.loads(ready("history", "K01", "--json").out)
    assert [f["value"] for f in history if f["indicator"] == "RAC_THAI"] == [95]
    second = forms / "K02-2026-10.xlsx"
    from datetime import datetime

    fill(second, {"I7": datetime(2026, 9, 8)})  # Excel read 8/9 as a date
    done = ready("import", str(second))
    assert done.code == 1
    assert done.err == (
        "Lỗi: K02-2026-10.xlsx: ô I7: Excel đã đổi số liệu thành ngày (08/09/2026); gõ lại "
        "với dấu nháy đơn trước, ví dụ '8/9\n"
    )


def _period_of_another_year(path: Path) -> None:
    book = load_workbook(path)
    meta = book["thidua_form"]
    for row in meta.iter_rows():
        if row[0].value == "period":
            row[1].value = "2025-10"
        if row[0].value == "year":
            row[1].value = 2025
        if row[0].value == "check":
            row[1].value = check_value("K01", "2025-10", 2025, 4)
    book.worksheets[0]["F3"] = "2025-10"
    book.worksheets[0]["I8"] = 3
    book.save(path)


def _tampered(path: Path) -> None:
    book = load_workbook(path)
    for row in book["thidua_form"].iter_rows():
        if row[0].value == "unit":
            row[1].value = "K02"
    book.worksheets[0]["C3"] = "K02"
    book.save(path)


def _filled(cells: dict[str, object]) -> Callable[[Path], None]:
    return lambda path: fill(path, cells)


CELL_ERRORS = [
    pytest.param(
        _filled({"C3": "K02", "I8": 3}),
        ["K01-2026-10.xlsx: ô C3: biểu mẫu lập cho đơn vị K01 nhưng ô ghi 'K02'"],
        id="another-units-form",
    ),
    pytest.param(
        _tampered,
        [
            "K01-2026-10.xlsx: dữ liệu ẩn của biểu mẫu đã bị sửa (mã kiểm tra không khớp); "
            "lập biểu mẫu mới bằng thidua form"
        ],
        id="tampered-metadata",
    ),
    pytest.param(
        _period_of_another_year,
        [
            "K01-2026-10.xlsx: ô F3: biểu mẫu kỳ 2025-10 không thuộc năm kế hoạch 2026 "
            "(chọn năm bằng --year)",
            "1 lỗi trong biểu mẫu; không ghi số liệu nào",
        ],
        id="period-outside-year",
    ),
    pytest.param(
        _filled({"I8": "mười hai", "I9": 90}),
        [
            "K01-2026-10.xlsx: ô I8: 'mười hai' không phải là một số (viết như 12,5 hoặc 12.5 "
            "hoặc 1.400)",
            "1 lỗi trong biểu mẫu; không ghi số liệu nào",
        ],
        id="text-in-a-number-cell",
    ),
    pytest.param(
        _filled({"I9": 120, "I8": 4}),
        [
            "K01-2026-10.xlsx: ô I9: NUOC_SACH (Tỷ lệ dân số sử dụng nước sạch) là tỷ lệ: giá "
            "trị phải từ 0 đến 100 (đã nhập 120)",
            "1 lỗi trong biểu mẫu; không ghi số liệu nào",
        ],
        id="share-above-100",
    ),
    pytest.param(
        _filled({"B8": "THU_NS", "I8": 4, "I9": 90}),
        [
            "K01-2026-10.xlsx: ô B8: chỉ tiêu 'THU_NS' không thuộc giao ước của K01; giao ước "
            f"gồm: {AGREEMENT}",
            "1 lỗi trong biểu mẫu; không ghi số liệu nào",
        ],
        id="indicator-not-in-agreement",
    ),
]


@pytest.mark.parametrize(("spoil", "lines"), CELL_ERRORS)
def test_a_bad_form_writes_nothing(
    ready: Callable[..., Run],
    forms: Path,
    db: Path,
    spoil: Callable[[Path], None],
    lines: list[str],
) -> None:
    path = forms / "K01-2026-10.xlsx"
    spoil(path)
    before = dump(db)
    done = ready("import", str(path))
    assert (done.code, done.out) == (1, "")
    assert done.err.splitlines() == [f"Lỗi: {line}" for line in lines]
    assert dump(db) == before


def test_a_folder_with_one_bad_form_writes_nothing(
    ready: Callable[..., Run], forms: Path, db: Path
) -> None:
    fill(forms / "K01-2026-10.xlsx", {"I8": 7})
    fill(forms / "K02-2026-10.xlsx", {"I8": "bảy"})
    (forms / "~$K01-2026-10.xlsx").write_bytes(b"Excel's lock file")
    before = dump(db)
    done = ready("import", str(forms))
    assert done.code == 1
    assert done.err.splitlines() == [
        "Lỗi: K02-2026-10.xlsx: ô I8: 'bảy' không phải là một số (viết như 12,5 hoặc 12.5 hoặc "
        "1.400)",
        "Lỗi: 1 lỗi trong biểu mẫu; không ghi số liệu nào",
    ]
    assert dump(db) == before
    fill(forms / "K02-2026-10.xlsx", {"I8": 7})
    assert ready("import", str(forms)).out == "Đã nhập 2 số liệu từ bieu-mau. Mã lần nhập: #2.\n"


def test_two_forms_of_one_unit_and_period(ready: Callable[..., Run], forms: Path) -> None:
    shutil.copy(forms / "K01-2026-10.xlsx", forms / "K01-2026-10 (1).xlsx")
    done = ready("import", str(forms))
    assert done.code == 1
    assert done.err.splitlines()[0] == (
        "Lỗi: K01-2026-10.xlsx: K01 kỳ 2026-10 đã có trong biểu mẫu K01-2026-10 (1).xlsx"
    )


def test_a_folder_with_another_spreadsheet(ready: Callable[..., Run], forms: Path) -> None:
    (forms / "so-lieu.xlsx").write_bytes((forms / "K01-2026-10.xlsx").read_bytes()[:100])
    done = ready("import", str(forms))
    assert done.code == 1 and "Traceback" not in done.err
    assert done.err.startswith("Lỗi: so-lieu.xlsx: ")


def test_form_never_overwrites(ready: Callable[..., Run], forms: Path) -> None:
    done = ready("form", "K03", "K01", "--period", "2026-10", "-o", "bieu-mau")
    assert done.code == 1
    assert done.err == (
        "Lỗi: bieu-mau/K01-2026-10.xlsx: tệp đã có, chọn tên khác để không ghi đè\n"
    )
    assert not (forms / "K03-2026-10.xlsx").exists()  # all or none


def test_form_refuses_a_period_outside_the_plan_year(ready: Callable[..., Run]) -> None:
    done = ready("form", "K01", "--period", "2025-10", "-o", "out")
    assert (done.code, done.err) == (1, "Lỗi: kỳ 2025-10 không thuộc năm kế hoạch 2026\n")


def test_a_quarterly_form_in_english(ready: Callable[..., Run], tmp_path: Path) -> None:
    done = ready("--lang", "en", "form", "TT_HCC", "--period", "2026-Q4", "-o", "out")
    assert done.code == 0, done.err
    sheet = load_workbook(tmp_path / "out" / "TT_HCC-2026-Q4.xlsx").worksheets[0]
    assert sheet["A2"].value.startswith("EMULATION FIGURES FORM, Q4 2026 – ")
    assert sheet["I6"].value == "This period's figure"


def test_hostile_forms_are_one_line_each(ready: Callable[..., Run], forms: Path, db: Path) -> None:
    import zipfile

    path = forms / "K01-2026-10.xlsx"
    fill(path, {"I8": 3, "J8": "x" * 2001})
    before = dump(db)
    done = ready("import", str(path))
    assert (done.code, done.err) == (
        1,
        "Lỗi: K01-2026-10.xlsx: ô J8: ghi chú dài 2001 ký tự, tối đa 2000\n",
    )
    fill(path, {"J8": None, "I8": "\u202e21"})  # shown reversed, were it not made visible
    done = ready("import", str(path))
    assert done.code == 1 and "\u202e" not in done.err and "'\\u202e21'" in done.err
    # an entity declaration inside the workbook: refused before any XML is parsed
    second = forms / "K02-2026-10.xlsx"
    bomb = forms / "bomb.xlsx"
    with zipfile.ZipFile(second) as source, zipfile.ZipFile(bomb, "w") as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "b">]>' + data
            target.writestr(part, data)
    done = ready("import", str(bomb))
    assert done.code == 1 and "Traceback" not in done.err
    assert done.err.startswith("Lỗi: bomb.xlsx: không đọc được tệp Excel (XML có khai báo")
    assert dump(db) == before


def test_an_ordinary_spreadsheet_in_a_folder_of_forms(
    ready: Callable[..., Run], forms: Path
) -> None:
    assert ready("export", "-o", "bieu-mau/so-lieu.xlsx").code == 0
    done = ready("import", str(forms))
    assert (done.code, done.err) == (1, "Lỗi: so-lieu.xlsx: không phải biểu mẫu của thidua\n")


def test_the_library_writes_and_reads_forms(
    ready: Callable[..., Run], db: Path, tmp_path: Path
) -> None:
    from datetime import date

    from thiduaCLI import open_ledger
    from thiduaCLI.domain.periods import Period
    from thiduaCLI.files.forms import write_form

    with open_ledger(db, today=date(2026, 11, 5)) as ledger:
        (made,) = ledger.forms(["khom 5"])  # default: the month holding today
        assert (made.unit.code, made.period, made.file_name) == (
            "K05",
            Period("month", 2026, 11),
            "K05-2026-11.xlsx",
        )
        path = tmp_path / made.file_name
        with path.open("wb") as handle:
            write_form(made, handle)
        fill(path, {"I8": 4})
        done = ledger.import_forms([path], by="Lan")
        assert (done.source, done.recorded) == ("K05-2026-11.xlsx", 1)
        (figure,) = ledger.history("K05").root
        assert (figure.indicator, figure.date, figure.recorded_by) == (
            "VIEC_LAM",
            date(2026, 11, 30),
            "Lan",
        )


def test_a_form_sent_again_with_other_figures(
    ready: Callable[..., Run], forms: Path, db: Path
) -> None:
    path = forms / "K01-2026-10.xlsx"
    fill(path, {"I8": 12, "I9": 95})
    assert ready("import", str(path)).code == 0
    fill(path, {"I8": 14, "I9": 95})  # the khóm's corrected form: jobs must not count twice
    before = dump(db)
    done = ready("import", str(path))
    assert done.code == 1
    assert done.err.splitlines() == [
        "Lỗi: K01-2026-10.xlsx: ô I8: K01 VIEC_LAM đã có số liệu #2 ngày 31/10/2026 (12); sửa "
        "bằng thidua correct 2 GIÁ-TRỊ --reason LÝ-DO",
        "Lỗi: 1 lỗi trong biểu mẫu; không ghi số liệu nào",
    ]
    assert dump(db) == before


def test_one_indicator_twice_in_a_form(ready: Callable[..., Run], forms: Path) -> None:
    fill(forms / "K01-2026-10.xlsx", {"I7": "1/2", "B9": "BHYT", "I9": "2/3"})
    done = ready("import", str(forms))
    assert done.code == 1
    assert done.err.splitlines() == [
        "Lỗi: K01-2026-10.xlsx: ô B9: chỉ tiêu 'BHYT' đã có ở dòng 7",
        "Lỗi: 1 lỗi trong biểu mẫu; không ghi số liệu nào",
    ]


def test_an_unfilled_form_is_named_in_a_note(ready: Callable[..., Run], forms: Path) -> None:
    fill(forms / "K01-2026-10.xlsx", {"I8": 7})  # K02's form left as it was sent
    done = ready("import", str(forms))
    assert (done.code, done.out) == (0, "Đã nhập 1 số liệu từ bieu-mau. Mã lần nhập: #2.\n")
    assert done.err == "Ghi chú: K02-2026-10.xlsx: biểu mẫu chưa điền số liệu nào\n"
    quiet = ready("import", str(forms), "--quiet")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")


def test_the_last_figure_shows_as_a_number_with_its_format(forms: Path) -> None:
    sheet = load_workbook(forms / "K01-2026-10.xlsx").worksheets[0]
    last = next(row for row in sheet.iter_rows(min_row=7) if row[1].value == "VIEC_LAM")
    assert (last[5].value, last[5].number_format) == (5, "#,##0")


def test_retracting_a_folder_import_names_its_forms(ready: Callable[..., Run], forms: Path) -> None:
    fill(forms / "K01-2026-10.xlsx", {"I8": 7})
    fill(forms / "K02-2026-10.xlsx", {"I8": 9})
    assert ready("import", str(forms)).code == 0
    done = ready("retract", "--import", "2", "--reason", "nhầm kỳ", "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["source"] == "K01-2026-10.xlsx, K02-2026-10.xlsx"
