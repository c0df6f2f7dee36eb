"""Numbers as Vietnamese users write them: parsing what they type, formatting what they read."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from functools import cache

from thiduaCLI.errors import InputError
from thiduaCLI.text.i18n import _, language
from thiduaCLI.text.lookup import fold

LARGEST = Decimal("1e15")  # no figure a ward reports comes near this
PLACES = 9  # decimal places a value may have: 1 đồng is 0,000000001 tỷ đồng
DIGITS = 15  # significant digits a value may have: a stored double gives them back exactly

# The one arithmetic context of the domain's divisions (1/3, a mean, a ratio): 28 significant
# digits, far beyond the 15 a value may have, so a result rounded for display or for a grade
# is the exact one; an impossible operation raises instead of giving NaN or Infinity.
CONTEXT = Context(prec=28, traps=[InvalidOperation, DivisionByZero, Overflow])
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# Magnitude words, typed with or without diacritics: the power of ten each stands for.
MAGNITUDES = {
    "nghin": 3,
    "ngan": 3,
    "trieu": 6,
    "ty": 9,
    "ti": 9,
    "nghin ty": 12,
    "ngan ty": 12,
    "thousand": 3,
    "million": 6,
    "billion": 9,
}
CURRENCY = ("dong", "d", "vnd")
_WORDS = re.compile(r"^(?P<number>.*?\d)\s*(?P<words>[^\d\s.,+-][^\d]*)$")


@dataclass(frozen=True)
class Convention:
    """How a number is written: what groups thousands and what marks decimals."""

    group: str
    decimal: str

    def patterns(self) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
        """Grouped thousands (``1.400``), a decimal mark after digits or groups (``1.400,5``),
        and a lone group mark that cannot group thousands, read as a decimal point (``12.5``)."""
        return _patterns(self.group, self.decimal)


@cache
def _patterns(group: str, decimal: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """:meth:`Convention.patterns`, compiled once per convention."""
    g, d = re.escape(group), re.escape(decimal)
    groups = rf"[1-9]\d{{0,2}}({g}\d{{3}})+"
    return (
        re.compile(rf"^{groups}$"),
        re.compile(rf"^(\d+|{groups}){d}\d+$"),
        re.compile(rf"^\d+{g}\d+$"),
    )


CONVENTIONS = {"vi": Convention(group=".", decimal=","), "en": Convention(group=",", decimal=".")}


@dataclass(frozen=True)
class Reading:
    """A value as typed, read: a number, or a share given as numerator/denominator.

    ``grouped`` says that group marks were read as thousands separators (``1.400``);
    ``magnitude`` is the power of ten of a word typed after the number (``850 triệu``: 6),
    ``currency`` that the amount was given in đồng; :func:`in_measure` converts both and
    sets ``converted``.
    """

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    percent_sign: bool = False
    grouped: bool = False
    magnitude: int | None = None
    currency: bool = False
    typed: str = ""
    converted: bool = False

    @property
    def is_fraction(self) -> bool:
        """True when the value was typed as ``numerator/denominator``."""
        return self.denominator is not None

    @property
    def scaled(self) -> bool:
        """True when a magnitude word or a currency was typed after the number."""
        return self.magnitude is not None or self.currency


def parse_number(text: str, number_format: str = "vi") -> Decimal:
    """Read ``12,5``, ``12.5``, ``1.400``, ``-3,2`` or ``107.000.000.000`` as a Decimal.

    With the Vietnamese convention a dot that can only group thousands (``1.400``) groups
    thousands, any other dot is a decimal point (``12.5``, ``0.850``) and a comma is the
    decimal mark; the English convention swaps the two marks. Numbers beyond a million
    billion, or with more than nine decimal places, are refused.
    """
    return _read_number(text, number_format)[0]


def _read_number(text: str, number_format: str) -> tuple[Decimal, bool]:
    """The number, and whether its group marks were read as thousands separators."""
    convention = CONVENTIONS[number_format]
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    sign = ""
    if cleaned.startswith(("+", "-")):
        sign = "-" if cleaned[0] == "-" else ""
        cleaned = cleaned[1:]
    grouped_pattern, decimal_pattern, lone_pattern = convention.patterns()
    grouped = bool(grouped_pattern.match(cleaned))
    if grouped:
        digits = cleaned.replace(convention.group, "")
    elif decimal_pattern.match(cleaned):
        digits = cleaned.replace(convention.group, "").replace(convention.decimal, ".")
    elif lone_pattern.match(cleaned) or cleaned.isdigit():
        digits = cleaned.replace(convention.group, ".")
    else:
        raise InputError(_not_a_number(text, number_format))
    try:
        number = Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise InputError(_not_a_number(text, number_format)) from None
    _check_size(text, number)
    return number + 0, grouped  # + 0 turns -0 into 0


def _not_a_number(text: str, number_format: str) -> str:
    if number_format == "en":
        return _(
            "'{text}' không phải là một số (viết như 12.5 hoặc 1,400; đang đọc số kiểu "
            "en: dấu phẩy phân cách hàng nghìn)"
        ).format(text=text)
    return _("'{text}' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)").format(text=text)


def _check_size(text: str, number: Decimal) -> None:
    if abs(number) >= LARGEST:
        raise InputError(
            _("'{text}' quá lớn (giá trị phải nhỏ hơn 1.000.000.000.000.000)").format(text=text)
        )
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        raise InputError(
            _("'{text}' có quá nhiều chữ số thập phân (tối đa {places})").format(
                text=text, places=PLACES
            )
        )
    if significant_digits(number) > DIGITS:
        raise InputError(
            _("'{text}' có quá nhiều chữ số có nghĩa (tối đa {digits})").format(
                text=text, digits=DIGITS
            )
        )


def significant_digits(number: Decimal) -> int:
    """How many significant digits a number has, trailing zeros aside (1400 has 2, 0,050 1)."""
    digits = number.normalize().as_tuple().digits
    return 0 if digits == (0,) else len(digits)


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The decimal a stored value was typed as: every value holds at most 15 significant
    digits, so the shortest ``repr`` of its double, at 15 significant digits, gives back
    exactly the digits typed (0,1 is ``Decimal('0.1')``, not ``0.1000000000000000055…``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]  # 40 typed, 40.0 stored: 40 again
    return _STORED.create_decimal(text)


# A value derived from typed ones and stored as a double (4850/5000 as a %, a total the SQL
# added up) may carry binary noise past the 15th digit (33.333333333333336): it is read back
# at 15 significant digits, which every value typed fits in.
_STORED = Context(prec=DIGITS)
# ``stored_decimal(repr(x))``: :func:`to_decimal` of a float without its checks, for the
# loops that read tens of thousands of stored values (``40.0`` stays ``Decimal('40.0')``).
stored_decimal = _STORED.create_decimal


# ``divide(numerator, denominator)``: a quotient in the domain's one context (28 significant
# digits). The context's own method, not a wrapper: a ranking divides 150,000 times.
divide = CONTEXT.divide


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """``value`` at ``decimals`` places, halves away from zero (2,345 -> 2,35; 49,995 ->
    50,00): the rounding people learn at school and expect on a scoresheet."""
    return value.quantize(_quantum(-decimals), rounding=ROUND_HALF_UP)


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number that reads back to exactly the decimal written.

    The decimal is :func:`json_decimal`'s: at most nine places and 15 significant digits, so
    its double's shortest ``repr`` has exactly its digits (``json.loads(text,
    parse_float=Decimal)`` gives the decimal back, a float reader the nearest double).
    Whole numbers stay integers.
    """
    rounded = json_decimal(value)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def json_decimal(value: Decimal) -> Decimal:
    """``value`` rounded half up to nine decimal places and to 15 significant digits, keeping
    the places a value already at that precision has (a score 98,20 stays ``98.20``)."""
    if not value:
        return value + 0  # -0 is 0
    exponent = max(value.adjusted() - DIGITS + 1, -PLACES)
    if value.as_tuple().exponent >= exponent:  # type: ignore[operator]
        return value
    return value.quantize(_quantum(exponent), rounding=ROUND_HALF_UP)


