"""The SQLite file: opening it safely, transactions, and the queries the core needs."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Engine, Integer, String, case, cast, event, func, literal
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, col, create_engine, select

from thiduaCLI.attainment import Observation
from thiduaCLI.errors import StoreError
from thiduaCLI.models import SCHEMA_VERSION, Figure, PlanRecord, utc_now
from thiduaCLI.plan import Plan

BUSY_TIMEOUT_MS = 30_000
LOCAL_UTC_OFFSET_HOURS = 7  # Vietnam (no daylight saving): a figure's local recording day
SQLITE_HEADER = b"SQLite format 3\x00"


def default_path() -> Path:
    """The database in the user's data directory (``~/.local/share/thidua`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("thidua", appauthor=False) / "thidua.sqlite3"


@dataclass
class Database:
    """An open database file and whether this process created it."""

    path: Path
    engine: Engine
    created: bool

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        Writers take the write lock at BEGIN, so what they read stays true until they commit.
        """
        with self.engine.connect() as connection:
            connection.info["immediate"] = write
            try:
                with connection.begin(), Session(bind=connection) as session:
                    yield session
                    session.flush()
            except DBAPIError as exc:
                raise StoreError(describe_sqlite_error(self.path, exc.orig)) from None


@contextmanager
def open_database(path: Path) -> Iterator[Database]:
    """Open the database file, or create it (owner-only) with thidua's schema.

    A missing or empty file (or an SQLite file with no tables) is fresh: thidua makes it its
    own, and if the block raises, the file is put back as it was (removed, or emptied), so a
    failed first command leaves nothing behind.
    """
    if path.is_dir():
        raise StoreError(f"{path}: là một thư mục, không phải tệp cơ sở dữ liệu")
    existed = path.exists()
    if existed:
        _check_header(path)
        fresh = _check_schema(path)
    else:
        _create_private_file(path)
        fresh = True
    original = path.read_bytes() if existed and fresh else None
    engine = _engine(path)
    try:
        database = Database(path, engine, fresh)
        if fresh:
            _create_schema(database)
        yield database
    except BaseException:
        engine.dispose()
        if fresh:
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(original)
        raise
    engine.dispose()


def _create_private_file(path: Path) -> None:
    if not path.parent.exists():
        raise StoreError(f"{path}: thư mục {path.parent} không tồn tại")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreError(f"{path}: không tạo được tệp cơ sở dữ liệu ({exc.strerror})") from None


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: không đọc được tệp cơ sở dữ liệu ({exc.strerror})") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path}: tệp không phải cơ sở dữ liệu SQLite (hỏng hoặc nhầm tệp?)")


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        immediate = connection.info.get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _create_schema(database: Database) -> None:
    with database.session(write=True) as session:
        connection = session.connection()
        SQLModel.metadata.create_all(connection)
        connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _check_schema(path: Path) -> bool:
    """Whether an existing file is fresh (no tables yet); refuse one that is not thidua's."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
    except sqlite3.Error as error:
        raise StoreError(describe_sqlite_error(path, error)) from None
    if version == 0 and tables:
        raise StoreError(f"{path}: cơ sở dữ liệu này không phải của thidua")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: cơ sở dữ liệu được tạo bởi phiên bản thidua mới hơn "
            f"(lược đồ {version}); hãy cập nhật thidua"
        )
    return tables == 0


