"""Moving up: a ward's database copied, row for row, into another (a PostgreSQL database).

Every table is copied with its ids as they are: the figures, corrections and retractions,
each import taken back, the plans with every stored version, the target changes, the audit
chain and the monthly totals. Values travel as the source stores them (dates and times as
their text, numbers as numbers), so the audit chain's digests hold on the copy: ``thidua
verify`` on it walks the same chain to the same head.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table, column, func, insert, select, table

from thiduaCLI.files.progress import Progress
from thiduaCLI.storage.tables import (
    audit_chain_table,
    figure_months_table,
    figure_table,
    import_retraction_table,
    plan_table,
    plan_unit_table,
    plan_version_table,
    retraction_table,
    target_change_table,
)

# In an order that keeps every reference to a row already copied.
TABLES: tuple[Table, ...] = (
    plan_table,
    plan_unit_table,
    plan_version_table,
    figure_table,
    retraction_table,
    import_retraction_table,
    target_change_table,
    audit_chain_table,
    figure_months_table,
)
# Tables whose ids a sequence gives on PostgreSQL: the sequence moves past the copied ids.
SEQUENCES = {
    "figure": ("figure_id_seq", "id"),
    "plan_version": ("plan_version_id_seq", "id"),
    "target_change": ("target_change_id_seq", "id"),
    "audit_chain": ("audit_chain_seq_seq", "seq"),
}
BATCH = 5_000


def _untyped(source: Table) -> Any:
    """The table with its columns and no types: values pass as the database holds them."""
    return table(source.name, *(column(c.name) for c in source.columns))


def counts(connection: Connection) -> dict[str, int]:
    """How many rows each copied table holds."""
    return {
        source.name: int(connection.execute(select(func.count()).select_from(source)).scalar_one())
        for source in TABLES
    }


def _batches(connection: Connection, source: Table) -> Iterator[list[dict[str, Any]]]:
    """The rows of a table in key order, a batch at a time, as plain values."""
    plain = _untyped(source)
    keys = [plain.c[c.name] for c in source.primary_key.columns]
    names = [c.name for c in source.columns]
    result = connection.execution_options(stream_results=True).execute(
        select(*plain.c).order_by(*keys)
    )
    while rows := result.fetchmany(BATCH):
        yield [dict(zip(names, row, strict=True)) for row in rows]


def copy_all(source: Connection, target: Connection, progress: Progress | None = None) -> None:
    """Copy every row of every table from ``source`` into the empty ``target``, in the
    callers' transactions; ``progress`` hears of the rows written (``copy``)."""
    total = sum(counts(source).values())
    done = 0
    for each in TABLES:
        statement = insert(_untyped(each))
        for batch in _batches(source, each):
            target.execute(statement, batch)
            done += len(batch)
            if progress is not None:
                progress("copy", done, total)
        if each.name in SEQUENCES and target.dialect.name == "postgresql":
            sequence, key = SEQUENCES[each.name]
            target.exec_driver_sql(
                f"SELECT setval('{sequence}', coalesce((SELECT max({key}) FROM {each.name}), 0)"
                " + 1, false)"
            )
    if progress is not None:
        progress("copy", total, total)
