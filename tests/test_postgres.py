"""What only a shared PostgreSQL database has: access enforced by the database itself, many
writers at once, a ward's file copied up, and backups by pg_dump. Each test runs on a real
server (conftest.postgres_admin: CI's cluster, or a throw-away one) and a new database."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest

from conftest import Run, run_thidua, thidua_command
from helpers import dump, figure_count, location, one_step_more, plan_copy
from thiduaCLI.errors import BusyError
from thiduaCLI.ledger import again
from thiduaCLI.storage import store

ENGINES = ("postgresql",)  # the db fixture: a new PostgreSQL database (conftest.py)

FIGURE = (
    "INSERT INTO figure (year, unit, indicator, value, ref_date, recorded_by, recorded_at,"
    " origin, whole, nano, supersedes) VALUES (2026, %s, 'VIEC_LAM', 9, '2026-03-31', %s,"
    " '2026-04-01 00:00:00.000000', 'cli', 9, 0, %s)"
)


def as_login(url: str, login: str) -> str:
    """The database's URL as another login (the test cluster trusts its local socket)."""
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{quote(login, safe='')}@{host}"))


def fresh_login(name: str) -> str:
    """A login name no other test uses (logins are the server's, shared by the workers)."""
    return f"{name}_{uuid.uuid4().hex[:8]}"


def refused_by_the_database(url: str, statement: str, *params: object) -> str:
    """Run one statement with plain psycopg, expect PostgreSQL to refuse it: its message."""
    with psycopg.connect(url) as connection, pytest.raises(psycopg.Error) as refused:
        connection.execute(statement, params)
    assert refused.value.sqlstate == "42501", refused.value
    return str(refused.value)


# ----------------------------------------------------------------------------- access


def test_a_khom_login_writes_its_own_figures_and_the_database_refuses_the_rest(
    ready, db: str, tmp_path: Path
) -> None:
    khom3, khom4 = fresh_login("khom3"), fresh_login("khom4")
    assert ready("access", "grant", khom3, "--unit", "K03").out == (
        f"Đã cấp quyền: {khom3}: đơn vị K03.\n"
    )
    assert ready("access", "grant", khom4, "--unit", "khom 4").code == 0  # by name, as always
    mine = as_login(db, khom3)

    # through plain psycopg: the database itself says no
    with psycopg.connect(mine) as connection:  # its own unit, as itself: allowed
        connection.execute(FIGURE, ("K03", khom3, None))
    message = refused_by_the_database(mine, FIGURE, "K04", khom3, None)
    assert 'new row violates row-level security policy for table "figure"' in message
    refused_by_the_database(mine, FIGURE, "K03", khom4, None)  # in another's name
    refused_by_the_database(mine, FIGURE, "K03", khom3, 1)  # a correction: the officer's
    refused_by_the_database(
        mine,
        "INSERT INTO retraction (figure_id, reason, retracted_at, retracted_by)"
        " VALUES (1, 'x', '2026-04-01 00:00:00.000000', %s)",
        khom3,
    )
    refused_by_the_database(mine, "UPDATE figure SET value = 1")
    refused_by_the_database(mine, "DELETE FROM figure")
    refused_by_the_database(mine, "UPDATE plan SET title = 'x'")
    assert figure_count(db) == 1

    # through thidua: the same, as one line, nothing written
    before = dump(db)
    as_khom3 = {"THIDUA_DB": mine, "THIDUA_USER": None}
    other = ready("report", "K04", "VIEC_LAM", "5", "--date", "2026-03-31", env=as_khom3)
    assert other.code == 1 and other.out == ""
    assert other.err == (
        f"Lỗi: tài khoản {khom3} chỉ nhập được số liệu của K03; không được nhập cho K04\n"
    )
    rows = tmp_path / "hai_khom.csv"
    rows.write_text(
        "đơn vị;chỉ tiêu;giá trị;ngày\nK03;VIEC_LAM;2;30/04/2026\nK05;VIEC_LAM;2;30/04/2026\n"
        "K04;VIEC_LAM;2;30/04/2026\n",
        encoding="utf-8",
    )
    mixed = ready("import", str(rows), env=as_khom3)
    assert (mixed.code, mixed.out) == (1, "")
    assert mixed.err == (
        f"Lỗi: tài khoản {khom3} chỉ nhập được số liệu của K03; không được nhập cho K04, K05\n"
    )
    assert dump(db) == before
    own = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--json", env=as_khom3)
    assert own.code == 0, own.err
    assert json.loads(own.out)["recorded_by"] == khom3  # the login, not THIDUA_USER
    named = ready("report", "K03", "VIEC_LAM", "1", "--by", "Lan", env=as_khom3)
    assert (named.code, named.err) == (
        1,
        f"Lỗi: --by Lan (hoặc THIDUA_USER): trên PostgreSQL người ghi là tài khoản đăng nhập "
        f"cơ sở dữ liệu ({khom3}); bỏ --by, hoặc đăng nhập bằng tài khoản của người đó\n",
    )
    fixed = ready("correct", "2", "6", "--reason", "nhầm", env=as_khom3)
    assert (fixed.code, fixed.err) == (
        1,
        f"Lỗi: tài khoản {khom3} là tài khoản đơn vị (K03): chỉ nhập số liệu mới; sửa, thu hồi "
        "và nạp kế hoạch là việc của cán bộ thi đua (officer)\n",
    )
    taken_back = ready("retract", "2", "--reason", "nhầm", env=as_khom3)
    assert (taken_back.code, taken_back.err) == (1, fixed.err)
    plan = ready("init", env=as_khom3)
    assert (plan.code, plan.err) == (1, fixed.err)
    # reading is everyone's
    status = ready("status", "--json", env=as_khom3)
    assert status.code == 0, status.err
    assert figure_count(db) == 2


