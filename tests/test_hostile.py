"""Hostile text: whatever a user, a file or the plan holds is shown as written, never as Rich
markup and never as a terminal code, through every read command in every format (real
``thidua`` processes)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import run_thidua
from thiduaCLI.domain.plan_file import shipped_plan_path
from thiduaCLI.text.literal import visible

# Each one once broke a command or reached the terminal raw (issue 14, F1 and F7).
MARKUP = ("[/]", "[/x]", "[bold red]x[/]", ":smile:")
CODES = ("\x1b]0;pwned\x07\x1b[31m", "\x9b2J", "\u202eabc", "\x7f")
# What no output for people may hold: terminal codes and the characters that start them.
RAW = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\x7f")

# TOML writes a control character as an escape: the plan's names carry them too.
PLAN_NAMES = {
    'title = "Phong trào thi đua năm 2026 – phường Mỹ Thới"': (
        'title = "[/] Phong trào \\u001b]0;pwned\\u0007 [bold red]x[/]"'
    ),
    'name = "Khối khóm"': 'name = "[/x] Khối khóm \\u001b[31m"',
    'name = "Giải quyết việc làm"': 'name = "[bold red]Việc làm[/] \\u001b[2J"',
    'K01 = { name = "Khóm 1"': 'K01 = { name = "[/] Khóm 1 \\u009b31m"',
    'measure = "lao động"': 'measure = "lao động [/]"',
}

READ_COMMANDS = (
    "history",
    "history --targets",
    "history --plan",
    "status --period 2026-H1",
    "rank --period 2026-H1",
    "rank --period 2026-H1 --shortlist",
    "show K01 --period 2026-H1",
    "indicators",
    "units",
    "overdue --as-of 2026-06-30",
    "check --behind --overdue 3650 --below 101 --as-of 2026-06-30",
)


@pytest.fixture(scope="session")
def hostile_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database whose plan names, notes, recorders and reasons are all hostile text."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "thidua.sqlite3"
    shutil.copy2(template_db, db)
    text = shipped_plan_path().read_text(encoding="utf-8")
    for old, new in PLAN_NAMES.items():
        assert old in text
        text = text.replace(old, new, 1)
    text = text.replace("targets = { VIEC_LAM = 50 }", "targets = { VIEC_LAM = 60 }", 1)
    plan = folder / "kế [bold]hoạch\x1b[31m.toml"  # the file's name is shown too (its source)
    plan.write_text(text, encoding="utf-8")
    assert run_thidua(db, folder, "init", str(plan)).code == 0
    hostile = MARKUP + CODES
    for number, word in enumerate(hostile, 1):
        done = run_thidua(
            db,
            folder,
            "report",
            "K01" if number % 2 else "K02",
            "VIEC_LAM",
            str(number),
            "--date",
            f"2026-0{number % 6 + 1}-15",
            "--note",
            f"ghi chú {word}",
            "--by",
            word,
        )
        assert done.code == 0, done.err
        assert not any(raw in done.out for raw in RAW), done.out
    assert run_thidua(db, folder, "correct", "1", "2", "--reason", "[/] \x1b[31m").code == 0
    keyed = ("K03", "VIEC_LAM", "1", "--date", "2026-03-01", "--key", "[/]\x1b[2J")
    assert run_thidua(db, folder, "report", *keyed).code == 0
    source = folder / "số liệu [bold]\x1b]0;x\x07.csv"
    source.write_text("unit,indicator,value,date\nK04,VIEC_LAM,1,2026-04-30\n", encoding="utf-8")
    imported = run_thidua(db, folder, "import", str(source))
    assert imported.code == 0, imported.err
    assert not any(raw in imported.out for raw in RAW), imported.out
    assert run_thidua(db, folder, "retract", "2", "--reason", "[bold]x[/] \x07").code == 0
    connection = sqlite3.connect(db)  # what an older thidua, or an import, let in
    with connection:
        connection.execute("UPDATE figure SET note = ? WHERE id = 3", ("NUL\x00 và ESC\x1b",))
    connection.close()  # the last connection out folds the WAL into the file the tests copy
    return db


@pytest.fixture
def hostile(db: Path, hostile_template: Path) -> Path:
    shutil.copy2(hostile_template, db)
    return db


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
@pytest.mark.parametrize("command", READ_COMMANDS)
def test_hostile_text_is_shown_as_written(hostile: Path, tmp_path: Path, command, fmt) -> None:
    done = run_thidua(hostile, tmp_path, *command.split(), "--format", fmt)
    assert done.code in (0, 3), done.err
    assert done.err == ""
    assert not any(raw in done.out for raw in RAW), repr(done.out[:2000])


def test_the_history_table_shows_markup_and_codes_literally(hostile: Path, tmp_path) -> None:
    done = run_thidua(hostile, tmp_path, "history")
    assert done.code == 0, done.err
    for word in MARKUP:
        assert word in done.out
    assert "␛]0;pwned␇␛[31m" in done.out
    assert "\\x9b2J" in done.out and "\\u202eabc" in done.out
    assert "NUL␀ và ESC␛" in done.out
    shown = run_thidua(hostile, tmp_path, "show", "K01", "--period", "2026-H1")
    assert "[/] Khóm 1 \\x9b31m" in shown.out
    listed = run_thidua(hostile, tmp_path, "indicators")
    assert "[bold red]Việc làm[/] ␛[2J" in listed.out


def test_json_keeps_the_text_exactly(hostile: Path, tmp_path: Path) -> None:
    done = run_thidua(hostile, tmp_path, "history", "--json")
    assert done.code == 0
    entries = json.loads(done.out)
    assert {entry["recorded_by"] for entry in entries} >= set(MARKUP + CODES)
    assert "NUL\x00 và ESC\x1b" in {entry["note"] for entry in entries}


def test_history_csv_makes_codes_visible(hostile: Path, tmp_path: Path) -> None:
    done = run_thidua(hostile, tmp_path, "history", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.out)))
    assert {row["recorded_by"] for row in rows} >= {visible(word) for word in MARKUP + CODES}


def test_an_error_quoting_hostile_text_is_one_visible_line(hostile: Path, tmp_path) -> None:
    done = run_thidua(hostile, tmp_path, "report", "\x1b]0;pwned\x07[/]", "VIEC_LAM", "1")
    assert done.code == 1
    assert done.err.count("\n") == 1 and done.err.startswith("Lỗi: ")
    assert "␛]0;pwned␇[/]" in done.err
    assert not any(raw in done.err for raw in RAW)


def test_export_xlsx_replaces_what_excel_forbids_and_says_so(hostile: Path, tmp_path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "xuat.xlsx"
    done = run_thidua(hostile, tmp_path, "export", "--format", "xlsx", "-o", str(target))
    assert (done.code, done.err) == (0, "")
    sheet = load_workbook(target).worksheets[0]
    notes = {row[4].value: row[4].comment for row in sheet.iter_rows(min_row=2)}
    assert "NUL␀ và ESC␛" in notes
    assert "ký tự điều khiển" in notes["NUL␀ và ESC␛"].text
    assert notes["ghi chú :smile:"] is None  # nothing replaced, nothing said


def test_export_csv_and_json_keep_the_text_for_import(hostile: Path, tmp_path) -> None:
    done = run_thidua(hostile, tmp_path, "export", "--format", "json")
    notes = {row["note"] for row in json.loads(done.out)}
    assert "NUL\x00 và ESC\x1b" in notes and "ghi chú \x1b]0;pwned\x07\x1b[31m" in notes


@pytest.mark.process
def test_a_table_name_crafted_as_sql_is_never_run(ready, db: Path) -> None:
    """A database file from someone else may hold a table whose name is SQL: opening the
    file reads only thidua's own tables, quoted by SQLAlchemy, and never pastes a name in
    (the name below, pasted into ``SELECT * FROM "…"``, counts forever)."""
    import subprocess

    from conftest import thidua_command

    ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-03-31")
    evil = (
        't" JOIN (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) '
        "SELECT x FROM c ORDER BY x) --"
    )
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.execute(f'CREATE TABLE "{evil.replace(chr(34), chr(34) * 2)}" (x)')
    connection.close()
    done = subprocess.run(
        [*thidua_command(), "--db", str(db), "status", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["year"] == 2026


def test_the_noncharacters_xml_refuses_are_made_visible() -> None:
    """U+FFFE and U+FFFF pass a TOML file but no Word or Excel file could hold them."""
    from thiduaCLI.text.literal import visible

    assert visible("a\ufffeb\uffff") == "a\\ufffeb\\uffff"