def describe_sqlite_error(path: Path, error: BaseException | None) -> str:
    """One line for an SQLite failure."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"{path}: tệp cơ sở dữ liệu bị hỏng hoặc không phải SQLite ({text})"
    if "readonly" in text:
        return f"{path}: cơ sở dữ liệu chỉ đọc, không ghi được ({text})"
    if "locked" in text or "busy" in text:
        return f"{path}: cơ sở dữ liệu đang bị khóa bởi tiến trình khác, thử lại sau ({text})"
    if "full" in text:
        return f"{path}: ổ đĩa đầy, không ghi được ({text})"
    return f"{path}: lỗi cơ sở dữ liệu ({text})"


# ---------------------------------------------------------------------------- the plan


def plan_years(session: Session) -> list[int]:
    """Years that have a plan, oldest first."""
    return list(session.exec(select(PlanRecord.year).order_by(col(PlanRecord.year))))


def load_plan(session: Session, year: int) -> Plan | None:
    """The stored plan of a year, if any."""
    record = session.get(PlanRecord, year)
    if record is None:
        return None
    try:
        return Plan.model_validate_json(record.document)
    except ValidationError:
        raise StoreError(
            f"kế hoạch năm {year} lưu trong cơ sở dữ liệu không đọc được (do phiên bản thidua "
            f"khác ghi?); nạp lại bằng: thidua init {record.source}"
        ) from None


def save_plan(session: Session, plan: Plan, source: str) -> None:
    """Store or replace the plan of its year."""
    record = session.get(PlanRecord, plan.year) or PlanRecord(
        year=plan.year, title=plan.title, source=source, loaded_at=utc_now(), document=""
    )
    record.title = plan.title
    record.source = source
    record.loaded_at = utc_now()
    record.document = plan.model_dump_json()
    session.add(record)


def reported_pairs(session: Session, year: int) -> dict[tuple[str, str], int]:
    """How many figures each (unit, indicator) pair of a year has."""
    query = (
        select(Figure.unit, Figure.indicator, func.count())
        .where(Figure.year == year)
        .group_by(Figure.unit, Figure.indicator)
    )
    return {(unit, indicator): n for unit, indicator, n in session.exec(query)}


# ------------------------------------------------------------------------- the figures


def add_figure(session: Session, figure: Figure) -> Figure:
    """Append a figure and return it with its id."""
    session.add(figure)
    session.flush()
    session.refresh(figure)
    return figure


def year_to_date(session: Session, year: int, unit: str, indicator: str, as_of: date) -> float:
    """Sum of a unit's figures on an indicator dated up to ``as_of``."""
    query = select(func.coalesce(func.sum(Figure.value), 0.0)).where(
        Figure.year == year,
        Figure.unit == unit,
        Figure.indicator == indicator,
        Figure.ref_date <= as_of,
    )
    return float(session.exec(query).one())


def observations(
    session: Session, plan: Plan, as_of: date, unit: str | None = None
) -> dict[tuple[str, str], Observation]:
    """Per (unit, indicator), in one query: year-to-date sum, count, latest figure, how many
    figures were recorded after their due date, and when the last one was recorded."""
    pair = (Figure.unit, Figure.indicator)
    conditions = [Figure.year == plan.year, Figure.ref_date <= as_of]
    if unit is not None:
        conditions.append(Figure.unit == unit)
    recorded_on = func.date(Figure.recorded_at, f"+{LOCAL_UTC_OFFSET_HOURS} hours")
    late = case((recorded_on > _due_date(plan), 1), else_=0)
    ranked = (
        select(
            Figure.unit,
            Figure.indicator,
            Figure.value,
            Figure.numerator,
            Figure.denominator,
            Figure.ref_date,
            Figure.recorded_by,
            func.sum(Figure.value).over(partition_by=pair).label("total"),
            func.count().over(partition_by=pair).label("n"),
            func.sum(late).over(partition_by=pair).label("late"),
            func.max(Figure.recorded_at).over(partition_by=pair).label("last_recorded_at"),
            func.row_number()
            .over(partition_by=pair, order_by=(col(Figure.ref_date).desc(), col(Figure.id).desc()))
            .label("position"),
        )
        .where(*conditions)
        .subquery()
    )
    latest = select(ranked).where(ranked.c.position == 1)
    rows = session.connection().execute(latest)
    return {
        (row.unit, row.indicator): Observation(
            unit=row.unit,
            indicator=row.indicator,
            total=row.total,
            count=row.n,
            latest=row.value,
            latest_numerator=row.numerator,
            latest_denominator=row.denominator,
            last_date=row.ref_date,
            last_by=row.recorded_by,
            late_count=row.late,
            last_recorded_at=row.last_recorded_at,
        )
        for row in rows
    }


def _due_date(plan: Plan) -> ColumnElement[str]:
    """SQL for the day a figure is due: the end of its reporting period plus the plan's grace."""
    grace = f"+{plan.due_days} days"
    if plan.reporting_cycle == "monthly":
        return func.date(Figure.ref_date, "start of month", "+1 month", "-1 day", grace)
    month = cast(func.strftime("%m", Figure.ref_date), Integer)
    quarter_end_month = (month + 2) / 3 * 3  # integer division in SQLite
    months = literal("+").concat(cast(quarter_end_month, String)).concat(" months")
    return func.date(Figure.ref_date, "start of year", months, "-1 day", grace)
