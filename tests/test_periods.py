"""Review periods: what users type, where each period ends, and the period before it."""

from __future__ import annotations

from datetime import date

import pytest

from thiduaCLI.domain.periods import Period, month_containing, parse_period
from thiduaCLI.errors import InputError


@pytest.mark.parametrize(
    ("typed", "label", "start", "end", "previous"),
    [
        ("2026-03", "2026-03", date(2026, 3, 1), date(2026, 3, 31), "2026-02"),
        ("2026-2", "2026-02", date(2026, 2, 1), date(2026, 2, 28), "2026-01"),
        ("2026-01", "2026-01", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
        ("2026-12", "2026-12", date(2026, 12, 1), date(2026, 12, 31), "2026-11"),
        ("2026-Q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
        ("2026-q2", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "2026-Q1"),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "2026-Q3"),
        ("2026-H1", "2026-H1", date(2026, 1, 1), date(2026, 6, 30), "2025-H2"),
        ("2026-H2", "2026-H2", date(2026, 7, 1), date(2026, 12, 31), "2026-H1"),
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31), "2025"),
    ],
)
def test_periods(typed: str, label: str, start: date, end: date, previous: str) -> None:
    period = parse_period(typed)
    assert (period.label, period.start, period.end, period.previous().label) == (
        label,
        start,
        end,
        previous,
    )


def test_a_leap_february_ends_on_the_29th() -> None:
    assert parse_period("2028-02").end == date(2028, 2, 29)


@pytest.mark.parametrize("typed", ["2026-13", "2026-00", "2026-Q5", "2026-H3", "26-Q1", "Q1", ""])
def test_bad_periods_are_refused_with_the_accepted_forms(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_period(typed)
    assert str(caught.value) == (
        f"kỳ '{typed}' không hợp lệ (viết 2026-03 cho tháng, 2026-Q2 cho quý, "
        "2026-H1 cho 6 tháng, 2026 cho cả năm)"
    )


def test_the_month_a_day_falls_in() -> None:
    assert month_containing(date(2026, 11, 25)) == Period("month", 2026, 11)
