"""The figures and their audit records as SQLModel classes, for the commands that write them.

Each class is mapped onto its table in :mod:`thiduaCLI.storage.tables`, where the schema is
defined once: every field names its column there (``sa_column``). Importing this module loads
SQLModel and SQLAlchemy's ORM, which a command that only reads never needs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from thiduaCLI.storage.tables import (
    figure_table,
    import_retraction_table,
    retraction_table,
    target_change_table,
    utc_now,
)


def _column(table: Table, name: str, **field: Any) -> Any:
    """A field stored in ``table``'s column ``name`` (a default, if any, in ``field``)."""
    return Field(sa_column=table.c[name], **field)


class Figure(SQLModel, table=True):
    """A stored figure: what a user reports (a value of one unit on one indicator, as of a
    date) and how it was stored. Rows are only ever added, never updated or deleted.

    ``origin`` is ``cli`` or ``import:FILE:LINE``; ``supersedes`` names the figure a
    correction replaces; ``key`` makes a scripted report idempotent.
    """

    __table__ = figure_table

    year: int = _column(figure_table, "year")
    unit: str = _column(figure_table, "unit")
    indicator: str = _column(figure_table, "indicator")
    value: float = _column(figure_table, "value")
    numerator: float | None = _column(figure_table, "numerator", default=None)
    denominator: float | None = _column(figure_table, "denominator", default=None)
    reported_total: float | None = _column(figure_table, "reported_total", default=None)
    ref_date: date = _column(figure_table, "ref_date")
    recorded_by: str = _column(figure_table, "recorded_by")
    note: str | None = _column(figure_table, "note", default=None)
    id: int | None = _column(figure_table, "id", default=None)
    recorded_at: datetime = _column(figure_table, "recorded_at", default_factory=utc_now)
    origin: str = _column(figure_table, "origin", default="cli")
    supersedes: int | None = _column(figure_table, "supersedes", default=None)
    key: str | None = _column(figure_table, "key", default=None)
    # when its content first came in (see the table)
    filed_at: datetime | None = _column(figure_table, "filed_at", default=None)
    # the value as whole units and billionths (see the table)
    whole: int = _column(figure_table, "whole", default=0)
    nano: int = _column(figure_table, "nano", default=0)


class Retraction(SQLModel, table=True):
    """A figure taken out of every computation, kept in history with the reason."""

    __table__ = retraction_table

    figure_id: int = _column(retraction_table, "figure_id")
    reason: str = _column(retraction_table, "reason")
    retracted_at: datetime = _column(retraction_table, "retracted_at", default_factory=utc_now)
    retracted_by: str = _column(retraction_table, "retracted_by")


class ImportRetraction(SQLModel, table=True):
    """A whole import taken back (``thidua retract --import``): the ids of the figures it
    recorded (the first is the import's number), why, who and when. Each of its figures that
    still counted has its own ``retraction`` row; the rows of a retracted import no longer
    count as "already imported", so that the corrected file can be imported again."""

    __table__ = import_retraction_table

    first_id: int = _column(import_retraction_table, "first_id")
    last_id: int = _column(import_retraction_table, "last_id")
    reason: str = _column(import_retraction_table, "reason")
    retracted_at: datetime = _column(
        import_retraction_table, "retracted_at", default_factory=utc_now
    )
    retracted_by: str = _column(import_retraction_table, "retracted_by")


class TargetChange(SQLModel, table=True):
    """A target changed by re-syncing the plan: old and new value, when, and from which file."""

    __table__ = target_change_table

    id: int | None = _column(target_change_table, "id", default=None)
    year: int = _column(target_change_table, "year")
    unit: str = _column(target_change_table, "unit")
    indicator: str = _column(target_change_table, "indicator")
    old_target: float | None = _column(target_change_table, "old_target")
    new_target: float | None = _column(target_change_table, "new_target")
    changed_at: datetime = _column(target_change_table, "changed_at", default_factory=utc_now)
    source: str = _column(target_change_table, "source")
