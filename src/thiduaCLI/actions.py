"""What each command does, between the shell and the core: open the store, call the rules.

Every function returns plain results for :mod:`thiduaCLI.cli.render`; none prints.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING

from thiduaCLI.domain.attainment import (
    Assessment,
    IndicatorStatus,
    Observation,
    assess,
    ward_status,
)
from thiduaCLI.domain.periods import Period, month_containing
from thiduaCLI.domain.plan import Indicator, Plan, Unit
from thiduaCLI.domain.recording import check_reading, increment_from_total
from thiduaCLI.errors import InputError, PlanError, StoreError, ThiduaError, UsageProblem
from thiduaCLI.storage import store
from thiduaCLI.storage.models import SCHEMA_VERSION, Figure, Retraction, TargetChange, utc_now
from thiduaCLI.storage.plan_rows import unit_names
from thiduaCLI.text.dates import check_in_year, format_date, parse_date
from thiduaCLI.text.i18n import N_, _, ngettext
from thiduaCLI.text.literal import NAME_LIMIT, NOTE_LIMIT, check_length
from thiduaCLI.text.lookup import Index, resolve
from thiduaCLI.text.numbers import (
    DIGITS,
    LARGEST,
    Reading,
    format_number,
    in_measure,
    parse_value,
    significant_digits,
    to_decimal,
)

# Imported where they are used, so that ``thidua report`` does not load them.
if TYPE_CHECKING:
    from thiduaCLI.domain import audit, timeliness
    from thiduaCLI.domain.plan_history import PlanChange
    from thiduaCLI.domain.scoring import NextGrade, Proposal, RankRow, UnitScore
    from thiduaCLI.domain.timeliness import Finding
    from thiduaCLI.files.tabular import Row


@dataclass
class Opened:
    """A database opened for one command, the plan year it works on, and notes for stderr."""

    database: store.Database
    plan: Plan
    notes: list[str] = field(default_factory=list)


@contextmanager
def opened(
    db_path: Path,
    year: int | None,
    today: date | None = None,
    *,
    create: bool = True,
    plan_as_of: date | None = None,
) -> Iterator[Opened]:
    """Open the database, creating it with the shipped plan when it is missing (unless not
    ``create``: a ``--dry-run`` writes nothing, not even a new file).

    Without a year, the plan of this year is used if there is one, else the newest. With
    ``plan_as_of``, the version of that plan in force on that day is used instead.
    """
    shipped: list[tuple[Plan, Path]] = []

    def seed(session: store.Session) -> None:
        from thiduaCLI.domain.plan_file import load_plan, shipped_plan_path

        source = shipped_plan_path()
        shipped.append((load_plan(source), source))
        store.save_plan(session, shipped[0][0], str(source))

    with store.open_database(db_path, seed, create=create) as database:
        notes = []
        if database.created:
            notes.append(
                _(
                    "Đã tạo cơ sở dữ liệu mới {path} và nạp kế hoạch {year} có sẵn ({source})"
                ).format(path=db_path, year=shipped[0][0].year, source=shipped[0][1].name)
            )
        notes += upgrade_notes(database)
        with database.session() as session:
            plan = _plan_for_year(session, year, today or date.today())
            if plan_as_of is not None:
                plan, note = _plan_in_force(session, plan.year, plan_as_of)
                notes.append(note)
        yield Opened(database, plan, notes)


def _plan_in_force(session: store.Session, year: int, day: date) -> tuple[Plan, str]:
    """The version of a year's plan in force on ``day``, and a note saying which it is."""
    version = store.plan_version_as_of(session, year, day)
    if version is None:
        versions = store.plan_versions(session, year)
        first = _("chưa có phiên bản nào được ghi")
        if versions:
            loaded = format_date(_local_day(versions[0].loaded_at))
            first = _("phiên bản đầu tiên nạp ngày {day}").format(day=loaded)
        raise InputError(
            _("ngày {day} chưa có kế hoạch năm {year} nào (--plan-as-of): {first}").format(
                day=format_date(day), year=year, first=first
            )
        )
    note = _("xét theo kế hoạch năm {year} phiên bản {id}, nạp lúc {at} (UTC) từ {source}").format(
        year=year, id=version.id, at=version.loaded_at[:16], source=version.source
    )
    return version.plan(), note


def _local_day(stored: str) -> date:
    """The day in Vietnam a stored UTC time (as the table holds it) falls on."""
    from thiduaCLI.domain.calendar import local_day

    return local_day(datetime.fromisoformat(stored))


