"""The SQLite file itself: aggregation in SQL, years side by side, and files we refuse."""

from __future__ import annotations

import functools
import json
import sqlite3
import stat
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from helpers import SMALL_PLAN, dump, location, one_step_more, sql
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.plan_file import parse_plan
from thiduaCLI.errors import StoreError
from thiduaCLI.storage import store
from thiduaCLI.storage.models import Figure, Retraction
from thiduaCLI.storage.plan_rows import unit_names
from thiduaCLI.storage.tables import SCHEMA_VERSION

ENGINES = ("sqlite", "postgresql")  # each test using db runs on both (conftest.py)


def _figure(unit: str, indicator: str, value: float, day: date, **extra: object) -> Figure:
    return Figure(
        year=day.year,
        unit=unit,
        indicator=indicator,
        value=value,
        ref_date=day,
        recorded_by="tester",
        **extra,
    )


@pytest.fixture
def database(db: Path, small_plan: Plan):
    with store.open_database(location(db)) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, small_plan, "small.toml")
        yield opened


def test_year_to_date_sums_and_level_takes_the_latest_dated_figure(database, small_plan) -> None:
    with database.session(write=True) as session:
        for figure in (
            _figure("A1", "VL", 10, date(2026, 1, 31)),
            _figure("A1", "VL", 15, date(2026, 2, 28)),
            _figure("A1", "VL", 7, date(2026, 4, 30)),
            _figure("A1", "BH", 80, date(2026, 3, 31), numerator=80, denominator=100),
            _figure("A1", "BH", 85, date(2026, 6, 30), numerator=85, denominator=100),
            # recorded last but dated earlier: it does not replace the June figure
            _figure("A1", "BH", 70, date(2026, 5, 31), numerator=70, denominator=100),
        ):
            store.add_figure(session, figure)
    with database.session() as session:
        march = store.observations(session, small_plan, date(2026, 3, 31))
        june = store.observations(session, small_plan, date(2026, 6, 30))
        assert store.year_to_date(session, 2026, "A1", "VL", date(2026, 2, 28)) == 25
    assert (march[("A1", "VL")].total, march[("A1", "VL")].count) == (25, 2)
    assert march[("A1", "BH")].latest == 80
    assert june[("A1", "VL")].total == 32
    assert (june[("A1", "BH")].latest, june[("A1", "BH")].latest_numerator) == (85, 85)
    assert june[("A1", "BH")].last_date == date(2026, 6, 30)


def test_several_days_in_one_query_count_each_figure_as_of_each_day(database, small_plan) -> None:
    """Rank reads the review day and the end of the period before in one pass: sums carried
    forward, the latest figure of each day, corrections and retractions on either side."""
    with database.session(write=True) as session:
        add = functools.partial(store.add_figure, session)
        add(_figure("A1", "VL", 0.1, date(2026, 1, 31)))
        add(_figure("A1", "VL", 0.2, date(2026, 3, 31)))
        mistake = add(_figure("A1", "VL", 50, date(2026, 5, 31)))
        add(_figure("A1", "VL", 5, date(2026, 5, 31), supersedes=mistake.id))
        add(_figure("A1", "VL", 0.7, date(2026, 7, 31)))  # only after the earlier day
        add(_figure("A1", "BH", 80, date(2026, 2, 28), numerator=80, denominator=100))
        typo = add(_figure("A1", "BH", 8, date(2026, 8, 31), numerator=8, denominator=100))
        add(
            _figure(
                "A1", "BH", 88, date(2026, 8, 31), numerator=88, denominator=100, supersedes=typo.id
            )
        )
        add(_figure("A2", "VL", 3, date(2026, 9, 30)))  # a pair with nothing before
        twice = add(_figure("B1", "NS", 70, date(2026, 4, 30)))
        store.add_retraction(
            session, Retraction(figure_id=twice.id, reason="trùng", retracted_by="tester")
        )
        add(_figure("B1", "NS", 60, date(2026, 4, 15)))
    days = [date(2026, 12, 31), date(2026, 6, 30)]
    with database.session() as session:
        year_end, june = store.observations_at(session, small_plan, days)
        one_by_one = [store.observations(session, small_plan, day) for day in days]
        a1 = store.observations_at(session, small_plan, days, unit="A1")
    assert [year_end, june] == one_by_one
    assert a1 == [
        {key: value for key, value in found.items() if key[0] == "A1"} for found in one_by_one
    ]
    assert (june[("A1", "VL")].total, june[("A1", "VL")].count) == (Decimal("5.3"), 3)
    assert (year_end[("A1", "VL")].total, year_end[("A1", "VL")].count) == (6, 4)
    assert (june[("A1", "BH")].latest, year_end[("A1", "BH")].latest) == (80, 88)
    assert year_end[("A1", "BH")].latest_numerator == 88
    assert ("A2", "VL") not in june and year_end[("A2", "VL")].total == 3
    assert june[("B1", "NS")].latest == year_end[("B1", "NS")].latest == 60
    assert june[("B1", "NS")].last_date == date(2026, 4, 15)


