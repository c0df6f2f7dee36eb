"""Vietnamese conventions: number formats, magnitude words, decimal sums, sort order, NFC."""

from __future__ import annotations

import random
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from thiduaCLI.errors import InputError, UsageProblem
from thiduaCLI.text import i18n
from thiduaCLI.text.conventions import Conventions, settle
from thiduaCLI.text.lookup import _sort_key_decomposed, nfc, sort_key
from thiduaCLI.text.numbers import (
    exact_sum,
    format_number,
    in_measure,
    measure_magnitude,
    parse_number,
    parse_value,
)

# ------------------------------------------------------------------- number conventions


@pytest.mark.parametrize(
    ("typed", "vietnamese", "english"),
    [
        ("1.400", Decimal(1400), Decimal("1.4")),  # grouped in vi; a lone decimal point in en
        ("1,400", Decimal("1.4"), Decimal(1400)),
        ("12,5", Decimal("12.5"), Decimal("12.5")),  # a comma that cannot group: decimal
        ("12.5", Decimal("12.5"), Decimal("12.5")),  # a dot that cannot group: decimal
        ("0.850", Decimal("0.85"), Decimal("0.85")),  # a leading 0 never starts a group
        ("1.400,75", Decimal("1400.75"), None),
        ("1,400.75", None, Decimal("1400.75")),
        ("107.000.000.000", Decimal(107_000_000_000), None),
        ("107,000,000,000", None, Decimal(107_000_000_000)),
        ("1.2.3,4,5", None, None),
    ],
)
def test_each_convention_reads_its_own_marks(
    typed: str, vietnamese: Decimal | None, english: Decimal | None
) -> None:
    for number_format, expected in (("vi", vietnamese), ("en", english)):
        if expected is None:
            with pytest.raises(InputError):
                parse_number(typed, number_format)
        else:
            assert parse_number(typed, number_format) == expected


def test_the_english_convention_says_how_to_write_a_number() -> None:
    with pytest.raises(InputError) as caught:
        parse_number("1.400,5", "en")
    assert str(caught.value) == (
        "'1.400,5' không phải là một số (viết như 12.5 hoặc 1,400; đang đọc số kiểu en: "
        "dấu phẩy phân cách hàng nghìn)"
    )


def test_more_than_nine_decimal_places_are_refused() -> None:
    assert parse_number("0,000000001") == Decimal("0.000000001")
    with pytest.raises(InputError) as caught:
        parse_number("0,0000000001")
    assert str(caught.value) == "'0,0000000001' có quá nhiều chữ số thập phân (tối đa 9)"


# ------------------------------------------------------------------- magnitude words

MEASURES = ["tỷ đồng", "triệu đồng/người/năm", "đồng", "lao động", "hộ"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # typed        tỷ đồng          triệu đồng/người/năm  đồng                lao động / hộ
        ("107 tỷ", ["107", "107000", "107000000000", "107000000000"]),
        ("1,2 tỷ", ["1.2", "1200", "1200000000", "1200000000"]),
        ("850 triệu", ["0.85", "850", "850000000", "850000000"]),
        ("15 nghìn", ["0.000015", "0.015", "15000", "15000"]),
        ("15 ngàn", ["0.000015", "0.015", "15000", "15000"]),
        ("2 nghìn tỷ", ["2000", "2000000", "2000000000000", "2000000000000"]),
        ("850 trieu", ["0.85", "850", "850000000", "850000000"]),
        ("107 TỶ", ["107", "107000", "107000000000", "107000000000"]),
    ],
)
def test_magnitude_words_convert_to_the_indicators_measure(typed: str, expected: list[str]) -> None:
    reading = parse_value(typed)
    converted = [in_measure(reading, measure).value for measure in MEASURES]
    assert converted == [Decimal(x) for x in expected + expected[-1:]]


@pytest.mark.parametrize(
    ("typed", "measure", "expected"),
    [
        ("107.000.000.000 đồng", "tỷ đồng", Decimal(107)),
        ("850 triệu đồng", "tỷ đồng", Decimal("0.85")),
        ("1,5 tỷ đ", "triệu đồng/người/năm", Decimal(1500)),
        ("75 trieu dong", "triệu đồng/người/năm", Decimal(75)),
    ],
)
def test_an_amount_in_dong_converts_to_a_money_measure(
    typed: str, measure: str, expected: Decimal
) -> None:
    assert in_measure(parse_value(typed), measure).value == expected


