"""Figures survive whatever happens: many writers, a killed import, a full disk, a read-only
file, an old schema, a backup taken while others write. Real files; real processes where
several run at once, one is killed or its output is closed (marked ``process``)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import Run, run_thidua, thidua_command
from helpers import dump, figure_count
from thiduaCLI.domain.plan import Plan
from thiduaCLI.storage import months, store
from thiduaCLI.storage.tables import SCHEMA_VERSION

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "schema_v1.sqlite3"
FIXTURE_V2 = Path(__file__).parent / "fixtures" / "schema_v2.sqlite3"
FIXTURE_V3 = Path(__file__).parent / "fixtures" / "schema_v3.sqlite3"
FIXTURE_V4 = Path(__file__).parent / "fixtures" / "schema_v4.sqlite3"
FIXTURE_V5 = Path(__file__).parent / "fixtures" / "schema_v5.sqlite3"


def _environment(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    env.update({"THIDUA_DB": str(db), "THIDUA_USER": "tester", "COLUMNS": "200"})
    return env


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def _big_csv(path: Path, rows: int) -> Path:
    lines = ["unit,indicator,value,date"]
    lines += [
        f"K{i % 19 + 1:02d},VIEC_LAM,{i % 7 + 1},2026-{i % 12 + 1:02d}-15" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _report_together(db: Path, count: int) -> list[tuple[int, str]]:
    """Start ``count`` real ``thidua report`` processes at once; their exit codes and stderr."""
    processes = [
        subprocess.Popen(
            [
                *thidua_command(),
                "report",
                f"K{n % 19 + 1:02d}",
                "VIEC_LAM",
                "1",
                "--date",
                "2026-05-01",
            ],
            env=_environment(db),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    return [(p.wait(timeout=120), p.stderr.read()) for p in processes]


@pytest.mark.process
def test_thirty_writers_at_once_all_land(ready, db: Path, tmp_path: Path) -> None:
    results = _report_together(db, 30)
    assert [code for code, _ in results] == [0] * 30, [err for _, err in results if err]
    assert not any("locked" in err for _, err in results)
    assert figure_count(db) == 30
    assert _integrity(db) == "ok"
    checked = run_thidua(db, tmp_path, "verify")  # each writer chained its figure in turn
    assert (checked.code, checked.err) == (0, "")
    assert "Chuỗi kiểm chứng khớp: 31 mục (30 số liệu" in checked.out


def _holds_write_lock(db: Path) -> bool:
    connection = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    finally:
        connection.close()


@pytest.mark.process
def test_ctrl_c_during_an_import_stops_it_with_one_line_and_writes_nothing(ready, db, tmp_path):
    """Ctrl-C (SIGINT) in the middle of an import: exit 130, "Đã dừng." and no traceback, and
    the database as it was before the import."""
    ready("report", "K01", "VIEC_LAM", "3", "--date", "2026-01-31")
    before = dump(db)
    source = _big_csv(tmp_path / "lon.csv", 100_000)
    process = subprocess.Popen(
        [*thidua_command(), "import", str(source)],
        env=_environment(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    wal = Path(f"{db}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    while not (_holds_write_lock(db) and wal.exists() and wal.stat().st_size > start + 1_000_000):
        assert process.poll() is None, "the import ended before it was caught writing"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "Đã dừng.\n")
    assert _integrity(db) == "ok"
    assert dump(db) == before


@pytest.mark.process
def test_an_import_killed_while_writing_leaves_the_database_as_it_was(ready, db, tmp_path):
    ready("report", "K01", "VIEC_LAM", "3", "--date", "2026-01-31")
    before = dump(db)
    source = _big_csv(tmp_path / "lon.csv", 100_000)
    process = subprocess.Popen(
        [*thidua_command(), "import", str(source)],
        env=_environment(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    wal = Path(f"{db}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    # wait until it holds the write lock and has written a good part of the rows
    while not (_holds_write_lock(db) and wal.exists() and wal.stat().st_size > start + 1_000_000):
        assert process.poll() is None, "the import ended before it was caught writing"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    assert _integrity(db) == "ok"
    assert dump(db) == before
    assert run_thidua(db, tmp_path, "status", "--json").code == 0


@pytest.mark.process
def test_a_full_disk_is_one_clear_line_and_nothing_half_written(ready, db, tmp_path):
    ready("report", "K01", "VIEC_LAM", "3", "--date", "2026-01-31")
    before = dump(db)
    source = _big_csv(tmp_path / "lon.csv", 20_000)
    room = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) + 64_000

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

    done = subprocess.run(
        [*thidua_command(), "import", str(source)],
        env=_environment(db),
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"Lỗi: {db}: ổ đĩa đầy hoặc lỗi ghi đĩa, không ghi được")
    assert done.stderr.count("\n") == 1
    assert _integrity(db) == "ok"
    assert dump(db) == before


@pytest.fixture
def read_only_copy(ready, db: Path, tmp_path: Path):
    """A copy of a database with one figure, that nobody may write (root included)."""
    ready("report", "K01", "VIEC_LAM", "3", "--date", "2026-01-31")
    copy = tmp_path / "ro.sqlite3"
    with sqlite3.connect(db) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    with sqlite3.connect(copy) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")  # no -wal/-shm to create
    copy.chmod(0o444)
    immutable = os.geteuid() == 0  # root writes through file modes: make the file immutable
    if immutable and subprocess.run(["chattr", "+i", str(copy)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here to make a file read-only for root")
    yield copy
    if immutable:
        subprocess.run(["chattr", "-i", str(copy)], check=True)


def test_a_read_only_database_is_one_clear_line(read_only_copy: Path, tmp_path: Path) -> None:
    before = dump(read_only_copy)
    done = run_thidua(
        read_only_copy, tmp_path, "report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28"
    )
    assert done.code == 1
    assert done.err.startswith(f"Lỗi: {read_only_copy}: cơ sở dữ liệu chỉ đọc, không ghi được")
    assert done.err.count("\n") == 1
    assert dump(read_only_copy) == before
    assert run_thidua(read_only_copy, tmp_path, "status", "--json").code == 0  # reading works


def _columns(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name"
            )
        ]
        return {
            name: sorted(
                connection.execute(f"PRAGMA index_info('{name}')").fetchall()
                or connection.execute(f"PRAGMA table_info('{name}')").fetchall()
            )
            for name in tables
        }


def _as_before(connection: sqlite3.Connection, before: list[tuple[object, ...]]) -> bool:
    """Every figure as it was; what schema 6 added derived from it: the value's whole units
    and billionths, and its filing time (a correction's is the first figure's of its chain)."""
    after = connection.execute("SELECT * FROM figure ORDER BY id").fetchall()
    width = len(before[0])
    rows = connection.execute(
        "SELECT id, supersedes, recorded_at, filed_at, value, whole, nano FROM figure"
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    for _id, supersedes, recorded, filed, value, whole, nano in rows:
        first = recorded
        while supersedes is not None:
            _, supersedes, first, *_ = by_id[supersedes]
        if filed != first or whole + nano / 1e9 != pytest.approx(value, abs=1e-9):
            return False
    return [row[:width] for row in after] == before


def _upgraded(tmp_path: Path, fixture: Path, version: int) -> tuple[Path, Run]:
    """Copy a schema-``version`` fixture and run ``status --period 2026-H1 --json`` on it:
    the note names the upgrade and the backup, which holds the file as it was."""
    db = tmp_path / "cu.sqlite3"
    shutil.copy(fixture, db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == version
        recorded = []  # the first schema kept no history
        if version > 1:
            recorded = connection.execute("SELECT version FROM schema_migration").fetchall()
    original = dump(db)
    result = run_thidua(db, tmp_path, "status", "--period", "2026-H1", "--json")
    assert result.code == 0, result.err
    backup = tmp_path / f"cu.sqlite3.v{version}.bak"
    assert result.err == (
        f"Ghi chú: Đã nâng cấp cơ sở dữ liệu {db} từ lược đồ {version} lên {SCHEMA_VERSION}; "
        f"bản sao trước khi nâng cấp: {backup}\n"
    )
    assert dump(backup) == original
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        applied = connection.execute("SELECT version FROM schema_migration").fetchall()
    assert applied == recorded + [(step,) for step in range(version + 1, SCHEMA_VERSION + 1)]
    fresh = tmp_path / "moi.sqlite3"
    assert run_thidua(fresh, tmp_path, "units").code == 0
    assert _columns(db) == _columns(fresh)  # the upgraded schema is the one new files get
    return db, result


def _reads_as_before(status: Run, jobs: float = 43) -> None:
    """The H1 status of the schema-2 to schema-5 fixtures (the same figures; the schema-5
    one has K01's March corrected again to 22 and K03's April gains 0,1 and 0,2: ``jobs``
    44,3), as the schema-2 version printed it."""
    # JSON numbers keep nine decimal places (six before numbers were Decimal)
    expected = {"VIEC_LAM": jobs, "BHYT": 96.774193548, "TANG_TRUONG": -1.5, "THU_NS": 60.25}
    values = {row["code"]: row["value"] for row in json.loads(status.out)["indicators"]}
    assert {code: values[code] for code in expected} == expected


def test_a_first_schema_database_upgrades_with_every_figure_intact(tmp_path: Path) -> None:
    columns = (
        "SELECT id, unit, indicator, value, numerator, denominator, reported_total, "
        "ref_date, recorded_at, recorded_by, note FROM figure ORDER BY id"
    )
    with sqlite3.connect(FIXTURE_V1) as connection:
        figures_before = connection.execute(columns).fetchall()
    db, _ = _upgraded(tmp_path, FIXTURE_V1, 1)
    with sqlite3.connect(db) as connection:
        figures_after = connection.execute(columns).fetchall()
        assert connection.execute("SELECT DISTINCT origin FROM figure").fetchall() == [("cli",)]
    assert figures_after == figures_before and len(figures_after) == 5
    # and the upgraded file works: figures count, a correction supersedes an old figure
    assert run_thidua(db, tmp_path, "correct", "1", "21", "--reason", "kiểm tra").code == 0
    assert run_thidua(db, tmp_path, "status").err == ""  # upgraded once only


def test_a_second_schema_database_upgrades_with_every_figure_and_audit_record_intact(
    tmp_path: Path,
) -> None:
    """Schema 3 only adds up differently (one covering index): a corrected, a retracted and an
    imported figure of a schema-2 file count as before, and status reads the same."""
    with sqlite3.connect(FIXTURE_V2) as connection:
        figures_before = connection.execute("SELECT * FROM figure ORDER BY id").fetchall()
        audit_before = connection.execute("SELECT * FROM retraction").fetchall()
    db, result = _upgraded(tmp_path, FIXTURE_V2, 2)
    _reads_as_before(result)
    with sqlite3.connect(db) as connection:
        assert _as_before(connection, figures_before)
        assert connection.execute("SELECT * FROM retraction").fetchall() == audit_before
    assert len(figures_before) == 8 and len(audit_before) == 1
    assert run_thidua(db, tmp_path, "status").err == ""  # upgraded once only


def test_a_third_schema_database_moves_its_units_to_rows_and_reads_the_same(
    tmp_path: Path,
) -> None:
    """Schema 4 stores each unit of a plan as a row of its own: the plan reads the same, every
    unit keeps its place, and figures and audit records are untouched."""
    with sqlite3.connect(FIXTURE_V3) as connection:
        figures_before = connection.execute("SELECT * FROM figure ORDER BY id").fetchall()
        (document_before,) = connection.execute("SELECT document FROM plan").fetchone()
    units_before = json.loads(document_before)["units"]
    db, result = _upgraded(tmp_path, FIXTURE_V3, 3)
    _reads_as_before(result)
    with sqlite3.connect(db) as connection:
        assert _as_before(connection, figures_before)
        (document,) = connection.execute("SELECT document FROM plan").fetchone()
        rows = connection.execute(
            "SELECT code, position, name, document FROM plan_unit ORDER BY position"
        ).fetchall()
    assert json.loads(document)["units"] == {}
    assert [(code, name) for code, _, name, _ in rows] == [
        (code, unit["name"]) for code, unit in units_before.items()
    ]
    assert {code: json.loads(unit) for code, _, _, unit in rows} == units_before
    assert [position for _, position, _, _ in rows] == list(range(len(units_before)))
    with store.open_database(db) as database, database.session() as session:
        plan = store.load_plan(session, 2026)
    assert plan == Plan.model_validate_json(document_before)  # the same plan, in the same order
    assert list(plan.units) == list(units_before)


def test_a_fourth_schema_database_gains_year_to_date_rows_and_reads_the_same(
    tmp_path: Path,
) -> None:
    """Schema 5 keeps year-to-date rows beside the figures: the upgrade builds them from the
    figures (a correction and a retraction among them), figures and audit records untouched,
    and status reads as before."""
    with sqlite3.connect(FIXTURE_V4) as connection:
        figures_before = connection.execute("SELECT * FROM figure ORDER BY id").fetchall()
        audit_before = connection.execute("SELECT * FROM retraction").fetchall()
    db, result = _upgraded(tmp_path, FIXTURE_V4, 4)
    _reads_as_before(result)
    with sqlite3.connect(db) as connection:
        assert _as_before(connection, figures_before)
        assert connection.execute("SELECT * FROM retraction").fetchall() == audit_before
    with store.open_database(db) as database, database.session(write=True) as session:
        rows = "SELECT * FROM figure_months ORDER BY year, unit, indicator"
        built = session.connection().exec_driver_sql(rows).fetchall()
        months.rebuild(session.connection())
        assert session.connection().exec_driver_sql(rows).fetchall() == built
        slots = session.connection().exec_driver_sql(
            "SELECT unit, indicator, "
            + ", ".join(f"whole_{m} + nano_{m} / 1e9, count_{m}, latest_{m}" for m in range(1, 13))
            + " FROM figure_months ORDER BY unit, indicator"
        )
        filled = {
            (unit, indicator): {
                m: tuple(rest[3 * (m - 1) : 3 * m]) for m in range(1, 13) if rest[3 * (m - 1) + 1]
            }
            for unit, indicator, *rest in slots
        }
    # K01's March figure (#1) was corrected by #8, K04's (#7) retracted: no row for K04
    assert filled == {
        ("K01", "VIEC_LAM"): {3: (21.0, 1, 8), 6: (15.0, 1, 2)},
        ("K02", "BHYT"): {6: (96.774193548, 1, 3)},  # a share's sum: to the billionth
        ("K03", "VIEC_LAM"): {4: (7.0, 1, 6)},
        ("KINH_TE", "THU_NS"): {6: (60.25, 1, 5)},
        ("PHUONG", "TANG_TRUONG"): {6: (-1.5, 1, 4)},
    }


def test_a_fifth_schema_database_gains_exact_sums_and_filing_times(tmp_path: Path) -> None:
    """Schema 6 stores each value's whole units and billionths and each figure's filing time:
    a correction of a correction (#9 of #8 of #1) is filed when #1 was, April's 7 + 0,1 + 0,2
    add up to 7,3 exactly, and the months are rebuilt from them."""
    with sqlite3.connect(FIXTURE_V5) as connection:
        figures_before = connection.execute("SELECT * FROM figure ORDER BY id").fetchall()
        audit_before = connection.execute("SELECT * FROM retraction").fetchall()
    db, result = _upgraded(tmp_path, FIXTURE_V5, 5)
    _reads_as_before(result, jobs=44.3)
    with sqlite3.connect(db) as connection:
        assert _as_before(connection, figures_before)
        assert connection.execute("SELECT * FROM retraction").fetchall() == audit_before
        filed = dict(connection.execute("SELECT id, filed_at FROM figure").fetchall())
        recorded = dict(connection.execute("SELECT id, recorded_at FROM figure").fetchall())
        april = connection.execute(
            "SELECT whole_4, nano_4, count_4, latest_4 FROM figure_months"
            " WHERE unit = 'K03' AND indicator = 'VIEC_LAM'"
        ).fetchone()
        march = connection.execute(
            "SELECT whole_3, nano_3, count_3, latest_3 FROM figure_months"
            " WHERE unit = 'K01' AND indicator = 'VIEC_LAM'"
        ).fetchone()
    assert filed[9] == filed[8] == filed[1] == recorded[1] != recorded[9]
    assert all(filed[n] == recorded[n] for n in (1, 2, 3, 4, 5, 6, 7, 10, 11))
    assert april == (7, 300_000_000, 3, 11)
    assert march == (22, 0, 1, 9)
    with store.open_database(db) as database, database.session(write=True) as session:
        rows = "SELECT * FROM figure_months ORDER BY year, unit, indicator"
        built = session.connection().exec_driver_sql(rows).fetchall()
        months.rebuild(session.connection())
        assert session.connection().exec_driver_sql(rows).fetchall() == built


def test_a_fourth_schema_database_without_figures_upgrades(tmp_path: Path) -> None:
    """A plan loaded and nothing reported yet: the upgrade has no month to build, and the file
    opens at once, with no second backup."""
    db = tmp_path / "cu.sqlite3"
    shutil.copy(FIXTURE_V4, db)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM retraction")
        connection.execute("DELETE FROM figure")
    first = run_thidua(db, tmp_path, "status", "--json")
    assert first.code == 0, first.err
    assert first.err.startswith("Ghi chú: Đã nâng cấp cơ sở dữ liệu")
    again = run_thidua(db, tmp_path, "status", "--json")
    assert (again.code, again.err) == (0, "")
    assert sorted(path.name for path in tmp_path.glob("cu.sqlite3.v*")) == ["cu.sqlite3.v4.bak"]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM figure_months").fetchone() == (0,)


def test_the_fourth_schema_upgrade_takes_unusual_plan_documents_in_its_stride(
    tmp_path: Path,
) -> None:
    """A plan with no units, and one whose unit name holds half a surrogate pair (only a
    hand-edited file has these), upgrade with the rest: nothing to move for the first, the
    second stored escaped; the 2026 plan reads as before."""
    db = tmp_path / "cu.sqlite3"
    shutil.copy(FIXTURE_V3, db)
    with sqlite3.connect(db) as connection:
        (document,) = connection.execute("SELECT document FROM plan").fetchone()
        plan = json.loads(document)
        empty = {**plan, "year": 2027, "units": {}}
        odd = {**plan, "year": 2028}
        odd["units"] = {code: dict(unit) for code, unit in plan["units"].items()}
        odd["units"]["K01"]["name"] = "Khóm \ud800"
        for year, text in ((2027, json.dumps(empty)), (2028, json.dumps(odd))):
            connection.execute(
                "INSERT INTO plan (year, title, source, loaded_at, document)"
                " VALUES (?, 't', 'tay.toml', '2026-01-01 00:00:00.000000', ?)",
                (year, text),
            )
    result = run_thidua(db, tmp_path, "status", "--period", "2026-H1", "--json")
    assert result.code == 0, result.err
    _reads_as_before(result)
    with sqlite3.connect(db) as connection:
        counts = dict(connection.execute("SELECT year, count(*) FROM plan_unit GROUP BY year"))
        (name,) = connection.execute(
            "SELECT name FROM plan_unit WHERE year = 2028 AND code = 'K01'"
        ).fetchone()
    assert counts == {2026: len(plan["units"]), 2028: len(plan["units"])}
    assert name == "Khóm ?"  # the lookup column; the unit's own JSON keeps the escape


@pytest.mark.process
def test_a_backup_taken_while_others_write_is_consistent(ready, db: Path, tmp_path: Path) -> None:
    env = _environment(db)
    writers = [
        subprocess.Popen(
            [*thidua_command(), "report", "K02", "VIEC_LAM", "1", "--date", "2026-05-01"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(8)
    ]
    target = tmp_path / "sao-luu.sqlite3"
    deadline = time.monotonic() + 60
    while figure_count(db) == 0:  # the writers are at work
        assert time.monotonic() < deadline
        time.sleep(0.01)
    result = run_thidua(db, tmp_path, "backup", str(target))
    assert [writer.wait(timeout=120) for writer in writers] == [0] * 8
    assert (result.code, result.out) == (0, f"Đã sao lưu {db} vào {target}.\n")
    assert _integrity(target) == "ok"
    assert 1 <= figure_count(target) <= 8  # a snapshot taken while the writers wrote
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    again = run_thidua(db, tmp_path, "backup", str(target))
    assert (again.code, again.err) == (
        1,
        f"Lỗi: {target}: tệp đã có, chọn tên khác để không ghi đè\n",
    )


def test_db_path_says_where_the_database_is(thidua, db: Path, tmp_path: Path) -> None:
    assert thidua("db", "path").out == f"{db}\n"
    other = tmp_path / "khac.sqlite3"
    assert thidua("--db", str(other), "db", "path").out == f"{other}\n"


@pytest.mark.process
def test_many_first_commands_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "moi.sqlite3"
    results = _report_together(db, 12)
    assert [code for code, _ in results] == [0] * 12, [err for _, err in results]
    created = [err for _, err in results if "Đã tạo cơ sở dữ liệu mới" in err]
    assert len(created) == 1  # one process made it; the others used it
    assert figure_count(db) == 12
    assert _integrity(db) == "ok"


@pytest.mark.process
def test_many_commands_opening_an_old_database_upgrade_it_once(tmp_path: Path) -> None:
    db = tmp_path / "cu.sqlite3"
    shutil.copy(FIXTURE_V1, db)
    processes = [
        subprocess.Popen(
            [*thidua_command(), "status", "--json"],
            env=_environment(db),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    assert [code for code, _ in results] == [0] * 6, [err for _, err in results]
    assert sum("Đã nâng cấp" in err for _, err in results) == 1
    assert [p.name for p in tmp_path.glob("*.bak")] == ["cu.sqlite3.v1.bak"]
    with sqlite3.connect(tmp_path / "cu.sqlite3.v1.bak") as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    assert figure_count(db) == 5


@pytest.mark.process
def test_a_full_output_is_one_line_and_the_figure_stays(ready, db: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*thidua_command(), "report", "K01", "VIEC_LAM", "2", "--date", "2026-02-28"],
            env=_environment(db),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == "Lỗi: không ghi được đầu ra (ổ đĩa đầy)\n"
    assert figure_count(db) == 1  # recorded before the confirmation could not be printed


@pytest.mark.process
@pytest.mark.parametrize(
    "command", [["units", "--json"], ["units"], ["report", "K01", "VIEC_LAM", "2"]]
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    ready, db: Path, command: list[str]
) -> None:
    """As with `| head`: the pipe closed before the answer, exit 1 with no message and no
    traceback (a closed pipe is the reader's choice, not an error to report); a figure
    recorded before stays recorded."""
    process = subprocess.Popen(
        [*thidua_command(), *command],
        env=_environment(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # before the command has written anything
    stderr = process.stderr.read()
    assert (process.wait(timeout=60), stderr) == (1, "")
    assert figure_count(db) == (1 if command[0] == "report" else 0)


def test_backup_copies_without_changing_the_source(tmp_path: Path) -> None:
    db = tmp_path / "cu.sqlite3"
    shutil.copy(FIXTURE_V1, db)
    before = db.read_bytes()
    result = run_thidua(db, tmp_path, "backup", str(tmp_path / "ban-sao.sqlite3"))
    assert result.code == 0
    assert db.read_bytes() == before  # not upgraded by a backup
    empty = tmp_path / "rong.sqlite3"
    empty.write_bytes(b"")
    refused = run_thidua(empty, tmp_path, "backup", str(tmp_path / "khac.sqlite3"))
    assert (refused.code, refused.err) == (
        1,
        f"Lỗi: {empty}: không phải cơ sở dữ liệu thidua (chưa có dữ liệu để sao lưu)\n",
    )
    assert empty.read_bytes() == b""


FIXTURE_V5 = Path(__file__).parent / "fixtures" / "schema_v5.sqlite3"


def test_a_fifth_schema_database_gains_plan_versions_and_the_audit_chain(
    tmp_path: Path,
) -> None:
    """The audit chain's upgrade (_audit_chain, step 7, after step 6's exact parts): the
    stored plan becomes version 1, the figures already there one chain entry, each retraction
    and version one more; figures and audit records untouched, status reads as before, and
    verify holds."""
    with sqlite3.connect(FIXTURE_V5) as connection:
        figures_before = connection.execute("SELECT * FROM figure ORDER BY id").fetchall()
        audit_before = connection.execute("SELECT * FROM retraction").fetchall()
        (loaded_at,) = connection.execute("SELECT loaded_at FROM plan").fetchone()
    db, result = _upgraded(tmp_path, FIXTURE_V5, 5)
    _reads_as_before(result, jobs=44.3)
    with sqlite3.connect(db) as connection:
        assert _as_before(connection, figures_before)
        assert connection.execute("SELECT * FROM retraction").fetchall() == audit_before
        versions = connection.execute(
            "SELECT id, year, loaded_at, loaded_by FROM plan_version"
        ).fetchall()
        chain = connection.execute(
            "SELECT kind, first_id, last_id FROM audit_chain ORDER BY seq"
        ).fetchall()
    assert versions == [(1, 2026, loaded_at, "không rõ")]
    assert chain == [("figures", 1, 11), ("retraction", 7, 7), ("plan", 1, 1)]
    done = run_thidua(db, tmp_path, "verify")
    assert done.code == 0, done.err
    report = ("report", "K02", "VIEC_LAM", "1", "--date", "2026-07-31")
    assert run_thidua(db, tmp_path, *report).code == 0
    assert run_thidua(db, tmp_path, "verify").code == 0