def _several_figures(database) -> None:
    """Figures of A1, A2 and B1 over the year, with a correction and a retraction."""
    with database.session(write=True) as session:
        add = functools.partial(store.add_figure, session)
        add(_figure("A1", "VL", 0.1, date(2026, 1, 31)))
        add(_figure("A1", "VL", 0.2, date(2026, 3, 31)))
        add(_figure("A1", "VL", 0.7, date(2026, 7, 31)))
        add(_figure("A1", "BH", 80, date(2026, 2, 28), numerator=80, denominator=100))
        typo = add(_figure("A1", "BH", 8, date(2026, 8, 31), numerator=8, denominator=100))
        add(
            _figure(
                "A1", "BH", 88, date(2026, 8, 31), numerator=88, denominator=100, supersedes=typo.id
            )
        )
        add(_figure("A2", "VL", 3, date(2026, 9, 30)))  # its first figure, in September
        twice = add(_figure("A2", "VL", 4, date(2026, 9, 15)))
        store.add_retraction(
            session, Retraction(figure_id=twice.id, reason="trùng", retracted_by="tester")
        )


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        # the month before's end: its sums are the later day's less September's (SQL adds
        # up fewer months); A2's only figure came in September
        (
            (date(2026, 9, 30), date(2026, 8, 31)),
            [
                {("A1", "VL"): ("1", 3), ("A1", "BH"): ("88", 2), ("A2", "VL"): ("3", 1)},
                {("A1", "VL"): ("1", 3), ("A1", "BH"): ("88", 2)},
            ],
        ),
        # the same day twice: nothing taken away
        (
            (date(2026, 8, 31), date(2026, 8, 31)),
            [{("A1", "VL"): ("1", 3), ("A1", "BH"): ("88", 2)}] * 2,
        ),
        # July less four months (3 and 2 to keep): March is added up as itself, February too
        (
            (date(2026, 7, 31), date(2026, 3, 31), date(2026, 2, 28)),
            [
                {("A1", "VL"): ("1", 3), ("A1", "BH"): ("80", 1)},
                {("A1", "VL"): ("0.3", 2), ("A1", "BH"): ("80", 1)},
                {("A1", "VL"): ("0.1", 1), ("A1", "BH"): ("80", 1)},
            ],
        ),
        # mid-month days are never taken away from: each is added up as itself
        (
            (date(2026, 9, 20), date(2026, 8, 31)),
            [
                {("A1", "VL"): ("1", 3), ("A1", "BH"): ("88", 2)},
                {("A1", "VL"): ("1", 3), ("A1", "BH"): ("88", 2)},
            ],
        ),
    ],
)
def test_a_later_days_sums_less_some_months_are_the_earlier_days_sums(
    database, small_plan, days, expected
) -> None:
    """Each day of one query reads as that day read alone, whether its sums are added up or
    taken from the first day's less the months between (hand-computed: value for VL the
    year-to-date sum, for BH the latest share; then the count of counted figures)."""
    _several_figures(database)
    with database.session() as session:
        together = store.observations_at(session, small_plan, list(days))
        one_by_one = [store.observations(session, small_plan, day) for day in days]
    assert together == one_by_one
    seen = [
        {pair: (o.total if pair[1] == "VL" else o.latest, o.count) for pair, o in found.items()}
        for found in together
    ]
    assert seen == [
        {pair: (Decimal(value), count) for pair, (value, count) in day.items()} for day in expected
    ]


def test_two_figures_on_the_same_date_the_later_recorded_stands(database, small_plan) -> None:
    with database.session(write=True) as session:
        store.add_figure(session, _figure("B1", "NS", 60, date(2026, 3, 31)))
        store.add_figure(session, _figure("B1", "NS", 65, date(2026, 3, 31)))
    with database.session() as session:
        assert (
            store.observations(session, small_plan, date(2026, 12, 31))[("B1", "NS")].latest == 65
        )


