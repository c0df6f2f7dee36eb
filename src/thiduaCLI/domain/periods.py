"""Review periods: a month, a quarter, a half-year or a year, and the one before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from thiduaCLI.domain.calendar import month_end
from thiduaCLI.errors import InputError
from thiduaCLI.text.i18n import _

Length = Literal["month", "quarter", "half", "year"]
_MONTHS_IN: dict[Length, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_FORMS: tuple[tuple[re.Pattern[str], Length], ...] = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
)


@dataclass(frozen=True)
class Period:
    """A review period: its length, year and number within the year (month 1–12, Q1–4, H1–2)."""

    length: Length
    year: int
    number: int = 1

    @property
    def start(self) -> date:
        """First day."""
        return date(self.year, (self.number - 1) * _MONTHS_IN[self.length] + 1, 1)

    @property
    def end(self) -> date:
        """Last day: the day a review of this period is judged at."""
        return month_end(self.year, self.number * _MONTHS_IN[self.length])

    @property
    def label(self) -> str:
        """As typed: ``2026-03``, ``2026-Q2``, ``2026-H1``, ``2026``."""
        match self.length:
            case "month":
                return f"{self.year}-{self.number:02d}"
            case "quarter":
                return f"{self.year}-Q{self.number}"
            case "half":
                return f"{self.year}-H{self.number}"
        return str(self.year)

    @property
    def words(self) -> str:
        """As people say it, in the reader's language: ``tháng 9/2026``, ``quý 2/2026``,
        ``6 tháng đầu năm 2026``, ``6 tháng cuối năm 2026``, ``năm 2026``."""
        match self.length:
            case "month":
                return _("tháng {month}/{year}").format(month=self.number, year=self.year)
            case "quarter":
                return _("quý {quarter}/{year}").format(quarter=self.number, year=self.year)
            case "half" if self.number == 1:
                return _("6 tháng đầu năm {year}").format(year=self.year)
            case "half":
                return _("6 tháng cuối năm {year}").format(year=self.year)
        return _("năm {year}").format(year=self.year)

    def previous(self) -> Period:
        """The period of the same length just before this one (possibly last year)."""
        if self.number > 1:
            return Period(self.length, self.year, self.number - 1)
        return Period(self.length, self.year - 1, 12 // _MONTHS_IN[self.length])


def parse_period(text: str) -> Period:
    """Read ``2026-03``, ``2026-Q2``, ``2026-H1`` or ``2026``."""
    cleaned = text.strip()
    for pattern, length in _FORMS:
        if match := pattern.match(cleaned):
            year = int(match.group(1))
            number = int(match.group(2)) if length != "year" else 1
            if length == "month" and not 1 <= number <= 12:
                break
            return Period(length, year, number)
    raise InputError(
        _(
            "kỳ '{text}' không hợp lệ (viết 2026-03 cho tháng, 2026-Q2 cho quý, "
            "2026-H1 cho 6 tháng, 2026 cho cả năm)"
        ).format(text=text)
    )


def month_containing(day: date) -> Period:
    """The calendar month a day falls in."""
    return Period("month", day.year, day.month)


@dataclass(frozen=True)
class Review:
    """The day figures are judged at, and the review period it closes, if one was named."""

    as_of: date
    period: Period | None = None

    @property
    def previous_end(self) -> date:
        """The end of the period before, of the same length (a month when none was named)."""
        period = self.period or month_containing(self.as_of)
        return period.previous().end