@cache
def _quantum(exponent: int) -> Decimal:
    return Decimal(1).scaleb(exponent)


def plain_decimal(value: Decimal) -> str:
    """:func:`json_decimal`'s text without an exponent (``98.20``, ``1.333333333``): the
    number a CSV or Markdown cell shows, the same as the JSON's."""
    return format(json_decimal(value), "f")


def parse_value(text: str, number_format: str = "vi") -> Reading:
    """Read a reported value: a number, ``97%``, a share as ``4850/5000``, or an amount with a
    magnitude word (``850 triệu``, ``1,2 tỷ đồng``) that :func:`in_measure` converts."""
    cleaned = text.strip()
    if cleaned.endswith("%"):
        value, grouped = _read_number(cleaned[:-1], number_format)
        return Reading(value=value, percent_sign=True, grouped=grouped, typed=cleaned)
    if "/" in cleaned:
        top, _slash, bottom = cleaned.partition("/")
        numerator = parse_number(top, number_format)
        denominator = parse_number(bottom, number_format)
        return fraction(numerator, denominator, text, cleaned)
    words = _WORDS.match(cleaned)
    scale = None if words is None else _scale(words["words"])
    if words is None or scale is None:
        value, grouped = _read_number(cleaned, number_format)
        return Reading(value=value, grouped=grouped, typed=cleaned)
    magnitude, currency = scale
    value, grouped = _read_number(words["number"], number_format)
    return Reading(
        value=value, grouped=grouped, magnitude=magnitude, currency=currency, typed=cleaned
    )


