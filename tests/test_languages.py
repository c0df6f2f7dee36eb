"""Vietnamese first, English on request: the real command, typed and read both ways."""

from __future__ import annotations

import json
import sqlite3
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from helpers import assert_refused, dump, plan_copy
from test_catalogues import vietnamese
from thiduaCLI.domain.plan_file import shipped_plan_path


def _values(db: Path) -> list[tuple[str, str, float]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT unit, indicator, value FROM figure ORDER BY id"
        ).fetchall()


def _ward_value(thidua: Callable[..., Run], code: str, *options: str) -> dict[str, object]:
    rows = json.loads(thidua("status", "--json", *options).out)["indicators"]
    return next(row for row in rows if row["code"] == code)


# ------------------------------------------------------------------- numbers typed


def test_a_magnitude_word_is_converted_to_the_indicators_measure(
    ready: Callable[..., Run], db: Path
) -> None:
    done = ready("report", "PHUONG", "THU_NS", "850 triệu", "--date", "2026-03-31", "--by", "Lan")
    assert done.code == 0, done.err
    assert done.out.startswith(
        "Đã ghi #1: UBND phường Mỹ Thới – Tổng thu ngân sách nhà nước trên địa bàn: "
        "850 triệu = 0,85 tỷ đồng, ngày 31/03/2026, người nhập Lan."
    )
    assert _values(db) == [("PHUONG", "THU_NS", 0.85)]


def test_a_count_takes_thousands_and_a_money_measure_takes_dong(
    ready: Callable[..., Run], db: Path
) -> None:
    assert ready("report", "K03", "VIEC_LAM", "1 nghìn", "--date", "2026-03-31").code == 0
    assert (
        ready("report", "PHUONG", "THU_NS", "2.500.000.000 đồng", "--date", "2026-03-31").code == 0
    )
    assert _values(db) == [("K03", "VIEC_LAM", 1000.0), ("PHUONG", "THU_NS", 2.5)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["K03", "BHYT", "5 triệu"],
            "'5 triệu': chỉ tiêu tính bằng %, không dùng nghìn, triệu, tỷ hay đồng",
        ),
        (
            ["K03", "VIEC_LAM", "50 đồng"],
            "'50 đồng': chỉ tiêu tính bằng lao động, không phải tiền đồng",
        ),
        (
            ["K03", "VIEC_LAM", "1.2.3,4,5"],
            "'1.2.3,4,5' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)",
        ),
    ],
)
def test_values_that_fit_no_convention_or_measure_write_nothing(
    ready: Callable[..., Run], db: Path, args: list[str], message: str
) -> None:
    before = dump(db)
    assert_refused(ready("report", *args, "--date", "2026-03-31"), message, db, before)


def test_the_number_format_switches_the_convention(ready: Callable[..., Run], db: Path) -> None:
    day = ["--date", "2026-03-31"]
    assert ready("report", "K03", "VIEC_LAM", "1.400", *day, "-q").code == 0
    assert (
        ready("report", "K03", "VIEC_LAM", "1,400", *day, "--number-format", "en", "-q").code == 0
    )
    assert (
        ready(
            "report", "K03", "VIEC_LAM", "1,400", *day, "-q", env={"THIDUA_NUMBER_FORMAT": "en"}
        ).code
        == 0
    )
    assert ready("report", "K03", "VIEC_LAM", "1,5", *day, "-q").code == 0  # vi: a decimal comma
    assert [value for _, _, value in _values(db)] == [1400.0, 1400.0, 1400.0, 1.5]


def test_english_readers_type_english_numbers_unless_told_otherwise(
    ready: Callable[..., Run], db: Path
) -> None:
    day = ["--date", "2026-03-31", "-q"]
    assert ready("--lang", "en", "report", "K03", "VIEC_LAM", "1,400", *day).code == 0
    assert (
        ready(
            "--lang", "en", "--number-format", "vi", "report", "K03", "VIEC_LAM", "1.400", *day
        ).code
        == 0
    )
    assert [value for _, _, value in _values(db)] == [1400.0, 1400.0]