@pytest.mark.parametrize(
    ("typed", "measure", "message"),
    [
        ("5 triệu", "%", "'5 triệu': chỉ tiêu tính bằng %, không dùng nghìn, triệu, tỷ hay đồng"),
        ("50 đồng", "lao động", "'50 đồng': chỉ tiêu tính bằng lao động, không phải tiền đồng"),
        ("2 triệu đồng", "hộ", "'2 triệu đồng': chỉ tiêu tính bằng hộ, không phải tiền đồng"),
        ("2 triệu", "đồng", None),
    ],
)
def test_magnitude_words_that_do_not_fit_the_measure_are_refused(
    typed: str, measure: str, message: str | None
) -> None:
    if message is None:
        assert in_measure(parse_value(typed), measure).value == Decimal(2_000_000)
        return
    with pytest.raises(InputError) as caught:
        in_measure(parse_value(typed), measure)
    assert str(caught.value) == message


def test_an_unknown_word_is_not_a_number() -> None:
    with pytest.raises(InputError) as caught:
        parse_value("12 cái")
    assert str(caught.value) == "'12 cái' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)"


def test_a_converted_value_must_stay_below_the_largest() -> None:
    with pytest.raises(InputError) as caught:
        in_measure(parse_value("2.000.000 tỷ"), "đồng")
    assert str(caught.value) == (
        "'2.000.000 tỷ' quá lớn (giá trị phải nhỏ hơn 1.000.000.000.000.000)"
    )


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("tỷ đồng", (9, True)),
        ("triệu đồng/người/năm", (6, True)),
        ("nghìn tỷ đồng", (12, True)),
        ("đồng", (0, True)),
        ("lao động", (0, False)),
        ("%", (0, False)),
    ],
)
def test_a_measure_knows_its_magnitude_and_whether_it_is_money(
    measure: str, expected: tuple[int, bool]
) -> None:
    assert measure_magnitude(measure) == expected


# ------------------------------------------------------------------- decimal sums


def test_sums_are_decimal_so_ten_tenths_make_one() -> None:
    tenths = [0.1] * 10
    assert sum(tenths) < 1  # what binary floats would have said
    assert exact_sum(tenths) == 1.0
    assert exact_sum([106.9, 0.07, 0.03]) == 107.0
    assert exact_sum([]) == 0.0


# ------------------------------------------------------------------- formatting


def test_numbers_are_formatted_in_the_readers_language() -> None:
    try:
        assert format_number(1400.5) == "1.400,5"
        i18n.use("en")
        assert format_number(1400.5) == "1,400.5"
    finally:
        i18n.use("vi")
    assert format_number(107) == "107"


@pytest.mark.parametrize(
    ("value", "decimals", "vietnamese", "english"),
    [
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (2.675, 2, "2,68", "2.68"),  # read as written (2.675), then half up
        (0.125, 2, "0,13", "0.13"),  # half up (away from zero), as people round
        (-0.125, 2, "-0,13", "-0.13"),
        (Decimal("49.995"), 2, "50", "50"),
        (-0.001, 2, "-0", "-0"),  # as Babel writes it
        (12.5, 0, "13", "13"),
        (-1400, 1, "-1.400", "-1,400"),
        (Decimal("0.000000001"), 9, "0,000000001", "0.000000001"),
        (1e15, 2, "1.000.000.000.000.000", "1,000,000,000,000,000"),
    ],
)
def test_number_formatting_examples(value, decimals, vietnamese: str, english: str) -> None:
    """At most ``decimals`` places, rounded half up."""
    try:
        assert format_number(value, decimals) == vietnamese
        i18n.use("en")
        assert format_number(value, decimals) == english
    finally:
        i18n.use("vi")


