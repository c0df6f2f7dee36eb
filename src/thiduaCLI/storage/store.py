"""The SQLite file: opening it safely, transactions, and the queries the core needs."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    String,
    and_,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    type_coerce,
)
from sqlalchemy import select as core_select
from sqlalchemy.exc import DBAPIError

from thiduaCLI.domain import calendar
from thiduaCLI.domain.attainment import Observation, Tally
from thiduaCLI.domain.exact import from_parts, parts
from thiduaCLI.domain.plan import Plan
from thiduaCLI.errors import BusyError, StoreError, ThiduaError
from thiduaCLI.files.atomic import link_into_place, refuse_existing
from thiduaCLI.files.progress import Progress
from thiduaCLI.storage import chain, migrations, months, server
from thiduaCLI.storage.plan_rows import header_document, read_plan, unit_rows
from thiduaCLI.storage.server import ServerURL
from thiduaCLI.storage.tables import (
    METADATA,
    SCHEMA_VERSION,
    audit_chain_table,
    figure_months_table,
    figure_table,
    plan_table,
    plan_unit_table,
    plan_version_table,
    retraction_table,
    schema_migration_table,
    utc_now,
)
from thiduaCLI.text.i18n import _
from thiduaCLI.text.oserrors import os_reason

if TYPE_CHECKING:
    from sqlmodel import Session

    from thiduaCLI.domain.plan_history import PlanVersion
    from thiduaCLI.storage.models import Figure, ImportRetraction, Retraction, TargetChange

BUSY_TIMEOUT_MS = 30_000
SQLITE_HEADER = b"SQLite format 3\x00"


def default_path() -> Path:
    """The database in the user's data directory (``~/.local/share/thidua`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("thidua", appauthor=False) / "thidua.sqlite3"