def test_years_sit_side_by_side(database, small_plan: Plan) -> None:
    later = parse_plan(SMALL_PLAN.replace("year = 2026", "year = 2027"), "2027.toml")
    with database.session(write=True) as session:
        store.save_plan(session, later, "2027.toml")
        store.add_figure(session, _figure("A1", "VL", 10, date(2026, 5, 1)))
        store.add_figure(session, _figure("A1", "VL", 99, date(2027, 5, 1)))
    with database.session() as session:
        assert store.plan_years(session) == [2026, 2027]
        assert store.load_plan(session, 2027) == later
        assert store.load_plan(session, 2026) == small_plan
        assert store.observations(session, small_plan, date(2026, 12, 31))[("A1", "VL")].total == 10
        assert store.observations(session, later, date(2027, 12, 31))[("A1", "VL")].total == 99


def test_a_failed_transaction_writes_nothing(database, small_plan) -> None:
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        store.add_figure(session, _figure("A1", "VL", 10, date(2026, 5, 1)))
        raise RuntimeError("interrupted")
    with database.session() as session:
        assert store.observations(session, small_plan, date(2026, 12, 31)) == {}


@pytest.mark.sqlite_only  # a file's own behaviour
def test_a_new_database_is_private_to_its_owner(db: Path) -> None:
    with store.open_database(location(db)) as opened, opened.session() as session:
        wal = Path(f"{db}-wal")
        assert wal.exists()  # WAL mode: readers never block the writer
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
        assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.sqlite_only  # a file's own behaviour
def test_a_database_created_by_a_failing_command_stays(db: Path) -> None:
    """Another process may already be writing to it: it is never removed or rewritten."""
    with pytest.raises(RuntimeError), store.open_database(location(db)):
        raise RuntimeError("the command failed")
    assert db.exists()
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.sqlite_only  # a file's own behaviour
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(db: Path) -> None:
    db.write_text("ghi chú, không phải cơ sở dữ liệu\n" * 10, encoding="utf-8")
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught, store.open_database(location(db)):
        pass
    assert str(caught.value) == f"{db}: tệp không phải cơ sở dữ liệu SQLite (hỏng hoặc nhầm tệp?)"
    assert db.read_bytes() == before


@pytest.mark.sqlite_only  # a file's own behaviour
def test_a_corrupt_database_is_refused(db: Path) -> None:
    with store.open_database(location(db)):
        pass
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError) as caught, store.open_database(location(db)):
        pass
    assert str(caught.value).startswith(f"{db}: tệp cơ sở dữ liệu bị hỏng hoặc không phải SQLite")


@pytest.mark.sqlite_only  # a file's own behaviour
def test_another_programs_database_is_refused(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(StoreError) as caught, store.open_database(location(db)):
        pass
    assert str(caught.value) == f"{db}: cơ sở dữ liệu này không phải của thidua"


@pytest.mark.sqlite_only  # a file's own behaviour
def test_a_database_from_a_newer_thidua_is_refused(db: Path) -> None:
    with store.open_database(location(db)):
        pass
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError) as caught, store.open_database(location(db)):
        pass
    assert str(caught.value) == (
        f"{db}: cơ sở dữ liệu được tạo bởi phiên bản thidua mới hơn (lược đồ 99); "
        "hãy cập nhật thidua"
    )


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "thidua.sqlite3"
    with pytest.raises(StoreError) as caught, store.open_database(path):
        pass
    assert str(caught.value) == f"{path}: thư mục {path.parent} không tồn tại"


def test_a_stored_plan_this_version_cannot_read_is_one_clear_error(database) -> None:
    with database.session(write=True) as session:
        session.connection().exec_driver_sql(
            "UPDATE plan SET document = replace(document, '\"title\"', '\"tieu_de\"')"
        )
    with pytest.raises(StoreError) as caught, database.session() as session:
        store.load_plan(session, 2026)
    assert str(caught.value) == (
        "kế hoạch năm 2026 lưu trong cơ sở dữ liệu không đọc được (do phiên bản thidua khác "
        "ghi?); nạp lại bằng: thidua init small.toml"
    )


def test_a_stored_plan_reads_back_equal_with_its_units_in_plan_order(
    database, small_plan: Plan
) -> None:
    with database.session() as session:
        stored = store.load_plan(session, 2026)
    assert stored == small_plan
    assert list(stored.units) == list(small_plan.units)
    assert [unit.code for unit in stored.units.values()] == list(small_plan.units)
    assert stored.ward == small_plan.ward
    assert "NOPE" not in stored.units and len(stored.units) == len(small_plan.units)
    with pytest.raises(KeyError):
        stored.units["NOPE"]


