"""Faults leave things as they were (issue 14: F4, F10, C1, C3, C4, C5): a backup killed
half-way, a corrupted page, read-only folders, symbolic links, a dry run on no database.
Real ``thidua`` processes, real files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import run_thidua, thidua_command
from helpers import figure_count


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "XDG_"))}
    env.update({"THIDUA_USER": "tester", "COLUMNS": "200"}, **extra)
    return env


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def immutable():
    """``immutable(path)`` makes a file or folder unchangeable, for root too; undone after."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        if os.geteuid() != 0:
            path.chmod(0o555 if path.is_dir() else 0o444)
        elif subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("chattr +i is not available here to make a path read-only for root")
        made.append(path)
        return path

    yield make
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


# ---------------------------------------------------------------------------- backups


def _big(ready, db: Path) -> None:
    """A database of about 100 MB: long notes on 50,000 figures (a backup then takes a
    while)."""
    ready("report", "K01", "VIEC_LAM", "1", "--date", "2026-01-31")
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT * FROM figure WHERE id = 1").fetchone()
        columns = [c[1] for c in connection.execute("PRAGMA table_info(figure)")]
        note = columns.index("note")
        rows = []
        for number in range(2, 50_002):
            values = list(row)
            values[columns.index("id")] = number
            values[note] = f"{number} " + "x" * 2_000
            values[columns.index("key")] = None
            rows.append(values)
        marks = ", ".join("?" * len(columns))
        connection.executemany(f"INSERT INTO figure VALUES ({marks})", rows)


@pytest.mark.process
def test_a_backup_killed_half_way_leaves_no_target(ready, db: Path, tmp_path: Path) -> None:
    """F4: a zero-headed target was left behind, refused by the next backup and opened later
    as a new empty database."""
    _big(ready, db)
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    target = folder / "b.sqlite3"
    process = subprocess.Popen(
        [*thidua_command(), "backup", str(target)],
        env=_environment(THIDUA_DB=str(db)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any(path.stat().st_size > 0 for path in folder.glob(".b.sqlite3.*")):
        assert process.poll() is None, "the backup ended before it was caught writing"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    assert not target.exists()
    again = run_thidua(db, tmp_path, "backup", str(target))
    assert (again.code, again.err) == (0, "")
    assert _integrity(target) == "ok"
    assert figure_count(target) == 50_001


def _corrupt_page(db: Path, page: int) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    with db.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))


def _root_page(db: Path, name: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]


MALFORMED = (
    "{db}: tệp cơ sở dữ liệu bị hỏng hoặc không phải SQLite (database disk image is malformed)"
)


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["rank"],
        ["history"],
        ["export"],
        ["backup", "{target}"],
        ["report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28"],
    ],
)
def test_a_corrupted_page_is_refused_by_every_command(ready, db, tmp_path, command) -> None:
    """C1: page 4 overwritten; status and rank refused it, but backup, history and export
    exited 0 (and backup copied the corrupt file every night)."""
    ready("report", "K02", "VIEC_LAM", "3", "--date", "2026-02-28")
    _corrupt_page(db, 4)  # a table's first page (plan_version's; figure_months' before schema 7)
    before = db.read_bytes()
    target = tmp_path / "b.sqlite3"
    done = run_thidua(db, tmp_path, *[part.format(target=target) for part in command])
    assert done.code == 1
    assert done.out == ""
    if command[0] == "backup":
        assert done.err.startswith(f"Lỗi: {db}: ")
        assert "bị hỏng" in done.err and done.err.count("\n") == 1
    else:
        assert done.err == "Lỗi: " + MALFORMED.format(db=db) + "\n"
    assert not target.exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []
    assert db.read_bytes() == before


def test_export_and_backup_check_the_whole_file(ready, db: Path, tmp_path: Path) -> None:
    """A page no quick look reads (an index's) is found by the full integrity check that
    export and backup run on what they read; status still works."""
    ready("report", "K02", "VIEC_LAM", "3", "--date", "2026-02-28")
    _corrupt_page(db, _root_page(db, "ix_figure_supersedes"))
    exported = run_thidua(db, tmp_path, "export")
    assert exported.code == 1 and exported.out == ""
    assert exported.err.startswith(f"Lỗi: {db}: cơ sở dữ liệu bị hỏng (")
    assert exported.err.endswith("; chạy thidua verify\n")
    target = tmp_path / "b.sqlite3"
    backup = run_thidua(db, tmp_path, "backup", str(target))
    assert backup.code == 1 and backup.err.startswith(f"Lỗi: {db}: cơ sở dữ liệu bị hỏng")
    assert not target.exists()


# ------------------------------------------------------------------- read-only places


def test_read_commands_work_in_a_read_only_folder(ready, db, tmp_path, immutable) -> None:
    """C4: read commands failed when the database's folder could not be written (no room
    for SQLite's -shm file)."""
    ready("report", "K02", "VIEC_LAM", "3", "--date", "2026-02-28")
    folder = tmp_path / "chi-doc"
    folder.mkdir()
    copy = folder / "thidua.sqlite3"
    live, target = sqlite3.connect(db), sqlite3.connect(copy)
    live.backup(target)  # a WAL database...
    live.close()
    target.close()
    before = _closed_dump(copy)
    assert sorted(path.name for path in folder.iterdir()) == ["thidua.sqlite3"]  # ...alone
    immutable(folder)
    for command in (["status", "--json"], ["history", "--json"], ["rank"], ["export"]):
        done = run_thidua(copy, tmp_path, *command)
        assert (done.code, done.err) == (0, ""), command
    history = json.loads(run_thidua(copy, tmp_path, "history", "--json").out)
    assert [entry["value"] for entry in history] == [3]
    refused = run_thidua(copy, tmp_path, "report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28")
    assert refused.code == 1
    assert refused.err.startswith(f"Lỗi: {copy}: cơ sở dữ liệu chỉ đọc, không ghi được")
    assert sorted(path.name for path in folder.iterdir()) == ["thidua.sqlite3"]
    assert _closed_dump(copy) == before


