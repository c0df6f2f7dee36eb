"""Shared fixtures: a small hand-made plan, and the real CLI run on a temporary database."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def run_thidua(
    db: Path, cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> Run:
    """Run the installed ``thidua`` command as a user would, on the given database."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("THIDUA_") and key not in ("NO_COLOR", "FORCE_COLOR")
    }
    environment.update({"THIDUA_DB": str(db), "COLUMNS": "200", "THIDUA_USER": "tester"})
    environment.update(env or {})
    done = subprocess.run(
        [*thidua_command(), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        input=stdin,
        timeout=60,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def thidua(db: Path, tmp_path: Path) -> Callable[..., Run]:
    """``thidua(*args)`` runs the real command on the test's database."""
    return functools.partial(run_thidua, db, tmp_path)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made once by the real command's first run: the shipped plan, no figures."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "thidua.sqlite3"
    assert run_thidua(path, folder, "indicators").code == 0
    return path


@pytest.fixture
def ready(thidua: Callable[..., Run], db: Path, template_db: Path) -> Callable[..., Run]:
    """``thidua`` on a database that already holds the shipped plan and no figures."""
    shutil.copy2(template_db, db)
    return thidua