def upgrade_notes(database: store.Database) -> list[str]:
    """Say so when opening the file upgraded its schema, and where the old copy is."""
    if database.upgraded_from is None:
        return []
    return [
        _(
            "Đã nâng cấp cơ sở dữ liệu {path} từ lược đồ {old} lên {new}; "
            "bản sao trước khi nâng cấp: {backup}"
        ).format(
            path=database.path,
            old=database.upgraded_from,
            new=SCHEMA_VERSION,
            backup=database.backup,
        )
    ]


def _plan_for_year(session: store.Session, year: int | None, today: date) -> Plan:
    years = store.plan_years(session)
    if not years:
        raise PlanError(_("cơ sở dữ liệu chưa có kế hoạch nào; chạy: thidua init [TỆP_KẾ_HOẠCH]"))
    default = today.year if today.year in years else years[-1]
    chosen = default if year is None else year
    plan = store.load_plan(session, chosen)
    if plan is None:
        have = ", ".join(str(y) for y in years)
        raise InputError(
            _("chưa có kế hoạch năm {year} (đã có: {have}); chạy thidua init").format(
                year=chosen, have=have
            )
        )
    return plan


def default_as_of(plan: Plan, today: date) -> date:
    """Today, kept inside the plan year."""
    return min(max(today, date(plan.year, 1, 1)), date(plan.year, 12, 31))


# -------------------------------------------------------------------------------- init


@dataclass
class InitResult:
    """What ``thidua init`` did."""

    plan: Plan
    source: Path
    outcome: str  # "loaded", "updated", "unchanged" or "replaced" (the stored one unreadable)
    changes: list[str]
    created_database: bool
    notes: list[str] = field(default_factory=list)


def init(db_path: Path, plan_path: Path | None, by: str = store.UNKNOWN_LOADER) -> InitResult:
    """Load a plan, or re-sync a changed one, refusing changes that would orphan figures."""
    from thiduaCLI.domain.plan_file import load_plan, shipped_plan_path
    from thiduaCLI.domain.resync import (
        check_figures_kept,
        check_resync,
        describe_changes,
        target_differences,
    )

    source = plan_path or shipped_plan_path()
    plan = load_plan(source)
    with store.open_database(db_path) as database, database.session(write=True) as session:
        old, unreadable = _stored_plan(session, plan.year)
        pairs = store.reported_pairs(session, plan.year)
        if old is not None:
            check_resync(old, plan, pairs, source)
        elif unreadable:  # replaced whole: no figure may lose its unit or indicator
            check_figures_kept(plan, pairs, source)
        changes = [] if old is None else describe_changes(old, plan)
        if unreadable:
            outcome = "replaced"
        elif old is None:
            outcome = "loaded"
        elif old == plan and not changes:  # equal plans may still list in another order
            outcome = "unchanged"
        else:
            outcome = "updated"
        if outcome != "unchanged":
            check_length(by, NAME_LIMIT, _("người nạp (--by)"))
            store.save_plan(session, plan, str(source), by)
        if old is not None:
            store.add_target_changes(
                session,
                [
                    TargetChange(
                        year=plan.year,
                        unit=unit,
                        indicator=code,
                        old_target=None if was is None else float(was),
                        new_target=None if now is None else float(now),
                        source=str(source),
                    )
                    for unit, code, was, now in target_differences(old, plan)
                ],
            )
        notes = upgrade_notes(database)
        return InitResult(plan, source, outcome, changes, database.created, notes)


def _stored_plan(session: store.Session, year: int) -> tuple[Plan | None, bool]:
    """The stored plan of a year with every unit read, and whether it could not be read
    (``thidua init`` then replaces it: the way out the error message names)."""
    try:
        old = store.load_plan(session, year)
        if old is not None:
            old.units.values()  # a unit this version cannot read is found now, not later
    except StoreError:
        return None, True
    return old, False


# ------------------------------------------------------------------------------ report


@dataclass
class Recorded:
    """A stored figure and the unit's standing on that indicator after it."""

    figure: Figure
    unit: Unit
    indicator: Indicator
    value_as_read: str
    year_to_date: Decimal | None
    standing: Assessment
    duplicate: bool = False


def find_unit(plan: Plan, query: str) -> Unit:
    """A unit by code or name (diacritics and case ignored)."""
    return unit_index(plan).find(query)


def find_indicator(plan: Plan, query: str) -> Indicator:
    """An indicator by code or name (diacritics and case ignored)."""
    return indicator_index(plan).find(query)


def unit_index(plan: Plan) -> Index[Unit]:
    """The plan's units by code and name, for finding many (an import's rows)."""
    return Index(plan.units, unit_names(plan), _("đơn vị"))


def indicator_index(plan: Plan) -> Index[Indicator]:
    """The plan's indicators by code and name, for finding many."""
    names = {code: indicator.name for code, indicator in plan.indicators.items()}
    return Index(plan.indicators, names, _("chỉ tiêu"))


