"""Test data and checks shared by several test modules."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from thiduaCLI.domain.attainment import Observation
from thiduaCLI.domain.plan_file import shipped_plan_path
from thiduaCLI.storage.server import ServerURL
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


def location(db: Path | str) -> Path | ServerURL:
    """The ``db`` fixture's database as the store takes it (a URL: a PostgreSQL database)."""
    return db if isinstance(db, Path) else ServerURL(db)


def person(db: Path | str, name: str) -> tuple[list[str], str]:
    """``--by NAME`` and the name a figure is then recorded by; on PostgreSQL, where the
    login records (conftest.TEST_LOGIN), no option and that login."""
    return (["--by", name], name) if isinstance(db, Path) else ([], "tester")


def sql(db: Path | str, statement: str, *params: object) -> list[tuple[object, ...]]:
    """Run one SQL statement on the database behind thidua's back (an SQLite file, or a
    PostgreSQL database's URL: ``?`` placeholders either way) and return its rows."""
    if isinstance(db, str):
        import psycopg

        with psycopg.connect(db) as connection:
            cursor = connection.execute(statement.replace("?", "%s"), params)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    with sqlite3.connect(db) as connection:
        return [tuple(row) for row in connection.execute(statement, params).fetchall()]


def never_created(db: Path | str) -> bool:
    """Nothing was made: no SQLite file, or no table in the PostgreSQL database."""
    if isinstance(db, Path):
        return not db.exists()
    found = sql(db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
    return found == [(0,)]


def dump(path: Path | str) -> list[str]:
    """Every row of the database (an SQLite file, or a PostgreSQL database's URL) as text,
    to prove that nothing was written."""
    if isinstance(path, str):
        return _server_dump(path)
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def _server_dump(url: str) -> list[str]:
    """Every table of a PostgreSQL database's schema, and every row of each, in order."""
    import psycopg
    from psycopg import sql

    found = []
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() ORDER BY table_name"
        ).fetchall()
        for (table,) in tables:
            rows = connection.execute(
                sql.SQL("SELECT * FROM {} ORDER BY 1, 2").format(sql.Identifier(table))
            ).fetchall()
            found += [f"{table}: {row!r}" for row in rows] or [f"{table}: (empty)"]
    return found


def figure_count(path: Path | str) -> int:
    """How many figures the database holds (a file, or a PostgreSQL database's URL)."""
    if isinstance(path, str):
        import psycopg

        with psycopg.connect(path) as connection:
            (count,) = connection.execute("SELECT count(*) FROM figure").fetchone() or (0,)
            return int(count)
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


def one_step_more(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """This thidua with a schema one step newer than today's: the step adds a column to the
    plan versions and fills it (what a real step after 8 will do, on either engine). Returns
    the engines the step ran on, in order."""
    ran: list[str] = []

    def step(connection) -> None:
        ran.append(connection.dialect.name)
        connection.exec_driver_sql("ALTER TABLE plan_version ADD COLUMN probe VARCHAR")
        connection.exec_driver_sql("UPDATE plan_version SET probe = 'bước mới'")

    from thiduaCLI import ledger
    from thiduaCLI.storage import migrations, store
    from thiduaCLI.storage.tables import SCHEMA_VERSION

    newer = SCHEMA_VERSION + 1
    for module in (store, migrations, ledger):
        monkeypatch.setattr(module, "SCHEMA_VERSION", newer)
    monkeypatch.setitem(migrations.STEPS, newer, step)
    return ran
