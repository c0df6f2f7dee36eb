"""Pure rules for accepting a reported value before it is stored."""

from __future__ import annotations

from thiduaCLI.errors import InputError
from thiduaCLI.numbers import Reading, format_number
from thiduaCLI.plan import Indicator, Unit


def check_reading(indicator: Indicator, unit: Unit, reading: Reading) -> None:
    """Refuse a value the indicator cannot take, saying what would be right."""
    where = f"{indicator.code} ({indicator.name})"
    if indicator.code not in unit.agreement:
        signed = ", ".join(unit.agreement)
        raise InputError(
            f"{unit.code} ({unit.name}) không ký chỉ tiêu {indicator.code}; "
            f"giao ước của đơn vị gồm: {signed}"
        )
    if reading.is_fraction and not indicator.share:
        raise InputError(f"{where} không phải chỉ tiêu tỷ lệ: nhập một số, không nhập tử số/mẫu số")
    if reading.grouped and indicator.measure == "%":
        raise InputError(
            f"{where} tính bằng %: '{format_number(reading.value)}' có thể là nhầm dấu chấm "
            "thập phân; viết phần thập phân bằng dấu phẩy, ví dụ 12,5"
        )
    if reading.percent_sign and indicator.measure != "%":
        raise InputError(f"{where} tính bằng {indicator.measure}, không phải %")
    if indicator.share and not 0 <= reading.value <= 100:
        raise InputError(
            f"{where} là tỷ lệ: giá trị phải từ 0 đến 100 (đã nhập {format_number(reading.value)})"
        )
    if reading.value < 0 and not indicator.negative:
        raise InputError(f"{where} không nhận số âm (đã nhập {format_number(reading.value)})")
    if indicator.rollup == "ratio" and not unit.is_ward and not reading.is_fraction:
        raise InputError(
            f"{where} được cộng tử số và mẫu số từ các đơn vị: "
            f"nhập dạng tử số/mẫu số, ví dụ 4850/5000"
        )


def increment_from_total(indicator: Indicator, total: float, year_to_date: float) -> float:
    """The figure implied by a year-to-date total (``--total``) given what is already recorded."""
    if indicator.kind != "cumulative":
        raise InputError(
            f"--total chỉ dùng cho chỉ tiêu cộng dồn; {indicator.code} là chỉ tiêu mức hiện tại"
        )
    if total < year_to_date:
        raise InputError(
            f"tổng lũy kế {format_number(total)} nhỏ hơn số đã ghi "
            f"({format_number(year_to_date)} {indicator.measure}); "
            "số đã ghi không bị sửa bằng --total"
        )
    return total - year_to_date