def report(
    opened_db: Opened,
    *,
    unit_query: str,
    indicator_query: str,
    value_text: str,
    ref_date: date | None,
    today: date,
    by: str,
    note: str | None,
    total: bool,
    key: str | None = None,
    number_format: str = "vi",
) -> Recorded:
    """Check and append one figure, all inside one write transaction.

    ``number_format`` says how ``value_text`` writes numbers (``vi`` or ``en``); a magnitude
    word in it (``850 triệu``) is converted to the indicator's measure.

    With a ``key`` already recorded, nothing is written and the earlier figure is returned
    (marked ``duplicate``), so that a retried cron job never counts twice.
    """
    plan = opened_db.plan
    check_length(note, NOTE_LIMIT, _("ghi chú (--note)"))
    check_length(by, NAME_LIMIT, _("người nhập (--by)"))
    check_length(key, NAME_LIMIT, _("khóa (--key)"))
    unit = find_unit(plan, unit_query)
    indicator = find_indicator(plan, indicator_query)
    reading = in_measure(parse_value(value_text, number_format), indicator.measure)
    check_reading(indicator, unit, reading)
    if ref_date is None and today.year != plan.year:
        raise InputError(
            _("hôm nay ({today}) không thuộc năm kế hoạch {year}: ghi rõ --date YYYY-MM-DD").format(
                today=format_date(today), year=plan.year
            )
        )
    ref_date = check_in_year(ref_date or today, plan.year)
    if key is not None:
        key = key.strip()
        if not key:
            raise UsageProblem(_("--key không được để trống (bỏ --key nếu không cần)"))
    with opened_db.database.session(write=True) as session:
        earlier = None if key is None else store.figure_by_key(session, key)
        if earlier is not None:
            same = (earlier.unit, earlier.indicator, earlier.ref_date) == (
                unit.code,
                indicator.code,
                ref_date,
            )
            if not same or (not total and earlier.value != float(reading.value)):
                raise InputError(
                    _(
                        "khóa '{key}' đã dùng cho số liệu #{id} khác ({unit} {indicator} "
                        "{value} ngày {date}); dùng khóa khác"
                    ).format(
                        key=key,
                        id=earlier.id,
                        unit=earlier.unit,
                        indicator=earlier.indicator,
                        value=format_number(earlier.value),
                        date=format_date(earlier.ref_date),
                    )
                )
            observed = store.observations(
                session, plan, earlier.ref_date, unit=earlier.unit, timeliness=False
            )
            unit, indicator = plan.units[earlier.unit], plan.indicators[earlier.indicator]
            shown = format_number(earlier.value)
            found = observed.get((unit.code, indicator.code))
            return replace(_recorded(plan, earlier, unit, indicator, shown, found), duplicate=True)
        value = float(reading.value)
        reported_total = None
        if total:
            so_far = store.year_to_date(session, plan.year, unit.code, indicator.code, ref_date)
            value = float(increment_from_total(indicator, reading.value, so_far))
            reported_total = float(reading.value)
        figure = store.add_figure(
            session,
            _figure(
                plan, unit, indicator, reading, value, reported_total, ref_date, by, note, key=key
            ),
        )
        observation = store.observations(
            session, plan, ref_date, unit=unit.code, timeliness=False
        ).get((unit.code, indicator.code))
    return _recorded(plan, figure, unit, indicator, _as_read(reading), observation)


def _figure(
    plan: Plan,
    unit: Unit,
    indicator: Indicator,
    reading: Reading,
    value: float,
    reported_total: float | None,
    ref_date: date,
    by: str,
    note: str | None,
    *,
    key: str | None = None,
    supersedes: int | None = None,
) -> Figure:
    """A figure not stored yet, with its idempotency ``key`` or the figure it ``supersedes``."""
    return Figure(
        year=plan.year,
        unit=unit.code,
        indicator=indicator.code,
        value=value,
        numerator=_float(reading.numerator),
        denominator=_float(reading.denominator),
        reported_total=reported_total,
        ref_date=ref_date,
        recorded_by=by,
        note=note,
        key=key,
        supersedes=supersedes,
    )


def _recorded(
    plan: Plan,
    figure: Figure,
    unit: Unit,
    indicator: Indicator,
    shown: str,
    observation: Observation | None,
) -> Recorded:
    """A stored figure with the unit's standing on its indicator right after it."""
    current = observation.value(indicator) if observation else None
    target = unit.agreement[indicator.code]
    standing = assess(indicator, target, current, figure.ref_date, plan.year)
    ytd = current if indicator.kind == "cumulative" else None
    return Recorded(figure, unit, indicator, shown, ytd, standing)


