"""One process, many invocations: the language is chosen when text is shown, per call; and
what only the real program shows (its start-up), in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run
from thiduaCLI.text import conventions, i18n


def test_two_invocations_in_one_process_speak_two_languages(thidua: Callable[..., Run]) -> None:
    english = thidua("--lang", "en", "report", "--help")
    vietnamese = thidua("report", "--help")
    assert english.out.startswith("Usage: thidua report [OPTIONS]")
    assert "[required]" in english.out and "Options:" in english.out
    assert vietnamese.out.startswith("Cách dùng: thidua report [OPTIONS]")
    assert "[bắt buộc]" in vietnamese.out and "Tùy chọn:" in vietnamese.out
    assert thidua("--lang", "en", "report").err == (
        "Error: missing argument unit (see: thidua report --help)\n"
    )
    assert thidua("report").err == "Lỗi: thiếu đối số unit (xem: thidua report --help)\n"


def test_the_conventions_hold_for_the_call_and_are_given_back(
    thidua: Callable[..., Run],
) -> None:
    done = thidua("--lang", "en", "--number-format", "vi", "--version")
    assert done.code == 0
    assert (i18n.language(), conventions.current()) == ("vi", conventions.Conventions())


def test_a_thidua_variable_typed_in_nfd_reaches_the_command_in_nfc(
    thidua: Callable[..., Run], tmp_path: Path
) -> None:
    decomposed = tmp_path / "cơ sở.sqlite3"
    done = thidua("db", "path", env={"THIDUA_DB": unicodedata.normalize("NFD", str(decomposed))})
    assert done.out == f"{decomposed}\n"
    assert unicodedata.is_normalized("NFC", done.out)


@pytest.mark.process
def test_help_starts_without_the_database_layer_or_rich(tmp_path: Path) -> None:
    """What keeps ``thidua --help`` quick to start: no SQLAlchemy, SQLModel or Rich
    (bench/run.py measures how quick)."""
    probe = (
        "import sys\n"
        "from thiduaCLI.cli.launcher import main\n"
        "sys.argv = ['thidua', '--lang', 'en', 'report', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'rich', 'thiduaCLI.actions')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("THIDUA_")}
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert ran.stdout.startswith("Usage: thidua report"), ran.stderr
    assert ran.stdout.splitlines()[-1] == "[]", ran.stderr


def test_typers_own_runner_runs_the_program_as_main_does(tmp_path: Path) -> None:
    """``CliRunner().invoke(app, …)``, as Typer documents it, gets what a user gets: the
    language of the call, one error line, the exit code."""
    from typer.testing import CliRunner

    from thiduaCLI.cli.app import app

    runner = CliRunner()
    env = {"THIDUA_DB": str(tmp_path / "thidua.sqlite3"), "THIDUA_LANG": None}
    done = runner.invoke(app, ["--lang", "en", "report", "K01"], env=env)
    assert (done.exit_code, done.stdout, done.stderr) == (
        2,
        "",
        "Error: missing argument indicator (see: thidua report --help)\n",
    )
    done = runner.invoke(app, ["db", "path"], env=env)
    assert (done.exit_code, done.stdout) == (0, f"{tmp_path / 'thidua.sqlite3'}\n")


def test_a_server_that_cannot_be_reached_is_named_without_its_password(thidua, tmp_path) -> None:
    """A PostgreSQL URL whose server cannot be reached gets one line naming it, password left
    out, and nothing is created; db path shows it without the password too (".invalid" is
    a name that never resolves: RFC 6761)."""
    url = "postgresql://lan:bi-mat@db.phuong.invalid:5432/thidua"
    done = thidua("--db", url, "status")
    assert (done.code, done.out) == (1, "")
    assert done.err.startswith(
        "Lỗi: postgresql://lan@db.phuong.invalid:5432/thidua: không kết nối được máy chủ "
        "PostgreSQL ("
    )
    assert done.err.endswith("); kiểm tra địa chỉ, cổng và máy chủ đang chạy\n")
    assert "bi-mat" not in done.err and done.err.count("\n") == 1
    shown = thidua("--db", url, "db", "path")
    assert (shown.code, shown.out) == (0, "postgresql://lan@db.phuong.invalid:5432/thidua\n")
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_url_names_the_file(thidua, tmp_path) -> None:
    db = tmp_path / "qua-url.sqlite3"
    done = thidua("--db", f"sqlite:///{db}", "status", "--json")
    assert done.code == 0, done.err
    assert db.exists()  # made with the shipped plan, as a path would be
    assert thidua("--db", f"sqlite:///{db}", "db", "path").out == f"sqlite:///{db}\n"
