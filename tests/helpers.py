"""Test data and checks shared by several test modules."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

from thiduaCLI.domain.attainment import Observation
from thiduaCLI.domain.plan_file import shipped_plan_path
from thiduaCLI.text.numbers import to_decimal

SMALL_PLAN = """
year = 2026
title = "Kế hoạch thử"

[ward]
code = "PHUONG"
name = "Phường thử"

[scoring]
cap = 100

[indicators.THU]
name = "Thu ngân sách"
measure = "tỷ đồng"
target = 100
comparator = ">"
kind = "cumulative"
rollup = "sum"

[indicators.TANG]
name = "Tăng trưởng"
measure = "%"
target = 10
comparator = ">="
kind = "level"
negative = true
rollup = "none"

[indicators.BH]
name = "Bảo hiểm y tế"
measure = "%"
target = 90
comparator = ">="
kind = "level"
share = true
rollup = "ratio"
weight = 2

[indicators.VL]
name = "Việc làm"
measure = "lao động"
target = 200
comparator = "~"
tolerance = 5
kind = "cumulative"
rollup = "sum"

[indicators.NS]
name = "Nước sạch"
measure = "%"
target = 100
comparator = ">="
kind = "level"
share = true
rollup = "weighted"
weight_by = "population"

[blocks.A]
name = "Khối A"
indicators = ["BH", "VL"]

[blocks.B]
name = "Khối B"
indicators = ["NS"]

[units]
A1 = { name = "Đơn vị A1", block = "A", targets = { VL = 100 } }
A2 = { name = "Đơn vị A2", block = "A", targets = { VL = 100 } }
A3 = { name = "Đơn vị A3", block = "A", targets = { VL = 100 } }
B1 = { name = "Khóm 1", block = "B", sizes = { population = 1000 } }
B2 = { name = "Khóm 2", block = "B", sizes = { population = 3000 } }
"""


def dump(path: Path) -> list[str]:
    """Every row of the database as SQL, to prove that nothing was written."""
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def figure_count(path: Path) -> int:
    """How many figures the database holds."""
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM figure").fetchone()[0]


def obs(
    unit: str,
    code: str,
    total: float = 0.0,
    latest: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    late: bool = False,
    recorded: datetime | None = None,
) -> Observation:
    """Aggregated figures of one unit on one indicator, as the store reads them (Decimals)."""
    return Observation(
        unit=unit,
        indicator=code,
        total=to_decimal(total),
        count=1,
        latest=to_decimal(total if latest is None else latest),
        latest_numerator=None if numerator is None else to_decimal(numerator),
        latest_denominator=None if denominator is None else to_decimal(denominator),
        last_date=date(2026, 3, 31),
        last_by="tester",
        late=late,
        last_recorded_at=recorded,
    )


def assert_refused(result, message: str, db: Path, before: list[str]) -> None:
    """Exit 1, exactly one line on stderr, nothing on stdout, and the database unchanged."""
    assert result.code == 1, result.err
    assert result.err == f"Lỗi: {message}\n"
    assert result.out == ""
    assert dump(db) == before


def plan_copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """A copy of the shipped plan with one piece of text replaced."""
    text = shipped_plan_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "kehoach.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path