def _float(number: object) -> float | None:
    return None if number is None else float(number)  # type: ignore[arg-type]


def _as_read(reading: Reading) -> str:
    """The value as it was read, for the confirmation line."""
    if reading.numerator is not None and reading.denominator is not None:
        fraction = f"{format_number(reading.numerator)}/{format_number(reading.denominator)}"
        return f"{fraction} = {format_number(reading.value)}"
    if reading.converted:  # 850 triệu = 0,85 (tỷ đồng)
        return f"{reading.typed} = {format_number(reading.value, 9)}"
    return format_number(reading.value, 9)


# ------------------------------------------------------------------ status, rank, show


@dataclass(frozen=True)
class Review:
    """The day figures are judged at, and the review period it closes, if one was named."""

    as_of: date
    period: Period | None = None

    @property
    def previous_end(self) -> date:
        """The end of the period before, of the same length (a month when none was named)."""
        period = self.period or month_containing(self.as_of)
        return period.previous().end


def review_for(plan: Plan, as_of: date | None, period: Period | None, today: date) -> Review:
    """``--period`` (judged at its last day), else ``--as-of``, else today within the year."""
    if period is not None:
        return Review(period.end, period)
    day = default_as_of(plan, today) if as_of is None else as_of
    return Review(check_in_year(day, plan.year, _("ngày xem (--as-of)")))


def plan_year_for(year: int | None, period: Period | None) -> int | None:
    """The plan year a command works on: ``--year``, else the period's year, else the newest."""
    if year is not None and period is not None and period.year != year:
        raise InputError(
            _("kỳ {period} không thuộc năm kế hoạch {year} (--year)").format(
                period=period.label, year=year
            )
        )
    return year if year is not None else (period.year if period else None)


def status(opened_db: Opened, review: Review) -> list[IndicatorStatus]:
    """The ward's progress on every indicator at a review date."""
    plan = opened_db.plan
    # values only: status shows no timeliness
    with _collector_paused(), opened_db.database.session() as session:
        observed = store.observations(session, plan, review.as_of, timeliness=False)
    return ward_status(plan, observed, review.as_of)


@dataclass
class Ranking:
    """Ranked rows, what they were compared with, and the commendation shortlist."""

    rows: list[RankRow]
    previous_end: date
    previous_available: bool
    proposals: list[Proposal]


def find_block(plan: Plan, query: str) -> str:
    """A block's code by code or name."""
    names = {code: block.name for code, block in plan.blocks.items()}
    return resolve(query, plan.blocks, names, _("khối thi đua")).code


def rank(opened_db: Opened, review: Review, block_query: str | None) -> Ranking:
    """Units ranked within their blocks, their move since the previous period, the shortlist."""
    from thiduaCLI.domain.scoring import rank_units, shortlist, with_movement

    plan = opened_db.plan
    block = None if block_query is None else find_block(plan, block_query)
    previous_end = review.previous_end
    earlier_plan: Plan | None = plan
    before: dict[tuple[str, str], Observation] = {}
    with _collector_paused(), opened_db.database.session() as session:
        if previous_end.year == plan.year:  # both days in one pass over the figures
            observed, before = store.observations_at(session, plan, [review.as_of, previous_end])
        else:
            observed = store.observations(session, plan, review.as_of)
            earlier_plan = store.load_plan(session, previous_end.year)
            if earlier_plan is not None:
                before = store.observations(session, earlier_plan, previous_end)
    with _collector_paused():
        rows = rank_units(plan, observed, review.as_of, block)
        earlier: list[RankRow] = []
        if earlier_plan is not None:
            # the same plan keeps every unit in its block; another year's may not
            earlier_block = block if earlier_plan is plan else None
            earlier = rank_units(earlier_plan, before, previous_end, earlier_block)
        rows = with_movement(rows, earlier)
    return Ranking(rows, previous_end, earlier_plan is not None, shortlist(plan, rows))


@dataclass
class Scorecard:
    """One unit's score explained: parts, arithmetic, rank and the way to the next grade."""

    result: UnitScore
    rank: RankRow | None
    next: NextGrade | None


def show(opened_db: Opened, review: Review, unit_query: str) -> Scorecard:
    """A unit's scorecard at a review date."""
    from thiduaCLI.domain.scoring import next_grade, rank_units

    plan = opened_db.plan
    unit = find_unit(plan, unit_query)
    if unit.is_ward:
        raise InputError(
            _("{unit} ({name}) là phường, không chấm điểm; xem thidua status").format(
                unit=unit.code, name=unit.name
            )
        )
    with opened_db.database.session() as session:
        observed = store.observations(session, plan, review.as_of)
    rows = rank_units(plan, observed, review.as_of, unit.block)
    row = next(r for r in rows if r.result.unit.code == unit.code)
    return Scorecard(row.result, row, next_grade(plan, row.result, review.as_of))


