"""The plan file: the shipped plan says what the ward announced, and bad plans are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w

from helpers import SMALL_PLAN
from thiduaCLI.domain.plan_file import load_plan, parse_plan, shipped_plan_path
from thiduaCLI.errors import PlanError

ANNOUNCED = {
    # code: (name, measure, target, comparator, kind)
    "THU_NS": ("Tổng thu ngân sách nhà nước trên địa bàn", "tỷ đồng", 107, ">", "cumulative"),
    "TANG_TRUONG": ("Tốc độ tăng trưởng kinh tế", "%", 12.5, ">=", "level"),
    "THU_NHAP": ("Thu nhập bình quân đầu người", "triệu đồng/người/năm", 89, ">", "level"),
    "BHYT": ("Tỷ lệ người dân tham gia bảo hiểm y tế", "%", 96, ">=", "level"),
    "VIEC_LAM": ("Giải quyết việc làm", "lao động", 1400, "~", "cumulative"),
    "TRUONG_CHUAN": ("Tỷ lệ trường đạt chuẩn quốc gia", "%", 89, "~", "level"),
    "NUOC_SACH": ("Tỷ lệ dân số sử dụng nước sạch", "%", 100, ">=", "level"),
    "RAC_THAI": ("Tỷ lệ thu gom rác thải sinh hoạt", "%", 93, ">=", "level"),
    "HAI_LONG": (
        "Mức độ hài lòng của người dân với sự phục vụ của chính quyền",
        "%",
        93,
        ">",
        "level",
    ),
}


def test_the_shipped_plan_carries_the_nine_announced_targets() -> None:
    plan = load_plan(shipped_plan_path())
    assert plan.year == 2026
    for code, expected in ANNOUNCED.items():
        indicator = plan.indicators[code]
        found = (
            indicator.name,
            indicator.measure,
            indicator.target,
            indicator.comparator,
            indicator.kind,
        )
        assert found == expected


def test_the_shipped_plan_has_every_signatory() -> None:
    plan = load_plan(shipped_plan_path())
    names = {unit.name for unit in plan.units.values()}
    for required in (
        "Văn phòng HĐND và UBND",
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        "Phòng Văn hóa – Xã hội",
        "Trung tâm Phục vụ hành chính công",
        "Công an phường",
        "Ban Chỉ huy Quân sự phường",
    ):
        assert required in names
    assert len([u for u in plan.units.values() if u.block == "KHOM"]) == 19
    assert len(plan.members("TRUONG")) >= 1
    assert plan.ward.block is None
    assert set(plan.ward.agreement) == set(plan.indicators)


def test_the_shipped_plan_says_which_facts_are_placeholders() -> None:
    head = shipped_plan_path().read_text(encoding="utf-8").splitlines()[:15]
    assert any("GIÁ TRỊ TẠM (PLACEHOLDER)" in line for line in head)


def test_a_unit_inherits_its_block_agreement_and_keeps_its_own_targets(small_plan) -> None:
    assert small_plan.units["A1"].agreement == {"BH": 90, "VL": 100}
    assert small_plan.units["B1"].agreement == {"NS": 100}
    assert small_plan.units["B2"].sizes == {"population": 3000}


def _broken(old: str, new: str) -> str:
    assert old in SMALL_PLAN, old
    return SMALL_PLAN.replace(old, new, 1)


def _refusal(text: str) -> str:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "kehoach.toml")
    return str(caught.value)


def test_bad_toml_names_the_line() -> None:
    text = _broken('name = "Thu ngân sách"', 'name = "Thu ngân sách')
    assert _refusal(text) == (
        "kehoach.toml: dòng 13, cột 22: TOML không hợp lệ (Illegal character '\\n')"
    )


def test_a_code_declared_twice_is_refused() -> None:
    text = SMALL_PLAN + '\n[indicators.THU]\nname = "x"\n'
    message = _refusal(text)
    assert message.startswith("kehoach.toml: dòng ")
    assert "một mã hoặc một khóa được khai báo hai lần" in message


def test_codes_differing_only_in_case_are_duplicates() -> None:
    text = _broken("B2 = {", "a1 = {")
    assert _refusal(text) == "kehoach.toml: units.a1: mã trùng với 'A1'"


def test_the_ward_code_cannot_be_reused_by_a_unit() -> None:
    text = _broken("B2 = {", "PHUONG = {")
    assert _refusal(text) == "kehoach.toml: units.PHUONG: mã trùng với 'PHUONG'"


def test_a_unit_naming_an_unknown_indicator_is_refused() -> None:
    text = _broken("targets = { VL = 100 } }\nA2", 'indicators = ["BH", "XX"] }\nA2')
    assert _refusal(text) == (
        "kehoach.toml: units.A1.indicators: chỉ tiêu 'XX' không có trong [indicators]"
    )


def test_a_block_naming_an_unknown_indicator_is_refused() -> None:
    text = _broken('indicators = ["NS"]', 'indicators = ["NSX"]')
    assert _refusal(text) == (
        "kehoach.toml: blocks.B.indicators: chỉ tiêu 'NSX' không có trong [indicators]"
    )


def test_a_unit_in_an_unknown_block_is_refused() -> None:
    text = _broken('block = "B", sizes = { population = 1000 }', 'block = "C"')
    assert _refusal(text) == "kehoach.toml: units.B1.block: khối 'C' không có trong [blocks] (A, B)"


def test_a_missing_target_is_refused() -> None:
    text = _broken('target = 100\ncomparator = ">"', 'comparator = ">"')
    assert _refusal(text) == "kehoach.toml: indicators.THU: target: thiếu trường bắt buộc"


def test_a_negative_target_is_refused() -> None:
    text = _broken('target = 100\ncomparator = ">"', 'target = -100\ncomparator = ">"')
    assert _refusal(text) == (
        "kehoach.toml: indicators.THU: target: phải lớn hơn hoặc bằng 0 (đang là -100)"
    )


def test_a_negative_unit_target_is_refused() -> None:
    text = _broken("targets = { VL = 100 } }\nA2", "targets = { VL = -1 } }\nA2")
    assert _refusal(text) == (
        "kehoach.toml: units.A1.targets.VL: phải lớn hơn hoặc bằng 0 (đang là -1)"
    )


def test_an_unknown_comparator_is_refused() -> None:
    text = _broken('comparator = ">"', 'comparator = "=>"')
    assert _refusal(text) == (
        'kehoach.toml: indicators.THU: comparator: phải là một trong ">", ">=", "~", "<=", "<"'
        " (đang là =>)"
    )


def test_an_unknown_kind_is_refused() -> None:
    text = _broken('kind = "cumulative"', 'kind = "monthly"')
    assert _refusal(text) == (
        'kehoach.toml: indicators.THU: kind: phải là một trong "cumulative", "level"'
        " (đang là monthly)"
    )


def test_a_share_target_above_100_is_refused() -> None:
    text = _broken("target = 90", "target = 190")
    assert _refusal(text) == (
        "kehoach.toml: indicators.BH.target: chỉ tiêu tỷ lệ phải từ 0 đến 100 (đang là 190)"
    )


def test_a_unit_share_target_above_100_is_refused() -> None:
    text = _broken("B1 = { name", "B1 = { targets = { NS = 101 }, name")
    assert _refusal(text) == (
        "kehoach.toml: units.B1.targets.NS: chỉ tiêu tỷ lệ phải từ 0 đến 100 (đang là 101)"
    )


def test_an_about_target_needs_a_tolerance() -> None:
    text = _broken("tolerance = 5\n", "")
    assert _refusal(text) == (
        "kehoach.toml: indicators.VL.tolerance: chỉ tiêu '~' (khoảng) cần dung sai, ví dụ 5 (%)"
    )


def test_a_weighted_rollup_needs_each_signatory_to_declare_its_weight() -> None:
    text = _broken("sizes = { population = 1000 }", "sizes = { households = 1000 }")
    assert _refusal(text) == (
        "kehoach.toml: units.B1.sizes.population: chỉ tiêu NS tổng hợp theo 'population':"
        " cần một số dương"
    )


def test_percentages_are_never_summed() -> None:
    text = _broken('rollup = "ratio"', 'rollup = "sum"')
    assert _refusal(text) == (
        "kehoach.toml: indicators.BH.rollup: không cộng các tỷ lệ: dùng 'ratio' hoặc 'weighted'"
    )


def test_a_target_for_an_indicator_outside_the_agreement_is_refused() -> None:
    text = _broken("B1 = { name", "B1 = { targets = { BH = 50 }, name")
    assert _refusal(text) == (
        "kehoach.toml: units.B1.targets.BH: chỉ tiêu này không thuộc giao ước của đơn vị"
    )


def test_an_unknown_field_is_refused_as_a_likely_typo() -> None:
    text = _broken('measure = "tỷ đồng"', 'measure = "tỷ đồng"\ntarge = 5')
    assert _refusal(text) == (
        "kehoach.toml: indicators.THU: targe: trường không hợp lệ (gõ sai tên?)"
    )


def test_grades_out_of_order_are_refused() -> None:
    text = _broken(
        "cap = 100",
        'cap = 100\ngrades = [{ min = 50, name = "x" }, { min = 90, name = "y" },'
        ' { min = 0, name = "z" }]',
    )
    assert _refusal(text) == (
        "kehoach.toml: scoring.grades: các mức phải xếp từ cao xuống thấp, không trùng nhau"
    )


def test_a_cap_below_100_percent_is_refused() -> None:
    text = _broken("cap = 100", "cap = 90")
    assert _refusal(text) == "kehoach.toml: scoring.cap: phải lớn hơn hoặc bằng 100 (đang là 90)"


def test_milestones_must_rise_to_the_target() -> None:
    text = _broken('kind = "cumulative"', 'kind = "cumulative"\nmilestones = [30, 20, 80]')
    assert _refusal(text) == (
        "kehoach.toml: indicators.THU.milestones: mức quý phải tăng dần và không vượt chỉ tiêu"
    )


def test_a_plan_written_with_tomli_w_round_trips(tmp_path: Path) -> None:
    document = {
        "year": 2027,
        "title": "Kế hoạch 2027",
        "ward": {"code": "P", "name": "Phường"},
        "indicators": {
            "X": {
                "name": "X",
                "measure": "%",
                "target": 50,
                "comparator": "<=",
                "kind": "level",
                "share": True,
                "rollup": "ratio",
            },
        },
        "blocks": {"K": {"name": "Khối", "indicators": ["X"]}},
        "units": {"U": {"name": "U", "block": "K"}},
    }
    path = tmp_path / "plan.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    plan = load_plan(path)
    assert plan.year == 2027
    assert plan.indicators["X"].lower_is_better
    assert plan.units["U"].agreement == {"X": 50}


def test_a_missing_plan_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(tmp_path / "none.toml")
    assert str(caught.value) == f"{tmp_path / 'none.toml'}: không tìm thấy tệp kế hoạch"


def test_a_plan_in_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes('title = "Phường"'.encode("utf-16"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert str(caught.value) == f"{path}: tệp kế hoạch phải là văn bản UTF-8"


def test_a_negative_block_weight_is_refused() -> None:
    text = _broken('indicators = ["BH", "VL"]', 'indicators = ["BH", "VL"]\nweights = { VL = -1 }')
    assert _refusal(text) == (
        "kehoach.toml: blocks.A.weights.VL: phải lớn hơn hoặc bằng 0 (đang là -1)"
    )


def test_a_negative_indicator_weight_is_refused() -> None:
    text = _broken("weight = 2", "weight = -2")
    assert _refusal(text) == (
        "kehoach.toml: indicators.BH: weight: phải lớn hơn hoặc bằng 0 (đang là -2)"
    )


def test_a_block_weight_for_an_unknown_indicator_is_refused() -> None:
    text = _broken('indicators = ["NS"]', 'indicators = ["NS"]\nweights = { XX = 1 }')
    assert _refusal(text) == (
        "kehoach.toml: blocks.B.weights: chỉ tiêu 'XX' không có trong [indicators]"
    )


def test_a_unit_whose_weights_are_all_zero_is_refused() -> None:
    text = _broken('indicators = ["NS"]', 'indicators = ["NS"]\nweights = { NS = 0 }')
    assert _refusal(text) == "kehoach.toml: units.B1: tổng trọng số các chỉ tiêu của đơn vị bằng 0"


def test_an_unknown_tie_breaker_is_refused() -> None:
    text = _broken("cap = 100", 'cap = 100\ntie_breakers = ["oldest"]')
    assert _refusal(text) == (
        'kehoach.toml: scoring.tie_breakers.0: phải là một trong "achieved", "reported", '
        '"earliest" (đang là oldest)'
    )


def test_min_reported_above_100_is_refused() -> None:
    text = _broken("cap = 100", "cap = 100\nmin_reported = 120")
    assert _refusal(text) == (
        "kehoach.toml: scoring.min_reported: phải nhỏ hơn hoặc bằng 100 (đang là 120)"
    )


def test_a_commendation_naming_an_unknown_grade_is_refused() -> None:
    text = _broken(
        "cap = 100",
        'cap = 100\n[[scoring.commendations]]\nname = "Giấy khen"\ngrade = "Xuất sắc"',
    )
    assert _refusal(text) == (
        "kehoach.toml: scoring.commendations.0.grade: 'Xuất sắc' không phải một mức trong "
        "scoring.grades"
    )


def test_negative_bonus_and_deductions_are_refused() -> None:
    text = _broken("cap = 100", "cap = 100\n[scoring.deductions]\nlate = -1")
    assert _refusal(text) == (
        "kehoach.toml: scoring.deductions.late: phải lớn hơn hoặc bằng 0 (đang là -1)"
    )


def test_scoring_defaults_when_the_plan_says_nothing(small_plan) -> None:
    rules = small_plan.scoring
    assert (rules.cap, rules.min_reported, rules.tie_breakers) == (100, 0, ())
    assert [g.min for g in rules.grades] == [90, 70, 50, 0]
    assert [c.name for c in rules.commendations] == [
        "Đề nghị Chủ tịch UBND phường tặng Giấy khen",
        "Tập thể lao động tiên tiến",
    ]
    assert (rules.bonus.per_indicator, rules.deductions.missing, rules.deductions.late) == (0, 0, 0)
