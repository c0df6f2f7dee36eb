"""Progress on long work: a Rich bar on a terminal (a real pseudo-terminal here), nothing in a
pipe, under cron or with --quiet; and the library's callback behind it."""

from __future__ import annotations

import csv
import os
import pty
import select
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import thidua_command
from helpers import figure_count
from thiduaCLI import ledger as library
from thiduaCLI import open_ledger

ROWS = 12_000  # more than one report step (5,000 rows)


@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    path = tmp_path / "so-lieu.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "indicator", "value", "date"])
        for number in range(ROWS):
            writer.writerow(
                [
                    f"K{number % 19 + 1:02d}",
                    "VIEC_LAM",
                    number % 7 + 1,
                    f"2026-05-{number % 28 + 1}",
                ]
            )
    return path


def _on_terminal(args: list[str], db: Path, cwd: Path, **env: str) -> tuple[int, str, str]:
    """Run thidua with stderr on a new pseudo-terminal and stdout on a pipe: the exit code,
    stdout, and everything the terminal received."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    environment.update(TERM="xterm", COLUMNS="100", THIDUA_DB=str(db), **env)
    environment.pop("NO_COLOR", None)
    child = subprocess.Popen(
        [*thidua_command(), *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=environment,
    )
    os.close(follower)
    received = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65_536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    out = child.stdout.read().decode()  # type: ignore[union-attr]
    child.wait(timeout=60)
    return child.returncode, out, received.decode("utf-8", "replace")


def _in_a_pipe(args: list[str], db: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    environment.update(THIDUA_DB=str(db), **env)
    return subprocess.run(
        [*thidua_command(), *args], capture_output=True, text=True, cwd=cwd, env=environment
    )


@pytest.fixture
def planned(db: Path, template_db: Path) -> Path:
    shutil.copy2(template_db, db)
    return db


@pytest.mark.process
def test_an_import_shows_rows_done_on_a_terminal(planned: Path, big_csv: Path) -> None:
    code, out, terminal = _on_terminal(["import", str(big_csv)], planned, big_csv.parent)
    assert code == 0, terminal
    assert out == "Đã nhập 12.000 số liệu từ so-lieu.csv. Mã lần nhập: #1.\n"
    assert "Đọc và kiểm tra (dòng)" in terminal
    assert f"{ROWS}/{ROWS}" in terminal  # rows done of the whole
    assert "Ghi số liệu" in terminal
    assert "\x1b[" in terminal  # drawn, then taken away (transient)
    assert figure_count(planned) == ROWS


@pytest.mark.process
def test_nothing_in_a_pipe_with_quiet_or_never(planned: Path, big_csv: Path) -> None:
    piped = _in_a_pipe(["import", str(big_csv), "--dry-run"], planned, big_csv.parent)
    assert (piped.returncode, piped.stderr) == (0, "")
    assert piped.stdout.startswith("Kiểm tra so-lieu.csv: 12.000 dòng hợp lệ")
    code, out, terminal = _on_terminal(
        ["import", str(big_csv), "--dry-run", "--quiet"], planned, big_csv.parent
    )
    assert (code, out, terminal) == (0, "", "")
    code, out, terminal = _on_terminal(
        ["import", str(big_csv), "--dry-run"], planned, big_csv.parent, THIDUA_PROGRESS="never"
    )
    assert (code, terminal) == (0, "")
    assert out.startswith("Kiểm tra so-lieu.csv")


@pytest.mark.process
def test_forms_backup_and_export_show_progress(planned: Path, tmp_path: Path) -> None:
    code, out, terminal = _on_terminal(
        ["form", "K01", "K02", "K03", "--period", "2026-10", "-o", "bieu-mau"], planned, tmp_path
    )
    assert code == 0, terminal
    assert "Lập biểu mẫu" in terminal and "3/3" in terminal
    assert out.count("Đã lập biểu mẫu") == 3
    code, out, terminal = _on_terminal(["import", "bieu-mau/"], planned, tmp_path)
    assert code == 0, terminal
    assert "Đọc biểu mẫu" in terminal and "3/3" in terminal
    code, out, terminal = _on_terminal(["backup", "sao-luu/"], planned, tmp_path)
    assert (tmp_path / "sao-luu").exists() is False and code == 1  # no such folder: an error
    (tmp_path / "sao-luu").mkdir()
    code, out, terminal = _on_terminal(["backup", "sao-luu/"], planned, tmp_path)
    assert code == 0, terminal
    assert "Sao lưu (trang)" in terminal
    code, out, terminal = _on_terminal(
        ["brief", "--as-of", "2026-06-30", "-o", "giay"], planned, tmp_path
    )
    assert code == 0, terminal
    assert "Vẽ biểu đồ" in terminal and "17/17" in terminal  # 13 indicators, 4 blocks
    assert "Lập văn bản (tệp)" in terminal and "4/4" in terminal
    code, out, terminal = _on_terminal(["export", "-o", "xuat.xlsx"], planned, tmp_path)
    assert code == 0, terminal
    assert "Ghi tệp xuất (dòng)" in terminal
    assert load_workbook(tmp_path / "xuat.xlsx").worksheets[0].max_row == 1  # header only


def test_the_library_reports_each_stage_to_its_end(planned: Path, big_csv: Path) -> None:
    heard: list[tuple[str, int, int | None]] = []
    with open_ledger(planned, today=date(2026, 6, 1)) as ledger:
        result = ledger.import_file(big_csv, progress=lambda *call: heard.append(call))
    assert result.recorded == ROWS
    reads = [call for call in heard if call[0] == "read"]
    writes = [call for call in heard if call[0] == "write"]
    assert [call[0] for call in heard] == ["read"] * len(reads) + ["write"] * len(writes)
    # read: 0 at the start, each 5,000 rows, the end; the whole known from the file's lines
    assert [done for _, done, _ in reads] == [0, 5_000, 10_000, ROWS]
    assert all(total == ROWS for _, _, total in reads[1:])
    assert writes[-1] == ("write", ROWS, ROWS)
    assert [done for _, done, _ in writes] == sorted(done for _, done, _ in writes)


def test_a_backup_reports_its_pages(planned: Path, tmp_path: Path) -> None:
    heard: list[tuple[str, int, int | None]] = []
    made = library.backup(planned, tmp_path / "copy.sqlite3", progress=lambda *c: heard.append(c))
    assert made.exists()
    assert heard and heard[-1][0] == "backup" and heard[-1][1] == heard[-1][2] > 0


def test_no_progress_asked_means_no_call_and_the_same_figures(
    planned: Path, big_csv: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.sqlite3"
    shutil.copy2(planned, other)
    with open_ledger(planned, today=date(2026, 6, 1)) as ledger:
        ledger.import_file(big_csv)
    with open_ledger(other, today=date(2026, 6, 1)) as ledger:
        ledger.import_file(big_csv, progress=lambda *call: None)
    with open_ledger(planned) as first, open_ledger(other) as second:
        assert first.export_rows() == second.export_rows()


@pytest.mark.process
def test_export_takes_quiet_and_draws_nothing(planned: Path, tmp_path: Path) -> None:
    code, out, terminal = _on_terminal(["export", "-o", "x.xlsx", "--quiet"], planned, tmp_path)
    assert (code, out, terminal) == (0, "", "")
    assert (tmp_path / "x.xlsx").exists()