def test_a_stored_unit_is_read_only_when_asked_for(database, small_plan: Plan) -> None:
    """One unit's row that this version cannot read spoils that unit, not the others: a
    report on another unit works, and reading it is one clear error."""
    broken, kept = list(small_plan.units)[1:3]
    with database.session(write=True) as session:
        session.connection().execute(
            text("UPDATE plan_unit SET document = '{\"code\": 1}' WHERE code = :code"),
            {"code": broken},
        )
    unreadable = (
        "kế hoạch năm 2026 lưu trong cơ sở dữ liệu không đọc được (do phiên bản thidua khác "
        "ghi?); nạp lại bằng: thidua init small.toml"
    )
    with database.session() as session:
        stored = store.load_plan(session, 2026)
    assert stored.units[kept] == small_plan.units[kept]
    assert unit_names(stored) == {code: unit.name for code, unit in small_plan.units.items()}
    for read in (lambda: stored.units[broken], stored.units.values, stored.units.items):
        with pytest.raises(StoreError) as caught:
            read()
        assert str(caught.value) == unreadable


def test_stored_units_read_one_by_one_still_list_in_plan_order(database, small_plan: Plan) -> None:
    with database.session() as session:
        stored = store.load_plan(session, 2026)
    for code in reversed(list(small_plan.units)):
        stored.units[code]
    assert list(stored.units.items()) == list(small_plan.units.items())
    assert stored.members("A") == small_plan.members("A")


def test_a_stored_plan_writes_out_as_the_plan_it_was(database, small_plan: Plan) -> None:
    with database.session() as session:
        stored = store.load_plan(session, 2026)
    assert stored.model_dump_json() == small_plan.model_dump_json()
    assert stored.model_dump() == small_plan.model_dump()


def test_without_a_year_commands_use_this_years_plan_else_the_newest(db: Path) -> None:
    from thiduaCLI import open_ledger

    later = parse_plan(SMALL_PLAN.replace("year = 2026", "year = 2027"), "2027.toml")
    with open_ledger(db) as ledger, ledger._database.session(write=True) as session:
        store.save_plan(session, later, "2027.toml")
    with open_ledger(db, today=date(2026, 11, 25)) as ledger:
        assert ledger.plan.year == 2026
    with open_ledger(db, today=date(2027, 2, 1)) as ledger:
        assert ledger.plan.year == 2027
    with open_ledger(db, today=date(2030, 2, 1)) as ledger:
        assert ledger.plan.year == 2027  # no 2030 plan: the newest
    with open_ledger(db, year=2026, today=date(2027, 2, 1)) as ledger:
        assert ledger.plan.year == 2026


@pytest.mark.parametrize(
    ("cycle", "day", "recorded", "late"),
    [
        # monthly, 10 days' grace: March figures are due by 10 April (Vietnam time)
        ("monthly", date(2026, 3, 15), datetime(2026, 4, 10, 16, 59), False),  # 23:59 in VN
        ("monthly", date(2026, 3, 15), datetime(2026, 4, 10, 17, 0), True),  # 00:00 on the 11th
        # the last instant of the due day is still on time (SQLite's date() rounds to ms)
        ("monthly", date(2026, 3, 15), datetime(2026, 4, 10, 16, 59, 59, 999600), False),
        ("monthly", date(2026, 3, 31), datetime(2026, 4, 10, 16, 59, 59, 999999), False),
        ("monthly", date(2026, 12, 31), datetime(2027, 1, 10, 12, 0), False),
        # quarterly: every month of a quarter is due 10 days after the quarter ends
        ("quarterly", date(2026, 1, 5), datetime(2026, 4, 10, 12, 0), False),
        ("quarterly", date(2026, 2, 20), datetime(2026, 4, 10, 12, 0), False),
        ("quarterly", date(2026, 3, 31), datetime(2026, 4, 11, 12, 0), True),
        ("quarterly", date(2026, 9, 15), datetime(2026, 10, 10, 12, 0), False),
        ("quarterly", date(2026, 9, 15), datetime(2026, 10, 11, 12, 0), True),
        ("quarterly", date(2026, 11, 2), datetime(2027, 1, 10, 12, 0), False),
    ],
)
def test_a_figure_is_late_after_its_period_and_the_grace_days(
    db: Path, cycle: str, day: date, recorded: datetime, late: bool
) -> None:
    plan = parse_plan(
        SMALL_PLAN.replace(
            'title = "Kế hoạch thử"',
            f'title = "Kế hoạch thử"\nreporting_cycle = "{cycle}"\ndue_days = 10',
        ),
        "cycle.toml",
    )
    with store.open_database(location(db)) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, plan, "cycle.toml")
        with opened.session(write=True) as session:
            figure = _figure("B1", "NS", 90, day)
            figure.recorded_at = recorded.replace(tzinfo=UTC)
            store.add_figure(session, figure)
        with opened.session() as session:
            # on its own day (inside its month, or its month's last day) and at the year's end
            observed = store.observations_at(session, plan, [day, date(2026, 12, 31)])
    assert [found[("B1", "NS")].late for found in observed] == [late, late]


