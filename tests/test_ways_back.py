"""Ways back (issue 16): backup into a folder, report --dry-run, retract --import, plan dump,
and the honest shortcuts for shares."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import SMALL_PLAN, assert_refused, dump, figure_count, never_created, person
from thiduaCLI.ledger import backup_target

ENGINES = ("sqlite", "postgresql")  # each test using db runs on both (conftest.py)

# ------------------------------------------------------------------------ backup DIR/


@pytest.mark.sqlite_only  # a file's own behaviour
def test_backup_into_an_existing_folder_writes_a_dated_file(ready, db: Path, tmp_path: Path):
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    done = ready("backup", str(folder))
    assert done.code == 0, done.err
    (made,) = folder.iterdir()
    assert made.name.startswith("thidua-") and made.name.endswith(".sqlite3")
    assert made.read_bytes()[:16] == b"SQLite format 3\x00"
    assert str(made) in done.out
    again = ready("backup", f"{folder}/")  # a second in the same second is not overwritten
    assert again.code == 0, again.err
    assert len(list(folder.iterdir())) == 2


def test_a_folder_name_with_a_final_slash_that_does_not_exist_is_refused(
    ready, db: Path, tmp_path: Path
):
    before = dump(db)
    done = ready("backup", f"{tmp_path}/khong-co/")
    assert done.code == 1
    assert done.err.startswith(f"Lỗi: {tmp_path}/khong-co/thidua-")
    assert done.err.endswith(f": thư mục {tmp_path}/khong-co không tồn tại\n")
    assert not (tmp_path / "khong-co").exists()
    assert dump(db) == before


def test_the_dated_name_is_vietnam_time_and_never_taken(tmp_path: Path):
    moment = datetime(2026, 11, 25, 20, 30, 5, tzinfo=UTC)  # 03:30:05 on the 26th in Vietnam
    first = backup_target(tmp_path, moment)
    assert first == tmp_path / "thidua-2026-11-26-033005.sqlite3"
    first.write_bytes(b"")
    second = backup_target(f"{tmp_path}{os.sep}", moment)
    assert second == tmp_path / "thidua-2026-11-26-033005-2.sqlite3"
    assert backup_target(tmp_path / "x.sqlite3", moment) == tmp_path / "x.sqlite3"


def test_backup_to_an_existing_file_is_still_refused(ready, db: Path, tmp_path: Path):
    target = tmp_path / "b.sqlite3"
    target.write_bytes(b"cu")
    before = dump(db)
    assert_refused(
        ready("backup", str(target)),
        f"{target}: tệp đã có, chọn tên khác để không ghi đè",
        db,
        before,
    )
    assert target.read_bytes() == b"cu"


# ------------------------------------------------------------------------ report --dry-run


def _untouched(db: Path | str) -> tuple[bytes, int, list[str]]:
    if isinstance(db, str):  # a PostgreSQL database: its rows
        return b"", 0, dump(db)
    return db.read_bytes(), db.stat().st_mtime_ns, dump(db)


def test_report_dry_run_shows_the_figure_and_writes_nothing(ready, db: Path):
    assert ready("report", "K03", "VIEC_LAM", "20", "--date", "2026-03-31").code == 0
    before = _untouched(db)
    tried = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--dry-run")
    assert tried.code == 0, tried.err
    assert tried.out.startswith(
        "Chạy thử (--dry-run), chưa ghi gì: sẽ ghi #2: Khóm 3 – Giải quyết việc làm: 5 lao động,"
    )
    assert "Lũy kế 25 lao động" in tried.out
    assert _untouched(db) == before
    as_json = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--dry-run", "--json")
    real = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--json")
    import json

    tried_data, real_data = json.loads(as_json.out), json.loads(real.out)
    assert tried_data.pop("dry_run") is True and real_data.pop("dry_run") is False
    for moment in ("recorded_at", "filed_at"):
        tried_data.pop(moment, None), real_data.pop(moment, None)
    assert tried_data == real_data


def test_report_dry_run_checks_as_a_real_report_does(ready, db: Path):
    assert ready("report", "K03", "VIEC_LAM", "20", "--date", "2026-03-31", "--key", "k1").code == 0
    before = dump(db)
    assert_refused(
        ready(
            "report", "K03", "VIEC_LAM", "21", "--date", "2026-03-31", "--key", "k1", "--dry-run"
        ),
        "khóa 'k1' đã dùng cho số liệu #1 khác (K03 VIEC_LAM 20 ngày 31/03/2026); dùng khóa khác",
        db,
        before,
    )
    assert_refused(
        ready("report", "K03", "VIEC_LAM", "5", "--date", "2025-12-31", "--dry-run"),
        ready("report", "K03", "VIEC_LAM", "5", "--date", "2025-12-31").err[len("Lỗi: ") : -1],
        db,
        before,
    )


@pytest.mark.sqlite_only  # a file's own behaviour
def test_report_dry_run_on_a_missing_database_creates_nothing(thidua, db: Path):
    done = thidua("report", "K03", "VIEC_LAM", "5", "--dry-run")
    assert done.code == 1
    assert not db.exists()


def test_the_library_dry_run_writes_nothing(ready, db: Path):
    from datetime import date
    from decimal import Decimal

    from thiduaCLI import open_ledger

    before = _untouched(db)
    with open_ledger(db) as ledger:
        tried = ledger.record("K03", "VIEC_LAM", Decimal(7), on=date(2026, 3, 31), dry_run=True)
    assert tried.dry_run and tried.value == 7 and tried.year_to_date == 7
    assert _untouched(db) == before


# --------------------------------------------------------------------- shares as a percentage

SHARE_PLAN = (
    SMALL_PLAN.replace(
        'A1 = { name = "Đơn vị A1", block = "A", targets = { VL = 100 } }',
        'A1 = { name = "Đơn vị A1", block = "A", targets = { VL = 100 }, '
        "denominators = { BH = 5000 } }",
    ).replace(
        'B1 = { name = "Khóm 1", block = "B", sizes = { population = 1000 } }',
        'B1 = { name = "Khóm 1", block = "B", sizes = { population = 1000 }, '
        'indicators = ["NS", "GQ"] }',
    )
    + """
