"""Shared fixtures: a small hand-made plan, and the CLI run on a temporary database, in this
process through Typer's ``CliRunner``. Tests that need a real process (exit status, signals,
several writers, start-up) start :func:`thidua_command` themselves and are marked
``process``."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from helpers import SMALL_PLAN
from thiduaCLI.domain.plan import Plan
from thiduaCLI.domain.plan_file import parse_plan


@pytest.fixture
def small_plan() -> Plan:
    """A plan small enough to compute every expectation by hand."""
    return parse_plan(SMALL_PLAN, "small.toml")


@dataclass
class Run:
    """What one CLI invocation returned."""

    code: int
    out: str
    err: str


def thidua_command() -> list[str]:
    """How to start the installed command."""
    script = Path(sys.executable).with_name("thidua")
    return [str(script)] if script.exists() else [sys.executable, "-m", "thiduaCLI"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where the test's database lives (not created yet)."""
    return tmp_path / "thidua.sqlite3"


# The environment every run starts from: no THIDUA_ variable or colour switch of the person
# running the tests, a wide terminal, a known user.
_CLEARED = ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")


def _environment(db: Path, env: dict[str, str | None] | None) -> dict[str, str | None]:
    """The variables a run sees that differ from this process's: ``None`` removes one."""
    changes: dict[str, str | None] = {
        key: None for key in os.environ if key.startswith("THIDUA_") or key in _CLEARED
    }
    changes.update({"THIDUA_DB": str(db), "COLUMNS": "200", "THIDUA_USER": "tester"})
    changes.update(env or {})
    return changes


def run_thidua(
    db: Path,
    cwd: Path,
    *args: str,
    env: dict[str, str | None] | None = None,
    stdin: str | None = None,
) -> Run:
    """Run ``thidua`` in this process, as a user would run the command, on the given database
    (``env``: variables to set, or with ``None`` to remove).

    Typer's ``CliRunner`` gives the program its own stdin, stdout and stderr and the
    environment asked for, and restores this process's afterwards; the working directory is
    ``cwd`` for the run. The program is the app's group run as a program, that is
    :func:`thiduaCLI.cli.app.main`: language settled from the arguments, errors as one line
    and an exit code. A crash (an exception that is not an exit) fails the test with its
    traceback.

    ``CliRunner().invoke(app, args)`` does the same but makes the Click group anew each time
    (5 ms); the group is made once here.
    """
    code: int | str | None = 0
    with (
        contextlib.chdir(cwd),
        CliRunner().isolation(input=stdin, env=_environment(db, env)) as (out, err, _both),
    ):
        try:
            _group().main(list(args), prog_name="thidua")
        except SystemExit as done:
            code = done.code
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        # as Result.stdout reads them (and as a text-mode pipe did): UTF-8, "\r\n" as "\n"
        written = [stream.getvalue().decode("utf-8", "replace") for stream in (out, err)]
    written = [text.replace("\r\n", "\n") for text in written]
    assert code is None or isinstance(code, int), code
    return Run(code or 0, *written)


@functools.cache
def _group() -> typer.core.TyperGroup:
    """The Click group Typer makes of the app (once: it holds no state of a run)."""
    from thiduaCLI.cli.app import app

    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return group


@pytest.fixture
def thidua(db: Path, tmp_path: Path) -> Callable[..., Run]:
    """``thidua(*args)`` runs the command, in this process, on the test's database."""
    return functools.partial(run_thidua, db, tmp_path)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``process`` (they start the real program: ``-m "not process"`` runs
    the rest in one process) or ``slow`` run first: pytest-xdist hands out the first quarter of
    the tests at once, so the long ones are shared between the workers instead of left to one
    of them at the end."""
    items.sort(key=lambda item: not any(map(item.get_closest_marker, ("process", "slow"))))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made once by the command's first run: the shipped plan, no figures."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "thidua.sqlite3"
    assert run_thidua(path, folder, "indicators").code == 0
    return path


@pytest.fixture
def ready(thidua: Callable[..., Run], db: Path, template_db: Path) -> Callable[..., Run]:
    """``thidua`` on a database that already holds the shipped plan and no figures."""
    shutil.copy2(template_db, db)
    return thidua


@pytest.fixture(autouse=True)
def _nothing_leaks_between_tests() -> Iterator[None]:
    """The CLI runs in the tests' own process: after each test the language, the number
    convention, the environment, the working directory, the standard streams and the garbage
    collector are as they were before."""
    from thiduaCLI.text import conventions, i18n

    def state() -> tuple[object, ...]:
        streams = (sys.stdin, sys.stdout, sys.stderr, sys.excepthook)
        environment = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
        place = (os.getcwd(), environment, gc.isenabled())
        return (*place, *streams, i18n.language(), conventions.current())

    before = state()
    yield
    assert state() == before, "a test or the command it ran left the process changed"