# ------------------------------------------------------------------ audit: fix and retract


# Why a figure can no longer be corrected or retracted: (its standing, the change asked for).
_NOT_COUNTED = {
    ("superseded", "correct"): N_(
        "số liệu #{id} đã bị thay bằng số liệu sửa, không sửa được nữa; xem thidua history"
    ),
    ("superseded", "retract"): N_(
        "số liệu #{id} đã bị thay bằng số liệu sửa, không rút được nữa; xem thidua history"
    ),
    ("retracted", "correct"): N_("số liệu #{id} đã bị rút, không sửa được nữa; xem thidua history"),
    ("retracted", "retract"): N_("số liệu #{id} đã bị rút, không rút được nữa; xem thidua history"),
}


def _counted_figure(session: store.Session, figure_id: int, change: str) -> Figure:
    """A figure that still counts, or an error saying why it cannot be changed.

    ``change`` is ``"correct"`` or ``"retract"``.
    """
    figure = store.get_figure(session, figure_id)
    if figure is None:
        raise InputError(
            _("không có số liệu #{id}; xem mã số bằng: thidua history").format(id=figure_id)
        )
    state = store.standing(session, figure_id)
    if state != "active":
        said = "superseded" if state == "superseded" else "retracted"
        raise InputError(_(_NOT_COUNTED[said, change]).format(id=figure_id))
    return figure


def _reason(text: str) -> str:
    check_length(text, NOTE_LIMIT, _("lý do (--reason)"))
    reason = text.strip()
    if not reason:
        raise InputError(_("--reason không được để trống: ghi lý do để lịch sử giải thích được"))
    return reason


def correct(
    opened_db: Opened,
    figure_id: int,
    value_text: str,
    reason: str,
    by: str,
    number_format: str = "vi",
) -> Recorded:
    """Record a new figure that supersedes figure ``figure_id``; the old one stays in history.

    ``number_format`` says how the typed value writes numbers (``vi`` or ``en``)."""
    plan = opened_db.plan
    reason = _reason(reason)
    check_length(by, NAME_LIMIT, _("người nhập (--by)"))
    typed = parse_value(value_text, number_format)
    with opened_db.database.session(write=True) as session:
        old = _counted_figure(session, figure_id, "correct")
        if old.year != plan.year:
            raise InputError(
                _("số liệu #{id} thuộc năm {year}; dùng --year {year}").format(
                    id=figure_id, year=old.year
                )
            )
        unit, indicator = plan.units[old.unit], plan.indicators[old.indicator]
        reading = in_measure(typed, indicator.measure)
        check_reading(indicator, unit, reading)
        value, reported_total = float(reading.value), None
        if old.reported_total is not None:  # entered as a year-to-date total: so is the fix
            before = store.year_to_date(
                session, plan.year, unit.code, indicator.code, old.ref_date
            ) - to_decimal(old.value)
            increment = increment_from_total(indicator, reading.value, before)
            value, reported_total = float(increment), value
        figure = store.add_figure(
            session,
            _figure(
                plan,
                unit,
                indicator,
                reading,
                value,
                reported_total,
                old.ref_date,
                by,
                reason,
                supersedes=old.id,
            ),
        )
        observation = store.observations(
            session, plan, old.ref_date, unit=unit.code, timeliness=False
        ).get((unit.code, indicator.code))
    return _recorded(plan, figure, unit, indicator, _as_read(reading), observation)


def retract(opened_db: Opened, figure_id: int, reason: str, by: str) -> Figure:
    """Take a figure out of every computation, keeping it and the reason in history."""
    reason = _reason(reason)
    check_length(by, NAME_LIMIT, _("người nhập (--by)"))
    with opened_db.database.session(write=True) as session:
        figure = _counted_figure(session, figure_id, "retract")
        store.add_retraction(
            session, Retraction(figure_id=figure_id, reason=reason, retracted_by=by)
        )
    return figure


def history(
    opened_db: Opened,
    unit_query: str | None,
    indicator_query: str | None,
    since: date | None,
) -> tuple[list[store.HistoryEntry], list[TargetChange]]:
    """Figures newest first with their standing, and the plan's recorded target changes."""
    plan = opened_db.plan
    unit = None if unit_query is None else find_unit(plan, unit_query).code
    indicator = None if indicator_query is None else find_indicator(plan, indicator_query).code
    with opened_db.database.session() as session:
        entries = store.history(session, plan.year, unit, indicator, since)
        changes = store.target_changes(session, plan.year, unit, indicator)
    return entries, changes


