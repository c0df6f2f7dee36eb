"""Pure rules for accepting a reported value before it is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Context, Decimal, localcontext

from thiduaCLI.domain.plan import Indicator, Plan, Unit
from thiduaCLI.errors import InputError
from thiduaCLI.text.i18n import _
from thiduaCLI.text.numbers import (
    DIGITS,
    PLACES,
    Reading,
    format_number,
    significant_digits,
    to_decimal,
)


def check_reading(indicator: Indicator, unit: Unit, reading: Reading) -> None:
    """Refuse a value the indicator cannot take, saying what would be right."""
    where = f"{indicator.code} ({indicator.name})"
    if indicator.code not in unit.agreement:
        signed = ", ".join(unit.agreement)
        raise InputError(
            _(
                "{unit} ({name}) không ký chỉ tiêu {indicator}; giao ước của đơn vị gồm: {signed}"
            ).format(unit=unit.code, name=unit.name, indicator=indicator.code, signed=signed)
        )
    if reading.is_fraction and not indicator.share:
        raise InputError(
            _("{indicator} không phải chỉ tiêu tỷ lệ: nhập một số, không nhập tử số/mẫu số").format(
                indicator=where
            )
        )
    if reading.grouped and indicator.measure == "%":
        typed = reading.typed or format_number(reading.value)
        if "," in typed and "." not in typed:  # read with "," for thousands (--number-format en)
            said = _(
                "{indicator} tính bằng %: '{value}' có thể là nhầm dấu phẩy thập phân; "
                "viết phần thập phân bằng dấu chấm, ví dụ 12.5"
            )
        else:
            said = _(
                "{indicator} tính bằng %: '{value}' có thể là nhầm dấu chấm thập phân; "
                "viết phần thập phân bằng dấu phẩy, ví dụ 12,5"
            )
        raise InputError(said.format(indicator=where, value=typed))
    if reading.percent_sign and indicator.measure != "%":
        raise InputError(
            _("{indicator} tính bằng {measure}, không phải %").format(
                indicator=where, measure=indicator.measure
            )
        )
    if indicator.share and not 0 <= reading.value <= 100:
        raise InputError(
            _("{indicator} là tỷ lệ: giá trị phải từ 0 đến 100 (đã nhập {value})").format(
                indicator=where, value=format_number(reading.value)
            )
        )
    if reading.value < 0 and not indicator.negative:
        raise InputError(
            _("{indicator} không nhận số âm (đã nhập {value})").format(
                indicator=where, value=format_number(reading.value)
            )
        )


def sole_signatory(plan: Plan, indicator: Indicator, unit: Unit) -> bool:
    """Whether ``unit`` is the only unit (the ward aside) whose agreement has ``indicator``:
    the ward's value rolled up from it is then its own share, whatever way it is given."""
    return all(
        other.code == unit.code
        for other in plan.units.values()
        if not other.is_ward and indicator.code in other.agreement
    )


def settle_share(
    indicator: Indicator,
    unit: Unit,
    reading: Reading,
    sole: Callable[[], bool],
) -> Reading:
    """A plain percentage of an indicator the ward rolls up by adding numerators and
    denominators, accepted where the roll-up stays honest (``reading`` already checked by
    :func:`check_reading`; ``sole``: asked only then, whether the unit is the only signatory).

    - the plan gives the unit's denominator for it: stored as numerator = % x denominator /
      100 (exactly) over that denominator;
    - the unit is the only signatory: the ward's value is the unit's share, kept as typed;
    - elsewhere: refused, saying what to type and why.
    """
    if indicator.rollup != "ratio" or unit.is_ward or reading.is_fraction:
        return reading
    size = unit.denominators.get(indicator.code)
    if size is not None:
        return _over_size(indicator, reading, size)
    if sole():
        return reading
    raise InputError(
        _(
            "{indicator} là tỷ lệ phường tính bằng cách cộng tử số và mẫu số của các đơn vị: "
            "ghi dạng tử số/mẫu số, ví dụ 4850/5000, không ghi {typed} (một tỷ lệ không có mẫu "
            "số thì không cộng được); hoặc ghi mẫu số của đơn vị trong kế hoạch "
            "(units.{unit}.denominators.{code}) rồi chạy thidua init"
        ).format(
            indicator=f"{indicator.code} ({indicator.name})",
            typed=reading.typed or format_number(reading.value),
            unit=unit.code,
            code=indicator.code,
        )
    )


def _over_size(indicator: Indicator, reading: Reading, size: Decimal) -> Reading:
    """The percentage as a numerator over the unit's denominator from the plan."""
    with localcontext(Context(prec=60)):
        numerator = (reading.value * size / 100).normalize()
    exponent = numerator.as_tuple().exponent
    if significant_digits(numerator) > DIGITS or (isinstance(exponent, int) and exponent < -PLACES):
        raise InputError(
            _(
                "{indicator}: {value} % của mẫu số {size} trong kế hoạch là {numerator}, không "
                "lưu đúng được; ghi dạng tử số/mẫu số"
            ).format(
                indicator=indicator.code,
                value=format_number(reading.value, PLACES),
                size=format_number(size, PLACES),
                numerator=format_number(numerator, 2 * PLACES),
            )
        )
    if isinstance(exponent, int) and exponent > 0:  # 4.75E+3 written as 4750
        numerator = numerator.quantize(Decimal(1))
    return replace(reading, numerator=numerator, denominator=size)


def increment_from_total(indicator: Indicator, total: Decimal, year_to_date: Decimal) -> Decimal:
    """The figure implied by a year-to-date total (``--total``) given what is already recorded."""
    if indicator.kind != "cumulative":
        raise InputError(
            _(
                "--total chỉ dùng cho chỉ tiêu cộng dồn; {indicator} là chỉ tiêu mức hiện tại"
            ).format(indicator=indicator.code)
        )
    if total < year_to_date:
        raise InputError(
            _(
                "tổng lũy kế {total} nhỏ hơn số đã ghi ({recorded} {measure}); "
                "số đã ghi không bị sửa bằng --total"
            ).format(
                total=format_number(total),
                recorded=format_number(year_to_date),
                measure=indicator.measure,
            )
        )
    return to_decimal(total) - to_decimal(year_to_date)  # 10,7 − 10,6 is 0,1