def fraction(numerator: Decimal, denominator: Decimal, text: str, typed: str = "") -> Reading:
    """A share given as numerator and denominator (``text``: how it was written, for errors)."""
    if denominator <= 0:
        raise InputError(_("'{text}': mẫu số phải lớn hơn 0").format(text=text))
    if numerator < 0:
        raise InputError(_("'{text}': tử số không được âm").format(text=text))
    if numerator > denominator:
        raise InputError(_("'{text}': tử số không được lớn hơn mẫu số").format(text=text))
    return Reading(
        value=numerator * 100 / denominator,
        numerator=numerator,
        denominator=denominator,
        typed=typed or text,
    )


# A value a program passes (rather than a person types): a number, or a share as a
# (numerator, denominator) pair; a :class:`Reading` is a value already read from text.
Value = Decimal | int | float | tuple[Decimal | int | float, Decimal | int | float]


def reading_of(value: Reading | Value) -> Reading:
    """A value given as a number (``Decimal('12.5')``, ``1400``) or a share as a pair
    (``(Decimal(4850), Decimal(5000))``), held to the limits typed text is held to."""
    if isinstance(value, Reading):
        for part in (value.value, value.numerator, value.denominator):
            if part is not None and not (part.is_finite() and abs(part) < LARGEST):
                # a program's Reading: a share's quotient may have any places, never NaN
                raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=part))
        return value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=value))
        numerator, denominator = (exact_number(part) for part in value)
        text = f"{plain_decimal(numerator)}/{plain_decimal(denominator)}"
        return fraction(numerator, denominator, text)
    number = exact_number(value)
    return Reading(value=number, typed=plain_decimal(number))