@pytest.mark.slow
def test_number_formatting_writes_what_babel_writes() -> None:
    """Our formatter takes only the symbols from Babel; the text must be Babel's own."""
    from babel.numbers import format_decimal

    rng = random.Random(2026)
    values: list[float | Decimal] = [0.0, -0.0, 0.005, -0.005, 999.995, 1e-10, 0.1 + 0.2]
    for _ in range(3_000):
        values += [
            rng.uniform(-1e6, 1e6),
            round(rng.uniform(-1e3, 1e3), rng.randint(0, 4)) + rng.choice([0, 0.005, -0.0005]),
            rng.uniform(-1, 1) * 10 ** rng.randint(-12, 14),
            Decimal(str(round(rng.uniform(-1e4, 1e4), rng.randint(0, 10)))),
        ]
    try:
        for language in ("vi", "en"):
            i18n.use(language)
            for decimals in (0, 1, 2, 6, 9):
                for fixed in (False, True):
                    mark = "0" if fixed else "#"
                    pattern = "#,##0" + ("." + mark * decimals if decimals else "")
                    for value in values:
                        with localcontext(rounding=ROUND_HALF_UP):  # Babel rounds as asked
                            expected = format_decimal(value, format=pattern, locale=language)
                        actual = format_number(value, decimals, fixed=fixed)
                        assert actual == expected, (value, decimals, fixed)
    finally:
        i18n.use("vi")


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Decimal("98.2"), 2, "98,20"),
        (68, 2, "68,00"),
        (Decimal("95.874"), 2, "95,87"),
        (Decimal("99.975"), 2, "99,98"),  # the binary 99.975 is 99.97499…: never used
        (Decimal("99.825"), 2, "99,83"),
        (0.5, 0, "1"),
    ],
)
def test_fixed_decimals_line_up_a_column(value, decimals: int, text: str) -> None:
    """Every row of a column of scores shows the same decimals: 95,87 / 98,20 / 68,00."""
    assert format_number(value, decimals, fixed=True) == text


# ------------------------------------------------------------------- choosing conventions


def test_options_anywhere_before_a_double_dash_choose_the_conventions() -> None:
    chosen, rest = settle(["status", "--lang", "en", "--number-format=vi", "--", "--lang"], {})
    assert chosen == Conventions(language="en", number_format="vi")
    assert rest == ["status", "--", "--lang"]


def test_the_environment_is_used_when_no_option_is_given() -> None:
    env = {"THIDUA_LANG": "en", "THIDUA_NUMBER_FORMAT": "vi"}
    assert settle(["status"], env)[0] == Conventions("en", "vi")
    assert settle(["--lang", "vi", "status"], env)[0] == Conventions("vi", "vi")


def test_typed_numbers_follow_the_language_unless_a_format_is_chosen() -> None:
    assert Conventions().typed_numbers == "vi"
    assert Conventions("en").typed_numbers == "en"
    assert Conventions("en", "vi").typed_numbers == "vi"


def test_an_unknown_language_is_a_usage_problem() -> None:
    with pytest.raises(UsageProblem) as caught:
        settle(["--lang=fr"], {})
    assert str(caught.value) == "--lang fr: chọn một trong vi, en"


# ------------------------------------------------------------------- names


def test_names_sort_in_vietnamese_alphabetical_order() -> None:
    expected = [
        "an",
        "Anh",
        "Ánh",
        "ăn",
        "Ân",
        "Ba",
        "Chi cục",
        "Công an phường",
        "Dân",
        "Đội",
        "Khóm 1",
        "Khóm 2",
        "Khóm 10",
        "Ổn",
        "Ông",
        "Ơn",
        "Phòng Kinh tế",
        "Phòng Văn hóa – Xã hội",
        "Uy",
        "Ưng",
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == expected
    assert sorted(expected) != expected  # code-point order would differ


def test_tones_sort_in_dictionary_order() -> None:
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(tones), key=sort_key) == tones


def test_other_digits_and_stray_marks_sort_without_failing() -> None:
    names = ["Tổ ²", "Tổ 2", "Tổ ٣", "\u0301Tổ", "Tô\u0301 1"]
    # letters (a sign before a number), then tones: "Tố 1" comes before "Tổ 2"
    assert sorted(names, key=sort_key) == ["\u0301Tổ", "Tổ ²", "Tô\u0301 1", "Tổ 2", "Tổ ٣"]


def test_the_per_character_sort_key_is_the_letter_by_letter_one() -> None:
    """sort_key works out each composed character once; the result must be the key of the
    whole decomposed text, whatever form the text comes in."""
    rng = random.Random(2026)
    pieces = [*"aăâbdđeêioôơuưyAĐÔƯ09 –(", "\u0300", "\u0301", "\u0323", "\u0306", "\u031b"]
    pieces += [*"àằấẹềịọồớụừỳẠẾỆ", "ǅ", "Å", "²", "٣", "한"]
    for _ in range(3_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for form in ("NFC", "NFD"):
            typed = unicodedata.normalize(form, text)
            assert sort_key(typed) == _sort_key_decomposed(typed), typed


def test_nfd_text_sorts_and_normalises_like_nfc() -> None:
    composed = "Phòng Văn hóa – Xã hội"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert sort_key(decomposed) == sort_key(composed)
    assert nfc(decomposed) == composed
