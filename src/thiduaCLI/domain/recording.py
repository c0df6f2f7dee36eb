"""Pure rules for accepting a reported value before it is stored."""

from __future__ import annotations

from decimal import Decimal

from thiduaCLI.domain.plan import Indicator, Unit
from thiduaCLI.errors import InputError
from thiduaCLI.text.i18n import _
from thiduaCLI.text.numbers import Reading, format_number, to_decimal


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
        raise InputError(
            _(
                "{indicator} tính bằng %: '{value}' có thể là nhầm dấu chấm thập phân; "
                "viết phần thập phân bằng dấu phẩy, ví dụ 12,5"
            ).format(indicator=where, value=format_number(reading.value))
        )
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
    if indicator.rollup == "ratio" and not unit.is_ward and not reading.is_fraction:
        raise InputError(
            _(
                "{indicator} được cộng tử số và mẫu số từ các đơn vị: "
                "nhập dạng tử số/mẫu số, ví dụ 4850/5000"
            ).format(indicator=where)
        )


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