def private_folders(folder: Path) -> None:
    """Make ``folder`` and the parents it lacks, each readable by its owner only (0700,
    whatever the umask), or one error naming the folder that cannot be made and why."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
            os.chmod(path, 0o700)
        except FileExistsError:
            continue
        except OSError as error:
            raise ThiduaError(
                _(
                    "không tạo được thư mục dữ liệu {folder} ({why}); chọn tệp cơ sở dữ liệu "
                    "khác bằng --db hoặc THIDUA_DB"
                ).format(folder=path, why=os_reason(error))
            ) from None


Location = Path | ServerURL
"""A database: an SQLite file, or a PostgreSQL database (printed without its password)."""

Reader = Union["Session", Connection]
"""What a query that only reads the tables is given: a session, or a connection from
:meth:`Database.reading` (which spares a reading command SQLAlchemy's ORM)."""


def _sql(reader: Reader) -> Connection:
    """The connection, in its transaction, that a reader's queries run on."""
    return reader if isinstance(reader, Connection) else reader.connection()


@dataclass
class Database:
    """An open database (a file, or a database on a PostgreSQL server), whether this process
    created it, and any upgrade it made."""

    path: Location
    engine: Engine
    created: bool
    upgraded_from: int | None = None
    backup: Path | None = None
    held: Session | None = None  # the read session of a snapshot (see snapshot())
    login: str | None = None  # on a server: the login, who records what this process writes

    @property
    def on_server(self) -> bool:
        """Whether this is a PostgreSQL database (else an SQLite file)."""
        return isinstance(self.path, ServerURL)

    @property
    def file(self) -> Path:
        """The SQLite file (only asked of one)."""
        assert isinstance(self.path, Path), "an SQLite file was expected"
        return self.path

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Inside, every read session is one and the same read transaction: what is read
        together (the papers of a review) comes from one state of the database, whatever
        another process commits meanwhile."""
        with self.session() as session:
            self.held = session
            try:
                yield
            finally:
                self.held = None

    @contextmanager
    def session(self, *, write: bool = False, keep: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        Writers take the write lock at BEGIN, so what they read stays true until they commit
        (on a server: :data:`~thiduaCLI.storage.server.WRITE_LOCK`; a reader there sees one
        snapshot). Without ``keep`` the transaction is rolled back even on success: a dry run
        does the whole write, reads what it would make, and leaves the database as it was.
        Inside a :meth:`snapshot`, a read session is the snapshot's. A command that only
        reads SQL takes :meth:`reading` instead: the session loads SQLAlchemy's ORM.
        """
        if self.held is not None and not write:
            yield self.held
            return
        from sqlmodel import Session

        with self._transaction(write, keep) as connection, Session(bind=connection) as session:
            yield session
            session.flush()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction on a connection, for queries of the tables alone (SQLAlchemy
        Core; no ORM is loaded); inside a :meth:`snapshot`, the snapshot's."""
        if self.held is not None:
            yield self.held.connection()
            return
        with self._transaction(write=False, keep=True) as connection:
            yield connection

    @contextmanager
    def _transaction(self, write: bool, keep: bool) -> Iterator[Connection]:
        """A connection in one transaction (see :meth:`session`); an error of the database
        comes out as one line (:meth:`error`)."""
        try:
            with self.engine.connect() as connection:
                connection.info["immediate"] = write
                with connection.begin() as transaction:
                    yield connection
                    if not keep:
                        transaction.rollback()
        except DBAPIError as exc:
            raise self.error(exc.orig) from None
        except sqlite3.Error as exc:  # from the driver itself (see _driver)
            raise self.error(exc) from None

    def error(self, cause: BaseException | None) -> StoreError:
        """The one-line error for a failure of the database."""
        if isinstance(self.path, ServerURL):
            kind = BusyError if server.sqlstate(cause) in server.RETRYABLE else StoreError
            return kind(server.describe_error(self.path, cause))
        return StoreError(describe_sqlite_error(self.path, cause))


@contextmanager
def open_database(
    path: Location, seed: Seed | None = None, *, create: bool = True, upgrade: bool = True
) -> Iterator[Database]:
    """Open the database file, making it thidua's when it is new and upgrading it when old.

    Whether the file is new, old or current is settled inside one write transaction, so that
    several processes opening it at once create or upgrade it exactly once; a new file gets
    its schema and the ``seed`` (the shipped plan) in that same transaction. A database once
    created stays, even if the command that created it then fails: another process may
    already be writing to it. Without ``create`` a missing file is an error (``--dry-run``
    writes nothing, not even a new file); without ``upgrade`` an old schema is an error (a
    dry run does not upgrade either).

    A symbolic link is followed to the file it names, which is made owner-only. A file that
    cannot be written, or sits in a folder that cannot be, is opened read-only: reading works,
    a write is one clear error. Every open checks that the file is a sound thidua database
    (:func:`check_sound`).

    A PostgreSQL database (:class:`ServerURL`) is made thidua's the same way, under the write
    lock, with its access rules (:mod:`thiduaCLI.storage.access`).
    """
    if isinstance(path, ServerURL):
        with _open_server(path, seed, create=create, upgrade=upgrade) as database:
            yield database
        return
    path = _resolved(path)
    if path.is_dir():
        raise StoreError(
            _("{path}: là một thư mục, không phải tệp cơ sở dữ liệu").format(path=path)
        )
    if path.exists():
        _check_header(path)
    elif not create:
        raise StoreError(
            _(
                "{path}: chưa có cơ sở dữ liệu; lệnh này không tạo tệp mới (chạy thidua init)"
            ).format(path=path)
        )
    else:
        _create_private_file(path)
    engine = _engine(path)
    database = Database(path, engine, created=False)
    try:
        try:
            with database.reading() as connection:
                version, tables = _schema_state(path, connection)
        except StoreError:
            if not _cannot_open_for_writing(path):
                raise
            engine.dispose()
            engine = database.engine = _engine(path, read_only=True)
            with database.reading() as connection:
                version, tables = _schema_state(path, connection)
        if (not tables or version < SCHEMA_VERSION) and not upgrade:
            raise _not_upgraded(path)
        if not tables or version < SCHEMA_VERSION:
            _make_current(database, seed)
        with database.reading() as connection:
            check_sound(path, _driver(connection))
        yield database
    finally:
        database.engine.dispose()


@contextmanager
def _open_server(
    url: ServerURL, seed: Seed | None, *, create: bool, upgrade: bool
) -> Iterator[Database]:
    """:func:`open_database` of a PostgreSQL database: made thidua's, or upgraded, under the
    write lock, in one transaction (PostgreSQL's DDL is transactional: no copy is kept)."""
    database = Database(url, server.engine(url), created=False)
    try:
        with database.reading() as connection:
            database.login = server.current_login(connection)
            tables = server.table_columns(connection)
            version = server.schema_version(connection, tables)
        _check_server_version(url, version, tables)
        if not version and not create:
            raise StoreError(
                _(
                    "{path}: cơ sở dữ liệu chưa có dữ liệu thidua; lệnh này không tạo gì "
                    "(chạy thidua init)"
                ).format(path=url)
            )
        if version and version < SCHEMA_VERSION and not upgrade:
            raise _not_upgraded(url)
        if version < SCHEMA_VERSION:
            with database.session(write=True) as session:
                tables = _make_server_current(database, session, seed)
        _check_tables(url, tables)
        yield database
    finally:
        database.engine.dispose()


def _make_server_current(
    database: Database, session: Session, seed: Seed | None
) -> dict[str, set[str]]:
    """Under the write lock, look again: create the schema with its access rules and seed it,
    or upgrade it (the tables' owner only); the tables then."""
    from thiduaCLI.storage import access

    url, connection = database.path, session.connection()
    assert isinstance(url, ServerURL)
    tables = server.table_columns(connection)
    version = server.schema_version(connection, tables)
    _check_server_version(url, version, tables)
    if not version:
        METADATA.create_all(connection)
        connection.execute(schema_migration_table.insert().values(version=SCHEMA_VERSION))
        access.install(connection)
        if seed is not None:
            seed(session)
        database.created = True
    elif version < SCHEMA_VERSION:
        if not access.is_owner(connection):
            raise StoreError(
                _(
                    "{path}: cơ sở dữ liệu ở lược đồ {old}, phiên bản thidua này cần lược đồ "
                    "{new}; chỉ chủ sở hữu (tài khoản đã chạy thidua init) nâng cấp được: người "
                    "đó chạy một lệnh thidua bất kỳ, ví dụ thidua status"
                ).format(path=url, old=version, new=SCHEMA_VERSION)
            )
        migrations.upgrade(connection, version)
        database.upgraded_from = version
    return server.table_columns(connection)


def _not_upgraded(path: Location) -> StoreError:
    """A command that writes nothing (a dry run) met a schema to upgrade."""
    return StoreError(
        _(
            "{path}: cơ sở dữ liệu cần nâng cấp lên lược đồ {version}; lệnh này không ghi "
            "gì nên không nâng cấp (chạy một lệnh khác trước, ví dụ thidua status)"
        ).format(path=path, version=SCHEMA_VERSION)
    )


def _refuse_foreign_or_newer(path: Location, version: int, tables: object) -> None:
    """Refuse a database that holds tables but no thidua schema version (another program's),
    or that a newer thidua made."""
    if version == 0 and tables:
        raise StoreError(_("{path}: cơ sở dữ liệu này không phải của thidua").format(path=path))
    if version > SCHEMA_VERSION:
        raise StoreError(
            _(
                "{path}: cơ sở dữ liệu được tạo bởi phiên bản thidua mới hơn "
                "(lược đồ {version}); hãy cập nhật thidua"
            ).format(path=path, version=version)
        )


def _check_server_version(url: ServerURL, version: int, tables: dict[str, set[str]]) -> None:
    """Refuse a database that holds tables not thidua's, or that a newer thidua made, or a
    schema older than any PostgreSQL database began at (another program's, then)."""
    _refuse_foreign_or_newer(url, version, tables)
    if version and version < migrations.FIRST_SERVER_SCHEMA:
        raise StoreError(
            _(
                "{path}: lược đồ {version} trên máy chủ cũ hơn mọi cơ sở dữ liệu thidua trên "
                "PostgreSQL (bắt đầu từ lược đồ {first}): không phải cơ sở dữ liệu thidua còn "
                "nguyên"
            ).format(path=url, version=version, first=migrations.FIRST_SERVER_SCHEMA)
        )


def _check_tables(path: Location, present: dict[str, set[str]]) -> None:
    """Every table of the schema is there, with its columns."""
    for name, columns in _expected_tables().items():
        if name not in present:
            raise StoreError(
                _("{path}: thiếu bảng {table}: không phải cơ sở dữ liệu thidua còn nguyên").format(
                    path=path, table=name
                )
            )
        if not columns <= present[name]:
            raise StoreError(
                _(
                    "{path}: bảng {table} thiếu cột {columns}: không phải cơ sở dữ "
                    "liệu thidua còn nguyên"
                ).format(path=path, table=name, columns=", ".join(sorted(columns - present[name])))
            )


def _resolved(path: Path) -> Path:
    """The file a path names: a symbolic link (even one whose file does not exist yet) is
    followed, and the file it names is made readable and writable by its owner only."""
    if not path.is_symlink():
        return path
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError) as error:  # a loop of links
        raise StoreError(
            _("{path}: liên kết tượng trưng không dẫn tới tệp nào ({reason})").format(
                path=path, reason=os_reason(error)
            )
        ) from None
    if target.exists():
        with contextlib.suppress(OSError):  # not ours to change: opened as it is
            if target.stat().st_uid == os.geteuid():
                target.chmod(0o600)
    return target