def _closed_dump(db: Path) -> list[str]:
    """:func:`helpers.dump`, read-only and closed at once (no -wal or -shm left behind)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_a_read_only_home_names_the_real_cause(tmp_path: Path, immutable) -> None:
    """C4: with HOME read-only, ``db path`` said "không ghi được đầu ra"."""
    home = tmp_path / "home"
    home.mkdir()
    immutable(home)
    no_data_home = {name: None for name in os.environ if name.startswith("XDG_")}
    env = {"HOME": str(home), "THIDUA_DB": None, **no_data_home}
    where = home / ".local" / "share" / "thidua" / "thidua.sqlite3"
    path = run_thidua(tmp_path / "unused", tmp_path, "db", "path", env=env)
    assert (path.code, path.out, path.err) == (0, f"{where}\n", "")
    status = run_thidua(tmp_path / "unused", tmp_path, "status", env=env)
    assert status.code == 1 and status.out == ""
    assert status.err.startswith(f"Lỗi: không tạo được thư mục dữ liệu {home / '.local'} (")
    assert status.err.endswith("); chọn tệp cơ sở dữ liệu khác bằng --db hoặc THIDUA_DB\n")
    assert list(home.iterdir()) == []


@pytest.mark.process
def test_the_data_folders_are_made_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    """F10: under umask 000 the data folder was 0777."""
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [*thidua_command(), "units"],
        env=_environment(HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert done.returncode == 0, done.stderr
    for folder in (home / ".local", home / ".local" / "share", home / ".local/share/thidua"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700", folder
    db = home / ".local/share/thidua/thidua.sqlite3"
    assert oct(db.stat().st_mode & 0o777) == "0o600"


# ---------------------------------------------------------------------- symbolic links


@pytest.mark.process
def test_a_dangling_symlink_is_followed_and_the_file_made_owner_only(tmp_path: Path) -> None:
    """F10: a dangling symlink as the database path made the database at its target with
    mode 0644 (and 0666 under umask 000)."""
    real = tmp_path / "that" / "thidua.sqlite3"
    real.parent.mkdir()
    link = tmp_path / "link.sqlite3"
    link.symlink_to(real)
    done = subprocess.run(
        [*thidua_command(), "report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28"],
        env=_environment(THIDUA_DB=str(link)),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert oct(real.stat().st_mode & 0o777) == "0o600"
    assert figure_count(real) == 1


def test_a_loop_of_links_is_one_line(tmp_path: Path) -> None:
    loop = tmp_path / "a.sqlite3"
    loop.symlink_to(tmp_path / "b.sqlite3")
    (tmp_path / "b.sqlite3").symlink_to(loop)
    done = run_thidua(loop, tmp_path, "status")
    assert done.code == 1 and done.out == ""
    assert done.err.startswith(f"Lỗi: {loop}: liên kết tượng trưng không dẫn tới tệp nào (")
    assert done.err.count("\n") == 1


def test_a_symlinked_database_is_made_owner_only(ready, db: Path, tmp_path: Path) -> None:
    db.chmod(0o644)
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db)
    assert run_thidua(link, tmp_path, "status").code == 0
    assert oct(db.stat().st_mode & 0o777) == "0o600"


# --------------------------------------------------------------------- dry run, export


def test_a_dry_run_on_no_database_creates_nothing(tmp_path: Path) -> None:
    """C5: ``import --dry-run`` on a missing database created the file."""
    db = tmp_path / "chua-co.sqlite3"
    source = tmp_path / "a.csv"
    source.write_text("unit,indicator,value,date\nK01,VIEC_LAM,1,2026-02-28\n", encoding="utf-8")
    done = run_thidua(db, tmp_path, "import", str(source), "--dry-run")
    assert (done.code, done.out) == (1, "")
    assert done.err == (
        f"Lỗi: {db}: chưa có cơ sở dữ liệu; lệnh này không tạo tệp mới (chạy thidua init)\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.csv"]


@pytest.mark.parametrize(
    ("name", "magic"), [("ex.xlsx", b"PK\x03\x04"), ("ex.json", b"["), ("ex.csv", b"unit,")]
)
def test_export_follows_the_file_extension(ready, tmp_path: Path, name, magic) -> None:
    """C3: ``export -o ex.xlsx`` wrote CSV text into a file named .xlsx."""
    ready("report", "K01", "VIEC_LAM", "1", "--date", "2026-02-28")
    done = ready("export", "-o", str(tmp_path / name))
    assert (done.code, done.err) == (0, "")
    assert (tmp_path / name).read_bytes().startswith(magic)


def test_a_format_that_contradicts_the_extension_is_a_usage_error(ready, tmp_path) -> None:
    target = tmp_path / "ex.xlsx"
    done = ready("export", "--format", "csv", "-o", str(target))
    assert (done.code, done.out) == (2, "")
    assert done.err == (
        f"Lỗi: --format csv không khớp với đuôi tệp {target} (.xlsx); đổi tên tệp hoặc bỏ "
        "--format (xem: thidua export --help)\n"
    )
    assert not target.exists()
