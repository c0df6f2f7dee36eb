"""SQLModel tables: each year's plan, the append-only figures, and their audit records.

Nothing is ever updated or deleted: a correction is a new figure that ``supersedes`` an older
one, a retraction is a row of its own, and a target changed by re-syncing the plan is a
``target_change`` row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    TypeDecorator,
    text,
)
from sqlmodel import Field, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

SCHEMA_VERSION = 8  # 6: exact parts and filing times; 7: the audit chain; 8: imports taken back


def utc_now() -> datetime:
    """The current time in UTC, with its zone."""
    return datetime.now(UTC)


# ------------------------------------------------------------------ types on two engines
# On SQLite, SQLAlchemy stores a date as "2026-03-31" and a time as "2026-03-31
# 08:15:00.000000" (text). PostgreSQL stores the same text in a VARCHAR, byte for byte, so that
# the queries compare and slice stored text alike on both engines, and the audit chain hashes
# the same values whichever engine holds a figure (``thidua db copy`` checks it). The text
# columns sort in the "C" collation there, whatever the database's locale: "2026-03-31 …"
# must sort as written.


class _TextOnServer(TypeDecorator[Any]):
    """A value kept as its SQLite text on PostgreSQL (see above)."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(String(collation="C"))


class _DateText(_TextOnServer):
    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else date.fromisoformat(value)


class _TimeText(_TextOnServer):
    aware = True  # read back in UTC with its zone (SQLModel's UTCDateTime), or without

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, datetime):
            if value.utcoffset() is not None:
                value = value.astimezone(UTC)
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # the zone dropped, as SQLite's
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if self.aware else moment


class _NaiveTimeText(_TimeText):
    aware = False


StoredDate = Date().with_variant(_DateText(), "postgresql")
"""A day: SQLite's DATE, the same text on PostgreSQL."""
StoredTime = UTCDateTime().with_variant(_TimeText(), "postgresql")
"""A moment in UTC, read with its zone: SQLite's DATETIME, the same text on PostgreSQL."""
PlainTime = DateTime().with_variant(_NaiveTimeText(), "postgresql")
"""A moment in UTC written without its zone (the plan tables, read as text)."""
StoredText = String().with_variant(String(collation="C"), "postgresql")
"""Text compared as written (stored dates and times in the month rows)."""
WholeNumber = Integer().with_variant(BigInteger(), "postgresql")
"""An exact sum's whole units: SQLite's integers are 64-bit, PostgreSQL's INTEGER is not."""


# The plan and the schema's history are read and written with plain SQL (store.py,
# migrations.py), never as objects: they are SQLAlchemy Core tables, which cost nothing to
# define, where each SQLModel class adds milliseconds to the start of every command.

plan_table = Table(
    "plan",
    SQLModel.metadata,
    Column("year", Integer, primary_key=True),
    Column("title", String, nullable=False),
    Column("source", String, nullable=False),
    Column("loaded_at", PlainTime, nullable=False),
    Column("document", String, nullable=False),  # the plan without its units, as JSON
)
"""One year's validated plan as JSON, without its units (see ``plan_unit_table``)."""

