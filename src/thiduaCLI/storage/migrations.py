"""Schema upgrades: each step takes a database from one recorded version to the next.

Applied by :func:`thiduaCLI.storage.store.open_database` inside one transaction, after a copy of the
file has been kept; every step is tested against a committed database of the older schema.

PostgreSQL databases began at schema 8 (:data:`FIRST_SERVER_SCHEMA`): the steps after it run on
both engines, in one transaction there too (PostgreSQL's DDL is transactional: a step that fails
leaves the schema as it was). A step after 8 that adds a table grants it as
:func:`thiduaCLI.storage.access.install` grants the others, when the connection is a server's.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Connection

from thiduaCLI.storage.tables import (
    FIGURE_INDEX,
    FIGURE_INDEX_COLUMNS,
    METADATA,
    SCHEMA_VERSION,
    audit_chain_table,
    figure_months_table,
    import_retraction_table,
    plan_unit_table,
    plan_version_table,
    retraction_table,
    schema_migration_table,
    target_change_table,
    utc_now,
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
    tables = [retraction_table, target_change_table, schema_migration_table]
    METADATA.create_all(connection, tables=tables)


# The covering index as schemas 3 to 5 had it (6 rebuilds it with FIGURE_INDEX_COLUMNS).
_INDEX_COLUMNS_V3 = (
    "year",
    "unit",
    "indicator",
    "ref_date",
    "id",
    "value",
    "recorded_at",
    "supersedes",
)


def _to_v3(connection: Connection) -> None:
    """Status and rank add up a year's figures from one index that holds what they read."""
    columns = ", ".join(f'"{column}"' for column in _INDEX_COLUMNS_V3)
    for statement in (
        "DROP INDEX IF EXISTS ix_figure_year_unit_indicator_date",
        f"CREATE INDEX {FIGURE_INDEX} ON figure ({columns})",
    ):
        connection.exec_driver_sql(statement)


def _to_v4(connection: Connection) -> None:
    """Each plan's units move to rows of their own, so that a command naming one unit reads
    that one. The documents are rewritten as JSON, without validating them: a plan this
    version cannot read stays unreadable, and says so when used, as before."""
    METADATA.create_all(connection, tables=[plan_unit_table])
    plans = connection.exec_driver_sql("SELECT year, document FROM plan").fetchall()
    for year, document in plans:
        try:
            plan = json.loads(document)
        except ValueError:
            continue  # not a plan this version wrote: left for load_plan to refuse
        units = plan.get("units") if isinstance(plan, dict) else None
        if not isinstance(units, dict) or not all(isinstance(u, dict) for u in units.values()):
            continue
        if not units:
            continue  # nothing to move
        plan["units"] = {}
        connection.exec_driver_sql(
            "UPDATE plan SET document = ? WHERE year = ?", (_compact(plan), year)
        )
        connection.exec_driver_sql(
            "INSERT INTO plan_unit (year, code, position, name, document) VALUES (?, ?, ?, ?, ?)",
            [
                (year, str(code), position, _searchable(unit.get("name")), _compact(unit))
                for position, (code, unit) in enumerate(units.items())
            ],
        )


def _to_v5(connection: Connection) -> None:
    """Status and rank read month-by-month totals instead of adding up every figure (built
    by the next step, whose rows hold exact sums)."""


