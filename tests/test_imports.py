"""A command that only reads runs on SQLAlchemy Core: SQLModel and SQLAlchemy's ORM, a tenth
of a second of every start, are loaded by the commands that write figures and audit records,
never by ``status``, ``rank`` or ``show`` (storage/tables.py). Each command here is the real
program in its own process, its imports listed by ``python -X importtime``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import _environment

ENGINES = ("sqlite", "postgresql")  # the db fixture: an SQLite file, then a PostgreSQL database

ORM = ("sqlmodel", "sqlalchemy.orm", "thiduaCLI.storage.models")

READS = (
    ("status", "--as-of", "2026-03-31"),  # month ends: the month rows alone
    ("status", "--as-of", "2026-04-15"),  # a day inside a month: its figures one by one too
    ("rank", "--as-of", "2026-04-30"),
    ("rank", "--as-of", "2026-04-15", "--json"),
    ("show", "K01"),
)


def _imports(db: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``thidua ARGS`` on ``db`` as its own process: what it printed, and the modules it
    imported."""
    changes = _environment(db, None)
    env = {key: value for key, value in os.environ.items() if key not in changes}
    env.update({key: value for key, value in changes.items() if value is not None})
    ran = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "thiduaCLI", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in ran.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return ran, modules


@pytest.mark.process
def test_reading_commands_load_no_orm_and_writing_ones_do(db: Path) -> None:
    for figure in (
        ("report", "K01", "VIEC_LAM", "30", "--date", "2026-03-31"),
        ("report", "K02", "VIEC_LAM", "12", "--date", "2026-04-10"),
    ):
        ran, modules = _imports(db, *figure)
        assert ran.returncode == 0, ran.stderr[-2000:]
        assert set(ORM) <= modules  # the writer maps figures to objects: the check can see them
    for args in READS:
        ran, modules = _imports(db, *args)
        assert ran.returncode == 0, ran.stderr[-2000:]
        assert ran.stdout.strip(), args
        assert sorted(modules & set(ORM)) == [], args