[indicators.GQ]
name = "Giao quân"
measure = "%"
target = 100
comparator = ">="
kind = "level"
share = true
rollup = "ratio"
"""
)


@pytest.fixture
def shares(thidua, db: Path, tmp_path: Path):
    plan = tmp_path / "kehoach.toml"
    plan.write_text(SHARE_PLAN, encoding="utf-8")
    assert thidua("init", str(plan)).code == 0
    return thidua


@pytest.mark.sqlite_only  # reads the file with sqlite3
def test_a_percentage_over_the_plans_denominator_rolls_up_exactly(shares, db: Path):
    done = shares("report", "A1", "BH", "95,5", "--date", "2026-03-31")
    assert done.code == 0, done.err
    assert "95,5 % (= 4.775/5.000, mẫu số theo kế hoạch)" in done.out
    assert shares("report", "A2", "BH", "1800/2000", "--date", "2026-03-31").code == 0
    assert shares("report", "A3", "BH", "2850/3000", "--date", "2026-03-31").code == 0
    with sqlite3.connect(db) as connection:
        stored = connection.execute(
            "SELECT value, numerator, denominator FROM figure WHERE unit = 'A1'"
        ).fetchone()
    assert stored == (95.5, 4775.0, 5000.0)
    status = json.loads(shares("status", "--as-of", "2026-03-31", "--json").out)
    (bh,) = [row for row in status["indicators"] if row["code"] == "BH"]
    # (4775 + 1800 + 2850) / (5000 + 2000 + 3000) = 9425 / 10000
    assert (bh["value"], bh["source"], bh["units_reported"]) == (94.25, "units", 3)


def test_the_sole_signatory_reports_a_percentage_and_it_is_the_wards(shares):
    done = shares("report", "B1", "GQ", "100%", "--date", "2026-03-31", "--json")
    assert done.code == 0, done.err
    recorded = json.loads(done.out)
    assert (recorded["value"], recorded["numerator"], recorded["denominator"]) == (100, None, None)
    status = json.loads(shares("status", "--as-of", "2026-03-31", "--json").out)
    (gq,) = [row for row in status["indicators"] if row["code"] == "GQ"]
    assert (gq["value"], gq["state"], gq["units_reported"], gq["units_expected"]) == (
        100,
        "achieved",
        1,
        1,
    )


def test_elsewhere_a_percentage_is_refused_saying_what_to_type(shares, db: Path):
    before = dump(db)
    assert_refused(
        shares("report", "A2", "BH", "97%", "--date", "2026-03-31"),
        "BH (Bảo hiểm y tế) là tỷ lệ phường tính bằng cách cộng tử số và mẫu số của các đơn "
        "vị: ghi dạng tử số/mẫu số, ví dụ 4850/5000, không ghi 97% (một tỷ lệ không có mẫu số "
        "thì không cộng được); hoặc ghi mẫu số của đơn vị trong kế hoạch "
        "(units.A2.denominators.BH) rồi chạy thidua init",
        db,
        before,
    )


def test_the_library_takes_a_percentage_too(shares, db: Path):
    from datetime import date
    from decimal import Decimal

    from thiduaCLI import InputError, open_ledger

    with open_ledger(db) as ledger:
        made = ledger.record("A1", "BH", Decimal("33.3"), on=date(2026, 3, 31))
        assert (made.numerator, made.denominator) == (Decimal(1665), Decimal(5000))
        before = dump(db)
        with pytest.raises(InputError, match=r"units\.A3\.denominators\.BH"):
            ledger.record("A3", "BH", Decimal(95), on=date(2026, 3, 31))
    assert dump(db) == before


def test_an_import_row_takes_the_same_shortcuts(shares, db: Path, tmp_path: Path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "unit,indicator,value,date\nA1,BH,96,2026-03-31\nB1,GQ,90,2026-03-31\n", encoding="utf-8"
    )
    done = shares("import", str(rows))
    assert done.code == 0, done.err
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,indicator,value,date\nA2,BH,96,2026-03-31\n", encoding="utf-8")
    before = dump(db)
    refused = shares("import", str(bad))
    assert refused.code == 1
    assert refused.err.startswith("Lỗi: dòng 2: BH (Bảo hiểm y tế) là tỷ lệ phường tính")
    assert dump(db) == before


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "denominators = { VL = 10 }",
            "units.A1.denominators.VL: mẫu số chỉ dùng cho chỉ tiêu tổng hợp bằng rollup = 'ratio'",
        ),
        (
            "denominators = { NS = 10 }",
            "units.A1.denominators.NS: chỉ tiêu này không thuộc giao ước của đơn vị",
        ),
        (
            "denominators = { XX = 10 }",
            "units.A1.denominators.XX: chỉ tiêu 'XX' không có trong [indicators]",
        ),
        (
            "denominators = { BH = 0 }",
            "units.A1.denominators.BH: mẫu số phải lớn hơn 0 (đang là 0)",
        ),
    ],
)
def test_a_wrong_denominator_in_the_plan_is_refused(
    thidua, db: Path, tmp_path: Path, entry, message
):
    plan = tmp_path / "kehoach.toml"
    plan.write_text(SHARE_PLAN.replace("denominators = { BH = 5000 }", entry), encoding="utf-8")
    done = thidua("init", str(plan))
    assert done.code == 1
    assert done.err == f"Lỗi: {plan}: {message}\n"
    assert never_created(db) or figure_count(db) == 0


def test_a_unit_without_denominators_is_stored_as_before():
    from thiduaCLI.domain.plan_file import parse_plan

    plan = parse_plan(SHARE_PLAN)
    assert "denominators" not in plan.units["A2"].model_dump()
    assert plan.units["A1"].model_dump()["denominators"] == {"BH": Decimal(5000)}


def test_on_the_shipped_plan_the_military_command_types_100(ready):
    done = ready("report", "QUAN_SU", "GIAO_QUAN", "100", "--date", "2026-03-31")
    assert done.code == 0, done.err
    status = json.loads(ready("status", "--as-of", "2026-03-31", "--json").out)
    (row,) = [row for row in status["indicators"] if row["code"] == "GIAO_QUAN"]
    assert (row["value"], row["state"]) == (100, "achieved")
    assert ready("report", "VH_XH", "HAI_LONG", "95", "--date", "2026-03-31").code == 1


def test_a_percentage_whose_numerator_cannot_be_stored_exactly_is_refused(
    thidua, db: Path, tmp_path: Path
):
    plan = tmp_path / "kehoach.toml"
    plan.write_text(SHARE_PLAN.replace("BH = 5000", "BH = 3"), encoding="utf-8")
    assert thidua("init", str(plan)).code == 0
    before = dump(db)
    assert_refused(
        thidua("report", "A1", "BH", "33,33333333", "--date", "2026-03-31"),
        "BH: 33,33333333 % của mẫu số 3 trong kế hoạch là 0,9999999999, không lưu đúng được; "
        "ghi dạng tử số/mẫu số",
        db,
        before,
    )


# ------------------------------------------------------------------------------ plan dump

FULL_PLAN = (
    SHARE_PLAN.replace(
        'title = "Kế hoạch thử"',
        'title = "Kế hoạch thử \\"đủ\\" mọi trường"\nreporting_cycle = "quarterly"\ndue_days = 15',
    )
    .replace(
        "[scoring]\ncap = 100",
        """[scoring]
