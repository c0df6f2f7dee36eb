"""A throw-away PostgreSQL cluster for the tests, in CI and on a developer's machine.

:meth:`Cluster.start` runs ``initdb`` and ``pg_ctl`` from the server binaries on this machine
(:func:`find_bindir`) and serves on a unix socket only (``listen_addresses=''``), in a short
folder under ``/tmp`` (a socket's path is limited to about 107 bytes), with trust for local
connections and without fsync: the data is worth nothing once the tests are done.

PostgreSQL refuses to run as root: when this process is root, the server runs as the
``postgres`` account (else ``nobody``) through ``runuser`` (else ``setpriv``). Root reaches
the socket whatever its folder's owner. The data directory is ``FOLDER/data`` when that
account can reach it; a folder behind a private parent (pytest's ``tmp_path`` as root, under
``/tmp/pytest-of-root``, mode 0700) cannot be, and the data then lives beside the socket, in
the folder under ``/tmp`` that :meth:`Cluster.stop` removes.

``FOLDER/server.log`` keeps what the server wrote (its tail is in the error when the start
fails); ``FOLDER/cluster.json`` what :meth:`Cluster.load` needs to stop the cluster from
another process (``tools/postgres_cluster.py``, which ``.ci/run`` calls).

:func:`create_database` and :func:`drop_database` need psycopg (3); the rest only the standard
library. CI gives the admin URL of the cluster it started in ``THIDUA_TEST_POSTGRES``
(:func:`server_from_environment`).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ENVIRONMENT = "THIDUA_TEST_POSTGRES"
"""The variable in which CI gives the admin URL of a running cluster."""

STATE = "cluster.json"
LOG = "server.log"
# sizeof(sockaddr_un.sun_path) on Linux, the terminating NUL included
_SOCKET_PATH_MAX = 107
_SERVER_ACCOUNTS = ("postgres", "nobody")
_TAIL_LINES = 30


class ClusterError(RuntimeError):
    """The cluster could not be started or stopped (the message says why, with the log's
    tail when the server wrote one)."""


def find_bindir() -> Path | None:
    """The folder of the server binaries (``initdb``, ``pg_ctl``, ``postgres``): the one
    ``pg_config --bindir`` names, else the newest ``/usr/lib/postgresql/*/bin`` (Debian's
    layout), else the one of ``initdb`` on ``PATH``; ``None`` when there are none (a machine
    with the client only)."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            named = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
            if named:
                candidates.append(Path(named))
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(debian, key=_version_key, reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _version_key(path: str) -> tuple[int, ...]:
    """``/usr/lib/postgresql/15/bin`` → ``(15,)``, so that 15 sorts after 9.6."""
    version = Path(path).parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version))


def server_account() -> str | None:
    """The account the server runs as when this process is root (``postgres`` if it exists,
    else ``nobody``); ``None`` when this process may run it itself."""
    if os.geteuid() != 0:
        return None
    for name in _SERVER_ACCOUNTS:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise ClusterError("running as root, and neither a postgres nor a nobody account exists")


def _as_account(account: str | None, command: Sequence[str]) -> list[str]:
    """``command`` run as ``account`` (``None``: as this process)."""
    if account is None:
        return list(command)
    if shutil.which("runuser"):
        return ["runuser", "-u", account, "--", *command]
    if shutil.which("setpriv"):
        entry = pwd.getpwnam(account)
        switch = [f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups"]
        return ["setpriv", *switch, "--", *command]
    raise ClusterError(f"running as root, and neither runuser nor setpriv to become {account}")


def _environment() -> dict[str, str]:
    """This process's variables less libpq's and the server's (``PGDATA``, ``PGPORT``…),
    which would point the tools elsewhere."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


def _locale() -> str:
    """``C.UTF-8`` (case mapping of ``đ``, ``Ư``… for ``upper()``, ``lower()`` and ``ILIKE``;
    the code-point order of ``C``) when the machine has it, else ``C``."""
    try:
        listed = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "C"
    names = {line.strip().lower() for line in listed.splitlines()}
    return "C.UTF-8" if names & {"c.utf8", "c.utf-8"} else "C"


def _free_port() -> int:
    """A port number no one listens on. The server listens on no TCP port: the number only
    names the socket (``.s.PGSQL.PORT``), and a free one keeps the shared memory keys of two
    clusters apart."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _short_folder() -> Path:
    """A new folder for the socket, under ``/tmp`` (``$TMPDIR`` may be long)."""
    parent = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
    return Path(tempfile.mkdtemp(prefix="thidua-pg-", dir=parent))


def _tail(log: Path) -> str:
    """The last lines of the server's log, for an error message."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return f"(no log at {log})"
    return "\n".join(lines[-_TAIL_LINES:]) or f"(empty log at {log})"


@dataclass(frozen=True)
class Cluster:
    """A running throw-away cluster (:meth:`start`), reached on its unix socket only."""

    folder: Path
    """Where the log and the state file are (and the data, when the server can reach it)."""
    data: Path
    """The data directory (``initdb``'s ``-D``)."""
    socket_dir: Path
    """The socket's folder, under ``/tmp``, removed by :meth:`stop`."""
    port: int
    """The number in the socket's name."""
    superuser: str
    """The login name that owns the cluster (the account that ran ``initdb``)."""
    bindir: Path
    """Where ``initdb`` and ``pg_ctl`` were found."""
    account: str | None
    """The account the server runs as, when this process is root; else ``None``."""

    @classmethod
    def start(cls, folder: Path) -> Cluster:
        """Create a cluster in ``folder`` (made if missing) and start it; raises
        :class:`ClusterError`, with the log's tail, when it cannot."""
        bindir = find_bindir()
        if bindir is None:
            raise ClusterError("no PostgreSQL server binaries (apt-get install postgresql)")
        account = server_account()
        folder = Path(folder).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        socket_dir = _short_folder()
        try:
            cluster = cls._create(folder, socket_dir, bindir, account)
            cluster._launch()
        except BaseException:
            shutil.rmtree(socket_dir, ignore_errors=True)
            raise
        return cluster

    @classmethod
    def _create(cls, folder: Path, socket_dir: Path, bindir: Path, account: str | None) -> Cluster:
        """Run ``initdb``, as ``account`` when there is one, and write the state file."""
        port = _free_port()
        if len(str(socket_dir / f".s.PGSQL.{port}")) > _SOCKET_PATH_MAX:
            raise ClusterError(f"the socket's folder {socket_dir} is too long for a socket")
        if account is None:
            superuser = pwd.getpwuid(os.geteuid()).pw_name
            data = folder / "data"
        else:
            superuser = account
            entry = pwd.getpwnam(account)
            for owned in (folder, socket_dir):
                os.chown(owned, entry.pw_uid, entry.pw_gid)
            reach = _as_account(account, ["test", "-w", str(folder), "-a", "-x", str(folder)])
            reachable = subprocess.run(reach, check=False, cwd="/").returncode == 0
            data = folder / "data" if reachable else socket_dir / "data"
        cluster = cls(folder, data, socket_dir, port, superuser, bindir, account)
        initdb = [
            str(bindir / "initdb"),
            f"--pgdata={data}",
            f"--username={superuser}",
            "--auth-local=trust",
            "--auth-host=reject",
            "--encoding=UTF8",
            f"--locale={_locale()}",
            "--no-sync",
            "--no-instructions",
        ]
        done = cluster._run(initdb)
        if done.returncode != 0:
            raise ClusterError(f"initdb failed ({done.returncode}):\n{done.stdout}")
        cluster.save()
        return cluster

    def _run(self, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        """``command`` as the server's account, its output (stdout and stderr) captured."""
        return subprocess.run(
            _as_account(self.account, command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            cwd="/",
            env=_environment(),
            timeout=120,
        )

    def _launch(self) -> None:
        """``pg_ctl start``, waiting until the server takes connections. The server writes
        into the log through the descriptor this process opened: it needs no right on
        ``folder``."""
        options = " ".join(
            [
                f"-k {self.socket_dir}",
                "-c listen_addresses=''",
                f"-p {self.port}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        command = [str(self.bindir / "pg_ctl"), "start", "-w", "-t", "60"]
        command += ["-D", str(self.data), "-o", options]
        log = self.folder / LOG
        with log.open("ab") as output:
            started = subprocess.run(
                _as_account(self.account, command),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
                cwd="/",
                env=_environment(),
                timeout=120,
            )
        if started.returncode != 0:
            self._pg_ctl("stop", "-m", "immediate")
            raise ClusterError(
                f"the server did not start (pg_ctl: {started.returncode}); "
                f"the end of {log}:\n{_tail(log)}"
            )

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``pg_ctl ARGS -D DATA`` as the server's account."""
        return self._run([str(self.bindir / "pg_ctl"), *args, "-D", str(self.data)])

    def running(self) -> bool:
        """Whether the server runs (``pg_ctl status``)."""
        return self._pg_ctl("status").returncode == 0

    def stop(self) -> None:
        """Stop the server (its sessions ended, ``-m fast``; ``immediate`` if that fails) and
        remove the socket's folder; harmless when it is already stopped."""
        if self.data.exists() and self.running():
            stopped = self._pg_ctl("stop", "-w", "-t", "60", "-m", "fast")
            if stopped.returncode != 0:
                stopped = self._pg_ctl("stop", "-w", "-t", "60", "-m", "immediate")
            if stopped.returncode != 0:
                raise ClusterError(
                    f"the server did not stop: {stopped.stdout}\n"
                    f"the end of {self.folder / LOG}:\n{_tail(self.folder / LOG)}"
                )
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def url(self, database: str = "postgres", user: str | None = None) -> str:
        """``postgresql://USER@/DATABASE?host=SOCKET_DIR&port=PORT``, for libpq (psycopg,
        psql) and SQLAlchemy; ``user``: the superuser when not given."""
        login = quote(user or self.superuser, safe="")
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql://{login}@/{quote(database, safe='')}?host={host}&port={self.port}"

    def save(self) -> None:
        """Write ``folder/cluster.json``, for :meth:`load`."""
        state = {
            key: str(value) if isinstance(value, Path) else value
            for key, value in asdict(self).items()
        }
        (self.folder / STATE).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Cluster:
        """The cluster :meth:`start` made in ``folder`` (from its state file)."""
        state = json.loads((Path(folder).resolve() / STATE).read_text(encoding="utf-8"))
        return cls(
            folder=Path(state["folder"]),
            data=Path(state["data"]),
            socket_dir=Path(state["socket_dir"]),
            port=int(state["port"]),
            superuser=str(state["superuser"]),
            bindir=Path(state["bindir"]),
            account=state["account"],
        )


def start_cluster(folder: Path) -> Cluster:
    """:meth:`Cluster.start`: a running throw-away cluster in ``folder``."""
    return Cluster.start(folder)


def _libpq(url: str) -> str:
    """``url`` as libpq takes it: SQLAlchemy's ``postgresql+psycopg://`` loses its driver."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def database_url(url: str, name: str) -> str:
    """``url`` with its database changed to ``name`` (user, host and options kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(name, safe="")))


def create_database(admin_url: str, name: str) -> str:
    """Create the database ``name`` (UTF-8, from ``template0``) on the server of
    ``admin_url``, as its user; returns the URL of the new database."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'")
    with psycopg.connect(_libpq(admin_url), autocommit=True) as connection:
        connection.execute(statement.format(sql.Identifier(name)))
    return database_url(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    """Drop the database ``name`` if it exists, ending its sessions first."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_libpq(admin_url), autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        if connection.info.server_version >= 130000:  # WITH (FORCE): new in 13
            statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        else:
            statement = sql.SQL("DROP DATABASE IF EXISTS {}")
        connection.execute(statement.format(sql.Identifier(name)))


def server_from_environment() -> str | None:
    """The admin URL of a running server given in ``THIDUA_TEST_POSTGRES`` (CI sets it),
    else ``None``."""
    return os.environ.get(ENVIRONMENT) or None