def test_an_import_reads_text_cells_with_the_chosen_convention(
    ready: Callable[..., Run], db: Path
) -> None:
    csv = (
        'unit,indicator,value,date\nK03,VIEC_LAM,"1,400",2026-03-31\n'
        "K02,VIEC_LAM,12 nghìn,2026-03-31\n"
    )
    assert ready("import", "-", "--number-format", "en", stdin=csv).code == 0
    assert [value for _, _, value in _values(db)] == [1400.0, 12000.0]


def test_sums_are_exact_so_ten_tenths_of_the_target_do_not_pass_it(
    ready: Callable[..., Run],
) -> None:
    rows = "".join(f"PHUONG;THU_NS;10,7;2026-03-{day:02d}\n" for day in range(1, 11))
    assert ready("import", "-", stdin="đơn vị;chỉ tiêu;giá trị;ngày\n" + rows).code == 0
    ward = _ward_value(ready, "THU_NS", "--as-of", "2026-12-31")
    # binary floats would make 107.00000000000001, which is "> 107"
    assert (ward["value"], ward["state"]) == (107.0, "not_achieved")


# ------------------------------------------------------------------- NFC


def test_text_typed_in_nfd_is_found_and_stored_in_nfc(ready: Callable[..., Run], db: Path) -> None:
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    done = ready(
        "report",
        nfd("Khóm 3"),
        nfd("việc làm"),
        "5",
        "--date",
        "2026-03-31",
        "--by",
        nfd("Nguyễn Thị Lan"),
        "--note",
        nfd("Tổ dân phố báo"),
    )
    assert done.code == 0, done.err
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT unit, recorded_by, note FROM figure").fetchone()
    assert stored == ("K03", "Nguyễn Thị Lan", "Tổ dân phố báo")
    assert all(unicodedata.is_normalized("NFC", text) for text in stored)


def test_an_import_in_nfd_is_stored_in_nfc(ready: Callable[..., Run], db: Path) -> None:
    text = (
        "đơn vị,chỉ tiêu,giá trị,ngày,ghi chú,người nhập\nKhóm 2,Việc làm,3,2026-03-31,Đợt một,Hà\n"
    )
    assert ready("import", "-", stdin=unicodedata.normalize("NFD", text)).code == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT unit, note, recorded_by FROM figure").fetchall() == [
            ("K02", "Đợt một", "Hà")
        ]


def test_a_plan_written_in_nfd_is_stored_in_nfc(thidua: Callable[..., Run], tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), "utf-8")
    assert thidua("init", str(path), "-q").code == 0
    units = json.loads(thidua("units", "--json").out)
    assert next(u["name"] for u in units if u["code"] == "K03") == "Khóm 3"
    assert all(unicodedata.is_normalized("NFC", u["name"]) for u in units)


# ------------------------------------------------------------------- lists


def test_units_are_listed_in_vietnamese_alphabetical_order_within_blocks(
    ready: Callable[..., Run],
) -> None:
    from thiduaCLI.text.lookup import sort_key

    units = json.loads(ready("units", "--json").out)
    assert units[0]["block"] is None  # the ward first
    khom = [u["name"] for u in units if u["block"] == "KHOM"]
    assert khom[:3] == ["Khóm 1", "Khóm 2", "Khóm 3"] and khom[-1] == "Khóm 19"
    for block in {u["block"] for u in units if u["block"]}:
        names = [u["name"] for u in units if u["block"] == block]
        assert names == sorted(names, key=sort_key)


# ------------------------------------------------------------------- reading


