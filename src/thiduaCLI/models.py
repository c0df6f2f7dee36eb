"""SQLModel tables: the plan of each year and the append-only figures reported against it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 1


def utc_now() -> datetime:
    """The current time in UTC, with its zone."""
    return datetime.now(UTC)


class PlanRecord(SQLModel, table=True):
    """One year's validated plan, stored whole as JSON (the plan is a document, not rows)."""

    __tablename__ = "plan"

    year: int = Field(primary_key=True)
    title: str
    source: str
    loaded_at: datetime
    document: str


class FigureBase(SQLModel):
    """What a user reports: a value of one unit on one indicator, as of a date."""

    year: int = Field(foreign_key="plan.year")
    unit: str
    indicator: str
    value: float
    numerator: float | None = None
    denominator: float | None = None
    reported_total: float | None = None
    ref_date: date
    recorded_by: str
    note: str | None = None


class Figure(FigureBase, table=True):
    """A stored figure. Rows are only ever added, never updated or deleted."""

    __tablename__ = "figure"
    __table_args__ = (
        Index("ix_figure_year_unit_indicator_date", "year", "unit", "indicator", "ref_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = Field(default_factory=utc_now)
