"""The real ``thidua`` command on a real temporary database, driven as a user drives it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from helpers import (
    assert_refused,
    dump,
    figure_count,
    never_created,
    person,
    plan_copy,
    sql,
)
from thiduaCLI import __version__
from thiduaCLI.domain.plan_file import shipped_plan_path

ENGINES = ("sqlite", "postgresql")  # each test using db runs on both (conftest.py)

COMMANDS = (
    "init",
    "report",
    "status",
    "rank",
    "show",
    "indicators",
    "units",
    "history",
    "correct",
    "retract",
    "import",
    "export",
    "backup",
    "db path",
)


# -------------------------------------------------------------------- terminal manners


def test_version(thidua) -> None:
    result = thidua("--version")
    assert (result.code, result.out) == (0, f"thidua {__version__}\n")


def test_help_lists_every_command(thidua) -> None:
    result = thidua("--help")
    assert result.code == 0
    for command in COMMANDS:
        assert command.split()[0] in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_an_example(thidua, command: str) -> None:
    result = thidua(*command.split(), "--help")
    assert result.code == 0
    assert "Ví dụ: thidua " + command in " ".join(result.out.split())


@pytest.mark.process
def test_python_dash_m_runs_the_same_program(thidua) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "thiduaCLI", "--version"], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (0, f"thidua {__version__}\n")


def test_first_use_creates_the_database_with_the_shipped_plan(thidua, db: Path) -> None:
    result = thidua("status", "--json", "--as-of", "2026-06-30")
    assert result.code == 0
    assert json.loads(result.out)["as_of"] == "2026-06-30"  # stdout holds only the JSON
    assert result.err == (
        f"Ghi chú: Đã tạo cơ sở dữ liệu mới {db} và nạp kế hoạch 2026 có sẵn (targets_2026.toml)\n"
    )
    assert thidua("status", "--json").err == ""  # said once only


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1", "FORCE_COLOR": "1"}])
def test_no_colour_codes_when_piped_or_asked(ready, env) -> None:
    result = ready("status", env=env)
    assert result.code == 0
    assert "Giải quyết việc làm" in result.out
    assert "\x1b[" not in result.out


def test_colour_when_forced_and_not_refused(ready) -> None:
    assert "\x1b[" in ready("status", env={"FORCE_COLOR": "1"}).out


def test_a_usage_error_exits_2(thidua) -> None:
    result = thidua("report", "K03")
    assert result.code == 2
    assert result.err == "Lỗi: thiếu đối số indicator (xem: thidua report --help)\n"
    result = thidua("status", "--no-such-option")
    assert result.code == 2


# ----------------------------------------------------------------------------- tables


def test_indicators_json_fields(ready) -> None:
    rows = json.loads(ready("indicators", "--json").out)
    growth = next(row for row in rows if row["code"] == "TANG_TRUONG")
    assert {k: growth[k] for k in ("name", "measure", "target", "comparator", "kind")} == {
        "name": "Tốc độ tăng trưởng kinh tế",
        "measure": "%",
        "target": 12.5,
        "comparator": ">=",
        "kind": "level",
    }
    assert {row["comparator"] for row in rows} <= {">", ">=", "~", "<=", "<"}
    assert {row["kind"] for row in rows} == {"cumulative", "level"}


def test_units_json_lists_the_ward_without_a_block(ready) -> None:
    rows = {row["code"]: row for row in json.loads(ready("units", "--json").out)}
    assert rows["PHUONG"]["block"] is None
    assert rows["K03"]["block"] == "KHOM"
    assert rows["K03"]["indicators"] == ["BHYT", "VIEC_LAM", "NUOC_SACH", "RAC_THAI"]
    assert rows["K03"]["targets"]["VIEC_LAM"] == 50


def test_tables_for_people(ready) -> None:
    indicators = ready("indicators").out
    assert "≈ 1.400 lao động" in indicators
    assert "> 107 tỷ đồng" in indicators
    units = ready("units").out
    assert "Khối khóm" in units
    assert "— (phường, không xếp hạng)" in units
    assert "VIEC_LAM (450)" in units  # Phòng Văn hóa – Xã hội's own target


# ----------------------------------------------------------------------------- report


def test_report_by_name_without_diacritics(ready, db: Path) -> None:
    by, lan = person(db, "Lan")
    result = ready("report", "khom 3", "viec lam", "25", "--date", "2026-03-31", *by)
    assert result.code == 0, result.err
    assert result.out == (
        f"Đã ghi #1: Khóm 3 – Giải quyết việc làm: 25 lao động, ngày 31/03/2026, người nhập {lan}."
        " Lũy kế 25 lao động / ≈ 50 lao động (50 %), dự kiến đến ngày 12,33 lao động:"
        " đúng tiến độ.\n"
    )
    assert figure_count(db) == 1


def test_report_json_carries_the_figure_and_its_id(ready) -> None:
    result = ready(
        "report",
        "K03",
        "VIEC_LAM",
        "12,5",
        "--date",
        "31/03/2026",
        "--json",
        "--note",
        "hội chợ việc làm",
    )
    data = json.loads(result.out)
    assert data["id"] == 1
    assert {k: data[k] for k in ("unit", "indicator", "value", "date", "recorded_by", "note")} == {
        "unit": "K03",
        "indicator": "VIEC_LAM",
        "value": 12.5,
        "date": "2026-03-31",
        "recorded_by": "tester",
        "note": "hội chợ việc làm",
    }
    assert data["recorded_at"].endswith("+00:00")
    assert data["standing"]["state"] == "on_track"


def test_total_records_the_increment(ready, db: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    result = ready("report", "K03", "VIEC_LAM", "40", "--total", "--date", "2026-06-30", "--json")
    data = json.loads(result.out)
    assert (data["value"], data["reported_total"], data["year_to_date"]) == (15, 40, 40)


def test_a_share_as_numerator_and_denominator(ready) -> None:
    result = ready("report", "K01", "BHYT", "3.100/3.200", "--date", "2026-06-30", "--json")
    data = json.loads(result.out)
    assert (data["numerator"], data["denominator"]) == (3100, 3200)
    assert data["value"] == pytest.approx(96.875)
    assert data["standing"]["state"] == "achieved"


def test_the_ward_reports_a_negative_growth_rate(ready) -> None:
    result = ready("report", "phuong", "tang truong", "-1,5", "--date", "2026-06-30", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["value"] == -1.5
    assert data["standing"]["attainment"] == pytest.approx(-0.12)


def test_report_without_date_means_today(ready) -> None:
    today = date.today()
    result = ready("report", "K03", "VIEC_LAM", "1", "--json")
    if today.year == 2026:
        assert json.loads(result.out)["date"] == today.isoformat()
    else:
        assert result.code == 1
        assert "không thuộc năm kế hoạch 2026" in result.err


@pytest.mark.sqlite_only  # on PostgreSQL the login records: test_postgres.py
def test_the_user_comes_from_by_then_thidua_user(ready) -> None:
    plain = json.loads(
        ready("report", "K03", "VIEC_LAM", "1", "--date", "2026-05-01", "--json").out
    )
    assert plain["recorded_by"] == "tester"
    named = ready("report", "K03", "VIEC_LAM", "1", "--date", "2026-05-01", "--json", "--by", "An")
    assert json.loads(named.out)["recorded_by"] == "An"


REFUSALS = [
    (
        ["K99", "VIEC_LAM", "5"],
        "không có đơn vị 'K99'; gần nhất: K19 (Khóm 19), K09 (Khóm 9)",
    ),
    (
        ["truong tieu hoc", "BHYT_HS", "5/5"],
        "đơn vị 'truong tieu hoc' chưa rõ, có thể là: TH_1 (Trường Tiểu học 1 (tên tạm)), "
        "TH_2 (Trường Tiểu học 2 (tên tạm)), TH_3 (Trường Tiểu học 3 (tên tạm)); hãy gõ mã",
    ),
    (
        ["K03", "viec lm", "5"],
        "không có chỉ tiêu 'viec lm'; gần nhất: VIEC_LAM (Giải quyết việc làm)",
    ),
    (
        ["K03", "ty le", "5"],
        # candidates in Vietnamese alphabetical order of their names
        "chỉ tiêu 'ty le' chưa rõ, có thể là: NUOC_SACH (Tỷ lệ dân số sử dụng nước sạch), "
        "GIAO_QUAN (Tỷ lệ hoàn thành chỉ tiêu giao quân), BHYT_HS (Tỷ lệ học sinh tham gia bảo "
        "hiểm y tế), HS_DUNG_HAN (Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn), "
        "KHOM_AN_TOAN (Tỷ lệ khóm đạt tiêu chuẩn an toàn về an ninh, trật tự), BHYT (Tỷ lệ người "
        "dân tham gia bảo hiểm y tế), RAC_THAI (Tỷ lệ thu gom rác thải sinh hoạt), TRUONG_CHUAN "
        "(Tỷ lệ trường đạt chuẩn quốc gia); hãy gõ mã",
    ),
    (["K03", "VIEC_LAM", "năm"], "'năm' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)"),
    (["K03", "VIEC_LAM", "nan"], "'nan' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)"),
    (["K03", "VIEC_LAM", "inf"], "'inf' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)"),
    (
        ["K03", "NUOC_SACH", "101"],
        "NUOC_SACH (Tỷ lệ dân số sử dụng nước sạch) là tỷ lệ: giá trị phải từ 0 đến 100 "
        "(đã nhập 101)",
    ),
    (["K03", "VIEC_LAM", "-3"], "VIEC_LAM (Giải quyết việc làm) không nhận số âm (đã nhập -3)"),
    (
        ["KINH_TE", "THU_NS", "-0,5"],
        "THU_NS (Tổng thu ngân sách nhà nước trên địa bàn) không nhận số âm (đã nhập -0,5)",
    ),
    (
        ["K03", "VIEC_LAM", "5", "--date", "2027-01-01"],
        "ngày 01/01/2027 nằm ngoài năm kế hoạch 2026 (chọn một ngày từ 01/01/2026 đến 31/12/2026)",
    ),
    (
        ["K03", "VIEC_LAM", "5", "--date", "31.03.2026"],
        "ngày '31.03.2026' không hợp lệ (viết YYYY-MM-DD hoặc dd/mm/yyyy)",
    ),
    (
        ["K03", "NUOC_SACH", "95", "--total", "--date", "2026-03-31"],
        "--total chỉ dùng cho chỉ tiêu cộng dồn; NUOC_SACH là chỉ tiêu mức hiện tại",
    ),
    (
        ["CONG_AN", "BHYT", "3/4", "--date", "2026-03-31"],
        "CONG_AN (Công an phường) không ký chỉ tiêu BHYT; "
        "giao ước của đơn vị gồm: KHOM_AN_TOAN, HS_DUNG_HAN",
    ),
    (
        ["K03", "BHYT", "97", "--date", "2026-03-31"],
        "BHYT (Tỷ lệ người dân tham gia bảo hiểm y tế) là tỷ lệ phường tính bằng cách cộng tử "
        "số và mẫu số của các đơn vị: ghi dạng tử số/mẫu số, ví dụ 4850/5000, không ghi 97 (một "
        "tỷ lệ không có mẫu số thì không cộng được); hoặc ghi mẫu số của đơn vị trong kế hoạch "
        "(units.K03.denominators.BHYT) rồi chạy thidua init",
    ),
    (
        ["K03", "VIEC_LAM", "3/4", "--date", "2026-03-31"],
        "VIEC_LAM (Giải quyết việc làm) không phải chỉ tiêu tỷ lệ: nhập một số, "
        "không nhập tử số/mẫu số",
    ),
    (
        ["K03", "VIEC_LAM", "5%", "--date", "2026-03-31"],
        "VIEC_LAM (Giải quyết việc làm) tính bằng lao động, không phải %",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_bad_reports_are_refused_and_write_nothing(ready, db: Path, args, message) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    before = dump(db)
    assert_refused(ready("report", *args), message, db, before)


def test_a_total_below_what_is_recorded_is_refused(ready, db: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    before = dump(db)
    result = ready("report", "K03", "VIEC_LAM", "20", "--total", "--date", "2026-04-30")
    message = "tổng lũy kế 20 nhỏ hơn số đã ghi (25 lao động); số đã ghi không bị sửa bằng --total"
    assert_refused(result, message, db, before)


def test_a_bad_report_on_a_missing_database_records_nothing(thidua, db: Path) -> None:
    result = thidua("report", "K99", "VIEC_LAM", "5")
    assert result.code == 1
    assert result.err.startswith("Lỗi: không có đơn vị 'K99'")
    # the new database keeps its plan (another process may be using it already), no figure
    assert figure_count(db) == 0


def test_status_rolls_up_the_units_as_the_plan_declares(ready) -> None:
    for args in (
        ("K01", "BHYT", "3000/3200"),
        ("K02", "BHYT", "3100/3100"),
        ("K01", "VIEC_LAM", "30"),
        ("VH_XH", "VIEC_LAM", "170"),
        ("K01", "NUOC_SACH", "90"),  # population 3.200
        ("K02", "NUOC_SACH", "100"),  # population 3.100
    ):
        assert ready("report", *args, "--date", "2026-06-30").code == 0
    data = json.loads(ready("status", "--as-of", "2026-06-30", "--json").out)
    rows = {row["code"]: row for row in data["indicators"]}
    assert data["as_of"] == "2026-06-30"
    assert rows["BHYT"]["value"] == pytest.approx(6100 / 6300 * 100)  # 96,83 %
    # 96,83 % meets "≥ 96 %", but 17 khóm have not reported: not achieved yet
    assert rows["BHYT"]["state"] == "on_track"
    assert (rows["BHYT"]["units_reported"], rows["BHYT"]["units_expected"]) == (2, 19)
    assert rows["VIEC_LAM"]["value"] == 200
    assert rows["VIEC_LAM"]["expected"] == pytest.approx(1400 * 181 / 365)  # 694,2 by 30 June
    assert rows["VIEC_LAM"]["attainment"] == pytest.approx(200 / 1400)
    assert rows["VIEC_LAM"]["state"] == "behind"
    assert rows["NUOC_SACH"]["value"] == pytest.approx((3200 * 90 + 3100 * 100) / 6300)
    assert rows["THU_NS"]["value"] is None
    assert rows["THU_NS"]["attainment"] is None
    assert rows["THU_NS"]["state"] == "no_data"


def test_status_as_of_leaves_out_later_figures(ready) -> None:
    ready("report", "K01", "VIEC_LAM", "30", "--date", "2026-02-01")
    ready("report", "K01", "VIEC_LAM", "70", "--date", "2026-08-01")
    march = json.loads(ready("status", "--as-of", "31/03/2026", "--json").out)
    assert next(r for r in march["indicators"] if r["code"] == "VIEC_LAM")["value"] == 30


def test_the_wards_own_figure_stands_over_the_roll_up(ready) -> None:
    ready("report", "K01", "BHYT", "3000/3200", "--date", "2026-06-30")
    ready("report", "PHUONG", "BHYT", "95,5", "--date", "2026-06-30")
    data = json.loads(ready("status", "--as-of", "2026-06-30", "--json").out)
    row = next(r for r in data["indicators"] if r["code"] == "BHYT")
    assert (row["value"], row["source"], row["state"]) == (95.5, "ward", "behind")


def test_status_table_for_people(ready) -> None:
    ready("report", "KINH_TE", "THU_NS", "60", "--date", "2026-06-30")
    out = ready("status", "--as-of", "2026-06-30").out
    assert "Tiến độ đến ngày 30/06/2026" in out
    assert "60 tỷ đồng" in out
    assert "56,1 %" in out  # 60 / 107
    assert "Đúng tiến độ" in out  # 60 ≥ 107 × 181/365 = 53,06


def test_status_refuses_a_date_outside_the_year(ready, db: Path) -> None:
    before = dump(db)
    result = ready("status", "--as-of", "2025-12-31")
    message = (
        "ngày xem (--as-of) 31/12/2025 nằm ngoài năm kế hoạch 2026 "
        "(chọn một ngày từ 01/01/2026 đến 31/12/2026)"
    )
    assert_refused(result, message, db, before)


# ------------------------------------------------------------------------------- rank


def test_rank_json_breaks_ties_as_the_plan_says(ready) -> None:
    for unit in ("K01", "K02", "K03"):
        ready("report", unit, "VIEC_LAM", "50", "--date", "2026-12-31")
        ready("report", unit, "NUOC_SACH", "90", "--date", "2026-12-31")
    ready("report", "K03", "RAC_THAI", "93", "--date", "2026-12-31")
    ready("report", "K05", "VIEC_LAM", "25", "--date", "2026-12-31")
    ready("report", "K05", "NUOC_SACH", "100", "--date", "2026-12-31")
    data = json.loads(ready("rank", "--block", "khoi khom", "--as-of", "2026-12-31", "--json").out)
    rows = {row["unit"]: row for row in data["rows"]}
    assert data["as_of"] == "2026-12-31"
    assert {row["block"] for row in data["rows"]} == {"KHOM"}
    # four indicators of weight 1; K03: (1 + 0,9 + 1) / 4 × 100 = 72,5
    assert (rows["K03"]["rank"], rows["K03"]["score"]) == (1, 72.5)
    # K01 and K02: (1 + 0,9) / 4 × 100 = 47,5, one indicator achieved each; K01 reported first
    assert (rows["K01"]["rank"], rows["K01"]["score"]) == (2, 47.5)
    assert (rows["K02"]["rank"], rows["K02"]["score"]) == (3, 47.5)
    # K05: (0,5 + 1) / 4 × 100 = 37,5
    assert (rows["K05"]["rank"], rows["K05"]["score"]) == (4, 37.5)
    assert rows["K01"]["grade"] == "Không hoàn thành nhiệm vụ"
    assert rows["K03"]["grade"] == "Hoàn thành tốt nhiệm vụ"
    assert (rows["K01"]["reported"], rows["K01"]["expected"]) == (2, 4)
    assert rows["K01"]["missing"] == ["BHYT", "RAC_THAI"]
    # under half the agreement reported (the plan's min_reported = 50 %): not ranked
    assert (rows["K04"]["rank"], rows["K04"]["eligible"]) == (None, False)


def test_equal_scores_share_a_rank_without_tie_breakers(ready, tmp_path: Path) -> None:
    plan = plan_copy(tmp_path, 'tie_breakers = ["achieved", "earliest"]', "tie_breakers = []")
    assert ready("init", str(plan)).code == 0
    for unit, jobs in (("K01", "50"), ("K02", "50"), ("K05", "25")):
        ready("report", unit, "VIEC_LAM", jobs, "--date", "2026-12-31")
        ready("report", unit, "NUOC_SACH", "100", "--date", "2026-12-31")
    data = json.loads(ready("rank", "--block", "KHOM", "--period", "2026", "--json").out)
    ranks = {row["unit"]: row["rank"] for row in data["rows"] if row["rank"] is not None}
    assert ranks == {"K01": 1, "K02": 1, "K05": 3}


def test_rank_table_marks_missing_figures(ready) -> None:
    out = ready("rank", "--as-of", "2026-06-30").out
    assert "Khối lực lượng vũ trang – xếp hạng đến ngày 30/06/2026" in out
    assert "0/2 ⚠ thiếu KHOM_AN_TOAN, HS_DUNG_HAN (tính 0 điểm)" in " ".join(out.split())
    assert "PHUONG" not in out  # the ward is ranked in no block


def test_rank_refuses_an_unknown_block(ready, db: Path) -> None:
    before = dump(db)
    message = "không có khối thi đua 'khoi xyz'; gần nhất: KHOM (Khối khóm)"
    assert_refused(ready("rank", "--block", "khoi xyz"), message, db, before)


# ------------------------------------------------------------------------------- init


def test_init_loads_a_plan_into_a_new_database(thidua, db: Path, tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    result = thidua("init", str(path))
    assert result.code == 0
    assert result.out == f"Đã nạp kế hoạch 2026 từ {path}: 13 chỉ tiêu, 4 khối, 34 đơn vị.\n"
    assert result.err == f"Ghi chú: Đã tạo cơ sở dữ liệu mới {db}\n"


def test_init_again_with_the_same_plan_changes_nothing(ready, tmp_path: Path) -> None:
    path = plan_copy(tmp_path)
    assert ready("init", str(path)).out == f"Kế hoạch 2026 không thay đổi ({path}).\n"


def test_init_saves_a_plan_whose_units_only_changed_order(ready, db: Path, tmp_path: Path) -> None:
    k01 = 'K01 = { name = "Khóm 1", block = "KHOM", targets = { VIEC_LAM = 50 }'
    k01 += ", sizes = { population = 3200, households = 820 } }\n"
    path = plan_copy(tmp_path, k01, "")  # K01 moves to the end of [units]
    path.write_text(path.read_text(encoding="utf-8") + k01, encoding="utf-8")
    result = ready("init", str(path))
    assert result.out == f"Đã cập nhật kế hoạch 2026 từ {path}: đổi thứ tự units.\n"
    last = sql(db, "SELECT code FROM plan_unit ORDER BY position DESC")[0]
    assert last == ("K01",)
    assert ready("init", str(path)).out == f"Kế hoạch 2026 không thay đổi ({path}).\n"


def test_init_resyncs_a_changed_target_and_keeps_figures(ready, db: Path, tmp_path: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    path = plan_copy(
        tmp_path,
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 50 }',
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 60 }',
    )
    result = ready("init", str(path))
    assert result.out == (
        f"Đã cập nhật kế hoạch 2026 từ {path}: units.K03/VIEC_LAM: chỉ tiêu 50 → 60.\n"
    )
    assert figure_count(db) == 1
    units = {row["code"]: row for row in json.loads(ready("units", "--json").out)}
    assert units["K03"]["targets"]["VIEC_LAM"] == 60


def _spoil_a_stored_unit(db: Path, code: str) -> None:
    sql(db, "UPDATE plan_unit SET document = '{\"code\": 1}' WHERE code = ?", code)


@pytest.mark.parametrize("stored_plan", ["readable", "unreadable"])
def test_init_refuses_a_change_that_would_orphan_figures(
    ready, db: Path, tmp_path: Path, stored_plan: str
) -> None:
    """Even replacing a stored plan it cannot read, init keeps every figure's unit and
    indicator."""
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    if stored_plan == "unreadable":
        _spoil_a_stored_unit(db, "K05")
    path = plan_copy(
        tmp_path,
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 50 }',
        'K03 = { name = "Khóm 3", block = "KHOM", indicators = ["BHYT"]',
    )
    before = dump(db)
    message = (
        f"{path}: kế hoạch mới bỏ chỉ tiêu VIEC_LAM của K03 nhưng đã có 1 số liệu báo cáo; "
        "giữ lại trong kế hoạch để không mất số liệu"
    )
    assert_refused(ready("init", str(path)), message, db, before)


def test_init_replaces_a_stored_plan_this_version_cannot_read(
    ready, db: Path, tmp_path: Path
) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    _spoil_a_stored_unit(db, "K05")
    unreadable = (
        "kế hoạch năm 2026 lưu trong cơ sở dữ liệu không đọc được (do phiên bản thidua khác "
        f"ghi?); nạp lại bằng: thidua init {shipped_plan_path()}"
    )
    before = dump(db)
    assert_refused(ready("rank"), unreadable, db, before)
    assert ready("report", "K03", "VIEC_LAM", "1").code == 0  # K03 itself still reads
    path = plan_copy(tmp_path)
    result = ready("init", str(path))
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"Đã thay kế hoạch 2026 lưu trong cơ sở dữ liệu (không đọc được) bằng {path}; "
        "không so được thay đổi với kế hoạch cũ.\n"
    )
    assert ready("rank").code == 0 and figure_count(db) == 2


@pytest.mark.process
def test_report_loads_neither_rich_tables_nor_the_plan_file_reader(ready, db: Path) -> None:
    """What keeps ``thidua report`` quick to start (bench/run.py measures how quick)."""
    probe = (
        "import sys\n"
        "from thiduaCLI.cli.launcher import main\n"
        "sys.argv = ['thidua', 'report', 'K03', 'VIEC_LAM', '2', '--date', '2026-03-31']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('rich.console', 'thiduaCLI.domain.plan_file', 'thiduaCLI.cli.quicktable',"
        " 'thiduaCLI.domain.scoring', 'thiduaCLI.domain.resync',"
        " 'thiduaCLI.files.tabular', 'openpyxl')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    env = {**os.environ, "THIDUA_DB": str(db), "THIDUA_USER": "tester"}
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert ran.stdout.splitlines()[-1] == "[]", ran.stderr
    assert figure_count(db) == 1  # and it did record the figure


def test_init_refuses_an_invalid_plan_naming_file_entry_and_field(thidua, db, tmp_path) -> None:
    path = plan_copy(tmp_path, "target = 96", "target = 196")
    result = thidua("init", str(path))
    assert result.code == 1
    assert result.err == (
        f"Lỗi: {path}: indicators.BHYT.target: chỉ tiêu tỷ lệ phải từ 0 đến 100 (đang là 196)\n"
    )
    assert never_created(db)


def test_init_names_a_missing_plan_file(thidua, tmp_path: Path) -> None:
    result = thidua("init", "khong-co.toml")
    assert (result.code, result.err) == (1, "Lỗi: khong-co.toml: không tìm thấy tệp kế hoạch\n")


# ------------------------------------------------------------------------- bad files


@pytest.mark.sqlite_only
def test_a_corrupt_database_is_one_clear_line(thidua, db: Path) -> None:
    db.write_bytes(b"SQLite format 3\x00" + b"\x00\xff" * 600)
    before = db.read_bytes()
    for command in ("status", "rank", "units", "indicators"):
        result = thidua(command)
        assert result.code == 1
        assert result.err.startswith(f"Lỗi: {db}: tệp cơ sở dữ liệu bị hỏng hoặc không phải SQLite")
        assert result.err.count("\n") == 1
        assert "Traceback" not in result.err
    assert thidua("report", "K03", "VIEC_LAM", "5", "--date", "2026-03-31").code == 1
    assert db.read_bytes() == before


@pytest.mark.sqlite_only
def test_a_text_file_as_database(thidua, db: Path) -> None:
    db.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    result = thidua("status")
    assert (result.code, result.err) == (
        1,
        f"Lỗi: {db}: tệp không phải cơ sở dữ liệu SQLite (hỏng hoặc nhầm tệp?)\n",
    )


def test_db_option_overrides_the_environment(thidua, tmp_path: Path) -> None:
    other = tmp_path / "khac.sqlite3"
    assert thidua("--db", str(other), "units", "--json").code == 0
    assert other.exists()


# ----------------------------------------------------------------------- review meetings


def _report_all(thidua, *rows: tuple[str, ...]) -> None:
    for row in rows:
        result = thidua("report", *row)
        assert result.code == 0, result.err


def test_rank_shows_movement_since_the_previous_quarter(ready) -> None:
    _report_all(
        ready,
        ("K01", "VIEC_LAM", "20", "--date", "2026-03-31"),
        ("K01", "NUOC_SACH", "90", "--date", "2026-03-31"),
        ("K02", "VIEC_LAM", "5", "--date", "2026-03-31"),
        ("K02", "NUOC_SACH", "100", "--date", "2026-03-31"),
        ("K02", "VIEC_LAM", "45", "--date", "2026-06-30"),
    )
    q1 = json.loads(ready("rank", "--block", "KHOM", "--period", "2026-Q1", "--json").out)
    q2 = json.loads(ready("rank", "--block", "KHOM", "--period", "2026-Q2", "--json").out)
    first = {row["unit"]: row for row in q1["rows"]}
    second = {row["unit"]: row for row in q2["rows"]}
    assert (q2["period"], q2["as_of"], q2["previous_as_of"]) == (
        "2026-Q2",
        "2026-06-30",
        "2026-03-31",
    )
    assert (first["K01"]["rank"], first["K02"]["rank"]) == (1, 2)
    assert first["K01"]["movement"] == "new"  # 2025-Q4 has no plan in this database
    # by 30 June K02 has 50 jobs (100 % of 49,59 expected, capped) and clean water 100 %
    assert (second["K02"]["rank"], second["K02"]["movement"], second["K02"]["move"]) == (1, "↑1", 1)
    assert (second["K01"]["rank"], second["K01"]["movement"]) == (2, "↓1")
    assert second["K02"]["previous_score"] == first["K02"]["score"]
    table = ready("rank", "--block", "KHOM", "--period", "2026-Q2").out
    assert "↑1" in table and "↓1" in table
    assert "Thay đổi: so với lần xếp hạng đến 31/03/2026." in table


def _is_late(day: str, recorded_at: str) -> bool:
    """Hand rule of the shipped plan: due 10 days after the month ends, Vietnam time."""
    from datetime import date as day_type
    from datetime import datetime, timedelta

    ref = day_type.fromisoformat(day)
    month_end = (ref.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    local = datetime.fromisoformat(recorded_at) + timedelta(hours=7)
    return local.date() > month_end + timedelta(days=10)


def test_every_score_can_be_recomputed_from_its_parts(ready, tmp_path: Path) -> None:
    plan = plan_copy(tmp_path, "per_indicator = 0", "per_indicator = 1.5\nmax = 2")
    text = plan.read_text(encoding="utf-8").replace("late = 0", "late = 2")
    plan.write_text(text.replace("cap = 100 ", "cap = 120 "), encoding="utf-8")
    assert ready("init", str(plan)).code == 0
    _report_all(
        ready,
        ("K01", "VIEC_LAM", "70", "--date", "2026-12-31"),
        ("K01", "BHYT", "3100/3200", "--date", "2026-12-31"),
        ("K01", "NUOC_SACH", "80", "--date", "2026-01-15"),  # recorded after 10/02: late
        ("K02", "VIEC_LAM", "30", "--date", "2026-12-31"),
        ("K02", "BHYT", "2900/3100", "--date", "2026-12-31"),
    )
    # JSON numbers are decimals exact to nine places: read them as such
    data = json.loads(ready("rank", "--period", "2026", "--json").out, parse_float=Decimal)
    rules = data["scoring"]
    assert (rules["cap"], rules["bonus_max"], rules["deduction_late"]) == (120, 2, 2)
    nine_places = Decimal("1e-9")
    for row in data["rows"]:
        total_weight = sum(part["weight"] for part in row["parts"])
        for part in row["parts"]:
            capped = min(Decimal(rules["cap"]) / 100, max(Decimal(0), part["progress"] or 0))
            assert part["capped"] == capped
            points = 100 * capped * part["weight"] / total_weight
            assert abs(part["points"] - points) <= 100 * nine_places
        bonus = sum(part["bonus"] for part in row["parts"])
        deduction = sum(part["deduction"] for part in row["parts"])
        if rules["bonus_max"] is not None:
            bonus = min(bonus, rules["bonus_max"])
        if rules["deduction_max"] is not None:
            deduction = min(deduction, rules["deduction_max"])
        assert (row["bonus"], row["deduction"]) == (bonus, deduction)
        points = sum(part["points"] for part in row["parts"])
        exact = max(Decimal(0), points + bonus - deduction)
        assert row["score"] == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    k01 = next(row for row in data["rows"] if row["unit"] == "K01")
    parts = {part["indicator"]: part for part in k01["parts"]}
    recorded = {(e["indicator"]): e for e in json.loads(ready("history", "K01", "--json").out)}
    late = [code for code, e in recorded.items() if _is_late(e["date"], e["recorded_at"])]
    assert "NUOC_SACH" in late
    assert sorted(code for code, part in parts.items() if part["late"]) == sorted(late)
    # VIEC_LAM 70/50 = 1,4 -> capped 1,2, and a bonus; BHYT 96,875/96 -> 1,009, and a bonus:
    # 2 × 1,5 = 3, held to the plan's max of 2. NUOC_SACH 80 %; RAC_THAI missing.
    assert parts["VIEC_LAM"]["capped"] == Decimal("1.2")
    assert parts["RAC_THAI"]["missing"] is True
    assert k01["bonus"] == 2
    assert k01["deduction"] == 2 * len(late)
    expected = (1.2 + 3100 / 3200 * 100 / 96 + 0.8 + 0) / 4 * 100 + 2 - 2 * len(late)
    assert float(k01["score"]) == round(expected, 2)


def test_show_explains_a_units_score(ready, db) -> None:
    (lan, _), (minh, shown) = person(db, "Lan"), person(db, "Minh")
    _report_all(
        ready,
        ("K03", "VIEC_LAM", "30", "--date", "2026-06-30", *lan),
        ("K03", "BHYT", "3300/3400", "--date", "2026-06-30", *lan),
        ("K03", "NUOC_SACH", "95", "--date", "2026-06-30", *minh),
    )
    data = json.loads(ready("show", "khom 3", "--period", "2026-H1", "--json").out)
    expected_jobs = 50 * 181 / 365  # 24,79 by 30 June: 30 jobs is over, capped at 100 %
    insured = 3300 / 3400 * 100 / 96  # 1,011 -> capped 1
    assert data["unit"] == "K03"
    assert data["score"] == round((1 + 1 + 0.95 + 0) / 4 * 100, 2)  # 73,75
    assert data["grade"] == "Hoàn thành tốt nhiệm vụ"
    assert data["rank"] == 1
    parts = {part["indicator"]: part for part in data["parts"]}
    assert parts["VIEC_LAM"]["expected"] == pytest.approx(expected_jobs)
    assert parts["VIEC_LAM"]["basis"] == "prorated"
    assert parts["BHYT"]["progress"] == pytest.approx(insured)
    assert (parts["NUOC_SACH"]["last_date"], parts["NUOC_SACH"]["last_by"]) == (
        "2026-06-30",
        shown,
    )
    assert parts["RAC_THAI"]["missing"] is True
    assert data["arithmetic"] == (
        "(1 × 100 % + 1 × 100 % + 1 × 95 % + 1 × 0 %) / 4 × 100 = 73,75 → 73,75 điểm: "
        "Hoàn thành tốt nhiệm vụ"
    )
    step = data["next_grade"]
    assert (step["grade"], step["gap"]) == ("Hoàn thành xuất sắc nhiệm vụ", 16.25)
    # 16,25 points over 4 indicators of weight 1 is 65 % of one indicator: only RAC_THAI,
    # now 0 %, can give it alone: 65 % of its 93 % target = 60,45 %
    assert [path["indicator"] for path in step["paths"]] == ["RAC_THAI"]
    assert step["paths"][0]["value_needed"] == pytest.approx(0.65 * 93)
    table = ready("show", "K03", "--period", "2026-H1").out
    assert "Khóm 3 (K03) – bảng điểm 6 tháng đầu năm 2026 (đến 30/06/2026)" in table
    assert "Điểm = (1 × 100 % + 1 × 100 % + 1 × 95 % + 1 × 0 %) / 4 × 100 = 73,75" in table
    assert f"30/06/2026, {shown}" in table
    assert "chưa báo cáo (tính 0)" in table
    assert "RAC_THAI: đạt 60,45 %" in table


def test_show_refuses_the_ward_and_unknown_units(ready, db: Path) -> None:
    before = dump(db)
    assert_refused(
        ready("show", "PHUONG"),
        "PHUONG (UBND phường Mỹ Thới) là phường, không chấm điểm; xem thidua status",
        db,
        before,
    )
    result = ready("show", "zzz")
    assert_refused(result, "không có đơn vị 'zzz'", db, before)


def test_shortlist_names_the_rule_and_the_reason(ready) -> None:
    rows = []
    for unit in ("K01", "K02"):
        rows += [
            (unit, "VIEC_LAM", "50", "--date", "2026-12-31"),
            (unit, "BHYT", "31/32", "--date", "2026-12-31"),
            (unit, "NUOC_SACH", "100", "--date", "2026-12-31"),
        ]
    rows.append(("K01", "RAC_THAI", "93", "--date", "2026-12-31"))
    _report_all(ready, *rows)
    data = json.loads(ready("rank", "--shortlist", "--period", "2026", "--json").out)
    proposals = [(p["unit"], p["commendation"], p["rank"]) for p in data["proposals"]]
    # K01: 100 points, complete, top of its block; K02: 75 points (RAC_THAI missing)
    assert proposals == [
        ("K01", "Đề nghị Chủ tịch UBND phường tặng Giấy khen", 1),
        ("K01", "Tập thể lao động tiên tiến", 1),
        ("K02", "Tập thể lao động tiên tiến", 2),
    ]
    # the plan's names as written ("Khối khóm", "Hoàn thành …"), never lower-cased
    assert data["proposals"][0]["reason"] == (
        "hạng 1/2 Khối khóm, 100,00 điểm, Hoàn thành xuất sắc nhiệm vụ "  # a score: 2 places
        "(điều kiện: từ Hoàn thành xuất sắc nhiệm vụ, hạng ≤ 1, đủ số liệu mọi chỉ tiêu)"
    )
    assert "Xếp hạng: hạng 1 trong Khối khóm." in ready("show", "K01", "--period", "2026").out
    table = ready("rank", "--shortlist", "--period", "2026").out
    assert "Danh sách đề nghị khen thưởng năm 2026 (đến 31/12/2026)" in table
    assert "Tập thể lao động tiên tiến" in table


def test_status_for_a_period_says_its_basis(ready) -> None:
    ready("report", "KINH_TE", "THU_NS", "60", "--date", "2026-06-30")
    data = json.loads(ready("status", "--period", "2026-H1", "--json").out)
    assert (data["period"], data["as_of"]) == ("2026-H1", "2026-06-30")
    revenue = next(row for row in data["indicators"] if row["code"] == "THU_NS")
    assert revenue["basis"] == "prorated"
    assert revenue["expected"] == pytest.approx(107 * 181 / 365)
    assert revenue["progress"] == pytest.approx(60 / (107 * 181 / 365))
    growth = next(row for row in data["indicators"] if row["code"] == "TANG_TRUONG")
    assert growth["basis"] == "target"
    assert (
        "Tiến độ 6 tháng đầu năm 2026 (đến 30/06/2026)"
        in ready("status", "--period", "2026-H1").out
    )


def test_period_and_as_of_together_is_a_usage_error(ready) -> None:
    for command in ("status", "rank"):
        result = ready(command, "--period", "2026-H1", "--as-of", "2026-06-30")
        assert result.code == 2
        assert "chỉ dùng một trong --as-of và --period" in result.err


@pytest.mark.parametrize("command", ["status", "rank", "show K01"])
def test_bad_periods_are_refused(ready, db: Path, command: str) -> None:
    before = dump(db)
    result = ready(*command.split(), "--period", "2026-Q5")
    message = (
        "kỳ '2026-Q5' không hợp lệ (viết 2026-03 cho tháng, 2026-Q2 cho quý, "
        "2026-H1 cho 6 tháng, 2026 cho cả năm)"
    )
    assert_refused(result, message, db, before)


def test_a_period_of_a_year_without_a_plan(ready, db: Path) -> None:
    before = dump(db)
    message = "chưa có kế hoạch năm 2025 (đã có: 2026); chạy thidua init"
    assert_refused(ready("rank", "--period", "2025-Q4"), message, db, before)


# ------------------------------------------------------------------ found in review


def test_absurdly_large_values_are_refused(ready, db: Path) -> None:
    before = dump(db)
    result = ready("report", "K03", "VIEC_LAM", "1" + "0" * 27, "--date", "2026-05-01")
    message = f"'1{'0' * 27}' quá lớn (giá trị phải nhỏ hơn 1.000.000.000.000.000)"
    assert_refused(result, message, db, before)


def test_a_dotted_percentage_is_refused_as_ambiguous(ready, db: Path) -> None:
    before = dump(db)
    result = ready("report", "PHUONG", "TANG_TRUONG", "12.500", "--date", "2026-05-01")
    message = (
        "TANG_TRUONG (Tốc độ tăng trưởng kinh tế) tính bằng %: '12.500' có thể là nhầm dấu chấm "
        "thập phân; viết phần thập phân bằng dấu phẩy, ví dụ 12,5"
    )
    assert_refused(result, message, db, before)
    assert ready("report", "PHUONG", "TANG_TRUONG", "12.5", "--date", "2026-05-01").code == 0


def test_minus_zero_is_zero(ready) -> None:
    result = ready("report", "K03", "VIEC_LAM", "-0", "--date", "2026-05-01", "--json")
    assert json.loads(result.out)["value"] == 0


def test_a_symbol_is_not_a_unit(ready, db: Path) -> None:
    before = dump(db)
    result = ready("report", "💥", "VIEC_LAM", "1", "--date", "2026-05-01")
    assert_refused(result, "không có đơn vị '💥' (gõ mã hoặc tên)", db, before)


def test_init_refuses_to_change_what_reported_figures_mean(ready, db: Path, tmp_path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    path = plan_copy(
        tmp_path,
        'tolerance = 5      # "khoảng": đạt từ 1.330 lao động trở lên [TẠM: mức dung sai]\n'
        'kind = "cumulative"',
        'tolerance = 5\nkind = "level"',
    )
    before = dump(db)
    message = (
        f"{path}: indicators.VIEC_LAM: không đổi kind khi chỉ tiêu đã có số liệu báo cáo "
        "(số liệu cũ sẽ bị hiểu sai); hãy tạo chỉ tiêu mới"
    )
    assert_refused(ready("init", str(path)), message, db, before)


def test_init_lists_every_kind_of_change(ready, tmp_path: Path) -> None:
    path = plan_copy(
        tmp_path,
        'title = "Phong trào thi đua năm 2026 – phường Mỹ Thới"',
        'title = "Kế hoạch sửa đổi"',
    )
    text = path.read_text(encoding="utf-8").replace(
        'K01 = { name = "Khóm 1"', 'K01 = { name = "Khóm Một"'
    )
    path.write_text(text, encoding="utf-8")
    assert ready("init", str(path)).out == (
        f"Đã cập nhật kế hoạch 2026 từ {path}: đổi title; units.K01: đổi name.\n"
    )


def test_usage_errors_are_one_line(thidua) -> None:
    result = thidua("status", "--bogus")
    assert (result.code, result.err) == (
        2,
        "Lỗi: không có tùy chọn --bogus (xem: thidua status --help)\n",
    )
    result = thidua("--year", "3000", "status")
    assert result.code == 2
    assert result.err.count("\n") == 1


def test_thidua_alone_shows_the_help(thidua) -> None:
    result = thidua()
    assert result.code == 0
    assert "report" in result.out
    assert result.err == ""


def test_a_folder_as_database_is_a_data_error(thidua, tmp_path: Path) -> None:
    result = thidua("--db", str(tmp_path), "status")
    assert (result.code, result.err) == (
        1,
        f"Lỗi: {tmp_path}: là một thư mục, không phải tệp cơ sở dữ liệu\n",
    )


@pytest.mark.sqlite_only
def test_an_empty_file_becomes_a_database(thidua, db: Path) -> None:
    db.write_bytes(b"")
    assert thidua("report", "K99", "VIEC_LAM", "1").code == 1
    assert figure_count(db) == 0
    assert thidua("units", "--json").code == 0


def test_movement_reaches_back_into_last_years_plan(ready, tmp_path: Path) -> None:
    last_year = plan_copy(tmp_path, "year = 2026", "year = 2025")
    assert ready("init", str(last_year)).code == 0
    for unit, jobs in (("K02", "50"), ("K01", "10")):
        for args in ((unit, "VIEC_LAM", jobs), (unit, "NUOC_SACH", "100")):
            assert ready("--year", "2025", "report", *args, "--date", "2025-12-31").code == 0
    for args in (("K01", "VIEC_LAM", "1"), ("K01", "NUOC_SACH", "100")):
        assert ready("report", *args, "--date", "2026-06-30").code == 0
    data = json.loads(ready("rank", "--period", "2026-H1", "--block", "KHOM", "--json").out)
    rows = {row["unit"]: row for row in data["rows"]}
    assert (data["previous_as_of"], data["previous_ranked"]) == ("2025-12-31", True)
    # 2025-H2: K02 first (50 of 50 jobs), K01 second; 2026-H1: only K01 has reported
    assert (rows["K01"]["previous_rank"], rows["K01"]["rank"], rows["K01"]["movement"]) == (
        2,
        1,
        "↑1",
    )
    assert rows["K02"]["previous_rank"] == 1


@pytest.mark.process
def test_the_program_leaves_with_the_exit_code_and_all_its_output(ready, db: Path) -> None:
    """``python -m thiduaCLI`` runs launcher.entry, which flushes and leaves without the
    interpreter's teardown: every line of a long answer arrives, and the code is kept."""
    env = {**os.environ, "THIDUA_DB": str(db)}
    for args, code in ((["units", "--json"], 0), (["rank", "--block", "KHONG_CO"], 1), (["x"], 2)):
        ran = subprocess.run(
            [sys.executable, "-m", "thiduaCLI", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert ran.returncode == code, ran.stderr
        if code == 0:
            assert len(json.loads(ran.stdout)) > 20  # the whole document, parsed
        else:
            assert ran.stderr.startswith("Lỗi: ") and ran.stderr.count("\n") == 1


def test_an_exit_with_a_message_is_code_1_and_the_message(capsys) -> None:
    from thiduaCLI.cli.launcher import _exit_code

    assert (_exit_code(None), _exit_code(0), _exit_code(3)) == (0, 0, 3)
    assert _exit_code("dừng") == 1
    assert capsys.readouterr().err == "dừng\n"