def test_tables_follow_the_language_and_machine_output_does_not(
    ready: Callable[..., Run],
) -> None:
    day = ["--date", "2026-04-30", "-q"]
    assert ready("report", "K03", "VIEC_LAM", "1.400", *day).code == 0
    vi = ready("history", "--format", "table").out
    en = ready("--lang", "en", "history", "--format", "table").out
    assert "1.400" in vi and "30/04/2026" in vi
    assert "1,400" in en and "30 Apr 2026" in en
    assert ready("history", "--json").out == ready("--lang", "en", "history", "--json").out
    assert (
        ready("status", "--format", "csv").out
        == ready("--lang", "en", "status", "--format", "csv").out
    )


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["rank"],
        ["show", "K03"],
        ["indicators"],
        ["units"],
        ["history"],
        ["overdue"],
        ["check", "--behind", "--missing"],
    ],
    ids=lambda c: c[0],
)
def test_english_screens_have_no_vietnamese_beyond_the_plans_own_names(
    ready: Callable[..., Run], command: list[str]
) -> None:
    assert ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-03-31", "-q").code == 0
    done = ready("--lang", "en", *command, "--as-of", "2026-04-30")
    if command[0] in ("indicators", "units", "history"):
        done = ready("--lang", "en", *command)
    assert done.code in (0, 3), done.err
    plan_words = _plan_words()
    leftover = [
        word
        for word in done.out.replace("│", " ").split()
        if vietnamese(word) and not _from_plan(word.strip(STRIP), plan_words)
    ]
    assert leftover == []


STRIP = ",.;:()[]*_–…"


def _from_plan(word: str, plan_words: set[str]) -> bool:
    """The word is the plan's, or the start of one a narrow table cut short."""
    return word in plan_words or any(known.startswith(word) for known in plan_words)


def _plan_words() -> set[str]:
    """Every word of the shipped plan's own texts (names, measures, grades: data, shown as
    written in any language)."""
    plan = tomllib.loads(shipped_plan_path().read_text(encoding="utf-8"))
    return {word.strip(STRIP) for text in _strings(plan) for word in text.split()}


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) else []


def test_the_english_hint_uses_the_english_decimal_mark(
    ready: Callable[..., Run], db: Path
) -> None:
    """In English the hint shows a decimal point and a thousands comma, never "a comma"."""
    before = dump(db)
    done = ready("--lang", "en", "report", "K03", "VIEC_LAM", "1,5x", "--date", "2026-03-31")
    assert (done.code, done.out) == (1, "")
    assert done.err == "Error: '1,5x' is not a number (write it like 12.5 or 1,400)\n"
    assert dump(db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--lang", "en", "report", "K03", "RAC_THAI", "95,500"],
            "Error: RAC_THAI (Tỷ lệ thu gom rác thải sinh hoạt) is measured in %: '95,500' may "
            "be a mistaken decimal comma; write the decimal part with a point, e.g. 12.5",
        ),
        (
            ["report", "K03", "RAC_THAI", "95.500"],
            "Lỗi: RAC_THAI (Tỷ lệ thu gom rác thải sinh hoạt) tính bằng %: '95.500' có thể là "
            "nhầm dấu chấm thập phân; viết phần thập phân bằng dấu phẩy, ví dụ 12,5",
        ),
        (
            ["--number-format", "en", "report", "K03", "RAC_THAI", "95,500"],
            "Lỗi: RAC_THAI (Tỷ lệ thu gom rác thải sinh hoạt) tính bằng %: '95,500' có thể là "
            "nhầm dấu phẩy thập phân; viết phần thập phân bằng dấu chấm, ví dụ 12.5",
        ),
    ],
)
def test_a_grouped_share_names_the_mark_that_was_typed(
    ready: Callable[..., Run], db: Path, args: list[str], message: str
) -> None:
    """The hint speaks of the decimal mark of the convention the number was read in."""
    before = dump(db)
    done = ready(*args, "--date", "2026-10-31")
    assert (done.code, done.err, done.out) == (1, message + "\n", "")
    assert dump(db) == before
