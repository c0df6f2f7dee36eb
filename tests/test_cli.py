"""The real ``thidua`` command on a real temporary database, driven as a user drives it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from helpers import dump, figure_count
from thiduaCLI import __version__
from thiduaCLI.plan import shipped_plan_path

COMMANDS = ("init", "report", "status", "rank", "indicators", "units")


def assert_refused(result, message: str, db: Path, before: list[str]) -> None:
    """Exit 1, exactly one line on stderr, nothing on stdout, and the database unchanged."""
    assert result.code == 1, result.err
    assert result.err == f"Lỗi: {message}\n"
    assert result.out == ""
    assert dump(db) == before


# -------------------------------------------------------------------- terminal manners


def test_version(thidua) -> None:
    result = thidua("--version")
    assert (result.code, result.out) == (0, f"thidua {__version__}\n")


def test_help_lists_every_command(thidua) -> None:
    result = thidua("--help")
    assert result.code == 0
    for command in COMMANDS:
        assert command in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_an_example(thidua, command: str) -> None:
    result = thidua(command, "--help")
    assert result.code == 0
    assert "Ví dụ: thidua " + command in " ".join(result.out.split())


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
    assert "Missing argument" in result.err
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
    assert "VIEC_LAM (400)" in units  # Phòng Văn hóa – Xã hội's own target


# ----------------------------------------------------------------------------- report


def test_report_by_name_without_diacritics(ready, db: Path) -> None:
    result = ready("report", "khom 3", "viec lam", "25", "--date", "2026-03-31", "--by", "Lan")
    assert result.code == 0, result.err
    assert result.out == (
        "Đã ghi #1: Khóm 3 – Giải quyết việc làm: 25 lao động, ngày 31/03/2026, người nhập Lan."
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
        "chỉ tiêu 'ty le' chưa rõ, có thể là: BHYT (Tỷ lệ người dân tham gia bảo hiểm y tế), "
        "TRUONG_CHUAN (Tỷ lệ trường đạt chuẩn quốc gia), NUOC_SACH (Tỷ lệ dân số sử dụng nước "
        "sạch), RAC_THAI (Tỷ lệ thu gom rác thải sinh hoạt), HS_DUNG_HAN (Tỷ lệ hồ sơ thủ tục "
        "hành chính giải quyết đúng hạn), KHOM_AN_TOAN (Tỷ lệ khóm đạt tiêu chuẩn an toàn về an "
        "ninh, trật tự), GIAO_QUAN (Tỷ lệ hoàn thành chỉ tiêu giao quân), BHYT_HS (Tỷ lệ học "
        "sinh tham gia bảo hiểm y tế); hãy gõ mã",
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
        "giao ước của đơn vị gồm: KHOM_AN_TOAN, GIAO_QUAN",
    ),
    (
        ["K03", "BHYT", "97", "--date", "2026-03-31"],
        "BHYT (Tỷ lệ người dân tham gia bảo hiểm y tế) được cộng tử số và mẫu số từ các đơn vị: "
        "nhập dạng tử số/mẫu số, ví dụ 4850/5000",
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


def test_a_bad_report_on_a_missing_database_leaves_no_file(thidua, db: Path) -> None:
    result = thidua("report", "K99", "VIEC_LAM", "5")
    assert result.code == 1
    assert result.err.startswith("Lỗi: không có đơn vị 'K99'")
    assert not db.exists()


# ----------------------------------------------------------------------------- status


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
    assert rows["BHYT"]["state"] == "achieved"
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


def test_rank_json_with_ties_and_missing_figures(ready) -> None:
    for unit in ("K01", "K02"):
        ready("report", unit, "VIEC_LAM", "50", "--date", "2026-12-31")
    ready("report", "K05", "VIEC_LAM", "25", "--date", "2026-12-31")
    data = json.loads(ready("rank", "--block", "khoi khom", "--as-of", "2026-12-31", "--json").out)
    rows = {row["unit"]: row for row in data["rows"]}
    assert data["as_of"] == "2026-12-31"
    assert {row["block"] for row in data["rows"]} == {"KHOM"}
    # four indicators of weight 1: VIEC_LAM 50/50 -> 100 % of a quarter of the score
    assert (rows["K01"]["rank"], rows["K01"]["score"]) == (1, 25.0)
    assert (rows["K02"]["rank"], rows["K02"]["score"]) == (1, 25.0)
    assert (rows["K05"]["rank"], rows["K05"]["score"]) == (3, 12.5)
    assert rows["K04"]["rank"] == 4
    assert rows["K01"]["grade"] == "Không hoàn thành nhiệm vụ"
    assert (rows["K01"]["reported"], rows["K01"]["expected"]) == (1, 4)
    assert rows["K01"]["missing"] == ["BHYT", "NUOC_SACH", "RAC_THAI"]


def test_rank_table_marks_missing_figures(ready) -> None:
    out = ready("rank", "--as-of", "2026-06-30").out
    assert "Khối lực lượng vũ trang – xếp hạng đến ngày 30/06/2026" in out
    assert "0/2 ⚠ thiếu KHOM_AN_TOAN, GIAO_QUAN (tính 0 điểm)" in out
    assert "PHUONG" not in out  # the ward is ranked in no block


def test_rank_refuses_an_unknown_block(ready, db: Path) -> None:
    before = dump(db)
    message = "không có khối thi đua 'khoi xyz'; gần nhất: KHOM (Khối khóm)"
    assert_refused(ready("rank", "--block", "khoi xyz"), message, db, before)


# ------------------------------------------------------------------------------- init


def _plan_copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    text = shipped_plan_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "kehoach.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_init_loads_a_plan_into_a_new_database(thidua, db: Path, tmp_path: Path) -> None:
    path = _plan_copy(tmp_path)
    result = thidua("init", str(path))
    assert result.code == 0
    assert result.out == f"Đã nạp kế hoạch 2026 từ {path}: 13 chỉ tiêu, 4 khối, 34 đơn vị.\n"
    assert result.err == f"Ghi chú: Đã tạo cơ sở dữ liệu mới {db}\n"


def test_init_again_with_the_same_plan_changes_nothing(ready, tmp_path: Path) -> None:
    path = _plan_copy(tmp_path)
    assert ready("init", str(path)).out == f"Kế hoạch 2026 không thay đổi ({path}).\n"


def test_init_resyncs_a_changed_target_and_keeps_figures(ready, db: Path, tmp_path: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    path = _plan_copy(
        tmp_path,
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 50 }',
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 60 }',
    )
    result = ready("init", str(path))
    assert result.out == f"Đã cập nhật kế hoạch 2026 từ {path}: K03/VIEC_LAM: chỉ tiêu 50 → 60.\n"
    assert figure_count(db) == 1
    units = {row["code"]: row for row in json.loads(ready("units", "--json").out)}
    assert units["K03"]["targets"]["VIEC_LAM"] == 60


def test_init_refuses_a_change_that_would_orphan_figures(ready, db: Path, tmp_path: Path) -> None:
    ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31")
    path = _plan_copy(
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


def test_init_refuses_an_invalid_plan_naming_file_entry_and_field(thidua, db, tmp_path) -> None:
    path = _plan_copy(tmp_path, "target = 96", "target = 196")
    result = thidua("init", str(path))
    assert result.code == 1
    assert result.err == (
        f"Lỗi: {path}: indicators.BHYT.target: chỉ tiêu tỷ lệ phải từ 0 đến 100 (đang là 196)\n"
    )
    assert not db.exists()


def test_init_names_a_missing_plan_file(thidua, tmp_path: Path) -> None:
    result = thidua("init", "khong-co.toml")
    assert (result.code, result.err) == (1, "Lỗi: khong-co.toml: không tìm thấy tệp kế hoạch\n")


# ------------------------------------------------------------------------- bad files


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
