"""Dates as users type and read them: ISO ``2026-03-31`` or Vietnamese ``31/03/2026``."""

from __future__ import annotations

import re
from datetime import date

from thiduaCLI.errors import InputError

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VIETNAMESE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date:
    """Read ``2026-03-31`` or ``31/03/2026``."""
    cleaned = text.strip()
    if match := _ISO.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _VIETNAMESE.match(cleaned):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise InputError(f"ngày '{text}' không hợp lệ (viết YYYY-MM-DD hoặc dd/mm/yyyy)")
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(f"ngày '{text}' không có trên lịch") from None


def check_in_year(day: date, year: int, what: str = "ngày") -> date:
    """Refuse a date outside the plan year."""
    if day.year != year:
        raise InputError(
            f"{what} {format_date(day)} nằm ngoài năm kế hoạch {year} "
            f"(chọn một ngày từ 01/01/{year} đến 31/12/{year})"
        )
    return day


def format_date(day: date) -> str:
    """``31/03/2026``, through Babel's Vietnamese calendar data."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(day, "dd/MM/yyyy", locale="vi")