def _cannot_open_for_writing(path: Path) -> bool:
    """Whether the file or its folder refuses writing (SQLite then needs a read-only open)."""
    for place in (path, path.parent):
        try:
            probe = os.open(place, os.O_RDONLY)
        except OSError:
            return True
        os.close(probe)
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return True
    try:  # root passes os.access; an immutable folder still refuses a new file
        probe_path = path.parent / f".{path.name}.probe-{os.getpid()}"
        os.close(os.open(probe_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        probe_path.unlink()
    except OSError:
        return True
    try:
        with path.open("r+b"):
            pass
    except OSError:
        return True
    return False


Seed = Callable[["Session"], None]


def _expected_tables() -> dict[str, set[str]]:
    """The tables a current thidua database has, and the columns each must have."""
    return {
        name: {column.name for column in table.columns} for name, table in METADATA.tables.items()
    }


def check_sound(path: Path, driver: sqlite3.Connection) -> None:
    """A quick look that the file is a sound thidua database: every table of the schema is
    there with its columns, and the first page of each can be read (a page overwritten by
    another program is found here; a full check is ``backup``'s, ``export``'s and
    ``verify``'s: :func:`integrity_problem`)."""
    try:
        (version,) = driver.execute("PRAGMA user_version").fetchone()
        present = {name for (name,) in driver.execute(_TABLE_NAMES)}
        expected = _expected_tables()
        if version == SCHEMA_VERSION:
            _check_tables(
                path,
                {
                    name: {row[0] for row in driver.execute(_COLUMN_NAMES, (name,))}
                    for name in present & expected.keys()
                },
            )
        for name in sorted(present & expected.keys()):  # a table of another program: not read
            driver.execute(_first_row(name)).fetchall()
    except sqlite3.Error as error:
        raise StoreError(describe_sqlite_error(path, error)) from None


_TABLE_NAMES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_COLUMN_NAMES = "SELECT name FROM pragma_table_info(?)"


def _first_row(name: str) -> str:
    """``SELECT * FROM name LIMIT 1`` for one of the schema's own tables, as SQLAlchemy
    writes it (the name quoted by the dialect, never pasted in)."""
    from sqlalchemy import Select, literal_column, table
    from sqlalchemy.dialects import sqlite

    query: Select[Any] = core_select(literal_column("*")).select_from(table(name)).limit(1)
    return str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def check_integrity(session: Session, path: Location) -> None:
    """Refuse a database that fails SQLite's full integrity check (what ``backup`` and
    ``export`` read must be whole). A PostgreSQL server checks its own pages as it reads
    them: nothing more is asked of it here."""
    if session.connection().dialect.name == "postgresql":
        return
    try:
        problem = integrity_problem(_driver(session.connection()))
    except sqlite3.Error as error:
        raise StoreError(describe_sqlite_error(path, error)) from None
    if problem is not None:
        raise StoreError(
            _("{path}: cơ sở dữ liệu bị hỏng ({problem}); chạy thidua verify").format(
                path=path, problem=problem
            )
        )


def integrity_problem(connection: sqlite3.Connection) -> str | None:
    """SQLite's full integrity check: None when it holds, else its first finding."""
    rows = connection.execute("PRAGMA integrity_check(1)").fetchall()
    first = rows[0][0] if rows else "?"
    return None if first == "ok" else " ".join(str(first).split())


def _schema_state(path: Path, connection: Connection) -> tuple[int, int]:
    """The file's schema version and table count; refuse a file not thidua's, or too new."""
    version = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
    tables = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    ).scalar_one()
    _refuse_foreign_or_newer(path, version, tables)
    return version, tables


def _make_current(database: Database, seed: Seed | None) -> None:
    """Under the write lock, look again: create the schema and seed it, or upgrade it."""
    with database.session(write=True) as session:
        connection = session.connection()
        version, tables = _schema_state(database.file, connection)
        if not tables:
            METADATA.create_all(connection)
            connection.execute(schema_migration_table.insert().values(version=SCHEMA_VERSION))
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if seed is not None:
                seed(session)
            database.created = True
        elif version < SCHEMA_VERSION:
            database.backup = backup(database.file, _free_name(database.file, version))
            migrations.upgrade(connection, version)
            database.upgraded_from = version


def _free_name(path: Path, version: int) -> Path:
    """``thidua.sqlite3.v1.bak``, or ``….v1.2.bak`` and so on if that exists."""
    target, number = path.with_name(f"{path.name}.v{version}.bak"), 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.v{version}.{number}.bak")
    return target


def _create_private_file(path: Path, *, exist_ok: bool = True) -> None:
    """Create an empty file readable and writable by its owner only."""
    if not path.parent.exists():
        raise StoreError(
            _("{path}: thư mục {folder} không tồn tại").format(path=path, folder=path.parent)
        )
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        if not exist_ok:
            raise StoreError(
                _("{path}: tệp đã có, chọn tên khác để không ghi đè").format(path=path)
            ) from None
    except OSError as exc:
        raise StoreError(
            _("{path}: không tạo được tệp cơ sở dữ liệu ({reason})").format(
                path=path, reason=os_reason(exc)
            )
        ) from None


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            _("{path}: không đọc được tệp cơ sở dữ liệu ({reason})").format(
                path=path, reason=os_reason(exc)
            )
        ) from None
    if header and header != SQLITE_HEADER:
        raise StoreError(
            _("{path}: tệp không phải cơ sở dữ liệu SQLite (hỏng hoặc nhầm tệp?)").format(path=path)
        )