def _to_v6(connection: Connection) -> None:
    """Exact sums and one lateness rule: each figure gains its value as whole units and
    billionths (thiduaCLI.domain.exact) and the time its content was first filed (a correction's is
    the corrected figure's); the covering index and the month-by-month rows are rebuilt from
    them (a month's sum as two integers, its delay by filing time)."""
    from thiduaCLI.domain.exact import parts
    from thiduaCLI.storage import months

    for statement in (
        "ALTER TABLE figure ADD COLUMN filed_at DATETIME",
        "ALTER TABLE figure ADD COLUMN whole INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE figure ADD COLUMN nano INTEGER NOT NULL DEFAULT 0",
        "UPDATE figure SET filed_at = recorded_at WHERE supersedes IS NULL",
    ):
        connection.exec_driver_sql(statement)
    while connection.exec_driver_sql(  # down each chain of corrections, one link a pass
        "UPDATE figure SET filed_at = (SELECT p.filed_at FROM figure p"
        " WHERE p.id = figure.supersedes) WHERE filed_at IS NULL AND"
        " (SELECT p.filed_at FROM figure p WHERE p.id = figure.supersedes) IS NOT NULL"
    ).rowcount:
        pass
    values = connection.exec_driver_sql("SELECT DISTINCT value FROM figure").fetchall()
    if values:
        connection.exec_driver_sql(
            "UPDATE figure SET whole = ?, nano = ? WHERE value = ?",
            [(*parts(value), value) for (value,) in values],
        )
    columns = ", ".join(f'"{column}"' for column in FIGURE_INDEX_COLUMNS)
    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {FIGURE_INDEX}")
    connection.exec_driver_sql(f"CREATE INDEX {FIGURE_INDEX} ON figure ({columns})")
    connection.exec_driver_sql("DROP TABLE IF EXISTS figure_months")
    METADATA.create_all(connection, tables=[figure_months_table])
    months.rebuild(connection)


def _audit_chain(connection: Connection) -> None:
    """Plan versions and the audit chain: each year's stored plan becomes its first version,
    and the figures, retractions and versions already there are chained (the figures as one
    entry), so that ``thidua verify`` vouches for them from now on."""
    from thiduaCLI.domain.plan_history import plan_document
    from thiduaCLI.storage import chain
    from thiduaCLI.storage.plan_rows import read_plan

    METADATA.create_all(connection, tables=[plan_version_table, audit_chain_table])
    driver = connection.exec_driver_sql
    now = utc_now().strftime("%Y-%m-%d %H:%M:%S.%f")
    plans = driver("SELECT year, source, loaded_at, document FROM plan ORDER BY year")
    for year, source, loaded_at, document in plans.fetchall():
        rows = [
            tuple(row)
            for row in driver(
                "SELECT code, position, name, document FROM plan_unit WHERE year = ?", (year,)
            )
        ]
        rows.sort(key=lambda row: row[1])
        try:
            plan = read_plan(document, rows, "")
            text = plan_document(plan)
        except Exception:  # a plan this version cannot read: its next init makes a version
            continue
        driver(
            "INSERT INTO plan_version (year, loaded_at, loaded_by, source, document)"
            " VALUES (?, ?, ?, ?, ?)",
            (year, loaded_at, "không rõ", source, text),  # i18n: data (who is not known)
        )
    first, last = chain.span(connection, "figures")
    if first is not None and last is not None:
        chain.append(connection, "figures", first, last, now)
    for (figure_id,) in driver(
        "SELECT figure_id FROM retraction ORDER BY retracted_at, figure_id"
    ).fetchall():
        chain.append(connection, "retraction", figure_id, figure_id, now)
    for (version,) in driver("SELECT id FROM plan_version ORDER BY id").fetchall():
        chain.append(connection, "plan", version, version, now)


def _compact(value: object) -> str:
    """JSON without spaces, in ASCII: whatever text a document held (even half of a
    surrogate pair) is stored as it was, escaped."""
    return json.dumps(value, separators=(",", ":"))


def _searchable(name: object) -> str:
    """A unit's name for the lookup column, as text SQLite can store."""
    return str(name or "").encode("utf-8", "replace").decode("utf-8")


def _to_v8(connection: Connection) -> None:
    """Whole imports can be taken back: a table of the imports retracted."""
    METADATA.create_all(connection, tables=[import_retraction_table])


STEPS: dict[int, Callable[[Connection], None]] = {
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
    6: _to_v6,
    7: _audit_chain,
    8: _to_v8,
}


# The schema a new PostgreSQL database starts at: no server database is older.
FIRST_SERVER_SCHEMA = 8


def upgrade(connection: Connection, from_version: int) -> None:
    """Apply every step after ``from_version`` and record each one (caller holds the lock);
    a file also records the version in its header (``PRAGMA user_version``)."""
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        STEPS[version](connection)
        connection.execute(schema_migration_table.insert().values(version=version))
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
