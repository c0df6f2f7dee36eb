"""A PostgreSQL server's database: its URL, the connection, and the errors it gives.

A province (or a ward whose units enter their own figures) shares one PostgreSQL database
instead of a file. The same SQLAlchemy queries run on it (:mod:`thiduaCLI.domain.sqlfunctions`
writes what differs); this module holds what only a server has: a URL with a password to keep
out of every message, a connection through psycopg 3, writers taking turns as SQLite's do,
and errors from the network, logins and permissions. Who may write what is the database's
own rule (:mod:`thiduaCLI.storage.access`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, Engine, event

from thiduaCLI.errors import StoreError
from thiduaCLI.text.i18n import _

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")

# Every write transaction takes this lock first (PostgreSQL's advisory lock, which any login
# may take): writers queue as SQLite's BEGIN IMMEDIATE makes them, so that what a write reads
# (the last id, the months it adds to, the audit chain's head) stays true until it commits.
# Readers never wait: each reads one snapshot (REPEATABLE READ).
WRITE_LOCK = 0x7468_6964  # "thid"

# SQLSTATE codes of a transaction that may simply be run again.
RETRYABLE = {"40001", "40P01"}  # serialization failure, deadlock detected
CONNECT_TIMEOUT_S = 10


def is_server_url(text: str) -> bool:
    """Whether ``--db`` names a PostgreSQL database rather than a file."""
    return text.lower().startswith(SCHEMES)


def redacted(url: str) -> str:
    """A URL without its password (``postgresql://lan@host/db``): what may be printed, logged
    or mailed."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class ServerURL:
    """A PostgreSQL database as ``--db`` or ``THIDUA_DB`` named it. Printed, it has no
    password: every message that names the database names it so."""

    url: str

    def __str__(self) -> str:
        return redacted(self.url)

    @property
    def libpq(self) -> str:
        """The URL as libpq's tools take it (``postgresql://…``, no driver name)."""
        scheme, rest = self.url.split("://", 1)
        return f"postgresql://{rest}" if scheme.lower() != "postgresql" else self.url

    @property
    def sqlalchemy(self) -> str:
        """The URL as SQLAlchemy takes it, with psycopg 3 as the driver."""
        return "postgresql+psycopg://" + self.url.split("://", 1)[1]

    @property
    def password(self) -> str | None:
        """The password written in the URL, if any (``~/.pgpass`` or PGPASSWORD otherwise)."""
        return urlsplit(self.url).password


def engine(url: ServerURL) -> Engine:
    """An engine on the database: one connection kept for the command's sessions (each new
    one costs a few milliseconds), writers taking :data:`WRITE_LOCK`, readers one snapshot
    each; :meth:`Engine.dispose` closes it."""
    try:
        import psycopg  # noqa: F401 (the driver SQLAlchemy will load)
    except ImportError:  # pragma: no cover - psycopg is a dependency
        raise StoreError(
            _(
                "{url}: cần gói psycopg để làm việc với PostgreSQL (pip install 'psycopg[binary]')"
            ).format(url=url)
        ) from None
    from sqlalchemy import create_engine

    made = create_engine(  # one connection serves the command's sessions in turn
        url.sqlalchemy,
        pool_size=1,
        max_overflow=-1,  # a caller holding more sessions at once gets more, closed after
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "thidua"},
    )

    @event.listens_for(made, "begin")
    def _begin(connection: Connection) -> None:
        if connection.info.get("immediate", False):
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        else:
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return made


def sqlstate(error: BaseException | None) -> str | None:
    """The SQLSTATE code of a psycopg error, if it has one."""
    return getattr(error, "sqlstate", None)


def describe_error(url: ServerURL, error: BaseException | None) -> str:
    """One line for a PostgreSQL failure, the URL without its password."""
    code = sqlstate(error) or ""
    text = _first_line(error)
    if code == "42501":  # insufficient privilege, or a row the policies refuse
        message = _(
            "{url}: tài khoản cơ sở dữ liệu không có quyền làm việc này ({reason}); người quản "
            "trị cấp quyền bằng thidua access grant"
        )
    elif code.startswith("28"):  # invalid authorization
        message = _(
            "{url}: máy chủ không nhận đăng nhập ({reason}); kiểm tra tên đăng nhập và mật khẩu "
            "(~/.pgpass hoặc PGPASSWORD)"
        )
    elif code == "3D000":
        message = _("{url}: chưa có cơ sở dữ liệu này trên máy chủ ({reason}); tạo bằng createdb")
    elif code in RETRYABLE:
        message = _("{url}: máy chủ bận, đã thử lại nhiều lần không được; thử lại sau ({reason})")
    elif code.startswith("08") or (not code and type(error).__name__ == "OperationalError"):
        message = _(
            "{url}: không kết nối được máy chủ PostgreSQL ({reason}); kiểm tra địa chỉ, cổng "
            "và máy chủ đang chạy"
        )
    elif code.startswith("53"):
        message = _("{url}: máy chủ hết tài nguyên (đĩa, bộ nhớ hoặc số kết nối): {reason}")
    else:
        message = _("{url}: lỗi cơ sở dữ liệu ({reason})")
    return message.format(url=url, reason=text)


def _first_line(error: BaseException | None) -> str:
    """The server's message, first line only, never the password."""
    text = str(error).strip().splitlines()
    return " ".join(text[0].split()) if text else type(error).__name__


def current_login(connection: Connection) -> str:
    """The database login this connection is (who a figure is recorded by, on a server)."""
    return str(connection.exec_driver_sql("SELECT current_user").scalar_one())


def table_columns(connection: Connection) -> dict[str, set[str]]:
    """The tables of the connection's schema and their columns."""
    rows = connection.exec_driver_sql(  # the catalog itself: information_schema takes 4x
        "SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a"
        " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        " WHERE c.relnamespace = current_schema()::regnamespace"
        " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped"
    )
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def schema_version(connection: Connection, tables: dict[str, Any]) -> int:
    """The schema version recorded in ``schema_migration`` (0: none)."""
    if "schema_migration" not in tables:
        return 0
    found = connection.exec_driver_sql("SELECT max(version) FROM schema_migration").scalar()
    return int(found or 0)