def _engine(path: Path, *, read_only: bool = False) -> Engine:
    if read_only:  # immutable when no write-ahead log can exist: nobody can write it then
        wal = Path(f"{path}-wal")
        mode = "ro" if wal.exists() else "ro&immutable=1"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode={mode}", uri=True)
        )
    else:
        engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        with contextlib.suppress(sqlite3.OperationalError):  # a read-only file keeps its mode
            # WAL: readers never block the writer, and writers queue on the busy timeout.
            dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.info.get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def check_is_database(path: Path) -> None:
    """Refuse a file that is not a thidua database, without changing it."""
    _check_header(path)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.Error as error:
        raise StoreError(describe_sqlite_error(path, error)) from None
    if not tables or not version:
        raise StoreError(
            _("{path}: không phải cơ sở dữ liệu thidua (chưa có dữ liệu để sao lưu)").format(
                path=path
            )
        )


WRITE_BATCH = 20_000  # figures a progress report, when one is asked for
BACKUP_PAGES = 4_096  # pages a backup step copies, when progress is asked for


def backup(source: Path, target: Path, progress: Progress | None = None) -> Path:
    """A consistent, owner-only copy made with SQLite's online backup API, even while others
    write. The copy is written to a temporary file beside the target, checked whole
    (``PRAGMA integrity_check``) and only then linked into place: a backup killed or failed
    half-way leaves no target, a corrupt database is refused, and an existing target is
    never overwritten. ``progress`` is told of the pages copied (``backup``)."""
    temporary = backup_beside(target)
    try:
        try:
            live = sqlite3.connect(
                f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
            )
            with contextlib.closing(live), contextlib.closing(sqlite3.connect(temporary)) as copy:
                if progress is None:
                    live.backup(copy)
                else:
                    live.backup(
                        copy,
                        pages=BACKUP_PAGES,
                        progress=lambda _, left, total: progress("backup", total - left, total),
                    )
                copy.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
                problem = integrity_problem(copy)
        except sqlite3.Error as error:
            raise StoreError(describe_sqlite_error(source, error)) from None
        if problem is not None:
            raise StoreError(
                _(
                    "{path}: cơ sở dữ liệu bị hỏng, không sao lưu ({problem}); giữ lại các bản "
                    "sao lưu cũ, chạy thidua verify"
                ).format(path=source, problem=problem)
            )
        link_into_place(temporary, target, _("{path}: không ghi được tệp sao lưu ({reason})"))
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}-journal").unlink(missing_ok=True)
    return target


def backup_beside(target: Path) -> Path:
    """An empty owner-only temporary file beside a backup's ``target``, which must not exist
    yet and whose folder must: the backup is written there, then linked into place."""
    import tempfile

    folder = target.parent
    refuse_existing(target)
    if not folder.is_dir():
        raise StoreError(
            _("{path}: thư mục {folder} không tồn tại").format(path=target, folder=folder)
        )
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise StoreError(
            _("{path}: không tạo được tệp sao lưu ({reason})").format(
                path=target, reason=os_reason(exc)
            )
        ) from None
    os.close(handle)  # mkstemp makes it owner-only
    return Path(name)


def describe_sqlite_error(path: Location, error: BaseException | None) -> str:
    """One line for an SQLite failure."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        message = _("{path}: tệp cơ sở dữ liệu bị hỏng hoặc không phải SQLite ({reason})")
    elif "readonly" in text:
        message = _("{path}: cơ sở dữ liệu chỉ đọc, không ghi được ({reason})")
    elif "locked" in text or "busy" in text:
        message = _(
            "{path}: cơ sở dữ liệu đang bị khóa bởi tiến trình khác, thử lại sau ({reason})"
        )
    elif "full" in text or "disk I/O" in text:
        message = _("{path}: ổ đĩa đầy hoặc lỗi ghi đĩa, không ghi được; chưa ghi gì ({reason})")
    else:
        message = _("{path}: lỗi cơ sở dữ liệu ({reason})")
    return message.format(path=path, reason=text)


# ---------------------------------------------------------------------------- the plan


def _driver(connection: Connection) -> sqlite3.Connection:
    """The connection's own sqlite3 connection, in its transaction: only for what SQLite alone
    offers (its integrity check, the backup API) and :func:`add_figures`' one executemany."""
    return connection.connection.driver_connection  # type: ignore[return-value]


def plan_years(reader: Reader) -> list[int]:
    """Years that have a plan, oldest first."""
    query = core_select(plan_table.c.year).order_by(plan_table.c.year)
    return list(_sql(reader).execute(query).scalars())


def load_plan(reader: Reader, year: int) -> Plan | None:
    """The stored plan of a year, if any; its units are read when first asked for."""
    conn = _sql(reader)
    record = conn.execute(
        core_select(plan_table.c.source, plan_table.c.document).where(plan_table.c.year == year)
    ).first()
    if record is None:
        return None
    source, document = record
    unit = plan_unit_table.c
    rows = [
        tuple(row)
        for row in conn.execute(
            core_select(unit.code, unit.position, unit.name, unit.document).where(unit.year == year)
        )
    ]
    rows.sort(key=itemgetter(1))  # in plan order; quicker here than a sort in SQL
    unreadable = _(
        "kế hoạch năm {year} lưu trong cơ sở dữ liệu không đọc được (do phiên bản thidua "
        "khác ghi?); nạp lại bằng: thidua init {source}"
    ).format(year=year, source=source)
    return read_plan(document, rows, unreadable)


UNKNOWN_LOADER = "không rõ"  # i18n: data (stored as who loaded a plan, when nobody is named)


def save_plan(session: Session, plan: Plan, source: str, by: str = UNKNOWN_LOADER) -> None:
    """Store or replace the plan of its year, and keep it as a new plan version (chained)."""
    from thiduaCLI.domain.plan_history import plan_document

    conn = session.connection()
    upsert = months.upsert(conn)
    moment = utc_now().replace(tzinfo=None)
    version = conn.execute(
        insert(plan_version_table)
        .values(
            year=plan.year,
            loaded_at=moment,
            loaded_by=by,
            source=source,
            document=plan_document(plan),
        )
        .returning(plan_version_table.c.id)
    ).scalar_one()
    chain.append(conn, "plan", version, version, stored_datetime(moment))
    header = {
        "title": plan.title,
        "source": source,
        "loaded_at": utc_now().replace(tzinfo=None),
        "document": header_document(plan),
    }
    conn.execute(
        upsert(plan_table)
        .values(year=plan.year, **header)
        .on_conflict_do_update(index_elements=["year"], set_=header)
    )
    conn.execute(delete(plan_unit_table).where(plan_unit_table.c.year == plan.year))
    conn.execute(
        insert(plan_unit_table),
        [
            {"year": plan.year, "code": code, "position": position, "name": name, "document": doc}
            for code, position, name, doc in unit_rows(plan)
        ],
    )