def plan_history(opened_db: Opened) -> list[PlanChange]:
    """Every change each stored version of the plan made, newest first."""
    from thiduaCLI.domain.plan_history import changes

    with opened_db.database.session() as session:
        versions = store.plan_versions(session, opened_db.plan.year)
    return changes(versions)


@dataclass
class Verification:
    """What ``thidua verify`` checked: all of it held."""

    path: Path
    entries: int
    figures: int
    retractions: int
    plan_versions: int
    month_rows: int
    head: str


class VerifyFailed(StoreError):
    """The database is not as thidua left it."""


def verify(db_path: Path) -> Verification:
    """SQLite's integrity check, the audit chain entry by entry, every row chained, each
    stored plan equal to its last version, and the month-by-month rows equal to a rebuild
    from the figures (on a copy in memory, so that nothing is written)."""
    import sqlite3

    from sqlalchemy import create_engine

    from thiduaCLI.domain.plan_history import plan_document
    from thiduaCLI.storage import chain, months

    with store.open_database(db_path, create=False) as database:
        path = database.path
        with database.session() as session:
            driver = store._driver(session)
            store.check_integrity(session, path)
            state = chain.walk(session.connection())
            if state.broken is not None:
                raise VerifyFailed(_broken_line(path, state.broken))
            for year in store.plan_years(session):
                versions = store.plan_versions(session, year)
                current = store.load_plan(session, year)
                if current is None or not versions:
                    continue
                (title,) = driver.execute(
                    "SELECT title FROM plan WHERE year = ?", (year,)
                ).fetchone()
                if plan_document(current) != versions[-1].document or title != current.title:
                    raise VerifyFailed(
                        _(
                            "{path}: kế hoạch năm {year} đang lưu khác phiên bản {id} trong "
                            "chuỗi kiểm chứng: đã bị sửa ngoài thidua"
                        ).format(path=path, year=year, id=versions[-1].id)
                    )
            query = "SELECT * FROM figure_months ORDER BY year, unit, indicator"
            stored = driver.execute(query).fetchall()
            copy = sqlite3.connect(":memory:")
            engine = create_engine("sqlite://", creator=lambda: copy)
            try:
                driver.backup(copy)
                with engine.begin() as connection:
                    months.rebuild(connection)
                    rebuilt = connection.exec_driver_sql(query).fetchall()
            finally:
                engine.dispose()
                copy.close()
    if stored != rebuilt:
        year, unit, indicator = next(
            (a[:3] for a, b in zip(stored, rebuilt, strict=False) if a != b),
            (stored or rebuilt)[min(len(stored), len(rebuilt)) :][0][:3]
            if len(stored) != len(rebuilt)
            else ("?", "?", "?"),
        )
        raise VerifyFailed(
            _(
                "{path}: số liệu theo tháng (figure_months) không khớp với các số liệu ở "
                "{unit} – {indicator} năm {year}: đã bị sửa ngoài thidua"
            ).format(path=path, unit=unit, indicator=indicator, year=year)
        )
    return Verification(
        path,
        state.entries,
        state.figures,
        state.retractions,
        state.versions,
        len(stored),
        state.head,
    )


_BROKEN = {
    ("figures", "changed", True): N_(
        "{path}: chuỗi kiểm chứng đứt ở mục {seq}: số liệu #{first} đã bị sửa hoặc xóa ngoài thidua"
    ),
    ("figures", "changed", False): N_(
        "{path}: chuỗi kiểm chứng đứt ở mục {seq}: một trong các số liệu #{first}–#{last} (một "
        "lần nhập) đã bị sửa hoặc xóa ngoài thidua"
    ),
    ("retraction", "changed", True): N_(
        "{path}: chuỗi kiểm chứng đứt ở mục {seq}: lần rút số liệu #{first} đã bị sửa hoặc xóa "
        "ngoài thidua"
    ),
    ("plan", "changed", True): N_(
        "{path}: chuỗi kiểm chứng đứt ở mục {seq}: phiên bản kế hoạch {first} đã bị sửa hoặc "
        "xóa ngoài thidua"
    ),
    ("figures", "unchained", True): N_(
        "{path}: số liệu #{first} không có trong chuỗi kiểm chứng: đã được thêm ngoài thidua"
    ),
    ("retraction", "unchained", True): N_(
        "{path}: lần rút số liệu #{first} không có trong chuỗi kiểm chứng: đã được thêm ngoài "
        "thidua"
    ),
    ("plan", "unchained", True): N_(
        "{path}: phiên bản kế hoạch {first} không có trong chuỗi kiểm chứng: đã được thêm ngoài "
        "thidua"
    ),
}


