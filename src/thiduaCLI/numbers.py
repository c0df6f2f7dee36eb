"""Numbers as Vietnamese users write them: parsing what they type, formatting what they read."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from thiduaCLI.errors import InputError

# "1.400", "107.000.000.000": dots that group thousands (the first group has no leading 0).
_GROUPED_DOTS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
# "12,5", "1.400,75": a decimal comma, optionally after dot-grouped thousands.
_DECIMAL_COMMA = re.compile(r"^(\d+|[1-9]\d{0,2}(\.\d{3})+),\d+$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


LARGEST = Decimal("1e15")  # no figure a ward reports comes near this


@dataclass(frozen=True)
class Reading:
    """A value as typed, read: a number, or a share given as numerator/denominator.

    ``grouped`` says that dots were read as thousands separators (``1.400``).
    """

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    percent_sign: bool = False
    grouped: bool = False

    @property
    def is_fraction(self) -> bool:
        """True when the value was typed as ``numerator/denominator``."""
        return self.denominator is not None


def parse_number(text: str) -> Decimal:
    """Read ``12,5``, ``12.5``, ``1.400``, ``-3,2`` or ``107.000.000.000`` as a Decimal.

    A dot that can only group thousands (``1.400``) groups thousands; any other dot is a
    decimal point (``12.5``, ``0.850``). A comma is always the decimal mark. Numbers beyond a
    million billion are refused.
    """
    return _read_number(text)[0]


def _read_number(text: str) -> tuple[Decimal, bool]:
    """The number, and whether its dots were read as thousands separators."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    sign = ""
    if cleaned.startswith(("+", "-")):
        sign = "-" if cleaned[0] == "-" else ""
        cleaned = cleaned[1:]
    grouped = bool(_GROUPED_DOTS.match(cleaned))
    if grouped:
        digits = cleaned.replace(".", "")
    elif _DECIMAL_COMMA.match(cleaned):
        digits = cleaned.replace(".", "").replace(",", ".")
    elif _PLAIN.match(cleaned):
        digits = cleaned
    else:
        raise InputError(f"'{text}' không phải là một số (viết như 12,5 hoặc 12.5 hoặc 1.400)")
    try:
        number = Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise InputError(f"'{text}' không phải là một số") from None
    if abs(number) >= LARGEST:
        raise InputError(f"'{text}' quá lớn (giá trị phải nhỏ hơn 1.000.000.000.000.000)")
    return number + 0, grouped  # + 0 turns -0 into 0


def parse_value(text: str) -> Reading:
    """Read a reported value: a number, ``97%``, or a share as ``4850/5000``."""
    cleaned = text.strip()
    if cleaned.endswith("%"):
        value, grouped = _read_number(cleaned[:-1])
        return Reading(value=value, percent_sign=True, grouped=grouped)
    if "/" in cleaned:
        top, _, bottom = cleaned.partition("/")
        numerator, denominator = parse_number(top), parse_number(bottom)
        if denominator <= 0:
            raise InputError(f"'{text}': mẫu số phải lớn hơn 0")
        if numerator < 0:
            raise InputError(f"'{text}': tử số không được âm")
        if numerator > denominator:
            raise InputError(f"'{text}': tử số không được lớn hơn mẫu số")
        return Reading(
            value=numerator * 100 / denominator, numerator=numerator, denominator=denominator
        )
    value, grouped = _read_number(cleaned)
    return Reading(value=value, grouped=grouped)


def format_number(value: float | Decimal, decimals: int = 2) -> str:
    """Format with Vietnamese separators (``1.400``, ``12,5``), at most ``decimals`` places."""
    from babel.numbers import format_decimal

    if not math.isfinite(value) or abs(value) >= LARGEST * 1000:
        return str(value)  # nothing valid gets here; never fail while printing
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="vi")


def format_percent(ratio: float | None, decimals: int = 1) -> str:
    """A ratio (1.0 = 100 %) as ``104,8 %``; an em dash when unknown."""
    if ratio is None:
        return "—"
    return f"{format_number(ratio * 100, decimals)} %"


def format_quantity(value: float | None, measure: str) -> str:
    """A value with its measure: ``1.400 lao động``, ``12,5 %``; an em dash when unknown."""
    if value is None:
        return "—"
    return f"{format_number(value)} {measure}"