def plan_title(reader: Reader, year: int) -> str | None:
    """The stored title of a year's plan, if any."""
    query = core_select(plan_table.c.title).where(plan_table.c.year == year)
    return _sql(reader).execute(query).scalar()


def month_rows_and_rebuilt(session: Session) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The month-by-month rows as stored, and as a rebuild from the figures makes them, on a
    copy of the database in memory (nothing is written to the file).

    The copy is made with SQLite's own backup API, which only the driver's connection
    offers; copying table by table through SQLAlchemy would be slower and could miss what
    the file holds beside thidua's tables."""
    rows = core_select(figure_months_table).order_by(
        *(figure_months_table.c[name] for name in ("year", "unit", "indicator"))
    )
    stored = [tuple(row) for row in session.connection().execute(rows)]
    if session.connection().dialect.name == "postgresql":
        return stored, _rebuilt_on_server(session.connection(), rows)
    copy = sqlite3.connect(":memory:")
    engine = create_engine("sqlite://", creator=lambda: copy)
    try:
        _driver(session.connection()).backup(copy)
        with engine.begin() as connection:
            months.rebuild(connection)
            rebuilt = [tuple(row) for row in connection.execute(rows)]
    finally:
        engine.dispose()
        copy.close()
    return stored, rebuilt


def _rebuilt_on_server(connection: Connection, rows: Any) -> list[tuple[Any, ...]]:
    """The month rows rebuilt from the figures on PostgreSQL, in a temporary table of this
    connection that hides the stored one while it lives (PostgreSQL looks in the session's
    own schema first): nothing is written to the database, and a viewer may run it."""
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE figure_months (LIKE figure_months INCLUDING ALL)"
    )
    try:
        months.rebuild(connection)
        return [tuple(row) for row in connection.execute(rows)]
    finally:
        connection.exec_driver_sql("DROP TABLE pg_temp.figure_months")


def plan_versions(reader: Reader, year: int) -> list[PlanVersion]:
    """Every stored version of a year's plan, oldest first."""
    from thiduaCLI.domain.plan_history import PlanVersion

    version = plan_version_table.c
    loaded_at: ColumnElement[str] = type_coerce(version.loaded_at, String)  # as stored
    query = (
        core_select(
            version.id, version.year, loaded_at, version.loaded_by, version.source, version.document
        )
        .where(version.year == year)
        .order_by(version.id)
    )
    return [PlanVersion(*row) for row in _sql(reader).execute(query)]


def plan_version_as_of(reader: Reader, year: int, day: date) -> PlanVersion | None:
    """The version of a year's plan in force on ``day`` (Vietnam time): the last one loaded
    on or before that day."""
    from thiduaCLI.domain.plan_history import PlanVersion

    version = plan_version_table
    loaded_at: ColumnElement[str] = type_coerce(version.c.loaded_at, String)  # as stored
    query = (
        core_select(
            version.c.id,
            version.c.year,
            loaded_at,
            version.c.loaded_by,
            version.c.source,
            version.c.document,
        )
        .where(version.c.year == year, calendar.sql_local_day(loaded_at) <= day.isoformat())
        .order_by(version.c.id.desc())
        .limit(1)
    )
    row = _sql(reader).execute(query).first()
    return None if row is None else PlanVersion(*row)


def reported_pairs(reader: Reader, year: int) -> dict[tuple[str, str], int]:
    """How many figures each (unit, indicator) pair of a year has."""
    figure = figure_table.c
    query = (
        core_select(figure.unit, figure.indicator, func.count())
        .where(figure.year == year)
        .group_by(figure.unit, figure.indicator)
    )
    return {(unit, indicator): n for unit, indicator, n in _sql(reader).execute(query)}


# ------------------------------------------------------------------------- the figures


def add_figure(session: Session, figure: Figure) -> Figure:
    """Append one figure (a batch of one for :func:`add_figures`, the one writer of figures)
    and return it as stored, with its id."""
    from thiduaCLI.storage.models import Figure

    (figure_id,) = add_figures(session, [figure_row(figure)])
    stored = session.get(Figure, figure_id)
    assert stored is not None
    return stored


def figure_row(figure: Figure) -> tuple[object, ...]:
    """A figure not stored yet as a row for :func:`add_figures` (its recording time: now,
    unless it has one)."""
    return (
        figure.year,
        figure.unit,
        figure.indicator,
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.reported_total,
        stored_date(figure.ref_date),
        figure.recorded_by,
        figure.note,
        stored_datetime(figure.recorded_at or utc_now()),
        figure.origin or "cli",
        figure.supersedes,
        figure.key,
    )


def _filed_at(session: Session, ids: Sequence[int | None]) -> dict[int | None, datetime]:
    """When each of these figures was first filed, as stored."""
    figure = figure_table.c
    query = core_select(figure.id, figure.filed_at).where(figure.id.in_(ids))
    return {figure_id: filed for figure_id, filed in session.connection().execute(query)}


# The columns :func:`add_figures` fills, in the order of its rows.
FIGURE_COLUMNS = (
    "year",
    "unit",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "reported_total",
    "ref_date",
    "recorded_by",
    "note",
    "recorded_at",
    "origin",
    "supersedes",
    "key",
)
_STORED_COLUMNS = (*FIGURE_COLUMNS, "whole", "nano", "filed_at")  # the last three derived
# FIGURE_COLUMNS puts recorded_at after note; the table (and the audit chain) before
# recorded_by: where to move it.
_RECORDED_BY, _RECORDED_AT = (
    FIGURE_COLUMNS.index("recorded_by"),
    FIGURE_COLUMNS.index("recorded_at"),
)
assert FIGURE_COLUMNS[_RECORDED_BY : _RECORDED_AT + 1] == ("recorded_by", "note", "recorded_at")