def exact_number(value: object) -> Decimal:
    """A number a program gave, as a Decimal (a float by its shortest ``repr``), refused when
    it is not finite, too large, or has more places or digits than a typed value may."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=value))
        value = Decimal(repr(value))
    number = Decimal(value)
    if not number.is_finite():
        raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=value))
    _check_size(str(value), number)
    return number + 0


def _scale(words: str) -> tuple[int | None, bool] | None:
    """The power of ten of ``tỷ``, ``triệu đồng``… and whether đồng was named; None for
    words that are neither."""
    folded = fold(words)
    currency = False
    for unit in CURRENCY:
        if folded == unit or folded.endswith(" " + unit):
            folded, currency = folded[: -len(unit)].strip(), True
            break
    if not folded:
        return None, currency
    if folded not in MAGNITUDES:
        return None
    return MAGNITUDES[folded], currency


def measure_magnitude(measure: str) -> tuple[int, bool]:
    """The power of ten a measure counts in, and whether it is money: ``tỷ đồng`` is (9,
    True), ``triệu đồng/người/năm`` (6, True), ``lao động`` (0, False)."""
    words = fold(measure).split()
    magnitude = 0
    for size in (2, 1):
        if " ".join(words[:size]) in MAGNITUDES:
            magnitude, words = MAGNITUDES[" ".join(words[:size])], words[size:]
            break
    return magnitude, bool(words) and words[0] in CURRENCY


def in_measure(reading: Reading, measure: str) -> Reading:
    """The reading converted to ``measure``: 850 triệu for a value in tỷ đồng is 0,85.

    A magnitude word is refused for a measure in %, and đồng for a measure that is not money.
    """
    if not reading.scaled:
        return reading
    if measure.strip() == "%":
        raise InputError(
            _("'{text}': chỉ tiêu tính bằng %, không dùng nghìn, triệu, tỷ hay đồng").format(
                text=reading.typed
            )
        )
    power, money = measure_magnitude(measure)
    if reading.currency and not money:
        raise InputError(
            _("'{text}': chỉ tiêu tính bằng {measure}, không phải tiền đồng").format(
                text=reading.typed, measure=measure
            )
        )
    value = reading.value.scaleb((reading.magnitude or 0) - power)
    _check_size(reading.typed, value)
    return replace(
        reading, value=value + 0, magnitude=None, currency=False, grouped=False, converted=True
    )


def exact_sum(values: Iterable[float | Decimal]) -> Decimal:
    """A sum done in decimal, so that 106,9 + 0,1 is 107 and not 106,99999999999999: stored
    values come back as the decimals typed (:func:`to_decimal`)."""
    return sum((to_decimal(value) for value in values), ZERO)


def format_number(value: float | Decimal, decimals: int = 2, fixed: bool = False) -> str:
    """Format as the reader's language writes numbers, with its symbols from Babel's locale
    data (Vietnamese ``1.400``, ``12,5``; English ``1,400``, ``12.5``), rounded half up
    (away from zero) to ``decimals`` places: at most that many, or with ``fixed`` exactly that
    many, so that a column of scores reads 95,87 / 98,20 / 68,00.

    The same text as Babel's ``format_decimal`` with the pattern ``#,##0.##…`` (``#,##0.00…``
    when fixed) under ROUND_HALF_UP (tested against it), six times faster: a ranking of 3,000
    units prints 6,000 numbers. A float is read as Babel reads it, by its shortest ``repr``.
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not number.is_finite() or abs(number) >= LARGEST * 1000:
        return str(value)  # nothing valid gets here; never fail while printing
    group, point, minus = _number_symbols(language())
    rounded = number.quantize(_quantum(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(rounded):,f}".partition(".")
    if not fixed:
        fraction = fraction.rstrip("0")
    text = whole.replace(",", group) + (point + fraction if fraction else "")
    return minus + text if rounded.is_signed() else text


@cache
def _number_symbols(language_code: str) -> tuple[str, str, str]:
    """The group, decimal and minus signs of a language, from Babel's locale data."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    return (
        get_group_symbol(language_code),
        get_decimal_symbol(language_code),
        get_minus_sign_symbol(language_code),
    )


def format_percent(ratio: Decimal | float | None, decimals: int = 1, fixed: bool = True) -> str:
    """A ratio (1.0 = 100 %) as ``104,8 %`` (English ``104.8 %``), with ``decimals`` places:
    all of them (``100,0 %``) for a column, where they line up, or (``fixed=False``, in a
    sentence) no trailing zeros (``100 %``); an em dash when unknown."""
    if ratio is None:
        return "—"
    return f"{format_number(to_decimal(ratio) * HUNDRED, decimals, fixed=fixed)} %"


def format_quantity(value: Decimal | float | None, measure: str) -> str:
    """A value with its measure: ``1.400 lao động``, ``12,5 %``; an em dash when unknown."""
    if value is None:
        return "—"
    return f"{format_number(value)} {measure}"