def test_an_officer_records_corrects_retracts_and_loads_plans_a_viewer_reads(
    ready, db: str, tmp_path: Path
) -> None:
    officer, viewer = fresh_login("lan"), fresh_login("xem")
    assert ready("access", "grant", officer, "--officer").code == 0
    assert ready("access", "grant", viewer, "--viewer").code == 0
    lan = {"THIDUA_DB": as_login(db, officer), "THIDUA_USER": None}
    seen = {"THIDUA_DB": as_login(db, viewer), "THIDUA_USER": None}
    assert ready("report", "K04", "VIEC_LAM", "5", "--date", "2026-03-31", env=lan).code == 0
    assert ready("correct", "1", "6", "--reason", "nhầm", env=lan).code == 0
    assert ready("retract", "2", "--reason", "trùng", env=lan).code == 0
    changed = plan_copy(tmp_path, "TANG_TRUONG", "TANG_TRUONG")  # the same plan, reloaded
    assert ready("init", str(changed), env=lan).code == 0
    history = json.loads(ready("history", "--json", env=seen).out)
    assert {entry["recorded_by"] for entry in history} == {officer}
    assert ready("verify", env=seen).code == 0
    written = ready("report", "K04", "VIEC_LAM", "5", env=seen)
    assert (written.code, written.err) == (
        1,
        f"Lỗi: tài khoản {viewer} chỉ được xem (người xem), không ghi được gì; chủ cơ sở dữ "
        "liệu cấp quyền ghi bằng thidua access grant\n",
    )
    # what the database itself says when thidua's words are not asked (plain psycopg)
    refused_by_the_database(
        as_login(db, viewer),
        FIGURE.replace("%s, 'VIEC_LAM'", "'K04', 'VIEC_LAM'", 1),
        viewer,
        None,
    )
    listed = json.loads(ready("access", "list", "--json").out)
    assert {(e["login"], e["role"]) for e in listed["entries"]} == {
        (officer, "officer"),
        (viewer, "viewer"),
    }
    gone = ready("access", "revoke", viewer)
    assert gone.out == f"Đã thu quyền của {viewer}: người xem.\n"
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(as_login(db, viewer)).close()
    again_gone = ready("access", "revoke", viewer)
    assert again_gone.code == 1
    assert again_gone.err.startswith(f"Lỗi: tài khoản {viewer} không có quyền gì trên ")