@cache
def _insert_figures() -> str:
    """The INSERT of one figure row in :data:`_STORED_COLUMNS` order, as SQLAlchemy writes it
    for SQLite (``?`` placeholders), for the driver's executemany."""
    from sqlalchemy import bindparam, column, table
    from sqlalchemy.dialects import sqlite

    stored = table("figure", *(column(name) for name in _STORED_COLUMNS))  # in this order
    statement = insert(stored).values({c: bindparam(c) for c in _STORED_COLUMNS})
    compiled = statement.compile(dialect=sqlite.dialect())
    assert compiled.positiontup == list(_STORED_COLUMNS)  # the rows' order
    return str(compiled)


_VALUE, _RECORDED_AT, _SUPERSEDES = (
    FIGURE_COLUMNS.index(name) for name in ("value", "recorded_at", "supersedes")
)


def stored_date(day: date) -> str:
    """A date as the ``figure`` table holds it (SQLAlchemy's SQLite text): ``2026-03-31``."""
    return day.isoformat()


def stored_datetime(moment: datetime) -> str:
    """A time as the table holds it (SQLAlchemy's SQLite text, the zone dropped):
    ``2026-03-31 08:15:00.000000``."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def add_figures(
    session: Session, rows: Sequence[tuple[object, ...]], progress: Progress | None = None
) -> range:
    """The one writer of figures: append them (one for ``report``, a file's worth for
    ``import``) and return their ids. Rows are tuples in :data:`FIGURE_COLUMNS` order, dates
    and times already as :func:`stored_date` and :func:`stored_datetime` text
    (:func:`figure_row` makes one from a :class:`Figure`).

    Each row gains its exact parts (:func:`~thiduaCLI.domain.exact.parts`) and its filing
    time: its own recording time, or for a correction the filing time of the figure it
    corrects (stored before, or earlier in ``rows``) (:mod:`thiduaCLI.domain.calendar`). The
    months they touch are brought up to date and one audit-chain entry covers them all.

    One driver ``executemany``: measured in bench/run.py, an import's insert through
    SQLAlchemy costs twice as much, and a 100,000-row import must stay within 3 x a plain
    csv + executemany script. With ``progress``, the rows go in batches, each reported
    (``write``)."""
    if not rows:
        return range(0)
    connection = session.connection()
    on_server = connection.dialect.name == "postgresql"
    if on_server:  # ids follow the last as on SQLite (the write lock is held): see below
        found = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM figure").scalar()
        last_id = int(found or 0)
    else:
        driver = _driver(session.connection())
        (last_id,) = driver.execute("SELECT coalesce(max(id), 0) FROM figure").fetchone()
    numbers = range(last_id + 1, last_id + 1 + len(rows))
    corrected = [cast(int, row[_SUPERSEDES]) for row in rows if row[_SUPERSEDES] is not None]
    before = [figure_id for figure_id in corrected if figure_id <= last_id]
    filed_of: dict[object, object] = {}
    if before:
        filed_of.update(_filed_at(session, before).items())
    in_batch = any(figure_id > last_id for figure_id in corrected)  # ids follow last_id
    split: dict[object, tuple[int, int]] = {}
    complete = []
    for number, row in zip(numbers, rows, strict=True):
        value = row[_VALUE]
        exact = split.get(value)
        if exact is None:
            exact = split[value] = parts(value)  # type: ignore[arg-type]
        filed = filed_of.get(row[_SUPERSEDES], row[_RECORDED_AT])
        if isinstance(filed, datetime):  # a correction's: as the table holds it
            filed = stored_datetime(filed)
        if in_batch:
            filed_of[number] = filed
        complete.append((*row, *exact, filed))
    write: Callable[[list[tuple[object, ...]]], object]
    if on_server:
        statement = insert(_untyped_figure(("id", *_STORED_COLUMNS)))
        with_ids = [(number, *row) for number, row in zip(numbers, complete, strict=True)]
        columns = ("id", *_STORED_COLUMNS)

        def write(batch: list[tuple[object, ...]]) -> object:
            return connection.execute(
                statement, [dict(zip(columns, row, strict=True)) for row in batch]
            )

        batches = with_ids
    else:

        def write(batch: list[tuple[object, ...]]) -> object:
            return driver.executemany(_insert_figures(), batch)

        batches = complete
    if progress is None:
        write(batches)
    else:
        for start in range(0, len(batches), WRITE_BATCH):
            progress("write", start, len(batches))
            write(batches[start : start + WRITE_BATCH])
        progress("write", len(batches), len(batches))
    if on_server:
        # The ids were given here, not by the table's sequence, so that a dry run shows the
        # id the figure will get; the sequence is moved past them for anyone inserting
        # without thidua (setval outlives a rollback: a dry run moves it too, harmlessly).
        new_last = numbers[-1]
        connection.exec_driver_sql(
            "SELECT setval('figure_id_seq', greatest(%s, (SELECT last_value FROM figure_id_seq)))",
            (new_last,),
        )
    else:
        (new_last,) = driver.execute("SELECT max(id) FROM figure").fetchone()
    hashing = None
    if new_last - last_id == len(rows):  # ids given in order: hash what was inserted
        chained = (
            (
                number,
                *row[:_RECORDED_BY],
                row[_RECORDED_AT],
                *row[_RECORDED_BY:_RECORDED_AT],
                *row[_RECORDED_AT + 1 :],
            )
            for number, row in zip(numbers, complete, strict=True)
        )
        # (hashed while the months are brought up to date: see chain.Hashing)
        hashing = chain.hashed_aside(connection, "figures", last_id + 1, new_last, chained)
    months.add_after(connection, last_id + 1, new_last)
    at = stored_datetime(utc_now())
    if hashing is not None:
        hashing.append(connection, at)
    else:
        chain.append(connection, "figures", last_id + 1, new_last, at)
    return range(last_id + 1, new_last + 1)


def _untyped_figure(columns: Sequence[str]) -> Any:
    """The ``figure`` table with these columns and no types: values go in as they are
    (dates and times as their stored text)."""
    from sqlalchemy import column, table

    return table("figure", *(column(name) for name in columns))


@dataclass(frozen=True)
class ImportBatch:
    """The figures one import recorded: ids ``first``..``last``, from ``source``."""

    first: int
    last: int
    source: str


def import_batch(session: Session, first: int) -> ImportBatch | None:
    """The import whose first figure is ``first`` (its number), or None: each write of
    figures has its audit-chain entry, whose figures an import wrote all name it in their
    origin and share one recording time. (The entry the schema-7 upgrade made over every
    figure before it is no import: its figures came from many writes.)"""
    entries = audit_chain_table.c
    last = (
        session.connection()
        .execute(
            core_select(entries.last_id).where(entries.kind == "figures", entries.first_id == first)
        )
        .scalar()
    )
    from thiduaCLI.storage.models import Figure

    figure = session.get(Figure, first)
    if last is None or figure is None or not figure.origin.startswith("import:"):
        return None
    figures = figure_table.c
    count, imported, times = (
        session.connection()
        .execute(
            core_select(
                func.count(),
                func.sum(case((figures.origin.startswith("import:"), 1), else_=0)),
                func.count(figures.recorded_at.distinct()),
            ).where(figures.id.between(first, last))
        )
        .one()
    )
    if count != last - first + 1 or imported != count or times != 1:
        return None
    origins = session.connection().execute(
        core_select(figures.origin).where(figures.id.between(first, last)).distinct()
    )
    files = sorted({origin.removeprefix("import:").rsplit(":", 1)[0] for (origin,) in origins})
    source = ", ".join(files[:3])  # a folder of forms: its files
    if len(files) > 3:
        source += " " + _("và {count} tệp khác").format(count=len(files) - 3)
    return ImportBatch(first, int(last), source)


def import_retraction(session: Session, first: int) -> ImportRetraction | None:
    """How an import was taken back, if it was."""
    from thiduaCLI.storage.models import ImportRetraction

    return session.get(ImportRetraction, first)


def retract_import(
    session: Session, batch: ImportBatch, reason: str, by: str
) -> tuple[list[Figure], list[Figure]]:
    """Take back a whole import: retract each of its figures, and each correction made since
    of one of them (what stands in its place: the file, fixed, is to be imported again), one
    audit entry a run of them; record the import as taken back; return the figures retracted
    and those retracted before."""
    from sqlmodel import col, select

    from thiduaCLI.storage.models import Figure, ImportRetraction, Retraction

    corrections: set[int] = set()  # of the import's figures, and theirs, outside its range
    follows = col(Figure.supersedes).between(batch.first, batch.last)
    while True:
        found = {i for i in session.exec(select(Figure.id).where(follows)) if i is not None}
        found -= corrections
        if not found:
            break
        corrections |= found
        follows = col(Figure.supersedes).in_(sorted(found))
    in_batch = or_(
        col(Figure.id).between(batch.first, batch.last), col(Figure.id).in_(sorted(corrections))
    )
    figures = list(session.exec(select(Figure).where(in_batch).order_by(col(Figure.id))))
    before = set(
        session.exec(
            select(Retraction.figure_id).where(
                or_(
                    col(Retraction.figure_id).between(batch.first, batch.last),
                    col(Retraction.figure_id).in_(sorted(corrections)),
                )
            )
        )
    )
    # a superseded figure is retracted too: else retracting its correction would bring it back
    taken = [figure for figure in figures if figure.id not in before]
    kept = [figure for figure in figures if figure.id in before]
    at = utc_now()
    session.add_all(
        Retraction(figure_id=cast(int, figure.id), reason=reason, retracted_by=by, retracted_at=at)
        for figure in taken
    )
    session.add(
        ImportRetraction(
            first_id=batch.first,
            last_id=batch.last,
            reason=reason,
            retracted_by=by,
            retracted_at=at,
        )
    )
    session.flush()
    retracted = [cast(int, figure.id) for figure in taken]
    for start in range(0, len(retracted), 10_000):
        months.refresh_figures(session.connection(), retracted[start : start + 10_000])
    stamp = stored_datetime(utc_now())
    for first, last in _runs(retracted):
        chain.append(session.connection(), "retraction", first, last, stamp)
    return taken, kept


def _runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending ``ids`` as runs of consecutive ids: an audit entry covers a run, so that none
    covers again a figure retracted before (it breaks the run)."""
    runs: list[list[int]] = []
    for number in ids:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [(first, last) for first, last in runs]


