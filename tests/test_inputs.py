"""Parsing what users type: numbers, shares, dates, and names without diacritics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from thiduaCLI.errors import InputError, LookupFailed
from thiduaCLI.text.dates import check_in_year, format_date, parse_date
from thiduaCLI.text.lookup import fold, resolve
from thiduaCLI.text.numbers import format_number, format_percent, parse_number, parse_value


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12.5", Decimal("12.5")),
        ("12,5", Decimal("12.5")),
        ("1.400", Decimal("1400")),
        ("107.000.000.000", Decimal("107000000000")),
        ("1.400,75", Decimal("1400.75")),
        ("0.850", Decimal("0.850")),
        ("0,85", Decimal("0.85")),
        ("-3,2", Decimal("-3.2")),
        ("+4", Decimal("4")),
        (" 25 ", Decimal("25")),
        ("1 400", Decimal("1400")),
    ],
)
def test_numbers_are_read_the_vietnamese_way(typed: str, expected: Decimal) -> None:
    assert parse_number(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "nan", "NaN", "inf", "-inf", "1e5", "12,", ",5", "1.2.3,4,5", "1,2,3", "--1"],
)
def test_non_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_number(typed)
    assert str(caught.value) == (
        f"'{typed}' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)"
    )


def test_a_share_can_be_typed_as_numerator_over_denominator() -> None:
    reading = parse_value("4.850/5.000")
    assert (reading.numerator, reading.denominator) == (Decimal(4850), Decimal(5000))
    assert reading.value == Decimal("97")
    assert reading.is_fraction


def test_a_percent_sign_is_remembered() -> None:
    reading = parse_value("97,5%")
    assert reading.value == Decimal("97.5")
    assert reading.percent_sign
    assert not reading.is_fraction


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("5/0", "'5/0': mẫu số phải lớn hơn 0"),
        ("6/5", "'6/5': tử số không được lớn hơn mẫu số"),
        ("-1/5", "'-1/5': tử số không được âm"),
    ],
)
def test_impossible_fractions_are_refused(typed: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_value(typed)
    assert str(caught.value) == message


def test_numbers_are_formatted_with_vietnamese_separators() -> None:
    assert format_number(1400) == "1.400"
    assert format_number(12.5) == "12,5"
    assert format_number(107000000000) == "107.000.000.000"
    assert format_number(2 / 3) == "0,67"
    assert format_percent(1.0476) == "104,8 %"
    assert format_percent(None) == "—"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("1/4/2026", date(2026, 4, 1)),
    ],
)
def test_dates_are_read_in_iso_or_vietnamese_order(typed: str, expected: date) -> None:
    assert parse_date(typed) == expected


def test_bad_dates_are_refused_with_the_accepted_forms() -> None:
    with pytest.raises(InputError) as caught:
        parse_date("31-03-2026")
    assert str(caught.value) == "ngày '31-03-2026' không hợp lệ (viết YYYY-MM-DD hoặc dd/mm/yyyy)"
    with pytest.raises(InputError) as caught:
        parse_date("2026-02-30")
    assert str(caught.value) == "ngày '2026-02-30' không có trên lịch"


def test_dates_outside_the_plan_year_are_refused() -> None:
    assert check_in_year(date(2026, 12, 31), 2026) == date(2026, 12, 31)
    with pytest.raises(InputError) as caught:
        check_in_year(date(2027, 1, 1), 2026)
    assert str(caught.value) == (
        "ngày 01/01/2027 nằm ngoài năm kế hoạch 2026 (chọn một ngày từ 01/01/2026 đến 31/12/2026)"
    )
    assert format_date(date(2026, 3, 5)) == "05/03/2026"


def test_folding_drops_case_diacritics_and_punctuation() -> None:
    assert fold("Khóm 3") == "khom 3"
    assert fold("Phòng Văn hóa – Xã hội") == "phong van hoa xa hoi"
    assert fold("ĐOÀN") == "doan"
    assert fold("Khóm 3") == fold("Kho\u0301m 3")  # typed decomposed (NFD)
    assert fold("Kho\u0301\u20d7m 3") == "khom 3"  # any combining mark goes, not only tones
    assert fold("K-03") == "k 03" and fold("  KHÓM\t3 ") == "khom 3"  # ASCII and not


NAMES = {"K03": "Khóm 3", "K13": "Khóm 13", "VH_XH": "Phòng Văn hóa – Xã hội", "VP": "Văn phòng"}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("K03", "K03"),
        ("k03", "K03"),
        ("khom 3", "K03"),
        ("KHÓM 13", "K13"),
        ("phong van hoa", "VH_XH"),
        ("vh_xh", "VH_XH"),
        ("van phong", "VP"),
    ],
)
def test_units_are_found_by_code_or_name(query: str, code: str) -> None:
    assert resolve(query, {c: c for c in NAMES}, NAMES, "đơn vị") == code


def test_an_ambiguous_name_lists_the_candidates() -> None:
    with pytest.raises(LookupFailed) as caught:
        resolve("khom", {c: c for c in NAMES}, NAMES, "đơn vị")
    assert str(caught.value) == (
        "đơn vị 'khom' chưa rõ, có thể là: K03 (Khóm 3), K13 (Khóm 13); hãy gõ mã"
    )


def test_a_code_typed_exactly_wins_over_codes_that_fold_alike() -> None:
    names = {"K-1": "Tổ 1", "K_1": "Tổ 2"}
    codes = {c: c for c in names}
    assert resolve("K-1", codes, names, "đơn vị") == "K-1"
    assert resolve("K_1", codes, names, "đơn vị") == "K_1"
    with pytest.raises(LookupFailed) as caught:
        resolve("k 1", codes, names, "đơn vị")  # folded, both fit: the candidates are listed
    assert str(caught.value) == "đơn vị 'k 1' chưa rõ, có thể là: K-1 (Tổ 1), K_1 (Tổ 2); hãy gõ mã"


def test_an_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(LookupFailed) as caught:
        resolve("khom 31", {c: c for c in NAMES}, NAMES, "đơn vị")
    assert str(caught.value) == "không có đơn vị 'khom 31'; gần nhất: K03 (Khóm 3), K13 (Khóm 13)"
    with pytest.raises(LookupFailed) as caught:
        resolve("zzz", {c: c for c in NAMES}, NAMES, "đơn vị")
    assert str(caught.value) == "không có đơn vị 'zzz'"