def _broken_line(path: Path, broken: audit.Broken) -> str:
    key = (broken.kind, broken.problem, broken.first == broken.last)
    template = _BROKEN.get(key) or _BROKEN.get((broken.kind, broken.problem, True))
    if template is None:
        template = N_("{path}: chuỗi kiểm chứng đứt ở mục {seq}: mục lạ (đã bị sửa ngoài thidua)")
    return _(template).format(path=path, seq=broken.seq, first=broken.first, last=broken.last)


# ------------------------------------------------------------------------ import, export


@dataclass
class ImportResult:
    """What an import did, or would do with ``--dry-run``."""

    source: str
    rows: int
    recorded: int
    skipped: int
    dry_run: bool


def import_figures(
    opened_db: Opened,
    path: Path | None,
    *,
    stream: IO[bytes] | None = None,
    by: str,
    dry_run: bool,
    number_format: str = "vi",
) -> ImportResult:
    """Check every row, then record them all in one transaction, or none if any is bad.

    Rows already recorded by an earlier import (same unit, indicator, date and value) are
    skipped, as many times as they were recorded before.
    """
    from thiduaCLI.files.tabular import read_rows

    plan = opened_db.plan
    source = "-" if path is None else path.name
    figures: list[tuple[object, ...]] = []
    errors = []
    parse = _RowReader(plan, by, number_format)
    with _collector_paused():
        for row in read_rows(path, stream):
            try:
                figures.append(parse(row, f"import:{source}:{row.line}"))
            except ThiduaError as error:
                errors.append(_("dòng {line}: {error}").format(line=row.line, error=error))
    if errors:
        raise ImportRefused(errors)
    with opened_db.database.session(write=True) as session:
        fresh = figures
        if figures:
            days = [str(figure[_REF_DATE]) for figure in figures]
            seen = store.imported_fingerprints(session, plan.year, min(days), max(days))
            if seen:
                fresh = []
                for figure in figures:
                    fingerprint = _fingerprint(figure)
                    if seen[fingerprint]:
                        seen[fingerprint] -= 1
                    else:
                        fresh.append(figure)
        if not dry_run:
            store.add_figures(session, fresh)
    skipped = len(figures) - len(fresh)
    return ImportResult(source, len(figures), len(fresh), skipped, dry_run)


# What makes an imported row the same as one imported before, as store.imported_fingerprints
# gives it: unit, indicator, date (as stored), value, numerator, denominator.
FINGERPRINT = ("unit", "indicator", "ref_date", "value", "numerator", "denominator")
_fingerprint = itemgetter(*(store.FIGURE_COLUMNS.index(column) for column in FINGERPRINT))
_REF_DATE = store.FIGURE_COLUMNS.index("ref_date")


class ImportRefused(InputError):
    """Some rows of an import file are bad; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        count = len(errors)
        super().__init__(
            ngettext(
                "{n} dòng không hợp lệ; không ghi số liệu nào",
                "{n} dòng không hợp lệ; không ghi số liệu nào",
                count,
            ).format(n=count)
        )
        self.errors = errors


class _RowReader:
    """Turns one import row into a row for :func:`store.add_figures`, remembering the names,
    values and dates it has already read (a file repeats them: 3,000 units, 12 dates)."""

    def __init__(self, plan: Plan, by: str, number_format: str) -> None:
        self.plan, self.by, self.number_format = plan, by, number_format
        self.units, self.indicators = unit_index(plan), indicator_index(plan)
        self.readings: dict[tuple[type, object], Reading] = {}
        self.days: dict[tuple[type, object], str] = {}
        self.recorded_at = store.stored_datetime(utc_now())

    def __call__(self, row: Row, origin: str) -> tuple[object, ...]:
        cells = row.cells
        for column in ("unit", "indicator", "value", "date"):
            if cells.get(column) is None:
                from thiduaCLI.files.tabular import VIETNAMESE

                raise InputError(
                    _("thiếu {column} ({code})").format(column=_(VIETNAMESE[column]), code=column)
                )
        unit = self.units.find(str(cells["unit"]))
        indicator = self.indicators.find(str(cells["indicator"]))
        reading = in_measure(self._reading(cells["value"]), indicator.measure)
        check_reading(indicator, unit, reading)
        day = self._day(cells["date"])
        note = cells.get("note")
        note = None if note is None else str(note)
        by = str(cells.get("by") or self.by)
        check_length(note, NOTE_LIMIT, _("ghi chú"))
        check_length(by, NAME_LIMIT, _("người nhập"))
        return (  # in store.FIGURE_COLUMNS order
            self.plan.year,
            unit.code,
            indicator.code,
            float(reading.value),
            _float(reading.numerator),
            _float(reading.denominator),
            None,  # reported_total
            day,
            by,
            note,
            self.recorded_at,
            origin,
            None,  # supersedes
            None,  # key
        )

    def _reading(self, cell: object) -> Reading:
        key = (type(cell), cell)  # 1, 1.0 and True are equal keys, but not the same reading
        reading = self.readings.get(key)
        if reading is None:
            reading = self.readings[key] = _reading(cell, self.number_format)
        return reading

    def _day(self, cell: object) -> str:
        """The date as stored; one outside the plan year is refused."""
        key = (type(cell), cell)
        day = self.days.get(key)
        if day is None:
            if isinstance(cell, datetime):
                cell = cell.date()
            elif not isinstance(cell, date):
                cell = parse_date(str(cell))
            day = self.days[key] = store.stored_date(check_in_year(cell, self.plan.year))
        return day


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while rows are read: the rows kept make it run again and
    again (a tenth of a 100,000-row import's time) for little to free; it runs again after."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _reading(cell: object, number_format: str) -> Reading:
    """A spreadsheet number is taken as it is; text is read with the number convention."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if not math.isfinite(cell) or abs(cell) >= LARGEST:
            raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=cell))
        number = Decimal(repr(cell)) + 0
        if significant_digits(number) > DIGITS:  # 0,1 + 0,2 in a cell: Excel shows 15 digits
            number = round(number, DIGITS - 1 - number.adjusted()).normalize()
        return Reading(value=number)
    return parse_value(str(cell), number_format)