def get_figure(session: Session, figure_id: int) -> Figure | None:
    """A figure by id, whatever its standing."""
    from thiduaCLI.storage.models import Figure

    return session.get(Figure, figure_id)


def standing(session: Session, figure_id: int) -> str:
    """``active``, ``superseded`` or ``retracted``."""
    connection = session.connection()
    retracted = core_select(_RETRACTION.c.figure_id).where(_RETRACTION.c.figure_id == figure_id)
    if connection.execute(retracted).first() is not None:
        return "retracted"
    counted = core_select(_FIGURE.c.id).where(_FIGURE.c.id == figure_id, active())
    return "active" if connection.execute(counted).first() is not None else "superseded"


def add_retraction(session: Session, retraction: Retraction) -> Retraction:
    """Take a figure out of every computation; the figure itself stays."""
    session.add(retraction)
    session.flush()
    months.refresh_figures(session.connection(), [retraction.figure_id])
    figure_id = retraction.figure_id
    chain.append(
        session.connection(), "retraction", figure_id, figure_id, stored_datetime(utc_now())
    )
    return retraction


@dataclass(frozen=True)
class HistoryEntry:
    """A figure as the audit trail shows it."""

    figure: Figure
    standing: str
    superseded_by: int | None
    retraction: Retraction | None


def history(
    session: Session,
    year: int,
    unit: str | None = None,
    indicator: str | None = None,
    since: date | None = None,
) -> list[HistoryEntry]:
    """Figures of a year, newest recorded first, each with its standing."""
    from sqlmodel import col, select

    from thiduaCLI.storage.models import Figure, Retraction

    correction = _FIGURE.alias("correction")
    query = (
        select(Figure, Retraction, func.max(correction.c.id))
        .outerjoin(Retraction, Retraction.figure_id == Figure.id)  # type: ignore[arg-type]
        .outerjoin(
            correction,
            and_(
                correction.c.supersedes == Figure.id,
                ~calendar.sql_retracted(correction, _RETRACTION),
            ),
        )
        .where(Figure.year == year)
        .group_by(col(Figure.id), col(Retraction.figure_id))
        .order_by(col(Figure.recorded_at).desc(), col(Figure.id).desc())
    )
    if unit is not None:
        query = query.where(Figure.unit == unit)
    if indicator is not None:
        query = query.where(Figure.indicator == indicator)
    if since is not None:
        query = query.where(calendar.sql_local_day(_FIGURE.c.recorded_at) >= since.isoformat())
    entries = []
    for figure, retraction, superseded_by in session.exec(query):
        state = "retracted" if retraction else "superseded" if superseded_by else "active"
        entries.append(HistoryEntry(figure, state, superseded_by, retraction))
    return entries


