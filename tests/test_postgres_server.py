"""The throw-away PostgreSQL cluster of ``tests/postgres_server.py``: started for real in a
temporary folder, reached on its socket with psycopg, a database made and dropped, stopped.

Required in CI (``.ci/run`` installs Debian's postgresql and sets ``CI``): missing server
binaries or psycopg fail there; elsewhere they skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from postgres_server import (
    ENVIRONMENT,
    LOG,
    Cluster,
    create_database,
    database_url,
    drop_database,
    find_bindir,
    server_from_environment,
)

pytestmark = pytest.mark.process


def _required(what: str, install: str) -> None:
    """Fail in CI, skip elsewhere, for want of ``what``."""
    if os.environ.get("CI"):
        pytest.fail(f"CI needs {what} for the PostgreSQL tests (.ci/run installs it)")
    pytest.skip(f"no {what} on this machine ({install})")


@pytest.fixture(scope="module")
def psycopg() -> Any:
    """The psycopg module (3)."""
    try:
        import psycopg
    except ImportError:
        _required("psycopg", "pip install 'psycopg[binary]'")
    return psycopg


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """One cluster for the module, stopped after its last test, which checks the stop."""
    if find_bindir() is None:
        _required("PostgreSQL server binaries", "apt-get install postgresql")
    started = Cluster.start(tmp_path_factory.mktemp("postgres"))
    try:
        yield started
    finally:
        started.stop()
    assert not started.running()
    assert not started.socket_dir.exists()
    started.stop()  # a second stop is harmless


def test_url_names_the_socket_and_the_database(cluster: Cluster) -> None:
    parts = urlsplit(cluster.url("thidua", user="someone"))
    assert (parts.scheme, parts.netloc, parts.path) == ("postgresql", "someone@", "/thidua")
    assert parse_qs(parts.query) == {"host": [str(cluster.socket_dir)], "port": [str(cluster.port)]}
    assert cluster.url().startswith(f"postgresql://{cluster.superuser}@/postgres?host=/")
    assert len(str(cluster.socket_dir / f".s.PGSQL.{cluster.port}")) < 108
    assert (cluster.socket_dir / f".s.PGSQL.{cluster.port}").is_socket()


def test_server_answers_on_its_socket_only(cluster: Cluster, psycopg: Any) -> None:
    with psycopg.connect(cluster.url()) as connection:
        user, version = connection.execute("SELECT current_user, version()").fetchone()
        settings = connection.execute(
            "SELECT current_setting('listen_addresses'), current_setting('server_encoding'),"
            " current_setting('fsync'), current_setting('lc_ctype'), upper('đường ưu tiên')"
        ).fetchone()
    assert user == cluster.superuser
    assert version.startswith("PostgreSQL ")
    listen, encoding, fsync, ctype, upper = settings
    assert (listen, encoding, fsync) == ("", "UTF8", "off")
    assert ctype in ("C.UTF-8", "C")
    if ctype == "C.UTF-8":  # plain C (a machine without C.UTF-8) leaves đ, ư… as they are
        assert upper == "ĐƯỜNG ƯU TIÊN"
    assert (cluster.folder / LOG).read_text(encoding="utf-8", errors="replace").strip()


def test_database_created_and_dropped_with_a_session_open(cluster: Cluster, psycopg: Any) -> None:
    admin = cluster.url()
    name = "thidua thử"
    url = create_database(admin, name)
    assert url == database_url(admin, name)
    listed = "SELECT count(*) FROM pg_database WHERE datname = %s"
    session = psycopg.connect(url)
    try:
        session.execute("CREATE TABLE t (ten text)")
        session.execute("INSERT INTO t VALUES ('Phường Bến Nghé')")
        session.commit()
        assert session.execute("SELECT current_database(), ten FROM t").fetchone() == (
            name,
            "Phường Bến Nghé",
        )
        drop_database(admin, name)  # the open session is ended, not waited for
    finally:
        session.close()
    with psycopg.connect(admin) as connection:
        assert connection.execute(listed, [name]).fetchone() == (0,)
    drop_database(admin, name)  # a missing database is no error


def test_cluster_can_be_loaded_from_its_folder(cluster: Cluster) -> None:
    assert Cluster.load(cluster.folder) == cluster
    assert cluster.running()


def test_tool_prints_the_binaries_folder() -> None:
    if find_bindir() is None:
        _required("PostgreSQL server binaries", "apt-get install postgresql")
    tool = Path(__file__).resolve().parents[1] / "tools" / "postgres_cluster.py"
    done = subprocess.run(
        [sys.executable, str(tool), "bindir"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, str(find_bindir()))


def test_server_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://postgres@/postgres?host=/tmp/x&port=5432"
    monkeypatch.setenv(ENVIRONMENT, url)
    assert ENVIRONMENT == "THIDUA_TEST_POSTGRES"
    assert server_from_environment() == url
    monkeypatch.setenv(ENVIRONMENT, "")
    assert server_from_environment() is None
    monkeypatch.delenv(ENVIRONMENT)
    assert server_from_environment() is None