def export_rows(opened_db: Opened) -> list[dict[str, object]]:
    """Every counted figure of the year, in the import columns."""
    from thiduaCLI.files.tabular import plain_number

    with opened_db.database.session() as session:
        store.check_integrity(session, opened_db.database.path)  # an export is read whole
        figures = store.active_figures(session, opened_db.plan.year)
    return [
        {
            "unit": figure.unit,
            "indicator": figure.indicator,
            "value": figure.value
            if figure.denominator is None
            else f"{plain_number(figure.numerator or 0)}/{plain_number(figure.denominator)}",
            "date": figure.ref_date,
            "note": figure.note,
            "by": figure.recorded_by,
        }
        for figure in figures
    ]


def backup(db_path: Path, target: Path) -> Path:
    """A consistent copy of the database file, made while others may be writing."""
    if not db_path.exists():
        raise InputError(_("chưa có cơ sở dữ liệu {path} để sao lưu").format(path=db_path))
    store.check_is_database(db_path)  # copies as it is: no schema created, nothing upgraded
    return store.backup(db_path, target)


# ---------------------------------------------------------------------- checks for cron


@dataclass
class CheckResult:
    """What ``check`` found, for each check asked for."""

    findings: list[Finding]
    checks: list[str]


def check(
    opened_db: Opened,
    review: Review,
    *,
    behind: bool,
    overdue_days: int | None,
    below_score: float | None,
    missing: bool = False,
) -> CheckResult:
    """Run the checks asked for: ward indicators behind, units overdue or missing the last
    period's report, units scoring low."""
    from thiduaCLI.domain import timeliness
    from thiduaCLI.domain.scoring import rank_units

    plan = opened_db.plan
    if below_score is not None and not math.isfinite(below_score):
        raise UsageProblem(
            _("--below {value}: cần một số điểm, ví dụ 50").format(value=below_score)
        )
    with opened_db.database.session() as session:
        observed = store.observations(session, plan, review.as_of)
        filings = store.month_filings(session, plan) if missing else {}
    findings: list[Finding] = []
    checks = []
    if behind:
        checks.append("behind")
        year_over = review.as_of >= date(plan.year, 12, 31)
        statuses = ward_status(plan, observed, review.as_of)
        findings += timeliness.behind(statuses, plan.ward, year_over)
    if overdue_days is not None:
        checks.append("overdue")
        findings += timeliness.overdue(plan, observed, review.as_of, overdue_days)
    if missing:
        checks.append("missing")
        findings += timeliness.missing(plan, filings, review.as_of)
    if below_score is not None:
        checks.append("below")
        threshold = to_decimal(below_score)
        findings += timeliness.below(rank_units(plan, observed, review.as_of), threshold)
    return CheckResult(findings, checks)


def reporting_rates(opened_db: Opened, review: Review) -> list[timeliness.ReportingRate]:
    """Per unit: figures due so far in the reporting cycle, received, and received on time."""
    from thiduaCLI.domain import timeliness

    plan = opened_db.plan
    with opened_db.database.session() as session:
        filings = store.month_filings(session, plan)
        lasts = store.last_reports(session, plan.year, review.as_of)
    return timeliness.reporting_rates(plan, filings, lasts, review.as_of)