def add_target_changes(session: Session, changes: list[TargetChange]) -> None:
    """Record targets changed by re-syncing the plan."""
    session.add_all(changes)


def target_changes(
    session: Session, year: int, unit: str | None = None, indicator: str | None = None
) -> list[TargetChange]:
    """Recorded target changes, newest first."""
    from sqlmodel import col, select

    from thiduaCLI.storage.models import TargetChange

    query = select(TargetChange).where(TargetChange.year == year)
    if unit is not None:
        query = query.where(TargetChange.unit == unit)
    if indicator is not None:
        query = query.where(TargetChange.indicator == indicator)
    order = (col(TargetChange.changed_at).desc(), col(TargetChange.id).desc())
    return list(session.exec(query.order_by(*order)))


def imported_fingerprints(
    session: Session, year: int, first: str, last: str
) -> Counter[tuple[object, ...]]:
    """How many imported figures there are of each (unit, indicator, date, value, numerator,
    denominator), the date as stored text, between the :func:`stored_date` days ``first`` and
    ``last``; corrected or retracted ones too, but none of an import taken back whole
    (``retract --import``: its rows may be imported again).

    One pass over the table: ``+year`` keeps SQLite off the (year, unit…) index, which would
    fetch every figure of the year row by row to read its origin, ten times slower.
    """
    query = (
        "SELECT unit, indicator, ref_date, value, numerator, denominator FROM figure"
        " WHERE +year = ? AND ref_date >= ? AND ref_date <= ?"
        " AND origin >= 'import:' AND origin < 'import;'"  # origin starts with 'import:'
    )
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # its placeholders; its collation may not be C
        query = query.replace("?", "%s").replace(
            "origin >= 'import:' AND origin < 'import;'", "left(origin, 7) = 'import:'"
        )
    if connection.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM import_retraction)").scalar():
        query += (  # not of an import taken back (asked only when there is one: it costs)
            " AND NOT EXISTS (SELECT 1 FROM import_retraction r"
            " WHERE figure.id BETWEEN r.first_id AND r.last_id)"
        )
    return Counter(map(tuple, connection.exec_driver_sql(query, (year, first, last))))


def active_figures(session: Session, year: int) -> list[Figure]:
    """Every counted figure of a year, by date then id (for export)."""
    from sqlmodel import col, select

    from thiduaCLI.storage.models import Figure

    query = select(Figure).where(Figure.year == year, active())
    return list(session.exec(query.order_by(col(Figure.ref_date), col(Figure.id))))


_FIGURE = figure_table
_RETRACTION = retraction_table


def active() -> ColumnElement[bool]:
    """SQL: the figure counts (:func:`thiduaCLI.domain.calendar.sql_counted`)."""
    return calendar.sql_counted(_FIGURE, _RETRACTION)


def year_to_date(reader: Reader, year: int, unit: str, indicator: str, as_of: date) -> Decimal:
    """Exact sum of a unit's counted figures on an indicator dated up to ``as_of``."""
    figure = _FIGURE.c
    query = core_select(func.sum(figure.whole), func.sum(figure.nano)).where(
        figure.year == year,
        figure.unit == unit,
        figure.indicator == indicator,
        figure.ref_date <= as_of,
        active(),
    )
    whole, nano = _sql(reader).execute(query).one()
    return from_parts(whole, nano)


def observations(
    reader: Reader,
    plan: Plan,
    as_of: date,
    unit: str | None = None,
    *,
    timeliness: bool = True,
) -> dict[tuple[str, str], Observation]:
    """Per (unit, indicator): year-to-date sum, count, latest figure, how many figures were
    recorded after their due date, and when the last one was recorded (see
    :func:`observations_at`)."""
    return observations_at(reader, plan, [as_of], unit, timeliness=timeliness)[0]


def observations_at(
    reader: Reader,
    plan: Plan,
    days: Sequence[date],
    unit: str | None = None,
    *,
    timeliness: bool = True,
) -> list[dict[tuple[str, str], Observation]]:
    """:func:`observations` of the plan year as of each of ``days``, read from the monthly
    totals (:func:`thiduaCLI.storage.months.observations_at`); without ``timeliness``, leaves out
    whether figures came late and when the last one came (``late`` False,
    ``last_recorded_at`` None), which is quicker."""
    return months.observations_at(_sql(reader), plan, days, unit, timeliness=timeliness)


def tallies_at(
    reader: Reader, plan: Plan, days: Sequence[date], detailed: Sequence[bool]
) -> list[Mapping[tuple[str, str], Tally]]:
    """:func:`observations_at`, the days not ``detailed`` as bare tallies (what a score
    counts, see :func:`thiduaCLI.storage.months.tallies_at`)."""
    return months.tallies_at(_sql(reader), plan, days, detailed)


def month_filings(reader: Reader, plan: Plan) -> months.MonthFilings:
    """Per (unit, indicator) and month of the plan year: how many counted figures, and how
    many days after the month's end the latest-filed came (see :mod:`thiduaCLI.storage.months`)."""
    return months.month_filings(_sql(reader), plan)


def last_reports(reader: Reader, year: int, as_of: date) -> dict[str, datetime]:
    """When each unit last recorded a counted figure of the year, up to ``as_of``."""
    figure = _FIGURE.c
    query = (
        core_select(figure.unit, func.max(figure.recorded_at))
        .where(figure.year == year, calendar.sql_recorded_by(figure.recorded_at, as_of), active())
        .group_by(figure.unit)
    )
    return {unit: _as_datetime(last) for unit, last in _sql(reader).execute(query)}


def _as_datetime(value: object) -> datetime:
    """An aggregate of a datetime column comes back as text from SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def figure_by_key(session: Session, key: str) -> Figure | None:
    """The figure recorded with an idempotency key, if any."""
    from sqlmodel import select

    from thiduaCLI.storage.models import Figure

    return session.exec(select(Figure).where(Figure.key == key)).first()