def test_a_correction_is_never_late_itself(db: Path, small_plan) -> None:
    with store.open_database(location(db)) as opened:
        with opened.session(write=True) as session:
            store.save_plan(session, small_plan, "small.toml")
        with opened.session(write=True) as session:
            original = _figure("B1", "NS", 90, date(2026, 3, 15))
            original.recorded_at = datetime(2026, 4, 2, tzinfo=UTC)  # on time
            original = store.add_figure(session, original)  # now with its id
            fix = _figure("B1", "NS", 95, date(2026, 3, 15), supersedes=original.id)
            fix.recorded_at = datetime(2026, 9, 1, tzinfo=UTC)  # a typo fixed months later
            store.add_figure(session, fix)
        with opened.session() as session:
            observed = store.observations(session, small_plan, date(2026, 12, 31))
    assert (observed[("B1", "NS")].latest, observed[("B1", "NS")].late) == (95, False)


def test_the_last_instant_of_a_day_in_vietnam_belongs_to_that_day(database, small_plan) -> None:
    """23:59:59.9996 in Vietnam is still 10 April for history --since and the overdue checks
    (SQLite's date() alone would round it to the 11th)."""
    late_evening = datetime(2026, 4, 10, 16, 59, 59, 999600, tzinfo=UTC)
    with database.session(write=True) as session:
        figure = _figure("A1", "VL", 5, date(2026, 3, 31))
        figure.recorded_at = late_evening
        store.add_figure(session, figure)
    with database.session() as session:
        on_the_10th = store.history(session, 2026, since=date(2026, 4, 10))
        from_the_11th = store.history(session, 2026, since=date(2026, 4, 11))
        by_the_10th = store.last_reports(session, 2026, date(2026, 4, 10))
    assert [entry.figure.value for entry in on_the_10th] == [5] and from_the_11th == []
    assert by_the_10th == {"A1": late_evening}


def test_a_schema_step_after_todays_runs_once_on_either_engine(
    ready, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migrations run on both engines: a database of today's schema opened by a thidua one
    step newer is upgraded by the first command, once, in its transaction; the step is
    recorded, the note says so (a file names the copy kept first), and the figures read as
    before."""
    assert ready("report", "K01", "VIEC_LAM", "12", "--date", "31/03/2026").code == 0
    before = ready("status", "--as-of", "2026-03-31", "--json")
    ran = one_step_more(monkeypatch)
    upgraded = ready("status", "--as-of", "2026-03-31", "--json")
    assert upgraded.code == 0, upgraded.err
    engine = "sqlite" if isinstance(db, Path) else "postgresql"
    assert ran == [engine]
    note = f"Ghi chú: Đã nâng cấp cơ sở dữ liệu {db} từ lược đồ 8 lên 9"
    if isinstance(db, Path):
        note += f"; bản sao trước khi nâng cấp: {db}.v8.bak"
        assert sql(db, "PRAGMA user_version") == [(9,)]
    assert upgraded.err == note + "\n"
    assert json.loads(upgraded.out) == json.loads(before.out)
    again = ready("status", "--as-of", "2026-03-31")
    assert (again.code, again.err, ran) == (0, "", [engine])  # upgraded once only
    assert sql(db, "SELECT version FROM schema_migration ORDER BY version") == [(8,), (9,)]
    assert sql(db, "SELECT DISTINCT probe FROM plan_version") == [("bước mới",)]


def test_a_dry_run_on_a_database_to_upgrade_writes_nothing(
    ready, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command that writes nothing does not upgrade either, on either engine: one line,
    exit 1, the schema as it was."""
    original = dump(db)
    ran = one_step_more(monkeypatch)
    result = ready("report", "K01", "VIEC_LAM", "3", "--date", "31/03/2026", "--dry-run")
    assert (result.code, result.out, ran) == (1, "", [])
    assert result.err == (
        f"Lỗi: {db}: cơ sở dữ liệu cần nâng cấp lên lược đồ 9; lệnh này không ghi gì nên không "
        "nâng cấp (chạy một lệnh khác trước, ví dụ thidua status)\n"
    )
    assert dump(db) == original
