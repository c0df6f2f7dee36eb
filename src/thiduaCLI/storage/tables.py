"""The schema: each year's plan, the append-only figures, their audit records, and the
month-by-month sums, as SQLAlchemy Core tables.

Nothing is ever updated or deleted: a correction is a new figure that ``supersedes`` an older
one, a retraction is a row of its own, and a target changed by re-syncing the plan is a
``target_change`` row.

Every table is defined here, once. The figures and their audit records are also SQLModel
classes (:mod:`thiduaCLI.storage.models`), mapped onto these same tables: a command that only
reads (``status``, ``rank``) builds its queries on the tables and never imports SQLModel and
SQLAlchemy's ORM, a tenth of a second of every start (docs/performance.md).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
    Interval,
    MetaData,
    String,
    Table,
    TypeDecorator,
    text,
)

SCHEMA_VERSION = 8  # 6: exact parts and filing times; 7: the audit chain; 8: imports taken back


def utc_now() -> datetime:
    """The current time in UTC, with its zone."""
    return datetime.now(UTC)


METADATA = MetaData()
"""Every table of a thidua database."""


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
    aware = True  # read back in UTC with its zone (as UTCTime), or without

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


class UTCTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back with its zone: SQLModel's ``UTCDateTime``, which
    these columns had when SQLModel defined them, made here so that reading needs no SQLModel
    (the same DDL: ``DATETIME`` on SQLite)."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def __repr__(self) -> str:
        return "UTCTime()"

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return Interval() if isinstance(value, timedelta) else self

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a stored time needs its zone: datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:  # SQLite keeps UTC without its offset
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


StoredDate = Date().with_variant(_DateText(), "postgresql")
"""A day: SQLite's DATE, the same text on PostgreSQL."""
StoredTime = UTCTime().with_variant(_TimeText(), "postgresql")
"""A moment in UTC, read with its zone: SQLite's DATETIME, the same text on PostgreSQL."""
PlainTime = DateTime().with_variant(_NaiveTimeText(), "postgresql")
"""A moment in UTC written without its zone (the plan tables, read as text)."""
StoredText = String().with_variant(String(collation="C"), "postgresql")
"""Text compared as written (stored dates and times in the month rows)."""
WholeNumber = Integer().with_variant(BigInteger(), "postgresql")
"""An exact sum's whole units: SQLite's integers are 64-bit, PostgreSQL's INTEGER is not."""


# The plan and the schema's history are read and written with plain SQL (store.py,
# migrations.py), never as objects.

plan_table = Table(
    "plan",
    METADATA,
    Column("year", Integer, primary_key=True),
    Column("title", String, nullable=False),
    Column("source", String, nullable=False),
    Column("loaded_at", PlainTime, nullable=False),
    Column("document", String, nullable=False),  # the plan without its units, as JSON
)
"""One year's validated plan as JSON, without its units (see ``plan_unit_table``)."""

plan_unit_table = Table(
    "plan_unit",
    METADATA,
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
    METADATA,
    Column("version", Integer, primary_key=True),
    Column("applied_at", PlainTime, nullable=False, default=lambda: utc_now()),
)
"""Each schema upgrade applied to this file, and when."""

plan_version_table = Table(
    "plan_version",
    METADATA,
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
    METADATA,
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
    METADATA,
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


def _now_column(name: str) -> Column[Any]:
    """When a row was written: set to the time of the insert unless given."""
    return Column(name, StoredTime, nullable=False, default=utc_now)


figure_table = Table(
    "figure",
    METADATA,
    # what a user reports: a value of one unit on one indicator, as of a date...
    Column("year", Integer, ForeignKey("plan.year"), nullable=False),
    Column("unit", String, nullable=False),
    Column("indicator", String, nullable=False),
    Column("value", Float, nullable=False),
    Column("numerator", Float),
    Column("denominator", Float),
    Column("reported_total", Float),
    Column("ref_date", StoredDate, nullable=False),
    Column("recorded_by", String, nullable=False),
    Column("note", String),
    # ...and how it was stored
    Column("id", Integer, primary_key=True),
    _now_column("recorded_at"),
    Column("origin", String, nullable=False, default="cli", server_default="cli"),
    Column("supersedes", Integer, ForeignKey("figure.id"), index=True),
    Column("key", String, unique=True, index=True),
    # When its content first came in: its own recorded_at, or for a correction the filed_at of
    # the figure it corrects (lateness is judged on it: see thiduaCLI.domain.calendar).
    Column("filed_at", StoredTime),
    # The value as whole units and billionths, which SQL adds exactly (thiduaCLI.domain.exact).
    Column("whole", WholeNumber, nullable=False, default=0, server_default=text("0")),
    Column("nano", WholeNumber, nullable=False, default=0, server_default=text("0")),
    Index(FIGURE_INDEX, *FIGURE_INDEX_COLUMNS),
)
"""The figures. Rows are only ever added, never updated or deleted. ``origin`` is ``cli`` or
``import:FILE:LINE``; ``supersedes`` names the figure a correction replaces; ``key`` makes a
scripted report idempotent."""

retraction_table = Table(
    "retraction",
    METADATA,
    Column("figure_id", Integer, ForeignKey("figure.id"), primary_key=True),
    Column("reason", String, nullable=False),
    _now_column("retracted_at"),
    Column("retracted_by", String, nullable=False),
)
"""A figure taken out of every computation, kept in history with the reason."""

import_retraction_table = Table(
    "import_retraction",
    METADATA,
    Column("first_id", Integer, ForeignKey("figure.id"), primary_key=True),
    Column("last_id", Integer, nullable=False),
    Column("reason", String, nullable=False),
    _now_column("retracted_at"),
    Column("retracted_by", String, nullable=False),
)
"""A whole import taken back: the ids of the figures it recorded, why, who and when."""

target_change_table = Table(
    "target_change",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("year", Integer, ForeignKey("plan.year"), nullable=False),
    Column("unit", String, nullable=False),
    Column("indicator", String, nullable=False),
    Column("old_target", Float),
    Column("new_target", Float),
    _now_column("changed_at"),
    Column("source", String, nullable=False),
)
"""A target changed by re-syncing the plan: old and new value, when, and from which file."""