cap = 120
decimals = 3
strict_penalty = 0.5
min_reported = 40
tie_breakers = ["reported", "achieved", "earliest"]
grades = [{ min = 85.5, name = "Xuất sắc" }, { min = 0, name = "Chưa đạt" }]

[scoring.bonus]
per_indicator = 1.25
max = 5

[scoring.deductions]
missing = 2
late = 0.5
max = 10

[[scoring.commendations]]
name = "Giấy khen"
grade = "Xuất sắc"
top = 2
complete = true""",
    )
    .replace(
        'target = 200\ncomparator = "~"',
        'target = 200\nmilestones = [40, 90, 150]\nweight = 3\ncomparator = "~"',
    )
    .replace(
        'indicators = ["BH", "VL"]', 'indicators = ["BH", "VL"]\nweights = { VL = 0.5, BH = 0 }'
    )
    .replace(
        'A3 = { name = "Đơn vị A3", block = "A", targets = { VL = 100 } }',
        'A3 = { name = "Đơn vị A3", block = "A", indicators = ["VL", "BH"], '
        "targets = { VL = 0.000000001, BH = 92.125 } }",
    )
)


def _round_trip(run, tmp_path: Path) -> str:
    dumped = run("plan", "dump")
    assert dumped.code == 0, dumped.err
    again = tmp_path / "dumped.toml"
    again.write_text(dumped.out, encoding="utf-8")
    loaded = run("init", str(again))
    assert loaded.code == 0, loaded.err
    return loaded.out


def test_the_shipped_plan_dumps_to_a_file_init_takes_back_unchanged(ready, tmp_path: Path):
    assert (
        _round_trip(ready, tmp_path)
        == f"Kế hoạch 2026 không thay đổi ({tmp_path / 'dumped.toml'}).\n"
    )


def test_a_plan_with_every_optional_field_round_trips(thidua, db: Path, tmp_path: Path):
    import tomllib

    from thiduaCLI.domain.plan_file import parse_plan

    plan = tmp_path / "full.toml"
    plan.write_text(FULL_PLAN, encoding="utf-8")
    assert thidua("init", str(plan)).code == 0, thidua("init", str(plan)).err
    written = tomllib.loads(thidua("plan", "dump").out)
    assert written["units"]["A1"]["denominators"] == {"BH": 5000}
    assert written["indicators"]["VL"]["milestones"] == [40, 90, 150]
    assert "indicators" not in written["units"]["A1"]  # the block's, left to inherit
    assert parse_plan(thidua("plan", "dump").out) == parse_plan(FULL_PLAN)
    assert "không thay đổi" in _round_trip(thidua, tmp_path)


def test_plan_dump_writes_a_new_file_and_never_overwrites(ready, db: Path, tmp_path: Path):
    target = tmp_path / "kehoach.toml"
    assert ready("plan", "dump", "-o", str(target)).code == 0
    assert target.read_text(encoding="utf-8").startswith("# Kế hoạch năm 2026 lấy ra từ ")
    before = dump(db)
    assert_refused(
        ready("plan", "dump", "-o", str(target)),
        f"{target}: tệp đã có, chọn tên khác để không ghi đè",
        db,
        before,
    )
    assert_refused(
        ready("plan", "dump", "--year", "2025"),
        "chưa có kế hoạch năm 2025 (đã có: 2026); chạy thidua init",
        db,
        before,
    )


@pytest.mark.sqlite_only  # a file's own behaviour
def test_plan_dump_on_a_missing_database_creates_nothing(thidua, db: Path):
    done = thidua("plan", "dump")
    assert done.code == 1
    assert not db.exists()


# ------------------------------------------------------------------------ retract --import

MARCH = "unit,indicator,value,date\nK01,VIEC_LAM,7,2026-03-31\nK02,VIEC_LAM,8,2026-03-31\n" + (
    'K03,BHYT,"900/1000",2026-03-31\n'
)


@pytest.fixture
def imported(ready, db: Path, tmp_path: Path):
    """The shipped plan, one reported figure (#1), then a three-row import (#2–#4)."""
    assert ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-02-28").code == 0
    path = tmp_path / "thang3.csv"
    path.write_text(MARCH, encoding="utf-8")
    done = ready("import", str(path))
    assert done.out == ("Đã nhập 3 số liệu từ thang3.csv. Mã lần nhập: #2.\n")
    return path


def _ward(run) -> dict[str, object]:
    data = json.loads(run("status", "--as-of", "2026-03-31", "--json").out)
    return {row["code"]: (row["value"], row["state"]) for row in data["indicators"]}


def test_an_import_says_its_number_and_json_carries_it(ready, tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text(MARCH, encoding="utf-8")
    data = json.loads(ready("import", str(path), "--json").out)
    assert (data["import_id"], data["recorded"]) == (1, 3)
    again = json.loads(ready("import", str(path), "--json").out)  # all skipped: no import
    assert (again["import_id"], again["recorded"], again["skipped"]) == (None, 0, 3)
    dry = json.loads(ready("import", str(path), "--dry-run", "--json").out)
    assert dry["import_id"] is None


def test_retracting_an_import_takes_back_each_of_its_figures(ready, imported: Path, db: Path):
    with_import = _ward(ready)
    by, lan = person(db, "Lan")
    done = ready("retract", "--import", "2", "--reason", "nhầm tệp tháng 3", *by)
    assert (done.code, done.err) == (0, "")
    assert done.out == (
        "Đã rút lần nhập #2 (thang3.csv): 3 số liệu không còn được tính (nhầm tệp tháng 3). "
        "Sửa tệp rồi nhập lại được: thidua import TỆP.\n"
    )
    # the ward is as before the import: only #1 (5 jobs) counts
    after = _ward(ready)
    assert after["VIEC_LAM"][0] == 5 and with_import["VIEC_LAM"][0] == 20
    assert after["BHYT"] == (None, "no_data")
    history = json.loads(ready("history", "--json").out)
    standing = {entry["id"]: (entry["standing"], entry.get("retraction")) for entry in history}
    for figure in (2, 3, 4):
        state, retraction = standing[figure]
        assert state == "retracted"
        assert (retraction["reason"], retraction["by"]) == ("nhầm tệp tháng 3", lan)
    assert standing[1][0] == "active"
    assert ready("verify").code == 0  # each retraction is in the audit chain


def test_a_retracted_import_can_be_run_again(ready, imported: Path, db: Path):
    assert ready("retract", "--import", "2", "--reason", "sai").code == 0
    again = json.loads(ready("import", str(imported), "--json").out)
    assert (again["recorded"], again["skipped"], again["import_id"]) == (3, 0, 5)
    assert _ward(ready)["VIEC_LAM"][0] == 20
    # a figure retracted on its own still blocks its row: a daily import does not revive it
    assert ready("retract", "6", "--reason", "trùng").code == 0
    third = json.loads(ready("import", str(imported), "--json").out)
    assert (third["recorded"], third["skipped"]) == (0, 3)


def test_a_correction_of_the_import_goes_with_it(ready, imported: Path, db: Path):
    """#5 corrects #3, #6 corrects #5: the import taken back takes them too, so that the fixed
    file imported again counts each row once."""
    assert ready("correct", "3", "9", "--reason", "số đúng").code == 0  # #5 replaces #3
    assert ready("correct", "5", "10", "--reason", "số đúng hơn").code == 0  # #6 replaces #5
    done = ready("retract", "--import", "2", "--reason", "sai")
    assert done.out == (
        "Đã rút lần nhập #2 (thang3.csv): 5 số liệu không còn được tính (sai). "
        "Sửa tệp rồi nhập lại được: thidua import TỆP.\n"
    )
    data = json.loads(ready("history", "--json").out)
    standing = {entry["id"]: entry["standing"] for entry in data}
    assert [standing[n] for n in (2, 3, 4, 5, 6)] == ["retracted"] * 5  # none comes back
    assert _ward(ready)["VIEC_LAM"][0] == 5  # #1 only
    again = json.loads(ready("import", str(imported), "--json").out)
    assert again["recorded"] == 3
    assert _ward(ready)["VIEC_LAM"][0] == 20  # 5 + 7 + 8: each row once
    assert ready("verify").code == 0


@pytest.mark.sqlite_only  # reads the file with sqlite3
def test_a_write_of_many_sources_is_no_import(ready, imported: Path, db: Path):
    """The schema-7 upgrade chained every figure before it as one entry: an entry whose
    figures came from several writes (a report among them) is no import to take back."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO audit_chain (kind, first_id, last_id, recorded_at, digest)"
            " VALUES ('figures', 3, 4, '2026-01-01 00:00:00', 'x')"
        )
        connection.execute("UPDATE figure SET recorded_at = '2026-01-01 00:00:00' WHERE id = 4")
    before = dump(db)
    done = ready("retract", "--import", "3", "--reason", "x")
    assert (done.code, done.out) == (1, "")
    assert done.err.startswith("Lỗi: #3 không phải mã một lần nhập")
    assert dump(db) == before


def test_refusals_write_nothing(ready, imported: Path, db: Path):
    before = dump(db)
    assert_refused(
        ready("retract", "--import", "1", "--reason", "x"),
        "#1 không phải mã một lần nhập (mã lần nhập là mã số liệu đầu tiên của lần nhập, in ra "
        "sau thidua import; trong thidua history là số của dòng đầu tiên)",
        db,
        before,
    )
    assert_refused(
        ready("retract", "--import", "3", "--reason", "x"),
        "#3 không phải mã một lần nhập (mã lần nhập là mã số liệu đầu tiên của lần nhập, in ra "
        "sau thidua import; trong thidua history là số của dòng đầu tiên)",
        db,
        before,
    )
    assert_refused(ready("retract", "--import", "2", "--reason", "  "), _EMPTY_REASON, db, before)
    assert ready("retract", "--import", "2", "--reason", "sai").code == 0
    after = dump(db)
    assert_refused(
        ready("retract", "--import", "2", "--reason", "lần nữa"),
        "lần nhập #2 (thang3.csv) đã được rút trước đó: sai",
        db,
        after,
    )


_EMPTY_REASON = "--reason không được để trống: ghi lý do để lịch sử giải thích được"


@pytest.mark.parametrize("args", [[], ["1", "--import", "2"]])
def test_one_figure_or_one_import(ready, imported: Path, db: Path, args: list[str]):
    before = dump(db)
    done = ready("retract", *args, "--reason", "x")
    assert (done.code, done.out) == (2, "")
    assert done.err == (
        "Lỗi: cho mã một số liệu (ID) hoặc --import ID, một trong hai "
        "(xem: thidua retract --help)\n"
    )
    assert dump(db) == before


def test_a_seventh_schema_database_upgrades_and_its_import_is_retracted(tmp_path: Path, thidua):
    """The committed v7 file: #1 reported, #2–#4 imported from thang4.csv, #3 retracted."""
    fixture = Path(__file__).parent / "fixtures" / "schema_v7.sqlite3"
    db = tmp_path / "thidua.sqlite3"
    db.write_bytes(fixture.read_bytes())
    done = thidua("--db", str(db), "retract", "--import", "2", "--reason", "sai", "--json")
    assert done.code == 0, done.err
    assert "từ lược đồ 7 lên 8" in done.err
    data = json.loads(done.out)
    assert (data["source"], data["retracted"], data["kept"]) == ("thang4.csv", [2, 4], [3])
    assert thidua("--db", str(db), "verify").code == 0
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (8,)
        assert connection.execute("SELECT first_id, last_id FROM import_retraction").fetchall() == [
            (2, 4)
        ]


@pytest.mark.parametrize("command", [["report", "K01", "VIEC_LAM", "5"], ["import", "thang.csv"]])
def test_a_dry_run_on_an_old_database_upgrades_nothing(thidua, tmp_path: Path, command):
    """A dry run writes nothing: not a schema upgrade, not the copy kept before one."""
    fixture = Path(__file__).parent / "fixtures" / "schema_v7.sqlite3"
    db = tmp_path / "cu.sqlite3"
    db.write_bytes(fixture.read_bytes())
    (tmp_path / "thang.csv").write_text(MARCH, encoding="utf-8")
    before = dump(db)
    done = thidua("--db", str(db), *command, "--dry-run")
    assert (done.code, done.out) == (1, "")
    assert done.err == (
        f"Lỗi: {db}: cơ sở dữ liệu cần nâng cấp lên lược đồ 8; lệnh này không ghi gì nên không "
        "nâng cấp (chạy một lệnh khác trước, ví dụ thidua status)\n"
    )
    assert dump(db) == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (7,)  # not upgraded
    assert not list(tmp_path.glob("*.bak"))  # no copy kept before an upgrade: none happened


@pytest.mark.sqlite_only  # reads the file with sqlite3
def test_plan_dump_names_the_load_time_in_vietnam_time(ready, db: Path) -> None:
    with sqlite3.connect(db) as connection:
        (stored,) = connection.execute("SELECT loaded_at FROM plan_version").fetchone()
    local = datetime.fromisoformat(stored).replace(tzinfo=None) + timedelta(hours=7)
    header = ready("plan", "dump").out.splitlines()[:3]
    expected = f"nạp lúc {local:%d/%m/%Y %H:%M} (giờ VN) từ "
    assert any(expected in line for line in header), header