def test_only_the_owner_grants_and_the_choice_is_one_role(ready, db: str) -> None:
    officer = fresh_login("lan")
    assert ready("access", "grant", officer, "--officer").code == 0
    by_officer = ready(
        "access", "grant", fresh_login("x"), "--viewer", env={"THIDUA_DB": as_login(db, officer)}
    )
    assert (by_officer.code, by_officer.err) == (
        1,
        "Lỗi: chỉ chủ sở hữu cơ sở dữ liệu (tài khoản đã chạy thidua init) mới cấp hoặc thu "
        f"quyền; tài khoản {officer} không được\n",
    )
    both = ready("access", "grant", "x", "--officer", "--viewer")
    assert both.code == 2 and "chọn đúng một: --officer, --viewer hoặc --unit MÃ" in both.err
    unknown = ready("access", "grant", "x", "--unit", "K99")
    assert (unknown.code, unknown.err) == (
        1,
        "Lỗi: không có đơn vị 'K99'; gần nhất: K19 (Khóm 19), K09 (Khóm 9)\n",
    )


def test_only_the_owner_upgrades_the_schema_and_the_others_are_told_who(
    ready, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migrations run on PostgreSQL as on a file, in one transaction; the tables' owner runs
    them (DDL is the owner's): an officer opening a database this thidua would upgrade is
    told so in one line, nothing changed; the owner's next command upgrades it once."""
    officer = fresh_login("lan")
    assert ready("access", "grant", officer, "--officer").code == 0
    before = dump(db)
    ran = one_step_more(monkeypatch)
    as_officer = {"THIDUA_DB": as_login(db, officer), "THIDUA_USER": None}
    refused = ready("status", env=as_officer)
    assert (refused.code, refused.out, ran) == (1, "", [])
    assert refused.err == (
        f"Lỗi: {as_login(db, officer)}: cơ sở dữ liệu ở lược đồ 8, phiên bản thidua này cần "
        "lược đồ 9; chỉ chủ sở hữu (tài khoản đã chạy thidua init) nâng cấp được: người đó "
        "chạy một lệnh thidua bất kỳ, ví dụ thidua status\n"
    )
    assert dump(db) == before
    upgraded = ready("status")
    assert (upgraded.code, ran) == (0, ["postgresql"])
    assert upgraded.err == f"Ghi chú: Đã nâng cấp cơ sở dữ liệu {db} từ lược đồ 8 lên 9\n"
    assert ready("status", env=as_officer).code == 0  # the officer works on the new schema


def test_a_server_database_older_than_any_thidua_made_there_is_refused(ready, db: str) -> None:
    """PostgreSQL databases begin at schema 8: one recording an older schema is not one
    thidua made, and is refused in one line, untouched."""
    import psycopg as plain

    with plain.connect(db) as connection:
        connection.execute("DELETE FROM schema_migration")
        connection.execute(
            "INSERT INTO schema_migration (version, applied_at)"
            " VALUES (5, '2026-01-01 00:00:00.000000')"
        )
    before = dump(db)
    refused = ready("status")
    assert (refused.code, refused.out) == (1, "")
    assert refused.err == (
        f"Lỗi: {db}: lược đồ 5 trên máy chủ cũ hơn mọi cơ sở dữ liệu thidua trên PostgreSQL "
        "(bắt đầu từ lược đồ 8): không phải cơ sở dữ liệu thidua còn nguyên\n"
    )
    assert dump(db) == before


# ---------------------------------------------------------------------- many writers


@pytest.mark.process
def test_fifty_writers_an_import_and_readers_at_once_each_figure_once(
    ready, db: str, tmp_path: Path
) -> None:
    """50 ``thidua report`` processes, an import of 190 rows and status/rank readers on one
    database: every figure recorded exactly once, no process failing, none of PostgreSQL's
    "could not serialize" reaching anyone, the audit chain whole."""
    rows = ["unit,indicator,value,date"] + [
        f"K{k:02d},VIEC_LAM,1,2026-{month:02d}-28" for k in range(1, 20) for month in range(1, 11)
    ]
    (tmp_path / "nhap.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
        "THIDUA_DB": db,
        "THIDUA_USER": "tester",
    }
    commands = [
        [
            "report",
            f"K{1 + n % 19:02d}",
            "VIEC_LAM",
            "1",
            "--date",
            f"2026-11-{1 + n % 28:02d}",
            "--key",
            f"w{n}",
        ]
        for n in range(50)
    ]
    commands.append(["import", str(tmp_path / "nhap.csv")])
    commands += [["status", "--json"], ["rank", "--json"]] * 5

    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*thidua_command(), *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        done = list(pool.map(run, commands))
    for args, ran in zip(commands, done, strict=True):
        assert ran.returncode == 0, (args, ran.stderr)
        assert "serialize" not in ran.stderr and "deadlock" not in ran.stderr
    assert figure_count(db) == 50 + 190
    ids = [row[0] for row in _rows(db, "SELECT id FROM figure ORDER BY id")]
    assert ids == list(range(1, 241))  # each once, none lost, none twice
    assert run_thidua(db, tmp_path, "verify").code == 0  # type: ignore[arg-type]
    again_all = run(commands[0])
    assert again_all.returncode == 0 and figure_count(db) == 240  # a key once


def _rows(url: str, statement: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as connection:
        return [tuple(row) for row in connection.execute(statement).fetchall()]


def test_a_library_caller_holds_as_many_sessions_as_it_opens(ready, db: str) -> None:
    """A command uses one or two sessions at a time; a program using the library may keep
    more open at once: each gets a connection at once (none waits for another to close)."""
    with store.open_database(location(db)) as opened, contextlib.ExitStack() as stack:
        sessions = [stack.enter_context(opened.session()) for _ in range(6)]
        started = time.monotonic()
        servers = {
            session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            for session in sessions
        }
        waited = time.monotonic() - started
    assert len(servers) == 6  # a connection (a server process) each
    assert waited < 10  # (a pool of three connections made the fourth wait 30 s, then fail)


def test_a_write_the_server_refuses_as_busy_runs_again() -> None:
    """A serialization failure or a deadlock (BusyError) is run again, with a pause; only the
    last refusal of many reaches the caller."""
    tries: list[int] = []

    def flaky() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise BusyError("could not serialize access")
        return "ghi xong"

    assert again(flaky) == "ghi xong" and len(tries) == 3

    def always() -> str:
        tries.append(1)
        raise BusyError("máy chủ bận")

    tries.clear()
    with pytest.raises(BusyError, match="máy chủ bận"):
        again(always)
    assert len(tries) == 8


# ------------------------------------------------------------------------- moving up


def test_a_wards_file_is_copied_up_whole_and_verified(db: str, tmp_path: Path) -> None:
    ward = tmp_path / "phuong.sqlite3"

    def on_file(*args: str) -> Run:
        return run_thidua(ward, tmp_path, *args)

    for args in (
        ("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31", "--by", "Lan"),
        ("report", "K01", "BHYT", "3000/3200", "--date", "2026-03-31", "--note", "=1+1"),
        ("report", "PHUONG", "TANG_TRUONG", "-1,5", "--date", "2026-06-30"),
        ("correct", "1", "30", "--reason", "nhầm"),
        ("retract", "2", "--reason", "trùng"),
    ):
        assert on_file(*args).code == 0
    csv = tmp_path / "t4.csv"
    csv.write_text("unit,indicator,value,date\nK04,VIEC_LAM,2,2026-04-30\n", encoding="utf-8")
    assert on_file("import", str(csv)).code == 0
    assert on_file("retract", "--import", "5", "--reason", "nhầm tệp").code == 0
    changed = plan_copy(
        tmp_path,
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 50 }',
        'K03 = { name = "Khóm 3", block = "KHOM", targets = { VIEC_LAM = 60 }',
    )
    assert on_file("init", str(changed)).code == 0

    copied = on_file("db", "copy", "--to", db, "--json")
    assert copied.code == 0, copied.err
    done = json.loads(copied.out)
    assert done["rows"]["figure"] == 5 and done["rows"]["retraction"] == 2
    assert done["rows"]["plan_version"] == 2 and done["rows"]["target_change"] == 1
    assert done["rows"]["import_retraction"] == 1
    assert done["verification"]["head"] == json.loads(on_file("verify", "--json").out)["head"]
    # the same answers from both
    for args in (("status", "--json"), ("rank", "--json"), ("history", "--json")):
        mine, theirs = on_file(*args), run_thidua(db, tmp_path, *args)  # type: ignore[arg-type]
        assert json.loads(theirs.out) == json.loads(mine.out), args
    # the ids carry on after the copied ones
    more = run_thidua(db, tmp_path, "report", "K05", "VIEC_LAM", "1", "--json")  # type: ignore[arg-type]
    assert json.loads(more.out)["id"] == 6


def test_a_copy_into_a_database_that_holds_data_is_refused(ready, db: str, tmp_path: Path) -> None:
    ward = tmp_path / "phuong.sqlite3"
    assert run_thidua(ward, tmp_path, "report", "K03", "VIEC_LAM", "1").code == 0
    before = dump(db)
    refused = run_thidua(ward, tmp_path, "db", "copy", "--to", db)
    assert refused.code == 1
    assert refused.err.startswith(f"Lỗi: --to {db}: cơ sở dữ liệu đã có dữ liệu thidua (")
    assert dump(db) == before
    to_a_file = run_thidua(ward, tmp_path, "db", "copy", "--to", str(tmp_path / "b.sqlite3"))
    assert to_a_file.code == 1
    assert "--to chỉ dùng với cơ sở dữ liệu PostgreSQL" in to_a_file.err


# --------------------------------------------------------------------------- backups


def test_a_backup_is_a_pg_dump_that_pg_restore_reads(ready, db: str, tmp_path: Path) -> None:
    assert ready("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31").code == 0
    made = ready("backup", str(tmp_path) + "/")
    assert made.code == 0, made.err
    (dumped,) = tmp_path.glob("thidua-*.dump")
    assert made.out == f"Đã sao lưu {db} vào {dumped}.\n"
    assert dumped.stat().st_mode & 0o777 == 0o600
    listed = subprocess.run(
        ["pg_restore", "--list", str(dumped)], capture_output=True, text=True, check=True
    )
    assert "TABLE DATA public figure" in listed.stdout


def test_without_pg_dump_the_backup_says_what_to_run(ready, db: str, tmp_path: Path) -> None:
    target = tmp_path / "sao-luu.dump"
    missing = ready("backup", str(target), env={"PATH": str(tmp_path)})
    assert missing.code == 1
    assert missing.err == (
        f"Lỗi: {db}: chưa có pg_dump trên máy này (gói postgresql-client); cài vào rồi chạy "
        f"lại, hoặc sao lưu bằng: pg_dump --format=custom --file={target} --dbname={db}\n"
    )
    assert not target.exists() and not list(tmp_path.glob(".*tmp"))


def test_a_new_database_gets_thiduas_schema_and_the_shipped_plan(db: str, tmp_path) -> None:
    first = run_thidua(db, tmp_path, "indicators")  # type: ignore[arg-type]
    assert first.code == 0
    assert (
        first.err == f"Ghi chú: Đã tạo cơ sở dữ liệu mới {db} và nạp kế hoạch 2026 có sẵn "
        "(targets_2026.toml)\n"
    )
    shown = run_thidua(db, tmp_path, "db", "path")  # type: ignore[arg-type]
    assert shown.out == f"{db}\n"
    assert sys.executable  # the same interpreter runs the tests and the command
