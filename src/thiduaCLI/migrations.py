"""Schema upgrades: each step takes a database from one recorded version to the next.

Applied by :func:`thiduaCLI.store.open_database` inside one transaction, after a copy of the
file has been kept; every step is tested against a committed database of the older schema.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection
from sqlmodel import SQLModel

from thiduaCLI.models import (
    FIGURE_INDEX,
    FIGURE_INDEX_COLUMNS,
    SCHEMA_VERSION,
    Retraction,
    SchemaMigration,
    TargetChange,
)


def _to_v2(connection: Connection) -> None:
    """Audit trail: where each figure came from, corrections, retractions, target changes."""
    for statement in (
        "ALTER TABLE figure ADD COLUMN origin VARCHAR DEFAULT 'cli' NOT NULL",
        "ALTER TABLE figure ADD COLUMN supersedes INTEGER REFERENCES figure (id)",
        'ALTER TABLE figure ADD COLUMN "key" VARCHAR',
        "CREATE INDEX ix_figure_supersedes ON figure (supersedes)",
        'CREATE UNIQUE INDEX ix_figure_key ON figure ("key")',
    ):
        connection.exec_driver_sql(statement)
    tables = [model.__table__ for model in (Retraction, TargetChange, SchemaMigration)]
    SQLModel.metadata.create_all(connection, tables=tables)  # type: ignore[arg-type]


def _to_v3(connection: Connection) -> None:
    """Status and rank add up a year's figures from one index that holds what they read."""
    columns = ", ".join(f'"{column}"' for column in FIGURE_INDEX_COLUMNS)
    for statement in (
        "DROP INDEX IF EXISTS ix_figure_year_unit_indicator_date",
        f"CREATE INDEX {FIGURE_INDEX} ON figure ({columns})",
    ):
        connection.exec_driver_sql(statement)


STEPS: dict[int, Callable[[Connection], None]] = {2: _to_v2, 3: _to_v3}


def upgrade(connection: Connection, from_version: int) -> None:
    """Apply every step after ``from_version`` and record each one (caller holds the lock)."""
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        STEPS[version](connection)
        connection.execute(SchemaMigration.__table__.insert().values(version=version))  # type: ignore[attr-defined]
    connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
