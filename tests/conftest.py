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


ENGINES = ("sqlite", "postgresql")
TEST_LOGIN = "tester"  # the login tests write as on PostgreSQL (THIDUA_USER on SQLite)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that uses the ``db`` fixture runs on each engine its module's ``ENGINES``
    names (default: SQLite only): a module of both runs each test once on an SQLite file and
    once on a PostgreSQL database (unless marked ``sqlite_only``: a file's own behaviour)."""
    engines = getattr(metafunc.module, "ENGINES", ("sqlite",))
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        engines = ("sqlite",)
    if "db" in metafunc.fixturenames and engines != ("sqlite",):
        metafunc.parametrize("db", engines, indirect=True)


@pytest.fixture(scope="session")
def postgres_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The admin URL of a PostgreSQL server for the tests: CI's (``THIDUA_TEST_POSTGRES``),
    else a throw-away cluster started here. Without server binaries the PostgreSQL tests are
    skipped on a developer's machine and fail in CI (``CI`` set)."""
    import postgres_server as pg

    url = pg.server_from_environment()
    cluster = None
    if url is None:
        if pg.find_bindir() is None:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL is required in CI: no server binaries found")
            pytest.skip("no PostgreSQL server binaries on this machine")
        cluster = pg.start_cluster(tmp_path_factory.mktemp("postgres"))
        url = cluster.url()
    _ensure_test_login(url)
    try:
        yield url
    finally:
        if cluster is not None:
            cluster.stop()


def _ensure_test_login(admin_url: str) -> None:
    """The login the tests write as (it owns their databases and may create roles), and the
    group roles thidua makes, made once whatever the workers racing to make them."""
    import psycopg

    import postgres_server as pg

    with psycopg.connect(pg._libpq(admin_url), autocommit=True) as connection:
        for role, options in (
            (TEST_LOGIN, "LOGIN CREATEROLE"),
            ("thidua_officer", "NOLOGIN"),
            ("thidua_unit", "NOLOGIN"),
            ("thidua_viewer", "NOLOGIN"),
        ):
            connection.execute(
                f"DO $$ BEGIN CREATE ROLE {role} {options}; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )


def new_postgres_database(admin_url: str, template: str | None = None) -> tuple[str, str]:
    """A new database owned by the test login (a copy of ``template`` when given): its name
    and its URL as that login."""
    import uuid

    import psycopg
    from psycopg import sql

    import postgres_server as pg

    name = f"t_{uuid.uuid4().hex[:16]}"
    statement = sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(TEST_LOGIN), sql.Identifier(template or "template0")
    )
    with psycopg.connect(pg._libpq(admin_url), autocommit=True) as connection:
        connection.execute(statement)
    login_url = pg.database_url(admin_url, name).replace(
        admin_url.split("://", 1)[1].split("@", 1)[0] + "@", TEST_LOGIN + "@", 1
    )
    return name, login_url


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """Where the test's database lives: an SQLite file (not created yet), or, in a module
    run on both engines, an empty PostgreSQL database's URL (as the test login)."""
    engine = getattr(request, "param", "sqlite")
    if engine == "sqlite":
        yield tmp_path / "thidua.sqlite3"
        return
    import postgres_server as pg

    admin = request.getfixturevalue("postgres_admin")
    name, url = new_postgres_database(admin)
    try:
        yield url  # type: ignore[misc]
    finally:
        pg.drop_database(admin, name)


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


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL database made once by the command's first run (the shipped plan, no
    figures), to copy: its name."""
    name, url = new_postgres_database(postgres_admin)
    folder = tmp_path_factory.mktemp("postgres-template")
    assert run_thidua(url, folder, "indicators").code == 0  # type: ignore[arg-type]
    return name


@pytest.fixture
def ready(
    thidua: Callable[..., Run], db: Path, template_db: Path, request: pytest.FixtureRequest
) -> Callable[..., Run]:
    """``thidua`` on a database that already holds the shipped plan and no figures."""
    if isinstance(db, Path):
        shutil.copy2(template_db, db)
        return thidua
    import psycopg
    from psycopg import sql

    import postgres_server as pg

    admin, template = (
        request.getfixturevalue(name) for name in ("postgres_admin", "postgres_template")
    )
    from urllib.parse import urlsplit

    name = urlsplit(db).path.lstrip("/")
    with psycopg.connect(pg._libpq(admin), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(TEST_LOGIN), sql.Identifier(template)
            )
        )
    _closed(db)
    return thidua


def _closed(url: str) -> None:
    """A database copied from a template, closed to everyone but its logins as thidua init
    leaves a new one (a copy gets PostgreSQL's defaults: see access.close_database)."""
    from sqlalchemy import create_engine

    from thiduaCLI.storage.access import close_database
    from thiduaCLI.storage.server import ServerURL

    engine = create_engine(ServerURL(url).sqlalchemy)
    try:
        with engine.begin() as connection:
            close_database(connection)
    finally:
        engine.dispose()


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