plan_unit_table = Table(
    "plan_unit",
    SQLModel.metadata,
    Column("year", Integer, ForeignKey("plan.year"), primary_key=True),
    Column("code", String, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("document", String, nullable=False),
)
"""One unit of a year's plan as JSON, its position in the plan and its name: a command
that names one unit reads that one (see :mod:`thiduaCLI.storage.plan_rows`)."""

schema_migration_table = Table(
    "schema_migration",
    SQLModel.metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", PlainTime, nullable=False, default=lambda: utc_now()),
)
"""Each schema upgrade applied to this file, and when."""

plan_version_table = Table(
    "plan_version",
    SQLModel.metadata,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("loaded_at", PlainTime, nullable=False),
    Column("loaded_by", String, nullable=False),
    Column("source", String, nullable=False),
    Column("document", String, nullable=False),  # the whole plan, units included, as JSON
)
"""Every version of each year's plan that a load stored: the old ones stay readable
(``history --plan``, ``--plan-as-of``)."""

audit_chain_table = Table(
    "audit_chain",
    SQLModel.metadata,
    Column("seq", Integer, primary_key=True),
    Column("kind", String, nullable=False),  # "figures", "retraction" or "plan"
    Column("first_id", Integer, nullable=False),
    Column("last_id", Integer, nullable=False),
    Column("recorded_at", String, nullable=False),
    Column("digest", String, nullable=False),
)
"""The hash chain over figures, retractions and plan versions (see
    :mod:`thiduaCLI.domain.audit`)."""

# What figure_months keeps of each month, as ``{name}_{month}`` columns.
MONTH_SLOT = (
    ("whole", WholeNumber),  # sum of the month's counted figures: whole units...
    ("nano", WholeNumber),  # ...and billionths (see thiduaCLI.domain.exact)
    ("count", Integer),  # how many (None: none)
    ("recorded", StoredText),  # when the last of them was recorded (UTC text, as recorded_at)
    ("delay", Integer),  # most days one was first filed after the month's end, in Vietnam
    ("latest", Integer),  # id of the one dated last (recorded last among equals)...
    ("value", Float),  # ...and its value, numerator, denominator, date and recorder
    ("numerator", Float),
    ("denominator", Float),
    ("date", StoredText),
    ("by", String),
)

figure_months_table = Table(
    "figure_months",
    SQLModel.metadata,
    Column("year", Integer, primary_key=True),
    Column("unit", String, primary_key=True),
    Column("indicator", String, primary_key=True),
    *(Column(f"{name}_{month}", kind) for month in range(1, 13) for name, kind in MONTH_SLOT),
)
"""Per (year, unit, indicator) with counted figures, what they add up to month by month.
Derived from the figures and retractions, kept in step with them by
:mod:`thiduaCLI.storage.months`."""


# Figures in the order figure_months is built from them: a year's pairs, each by date then id
# (also a day's figures inside a month, when status and rank read one). It holds every column
# those queries add up, so they never visit the table row by row.
FIGURE_INDEX = "ix_figure_pair_date"
FIGURE_INDEX_COLUMNS = (
    "year",
    "unit",
    "indicator",
    "ref_date",
    "id",
    "whole",
    "nano",
    "recorded_at",
    "filed_at",
    "supersedes",
)


class FigureBase(SQLModel):
    """What a user reports: a value of one unit on one indicator, as of a date."""

    year: int = Field(foreign_key="plan.year")
    unit: str
    indicator: str
    value: float
    numerator: float | None = None
    denominator: float | None = None
    reported_total: float | None = None
    ref_date: date = Field(sa_type=StoredDate)
    recorded_by: str
    note: str | None = None


class Figure(FigureBase, table=True):
    """A stored figure. Rows are only ever added, never updated or deleted.

    ``origin`` is ``cli`` or ``import:FILE:LINE``; ``supersedes`` names the figure a
    correction replaces; ``key`` makes a scripted report idempotent.
    """

    __tablename__ = "figure"
    __table_args__ = (Index(FIGURE_INDEX, *FIGURE_INDEX_COLUMNS),)

    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = Field(default_factory=utc_now, sa_type=StoredTime)
    origin: str = Field(default="cli", sa_column_kwargs={"server_default": "cli"})
    supersedes: int | None = Field(default=None, foreign_key="figure.id", index=True)
    key: str | None = Field(default=None, unique=True, index=True)
    # When its content first came in: its own recorded_at, or for a correction the filed_at of
    # the figure it corrects (lateness is judged on it: see thiduaCLI.domain.calendar).
    filed_at: datetime | None = Field(default=None, sa_type=StoredTime)
    # The value as whole units and billionths, which SQL adds exactly (thiduaCLI.domain.exact).
    whole: int = Field(
        default=0, sa_type=WholeNumber, sa_column_kwargs={"server_default": text("0")}
    )
    nano: int = Field(
        default=0, sa_type=WholeNumber, sa_column_kwargs={"server_default": text("0")}
    )


class Retraction(SQLModel, table=True):
    """A figure taken out of every computation, kept in history with the reason."""

    __tablename__ = "retraction"

    figure_id: int = Field(primary_key=True, foreign_key="figure.id")
    reason: str
    retracted_at: datetime = Field(default_factory=utc_now, sa_type=StoredTime)
    retracted_by: str


class ImportRetraction(SQLModel, table=True):
    """A whole import taken back (``thidua retract --import``): the ids of the figures it
    recorded (the first is the import's number), why, who and when. Each of its figures that
    still counted has its own ``retraction`` row; the rows of a retracted import no longer
    count as "already imported", so that the corrected file can be imported again."""

    __tablename__ = "import_retraction"

    first_id: int = Field(primary_key=True, foreign_key="figure.id")
    last_id: int
    reason: str
    retracted_at: datetime = Field(default_factory=utc_now, sa_type=StoredTime)
    retracted_by: str


class TargetChange(SQLModel, table=True):
    """A target changed by re-syncing the plan: old and new value, when, and from which file."""

    __tablename__ = "target_change"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="plan.year")
    unit: str
    indicator: str
    old_target: float | None
    new_target: float | None
    changed_at: datetime = Field(default_factory=utc_now, sa_type=StoredTime)
    source: str


# The same tables as SQLAlchemy Core sees them, for queries built from thiduaCLI.domain.calendar.
figure_table: Table = SQLModel.metadata.tables["figure"]
retraction_table: Table = SQLModel.metadata.tables["retraction"]
import_retraction_table: Table = SQLModel.metadata.tables["import_retraction"]
target_change_table: Table = SQLModel.metadata.tables["target_change"]
