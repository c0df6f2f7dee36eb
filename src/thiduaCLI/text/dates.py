"""Dates as users type and read them: ISO ``2026-03-31`` or Vietnamese ``31/03/2026``."""

from __future__ import annotations

import re
from datetime import date

from thiduaCLI.errors import InputError
from thiduaCLI.text.i18n import _, language

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
        raise InputError(
            _("ngày '{text}' không hợp lệ (viết YYYY-MM-DD hoặc dd/mm/yyyy)").format(text=text)
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(_("ngày '{text}' không có trên lịch").format(text=text)) from None


def check_in_year(day: date, year: int, what: str | None = None) -> date:
    """Refuse a date outside the plan year (``what``: how the message names the date)."""
    if day.year != year:
        raise InputError(
            _(
                "{what} {day} nằm ngoài năm kế hoạch {year} (chọn một ngày từ {first} đến {last})"
            ).format(
                what=what or _("ngày"),
                day=format_date(day),
                year=year,
                first=format_date(date(year, 1, 1)),
                last=format_date(date(year, 12, 31)),
            )
        )
    return day


# How each language writes a date: Vietnamese day first with slashes, English with the
# month's name so that nobody reads 03/04 the American way.
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}


def format_date(day: date) -> str:
    """``31/03/2026`` (English ``31 Mar 2026``), through Babel's calendar data."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(day, DATE_PATTERNS[language()], locale=language())
