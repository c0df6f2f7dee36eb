"""The library: a :class:`Ledger` over one database, with typed methods and pydantic results.

::

    from datetime import date
    from decimal import Decimal
    from thiduaCLI import open_ledger

    with open_ledger("thidua.sqlite3") as ledger:
        ledger.record("K03", "VIEC_LAM", Decimal(25), on=date(2026, 3, 31), by="Lan")
        ranking = ledger.rank(as_of=date(2026, 3, 31))
        print(ranking.model_dump(mode="json"))

Arguments are values, never the shell's text: numbers are ``Decimal`` (or ``int``), a share
may be a ``(numerator, denominator)`` pair, days are ``date``, periods
:class:`~thiduaCLI.domain.periods.Period`, units, indicators and blocks their codes or names.
Reading what a person typed (``12,5``, ``4850/5000``, ``31/03/2026``) is the command line's
business (:mod:`thiduaCLI.text`). Every problem is a :class:`~thiduaCLI.errors.ThiduaError`
with one line to show. Results are the models of :mod:`thiduaCLI.results`; a command's
``--json`` prints ``result.model_dump(mode="json")``.
"""

from __future__ import annotations

import getpass
import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, ParamSpec, TypeVar

from thiduaCLI.domain.attainment import Observation, Tallies, assess, ward_status
from thiduaCLI.domain.calendar import local_time
from thiduaCLI.domain.periods import Period, Review
from thiduaCLI.domain.plan import Indicator, Plan, Unit
from thiduaCLI.domain.recording import (
    check_reading,
    increment_from_total,
    settle_share,
    sole_signatory,
)
from thiduaCLI.errors import (
    BusyError,
    InputError,
    PlanError,
    StoreError,
    ThiduaError,
    UsageProblem,
)
from thiduaCLI.files.progress import Progress, counted
from thiduaCLI.storage import store
from thiduaCLI.storage.plan_rows import unit_names
from thiduaCLI.storage.tables import SCHEMA_VERSION, utc_now
from thiduaCLI.text.dates import check_in_year, format_date, parse_date
from thiduaCLI.text.i18n import N_, _, ngettext
from thiduaCLI.text.literal import NAME_LIMIT, NOTE_LIMIT, check_length
from thiduaCLI.text.lookup import Index, resolve
from thiduaCLI.text.numbers import (
    DIGITS,
    LARGEST,
    Reading,
    Value,
    exact_number,
    format_number,
    in_measure,
    parse_value,
    reading_of,
    significant_digits,
    to_decimal,
)

# Imported where they are used, so that ``thidua report`` does not load them.
if TYPE_CHECKING:
    from thiduaCLI.domain import audit
    from thiduaCLI.domain.scoring import NextGrade, Proposal, RankRow, UnitScore
    from thiduaCLI.files.forms import Form
    from thiduaCLI.files.tabular import Row
    from thiduaCLI.results import (
        AccessEntry,
        AccessList,
        Brief,
        Checks,
        CopyResult,
        Corrected,
        History,
        ImportResult,
        Indicators,
        PlanChanges,
        Ranking,
        Recorded,
        ReportingRates,
        Retracted,
        RetractedImport,
        Scorecard,
        Shortlist,
        Status,
        TargetChanges,
        Units,
        Verification,
    )
    from thiduaCLI.storage.access import Access
    from thiduaCLI.storage.models import Figure

UNKNOWN_USER = "không rõ"  # i18n: data (stored as who recorded the figure)


def os_user() -> str:
    """Who is recording, when no one is named: the computer account."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return UNKNOWN_USER


def default_location() -> Path:
    """Where the database lives when none is named: the user's data directory (nothing is
    created)."""
    return store.default_path()


def database_location(path_or_url: str | Path | store.ServerURL | None) -> store.Location:
    """The database: a file (a path or a ``sqlite:///`` URL; None for the user's data
    directory, made readable by its owner only when missing), or a PostgreSQL database
    (``postgresql://USER@HOST/DB``). Another kind of URL is refused, named without its
    password."""
    from thiduaCLI.storage.server import ServerURL, is_server_url

    if path_or_url is None:
        path = store.default_path()
        store.private_folders(path.parent)
        return path
    if isinstance(path_or_url, ServerURL):
        return path_or_url
    text = str(path_or_url)
    if text.startswith("sqlite:///"):
        return Path(text.removeprefix("sqlite:///"))
    if is_server_url(text):
        return ServerURL(text)
    if "://" in text:
        raise InputError(
            _(
                "{url}: không rõ loại cơ sở dữ liệu; dùng tệp SQLite (đường dẫn hoặc "
                "sqlite:///TỆP) hoặc PostgreSQL (postgresql://TÀI_KHOẢN@MÁY/TÊN)"
            ).format(url=shown_location(text))
        )
    return Path(path_or_url)


def shown_location(path_or_url: str | Path | store.ServerURL) -> str:
    """A database's path, or its URL without the password (``postgresql://lan@host/db``):
    what may be printed, logged or mailed."""
    from thiduaCLI.storage.server import redacted

    text = str(path_or_url)
    return redacted(text) if "://" in text else text


def recorder(database: store.Database, by: str | None) -> str:
    """Who a write is recorded by: ``by``, or the computer account; on PostgreSQL the
    database login always (its policies refuse any other name), so a ``by`` naming someone
    else is refused first, in one line."""
    if not database.on_server:
        return by if by is not None else os_user()
    login = str(database.login)
    if by is not None and by != login:
        raise InputError(
            _(
                "--by {by} (hoặc THIDUA_USER): trên PostgreSQL người ghi là tài khoản đăng nhập "
                "cơ sở dữ liệu ({login}); bỏ --by, hoặc đăng nhập bằng tài khoản của người đó"
            ).format(by=by, login=login)
        )
    return login


def may_write(
    database: store.Database, session: store.Session, units: Collection[str] | None
) -> None:
    """On PostgreSQL, refuse in words a write the login's access does not allow (``units``:
    the units of new figures, None for any other write); on a file, anyone writes."""
    if database.on_server:
        from thiduaCLI.storage import access

        access.check_write(session.connection(), str(database.login), units)


def open_ledger(
    path_or_url: str | Path | store.ServerURL | None = None,
    *,
    year: int | None = None,
    create: bool = True,
    plan_as_of: date | None = None,
    today: date | None = None,
    upgrade: bool = True,
) -> Ledger:
    """Open a database as a :class:`Ledger` (close it, or use it in a ``with`` block).

    ``path_or_url``: a file or ``sqlite:///FILE``, or a PostgreSQL database
    (``postgresql://USER@HOST/DB``); None is the command line's default, the user's data
    directory. A missing file is created with the shipped plan unless not
    ``create``. ``year``: the plan year to work on (default: this year's plan if there is
    one, else the newest). ``plan_as_of``: judge by the version of that plan in force on
    that day. ``today``: the day taken as today (for tests and replays). Without
    ``upgrade`` an old database is refused rather than upgraded (a dry run writes nothing).
    """
    path = database_location(path_or_url)
    stack = ExitStack()
    try:
        opened = stack.enter_context(
            _opened(path, year, today, create=create, plan_as_of=plan_as_of, upgrade=upgrade)
        )
    except BaseException:
        stack.close()
        raise
    return Ledger(opened, stack, today)


@dataclass
class _Opened:
    """A database opened, the plan year it works on, and notes for the reader."""

    database: store.Database
    plan: Plan
    notes: list[str] = field(default_factory=list)


@contextmanager
def _opened(
    db_path: store.Location,
    year: int | None,
    today: date | None = None,
    *,
    create: bool = True,
    plan_as_of: date | None = None,
    upgrade: bool = True,
) -> Iterator[_Opened]:
    """Open the database, creating it with the shipped plan when it is missing (unless not
    ``create``: a dry run writes nothing, not even a new file)."""
    shipped: list[tuple[Plan, Path]] = []

    def seed(session: store.Session) -> None:
        from thiduaCLI.domain.plan_file import load_plan, shipped_plan_path

        source = shipped_plan_path()
        shipped.append((load_plan(source), source))
        loader = store.UNKNOWN_LOADER
        if isinstance(db_path, store.ServerURL):
            loader = store.server.current_login(session.connection())
        store.save_plan(session, shipped[0][0], str(source), loader)

    with store.open_database(db_path, seed, create=create, upgrade=upgrade) as database:
        notes = []
        if database.created:
            notes.append(
                _(
                    "Đã tạo cơ sở dữ liệu mới {path} và nạp kế hoạch {year} có sẵn ({source})"
                ).format(path=db_path, year=shipped[0][0].year, source=shipped[0][1].name)
            )
        notes += upgrade_notes(database)
        with database.reading() as connection:
            plan = _plan_for_year(connection, year, today or date.today())
            if plan_as_of is not None:
                plan, note = _plan_in_force(connection, plan.year, plan_as_of)
                notes.append(note)
        yield _Opened(database, plan, notes)


def _plan_in_force(reader: store.Reader, year: int, day: date) -> tuple[Plan, str]:
    """The version of a year's plan in force on ``day``, and a note saying which it is."""
    version = store.plan_version_as_of(reader, year, day)
    if version is None:
        versions = store.plan_versions(reader, year)
        first = _("chưa có phiên bản nào được ghi")
        if versions:
            loaded = format_date(_local_day(versions[0].loaded_at))
            first = _("phiên bản đầu tiên nạp ngày {day}").format(day=loaded)
        raise InputError(
            _("ngày {day} chưa có kế hoạch năm {year} nào (--plan-as-of): {first}").format(
                day=format_date(day), year=year, first=first
            )
        )
    note = _(
        "xét theo kế hoạch năm {year} phiên bản {id}, nạp lúc {at} (giờ VN) từ {source}"
    ).format(year=year, id=version.id, at=local_time(version.loaded_at), source=version.source)
    return version.plan(), note


def _local_day(stored: str) -> date:
    """The day in Vietnam a stored UTC time (as the table holds it) falls on."""
    from thiduaCLI.domain.calendar import local_day

    return local_day(datetime.fromisoformat(stored))


def upgrade_notes(database: store.Database) -> list[str]:
    """Say so when opening the file upgraded its schema, and where the old copy is."""
    if database.upgraded_from is None:
        return []
    if database.backup is None:  # a server's: one transaction, nothing copied
        note = _("Đã nâng cấp cơ sở dữ liệu {path} từ lược đồ {old} lên {new}")
    else:
        note = _(
            "Đã nâng cấp cơ sở dữ liệu {path} từ lược đồ {old} lên {new}; "
            "bản sao trước khi nâng cấp: {backup}"
        )
    return [
        note.format(
            path=database.path,
            old=database.upgraded_from,
            new=SCHEMA_VERSION,
            backup=database.backup,
        )
    ]


def _plan_for_year(reader: store.Reader, year: int | None, today: date) -> Plan:
    years = store.plan_years(reader)
    if not years:
        raise PlanError(_("cơ sở dữ liệu chưa có kế hoạch nào; chạy: thidua init [TỆP_KẾ_HOẠCH]"))
    default = today.year if today.year in years else years[-1]
    chosen = default if year is None else year
    plan = store.load_plan(reader, chosen)
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


def review_for(plan: Plan, as_of: date | None, period: Period | None, today: date) -> Review:
    """``period`` (judged at its last day), else ``as_of``, else today within the year."""
    if as_of is not None and period is not None:
        raise UsageProblem(_("chỉ dùng một trong --as-of và --period"))
    if period is not None:
        plan_year_for(plan.year, period)
        return Review(period.end, period)
    day = default_as_of(plan, today) if as_of is None else as_of
    return Review(check_in_year(day, plan.year, _("ngày xem (--as-of)")))


def plan_year_for(year: int | None, period: Period | None) -> int | None:
    """The plan year a review works on: ``year``, else the period's year, else the newest."""
    if year is not None and period is not None and period.year != year:
        raise InputError(
            _("kỳ {period} không thuộc năm kế hoạch {year} (--year)").format(
                period=period.label, year=year
            )
        )
    return year if year is not None else (period.year if period else None)


@dataclass
class Ranked:
    """Ranked rows (the scoring module's, with every part of every score), what they were
    compared with, and the commendation shortlist: what :meth:`Ledger.rank` and
    :meth:`Ledger.shortlist` are built from."""

    review: Review
    rows: list[RankRow]
    previous_end: date
    previous_available: bool
    proposals: list[Proposal]


@dataclass
class Card:
    """One unit's score explained: parts, arithmetic, rank and the way to the next grade."""

    result: UnitScore
    rank: RankRow | None
    next: NextGrade | None


T = TypeVar("T")
P = ParamSpec("P")
ATTEMPTS = 8  # a write the server refused as a serialization failure is run this many times


def again(work: Callable[[], T]) -> T:
    """Run a write, and run it again (after a short, growing, random pause) when the database
    server refused it as one that may simply run again (:class:`~thiduaCLI.errors.BusyError`:
    a serialization failure or a deadlock); the last refusal is the error."""
    import random
    import time

    for attempt in range(ATTEMPTS):
        try:
            return work()
        except BusyError:
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")


def _retried(method: Callable[P, T]) -> Callable[P, T]:
    """A ledger write run :func:`again` when the server asks for it."""
    import functools

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return again(lambda: method(*args, **kwargs))

    return run


class Ledger:
    """One database and the plan year it works on: record, correct, retract, import, review.

    Made by :func:`open_ledger`; a context manager that closes the database on leaving.
    """

    def __init__(self, opened: _Opened, stack: ExitStack, today: date | None = None) -> None:
        self._opened = opened
        self._stack = stack
        self._today = today

    # ------------------------------------------------------------------ the ledger itself

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (again: nothing)."""
        self._stack.close()

    @property
    def plan(self) -> Plan:
        """The plan the ledger works on."""
        return self._opened.plan

    @property
    def path(self) -> store.Location:
        """The database: its file, or its PostgreSQL URL (printed without the password)."""
        return self._opened.database.path

    @property
    def notes(self) -> list[str]:
        """What a reader should know beside the answer: a file created, a schema upgraded,
        the version of the plan in force, a form imported empty."""
        return self._opened.notes

    @property
    def _database(self) -> store.Database:
        return self._opened.database

    def today(self) -> date:
        """The day taken as today."""
        return self._today or date.today()

    def _who(self, by: str | None) -> str:
        """Who records a write (:func:`recorder`)."""
        return recorder(self._database, by)

    def unit(self, query: str | Unit) -> Unit:
        """A unit by code or name (diacritics and case ignored)."""
        if isinstance(query, Unit):
            query = query.code
        return unit_index(self.plan).find(query)

    def indicator(self, query: str | Indicator) -> Indicator:
        """An indicator by code or name (diacritics and case ignored)."""
        if isinstance(query, Indicator):
            query = query.code
        return indicator_index(self.plan).find(query)

    def block(self, query: str) -> str:
        """A block's code, by code or name."""
        plan = self.plan
        names = {code: block.name for code, block in plan.blocks.items()}
        return resolve(query, plan.blocks, names, _("khối thi đua")).code

    def review(self, as_of: date | None = None, period: Period | None = None) -> Review:
        """The day a review judges at: ``period``'s last day, else ``as_of``, else today
        within the plan year."""
        return review_for(self.plan, _day(as_of, "--as-of"), period, self.today())

    # ---------------------------------------------------------------------------- writes

    @_retried
    def record(
        self,
        unit: str | Unit,
        indicator: str | Indicator,
        value: Value | Reading,
        *,
        on: date | None = None,
        by: str | None = None,
        note: str | None = None,
        total: bool = False,
        key: str | None = None,
        dry_run: bool = False,
    ) -> Recorded:
        """Check and append one figure, in one write transaction.

        ``value``: a number in the indicator's measure, or for a share a ``(numerator,
        denominator)`` pair; ``on``: the day it refers to (default today, which must then
        be in the plan year); ``total``: ``value`` is the year-to-date total of a cumulative
        indicator, the figure stored is what it adds. With a ``key`` already recorded,
        nothing is written and the earlier figure is returned, marked ``duplicate``. With
        ``dry_run`` everything is checked and the figure made as it would be (its id, the
        standing after it), then the transaction is rolled back: nothing is written.
        """
        from thiduaCLI.results import Recorded

        plan = self.plan
        by = self._who(by)
        check_length(note, NOTE_LIMIT, _("ghi chú (--note)"))
        check_length(by, NAME_LIMIT, _("người nhập (--by)"))
        check_length(key, NAME_LIMIT, _("khóa (--key)"))
        found_unit = self.unit(unit)
        found_indicator = self.indicator(indicator)
        reading = in_measure(reading_of(value), found_indicator.measure)
        check_reading(found_indicator, found_unit, reading)
        reading = settle_share(
            found_indicator,
            found_unit,
            reading,
            lambda: sole_signatory(plan, found_indicator, found_unit),
        )
        today = self.today()
        if on is None and today.year != plan.year:
            raise InputError(
                _(
                    "hôm nay ({today}) không thuộc năm kế hoạch {year}: ghi rõ --date YYYY-MM-DD"
                ).format(today=format_date(today), year=plan.year)
            )
        ref_date = check_in_year(_day(on, "--date") or today, plan.year)
        if key is not None:
            key = key.strip()
            if not key:
                raise UsageProblem(_("--key không được để trống (bỏ --key nếu không cần)"))
        with self._database.session(write=True, keep=not dry_run) as session:
            may_write(self._database, session, [found_unit.code])
            earlier = None if key is None else store.figure_by_key(session, key)
            if earlier is not None:
                same = (earlier.unit, earlier.indicator, earlier.ref_date) == (
                    found_unit.code,
                    found_indicator.code,
                    ref_date,
                )
                typed = earlier.reported_total if total else earlier.value
                was_total = earlier.reported_total is not None
                if not same or was_total != total or typed != float(reading.value):
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
                found = observed.get((earlier.unit, earlier.indicator))
                return _recorded(Recorded, plan, earlier, found, duplicate=True, dry_run=dry_run)
            value_stored = float(reading.value)
            reported_total = None
            if total:
                so_far = store.year_to_date(
                    session, plan.year, found_unit.code, found_indicator.code, ref_date
                )
                value_stored = float(increment_from_total(found_indicator, reading.value, so_far))
                reported_total = float(reading.value)
            figure = store.add_figure(
                session,
                _figure(
                    plan,
                    found_unit,
                    found_indicator,
                    reading,
                    value_stored,
                    reported_total,
                    ref_date,
                    by,
                    note,
                    key=key,
                ),
            )
            observation = store.observations(
                session, plan, ref_date, unit=found_unit.code, timeliness=False
            ).get((found_unit.code, found_indicator.code))
        return _recorded(Recorded, plan, figure, observation, dry_run=dry_run)

    @_retried
    def correct(
        self, figure_id: int, value: Value | Reading, *, reason: str, by: str | None = None
    ) -> Corrected:
        """Record a new figure that supersedes figure ``figure_id`` (which stays in the
        history); a figure entered as a year-to-date total is corrected with a total."""
        from thiduaCLI.results import Corrected

        plan = self.plan
        reason = _reason(reason)
        by = self._who(by)
        check_length(by, NAME_LIMIT, _("người nhập (--by)"))
        typed = reading_of(value)
        with self._database.session(write=True) as session:
            may_write(self._database, session, None)
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
            reading = settle_share(
                indicator, unit, reading, lambda: sole_signatory(plan, indicator, unit)
            )
            value_stored, reported_total = float(reading.value), None
            if old.reported_total is not None:  # entered as a year-to-date total: so is the fix
                before = store.year_to_date(
                    session, plan.year, unit.code, indicator.code, old.ref_date
                ) - to_decimal(old.value)
                increment = increment_from_total(indicator, reading.value, before)
                value_stored, reported_total = float(increment), value_stored
            figure = store.add_figure(
                session,
                _figure(
                    plan,
                    unit,
                    indicator,
                    reading,
                    value_stored,
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
        return _recorded(Corrected, plan, figure, observation)

    @_retried
    def retract(self, figure_id: int, *, reason: str, by: str | None = None) -> Retracted:
        """Take a figure out of every computation, keeping it and the reason in history."""
        from thiduaCLI.results import Retracted
        from thiduaCLI.storage.models import Retraction

        reason = _reason(reason)
        by = self._who(by)
        check_length(by, NAME_LIMIT, _("người nhập (--by)"))
        with self._database.session(write=True) as session:
            may_write(self._database, session, None)
            figure = _counted_figure(session, figure_id, "retract")
            store.add_retraction(
                session, Retraction(figure_id=figure_id, reason=reason, retracted_by=by)
            )
        return Retracted.of(figure, reason, by)

    @_retried
    def retract_import(
        self, import_id: int, *, reason: str, by: str | None = None
    ) -> RetractedImport:
        """Take back a whole import (its number is its first figure's id, given by
        :meth:`import_file`): every figure of it that still counts, and every correction
        made since of one of them, is retracted with ``reason``, audited like any
        retraction; its rows may be imported again (the file, fixed)."""
        from thiduaCLI.results import RetractedImport

        reason = _reason(reason)
        by = self._who(by)
        check_length(by, NAME_LIMIT, _("người nhập (--by)"))
        known = isinstance(import_id, int) and not isinstance(import_id, bool)
        with self._database.session(write=True) as session:
            may_write(self._database, session, None)
            batch = (
                store.import_batch(session, import_id)
                if known and 0 < import_id <= MAX_ID
                else None
            )
            if batch is None:
                raise InputError(
                    _(
                        "#{id} không phải mã một lần nhập (mã lần nhập là mã số liệu đầu tiên "
                        "của lần nhập, in ra sau thidua import; trong thidua history là số của "
                        "dòng đầu tiên)"
                    ).format(id=import_id)
                )
            earlier = store.import_retraction(session, import_id)
            if earlier is not None:
                raise InputError(
                    _("lần nhập #{id} ({source}) đã được rút trước đó: {reason}").format(
                        id=import_id, source=batch.source, reason=earlier.reason
                    )
                )
            taken, kept = store.retract_import(session, batch, reason, by)
        return RetractedImport(
            import_id=import_id,
            source=batch.source,
            reason=reason,
            retracted_by=by,
            retracted=[figure.id for figure in taken if figure.id is not None],
            kept=[figure.id for figure in kept if figure.id is not None],
        )

    def import_rows(
        self,
        rows: Iterable[Row | Mapping[str, object]],
        *,
        source: str = "-",
        by: str | None = None,
        dry_run: bool = False,
        number_format: str = "vi",
        progress: Progress | None = None,
    ) -> ImportResult:
        """Check every row, then record them all in one transaction, or none if any is bad
        (:class:`ImportRefused` lists every bad row).

        A row has the columns ``unit``, ``indicator``, ``value``, ``date`` and optionally
        ``note`` and ``by``: values as numbers, pairs or (from a file) text written with
        ``number_format``; dates as ``date`` or text. Rows already recorded by an earlier
        import (same unit, indicator, date and value) are skipped, as many times as they
        were recorded before. ``source`` names the rows in each figure's origin.
        ``progress`` hears of the rows read and checked, then of the figures written
        (:mod:`thiduaCLI.files.progress`).
        """
        return self._import(
            [(source, rows, None)],
            source=source,
            by=by,
            dry_run=dry_run,
            number_format=number_format,
            progress=progress,
            expected=lambda: len(rows) if isinstance(rows, Sized) else None,
        )

    def _import(
        self,
        parts: Iterable[
            tuple[str, Iterable[Row | Mapping[str, object]], Callable[[Row], str] | None]
        ],
        *,
        source: str,
        by: str | None,
        dry_run: bool,
        number_format: str,
        one_per_day: bool = False,
        progress: Progress | None = None,
        expected: Callable[[], int | None] | None = None,
    ) -> ImportResult:
        """:meth:`import_rows` of several sources at once, all or none: each part is the
        source named in the figures' origin, its rows, and how an error names a row (None:
        ``dòng N``). With ``one_per_day`` (forms: one figure per unit, indicator and period),
        a new figure where a counted one of the same unit, indicator and day exists is
        refused: the earlier one is corrected, not added to. ``expected`` tells how many rows
        there are, once known (for ``progress``)."""
        from thiduaCLI.results import ImportResult

        if number_format not in NUMBER_FORMATS:
            raise UsageProblem(
                _("{option} {value}: chọn một trong {allowed}").format(
                    option="--number-format", value=number_format, allowed=", ".join(NUMBER_FORMATS)
                )
            )
        plan = self.plan
        figures: list[tuple[object, ...]] = []
        places: list[str] = []  # with ``one_per_day``: where each figure came from
        errors = []
        parse = _RowReader(plan, self._who(by), number_format, login=self._database.on_server)
        with _collector_paused():
            for part, rows, where in parts:
                for row in counted(_numbered(rows), "read", progress, expected):
                    try:
                        figures.append(parse(row, f"import:{part}:{row.line}"))
                        if one_per_day and where is not None:
                            places.append(where(row))
                    except ThiduaError as error:
                        place = (
                            _("dòng {line}").format(line=row.line) if where is None else where(row)
                        )
                        errors.append(_("{place}: {error}").format(place=place, error=error))
        if errors:
            raise ImportRefused(errors)

        def write() -> tuple[list[tuple[object, ...]], range]:
            return self._write_import(figures, places, one_per_day, dry_run, progress)

        fresh, written = again(write)
        return ImportResult(
            source=source,
            rows=len(figures),
            recorded=len(fresh),
            skipped=len(figures) - len(fresh),
            dry_run=dry_run,
            import_id=written[0] if written else None,
        )

    def _write_import(
        self,
        figures: list[tuple[object, ...]],
        places: list[str],
        one_per_day: bool,
        dry_run: bool,
        progress: Progress | None,
    ) -> tuple[list[tuple[object, ...]], range]:
        """:meth:`_import`'s write: the rows not imported before, recorded (unless a dry run)."""
        plan = self.plan
        with self._database.session(write=True) as session:
            if self._database.on_server:  # (the units asked only where access is checked)
                may_write(self._database, session, {str(figure[_UNIT]) for figure in figures})
            fresh = figures
            if figures:
                days = [str(figure[_REF_DATE]) for figure in figures]
                seen = store.imported_fingerprints(session, plan.year, min(days), max(days))
                if seen:
                    fresh, kept = [], []
                    for number, figure in enumerate(figures):
                        fingerprint = _fingerprint(figure)
                        if seen[fingerprint]:
                            seen[fingerprint] -= 1
                        else:
                            fresh.append(figure)
                            kept.append(number)
                    places = [places[number] for number in kept] if places else places
            if one_per_day and fresh:
                _refuse_second_figures(session, plan, fresh, places)
            written = range(0)
            if not dry_run:
                written = store.add_figures(session, fresh, progress)
        return fresh, written

    def import_file(
        self,
        path: Path | None,
        *,
        stream: IO[bytes] | None = None,
        by: str | None = None,
        dry_run: bool = False,
        number_format: str = "vi",
        progress: Progress | None = None,
    ) -> ImportResult:
        """:meth:`import_rows` of a ``.csv`` or ``.xlsx`` file (or CSV bytes from
        ``stream`` when ``path`` is None), telling ``progress`` how far it has gone.

        A form written by :meth:`forms` and filled in is recognised and checked as one (see
        :meth:`import_forms`); so is a folder, whose ``.xlsx`` files must all be forms."""
        from thiduaCLI.files import forms
        from thiduaCLI.files.tabular import read_rows

        if path is not None and (path.is_dir() or forms.is_form(path)):
            found = forms.forms_in(path) if path.is_dir() else [path]
            return self.import_forms(
                found,
                source=path.name,
                by=by,
                dry_run=dry_run,
                number_format=number_format,
                progress=progress,
            )
        rows: list[int] = []  # how many the file holds, once read (an estimate: its lines)
        return self._import(
            [("-" if path is None else path.name, read_rows(path, stream, rows.append), None)],
            source="-" if path is None else path.name,
            by=by,
            dry_run=dry_run,
            number_format=number_format,
            progress=progress,
            expected=lambda: rows[0] if rows else None,
        )

    def import_forms(
        self,
        paths: Sequence[Path],
        *,
        source: str | None = None,
        by: str | None = None,
        dry_run: bool = False,
        number_format: str = "vi",
        progress: Progress | None = None,
    ) -> ImportResult:
        """Record the filled input cells of forms written by :meth:`forms`, all or none.

        Each form must be whole (its hidden fields and the visible unit and period agree), of
        a unit of the plan, of a period in the plan year, with rows only for indicators of
        the unit's agreement; no two forms may be of the same unit and period. Each figure is
        dated at the period's last day; empty input cells are skipped; who filled the form
        (its "Người báo cáo" cell) is the figures' ``by``, else ``by``. Every problem names
        the file and the cell (:class:`ImportRefused` lists them). ``progress`` hears of the
        files read, then of the figures written."""
        from thiduaCLI.files import forms
        from thiduaCLI.files.tabular import Row

        plan = self.plan
        units = unit_index(plan)
        errors: list[str] = []
        parts: list[tuple[str, list[Row], Callable[[Row], str]]] = []
        seen: dict[tuple[str, str], str] = {}
        for path in counted(paths, "files", progress, len(paths), step=1):
            filled = forms.read_form(path)
            name = filled.name

            def place(cell: str | None, name: str = name) -> str:
                if cell is None:
                    return name
                return _("{file}: ô {cell}").format(file=name, cell=cell)

            def problem(
                text: str, cell: str | None = None, place: Callable[..., str] = place
            ) -> str:
                return _("{place}: {error}").format(place=place(cell), error=text)

            try:
                unit = units.find(filled.unit)
            except ThiduaError as error:
                errors.append(problem(str(error), forms.UNIT_CELL))
                continue
            if unit.code != filled.unit:
                errors.append(problem(_("mã đơn vị '{unit}' không đúng").format(unit=filled.unit)))
                continue
            if filled.period.year != plan.year:
                errors.append(
                    problem(
                        _(
                            "biểu mẫu kỳ {period} không thuộc năm kế hoạch {year} "
                            "(chọn năm bằng --year)"
                        ).format(period=filled.period.label, year=plan.year),
                        forms.PERIOD_CELL,
                    )
                )
                continue
            key = (unit.code, filled.period.label)
            if key in seen:
                errors.append(
                    problem(
                        _("{unit} kỳ {period} đã có trong biểu mẫu {other}").format(
                            unit=unit.code, period=filled.period.label, other=seen[key]
                        )
                    )
                )
                continue
            seen[key] = name
            rows: list[Row] = []
            cells: dict[int, str] = {}
            rows_of: dict[str, int] = {}
            for entry in filled.rows:
                if entry.indicator in rows_of:
                    errors.append(
                        problem(
                            _("chỉ tiêu '{indicator}' đã có ở dòng {row}").format(
                                indicator=entry.indicator, row=rows_of[entry.indicator]
                            ),
                            f"{forms.CODE_COLUMN}{entry.row}",
                        )
                    )
                    continue
                rows_of[entry.indicator] = entry.row
                if entry.indicator not in unit.agreement:
                    errors.append(
                        problem(
                            _(
                                "chỉ tiêu '{indicator}' không thuộc giao ước của {unit}; "
                                "giao ước gồm: {signed}"
                            ).format(
                                indicator=entry.indicator,
                                unit=unit.code,
                                signed=", ".join(unit.agreement),
                            ),
                            f"{forms.CODE_COLUMN}{entry.row}",
                        )
                    )
                    continue
                cells[entry.row] = entry.cell
                rows.append(
                    Row(
                        entry.row,
                        {
                            "unit": unit.code,
                            "indicator": entry.indicator,
                            "value": entry.value,
                            "date": filled.period.end,
                            "note": entry.note,
                            "by": filled.by,
                        },
                    )
                )

            def where(
                row: Row, place: Callable[..., str] = place, cells: dict[int, str] = cells
            ) -> str:
                return place(cells[row.line])

            if not rows:  # nothing typed in: said, so that an unfilled form is not missed
                self.notes.append(_("{file}: biểu mẫu chưa điền số liệu nào").format(file=name))
            parts.append((name, rows, where))
        if errors:
            raise FormsRefused(errors)
        if source is None:
            source = paths[0].name if len(paths) == 1 else str(len(paths))
        try:
            return self._import(
                parts,
                source=source,
                by=by,
                dry_run=dry_run,
                number_format=number_format,
                one_per_day=True,
                progress=progress,
            )
        except ImportRefused as refused:
            raise FormsRefused(refused.errors) from None

    def forms(self, units: Sequence[str | Unit], period: Period | None = None) -> list[Form]:
        """What each unit's form for ``period`` (default: the reporting period holding
        today) shows: the indicators of its agreement with their targets, and the last
        figure of each dated before the period."""
        from datetime import timedelta

        from thiduaCLI.domain.periods import month_containing
        from thiduaCLI.files.forms import Form, FormRow

        plan = self.plan
        found: dict[str, Unit] = {}
        for query in units:
            unit = self.unit(query)
            found.setdefault(unit.code, unit)
        if period is None:
            today = self.today()
            if today.year != plan.year:
                raise UsageProblem(
                    _("hôm nay không thuộc năm kế hoạch {year}: ghi rõ --period").format(
                        year=plan.year
                    )
                )
            period = month_containing(today)
            if plan.reporting_cycle == "quarterly":
                period = Period("quarter", plan.year, (period.number - 1) // 3 + 1)
        if period.year != plan.year:
            raise InputError(
                _("kỳ {period} không thuộc năm kế hoạch {year}").format(
                    period=period.label, year=plan.year
                )
            )
        before = period.start - timedelta(days=1)
        observed: dict[tuple[str, str], Observation] = {}
        if before.year == plan.year:
            with self._database.reading() as connection:
                observed = store.observations(connection, plan, before, timeliness=False)
        made = []
        for unit in found.values():
            rows = []
            for code, target in unit.agreement.items():
                seen = observed.get((unit.code, code))
                rows.append(
                    FormRow(
                        plan.indicators[code],
                        target,
                        None if seen is None else seen.latest,
                        None if seen is None else seen.last_date,
                    )
                )
            made.append(Form(plan.title, plan.year, unit, period, tuple(rows)))
        return made

    # ----------------------------------------------------------------------------- reads

    def status(self, as_of: date | None = None, period: Period | None = None) -> Status:
        """The ward's progress on every indicator at a review date."""
        from thiduaCLI.results import Status

        plan, review = self.plan, self.review(as_of, period)
        # values only: status shows no timeliness
        with _collector_paused(), self._database.reading() as connection:
            observed = store.observations(connection, plan, review.as_of, timeliness=False)
        return Status.of(plan, review, ward_status(plan, observed, review.as_of))

    def rank(
        self, as_of: date | None = None, period: Period | None = None, block: str | None = None
    ) -> Ranking:
        """Units ranked within their blocks (or one block), with their move since the
        previous period of the same length."""
        from thiduaCLI.results import Ranking

        ranked = self.ranked(as_of, period, block)
        return Ranking.of(self.plan, ranked.review, ranked)

    def shortlist(
        self, as_of: date | None = None, period: Period | None = None, block: str | None = None
    ) -> Shortlist:
        """The units the plan's commendation rules propose, from the ranking."""
        from thiduaCLI.results import Shortlist

        ranked = self.ranked(as_of, period, block)
        return Shortlist.of(self.plan, ranked.review, ranked)

    def ranked(
        self,
        as_of: date | None = None,
        period: Period | None = None,
        block: str | None = None,
        *,
        explained: bool = True,
    ) -> Ranked:
        """The ranking as the scoring rules compute it, before it is made a result: for a
        renderer that needs no model (building one for 3,000 units costs a third of a
        second, which ``thidua rank``'s table cannot spare). Without ``explained``, the
        scores have no parts (a table of ranks needs none); the previous period's ranking,
        which gives only each unit's rank and score then, never has them."""
        from thiduaCLI.domain.scoring import rank_units, shortlist, with_movement

        plan, review, block_query = self.plan, self.review(as_of, period), block
        block = None if block_query is None else self.block(block_query)
        previous_end = review.previous_end
        earlier_plan: Plan | None = plan
        before: Tallies = {}
        with _collector_paused(), self._database.reading() as connection:
            if previous_end.year == plan.year:  # both days in one pass over the figures
                observed, before = store.tallies_at(  # the previous one's scores alone
                    connection, plan, [review.as_of, previous_end], [explained, False]
                )
            else:
                (observed,) = store.tallies_at(connection, plan, [review.as_of], [explained])
                earlier_plan = store.load_plan(connection, previous_end.year)
                if earlier_plan is not None:
                    (before,) = store.tallies_at(connection, earlier_plan, [previous_end], [False])
        with _collector_paused():
            rows = rank_units(plan, observed, review.as_of, block, explained=explained)
            earlier: list[RankRow] = []
            if earlier_plan is not None:
                # the same plan keeps every unit in its block; another year's may not
                earlier_block = block if earlier_plan is plan else None
                earlier = rank_units(
                    earlier_plan, before, previous_end, earlier_block, explained=False
                )
            rows = with_movement(rows, earlier)
        return Ranked(review, rows, previous_end, earlier_plan is not None, shortlist(plan, rows))

    def scorecard(
        self, unit: str | Unit, as_of: date | None = None, period: Period | None = None
    ) -> Scorecard:
        """A unit's score explained at a review date: its parts, the arithmetic, its rank
        and what it takes to reach the next grade."""
        from thiduaCLI.domain.scoring import next_grade, rank_units
        from thiduaCLI.results import Scorecard

        plan = self.plan
        found = self.unit(unit)
        if found.is_ward:
            raise InputError(
                _("{unit} ({name}) là phường, không chấm điểm; xem thidua status").format(
                    unit=found.code, name=found.name
                )
            )
        review = self.review(as_of, period)
        with self._database.reading() as connection:
            observed = store.observations(connection, plan, review.as_of)
        rows = rank_units(plan, observed, review.as_of, found.block)
        row = next(r for r in rows if r.result.unit.code == found.code)
        card = Card(row.result, row, next_grade(plan, row.result, review.as_of))
        return Scorecard.of(plan, review, card)

    def history(
        self,
        unit: str | Unit | None = None,
        indicator: str | Indicator | None = None,
        since: date | None = None,
    ) -> History:
        """The plan year's figures newest first, with their standing (of one unit, one
        indicator, recorded since a day, when given)."""
        from thiduaCLI.results import History

        plan = self.plan
        unit_code = None if unit is None else self.unit(unit).code
        code = None if indicator is None else self.indicator(indicator).code
        with self._database.session() as session:
            entries = store.history(session, plan.year, unit_code, code, since)
        return History.of(entries)

    def target_changes(
        self, unit: str | Unit | None = None, indicator: str | Indicator | None = None
    ) -> TargetChanges:
        """Targets changed by re-syncing the plan, newest first."""
        from thiduaCLI.results import TargetChanges

        plan = self.plan
        unit_code = None if unit is None else self.unit(unit).code
        code = None if indicator is None else self.indicator(indicator).code
        with self._database.session() as session:
            changes = store.target_changes(session, plan.year, unit_code, code)
        return TargetChanges.of(changes)

    def plan_changes(self) -> PlanChanges:
        """Every change each stored version of the plan made, newest first."""
        from thiduaCLI.domain.plan_history import changes
        from thiduaCLI.results import PlanChanges

        with self._database.reading() as connection:
            versions = store.plan_versions(connection, self.plan.year)
        return PlanChanges.of(changes(versions))

    def plan_toml(self) -> str:
        """The plan this ledger works on as a plan file (TOML) that ``thidua init`` reads
        back as unchanged, headed by comments naming its stored version."""
        from thiduaCLI.domain.plan_file import dump_plan

        plan = self.plan
        with self._database.reading() as connection:
            versions = store.plan_versions(connection, plan.year)
        header = _("Kế hoạch năm {year} lấy ra từ {path} (thidua plan dump).").format(
            year=plan.year, path=self.path
        )
        if versions:
            last = versions[-1]
            header += "\n" + _("Phiên bản {id}, nạp lúc {at} (giờ VN) từ {source}.").format(
                id=last.id, at=local_time(last.loaded_at), source=last.source
            )
        header += "\n" + _(
            "Các chú thích của tệp gốc không được lưu; nạp lại bằng: thidua init TỆP"
        )
        return dump_plan(plan, header)

    def brief(self, as_of: date | None = None, period: Period | None = None) -> Brief:
        """What the review meeting's papers show (``thidua brief``): the ward's progress (and
        a year before, when that plan is stored), the ranking with every unit's scorecard,
        the shortlist, reporting timeliness, and each indicator month by month, all read in
        one read transaction (another process's import meanwhile is in none or all of it)."""
        with self._database.snapshot():  # one state of the database for every paper
            return self._brief(as_of, period)

    def _brief(self, as_of: date | None, period: Period | None) -> Brief:
        from thiduaCLI.domain.calendar import month_end
        from thiduaCLI.results import Brief, MonthPoint, Ranking, Shortlist, Status

        plan = self.plan
        ranked = self.ranked(as_of, period)
        review = ranked.review
        days = [
            month_end(plan.year, month)
            for month in range(1, review.as_of.month + 1)
            if month_end(plan.year, month) < review.as_of
        ] + [review.as_of]
        with _collector_paused(), self._database.reading() as connection:
            seen = store.observations_at(connection, plan, days, timeliness=False)
            earlier_plan = store.load_plan(connection, plan.year - 1)
            last_year: Status | None = None
            if earlier_plan is not None:
                day = _a_year_before(review.as_of)
                observed = store.observations(connection, earlier_plan, day, timeliness=False)
                rows = ward_status(earlier_plan, observed, day)
                last_year = Status.of(earlier_plan, Review(day), rows)
        series: dict[str, list[MonthPoint]] = {code: [] for code in plan.indicators}
        statuses = [
            ward_status(plan, observed, day) for observed, day in zip(seen, days, strict=True)
        ]
        for day, rows in zip(days, statuses, strict=True):
            for row in rows:
                judged = row.assessment
                series[row.indicator.code].append(MonthPoint(day, judged.value, judged.expected))
        status = Status.of(plan, review, statuses[-1])
        return Brief(
            review=review,
            status=status,
            last_year=last_year,
            ranking=Ranking.of(plan, review, ranked),
            shortlist=Shortlist.of(plan, review, ranked),
            rates=self.overdue(as_of, period),
            series=series,
        )

    def overdue(self, as_of: date | None = None, period: Period | None = None) -> ReportingRates:
        """Per unit: figures due so far in the reporting cycle, received, received on time,
        and the last report."""
        from thiduaCLI.domain import timeliness
        from thiduaCLI.results import ReportingRates

        plan, review = self.plan, self.review(as_of, period)
        with self._database.reading() as connection:
            filings = store.month_filings(connection, plan)
            lasts = store.last_reports(connection, plan.year, review.as_of)
        rates = timeliness.reporting_rates(plan, filings, lasts, review.as_of)
        return ReportingRates.of(plan, review, rates)

    def check(
        self,
        as_of: date | None = None,
        period: Period | None = None,
        *,
        behind: bool = False,
        overdue: int | None = None,
        below: Decimal | int | float | None = None,
        missing: bool = False,
    ) -> Checks:
        """The checks asked for: ward indicators behind, units with no report for
        ``overdue`` days, units missing the last period's report, units scoring ``below``."""
        from thiduaCLI.domain import timeliness
        from thiduaCLI.domain.scoring import rank_units
        from thiduaCLI.results import Checks

        plan = self.plan
        if not behind and not missing and overdue is None and below is None:
            raise UsageProblem(
                _("chọn ít nhất một kiểm tra: --behind, --missing, --overdue DAYS, --below SCORE")
            )
        if below is not None:
            try:
                below = exact_number(below)
            except InputError:
                raise UsageProblem(
                    _("--below {value}: cần một số điểm, ví dụ 50").format(value=below)
                ) from None
        if overdue is not None and (
            isinstance(overdue, bool) or not isinstance(overdue, int) or overdue < 0
        ):
            raise UsageProblem(
                _("--overdue {value}: cần số ngày, một số nguyên từ 0, ví dụ 35").format(
                    value=overdue
                )
            )
        review = self.review(as_of, period)
        with self._database.reading() as connection:
            observed = store.observations(connection, plan, review.as_of)
            filings = store.month_filings(connection, plan) if missing else {}
        findings: list[timeliness.Finding] = []
        checks = []
        if behind:
            checks.append("behind")
            year_over = review.as_of >= date(plan.year, 12, 31)
            statuses = ward_status(plan, observed, review.as_of)
            findings += timeliness.behind(statuses, plan.ward, year_over)
        if overdue is not None:
            checks.append("overdue")
            findings += timeliness.overdue(plan, observed, review.as_of, overdue)
        if missing:
            checks.append("missing")
            findings += timeliness.missing(plan, filings, review.as_of)
        if below is not None:
            checks.append("below")
            threshold = to_decimal(below)
            findings += timeliness.below(rank_units(plan, observed, review.as_of), threshold)
        return Checks.of(plan, review, checks, findings)

    def indicators(self) -> Indicators:
        """The plan's indicators."""
        from thiduaCLI.results import Indicators

        return Indicators.of(self.plan)

    def units(self) -> Units:
        """The signatories, their blocks and their agreements."""
        from thiduaCLI.results import Units

        return Units.of(self.plan)

    def export_rows(self) -> list[dict[str, object]]:
        """Every counted figure of the year, in the import columns."""
        from thiduaCLI.files.tabular import plain_number

        with self._database.session() as session:
            store.check_integrity(session, self.path)  # an export is read whole
            figures = store.active_figures(session, self.plan.year)
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

    def verify(self) -> Verification:
        """:func:`verify` of this ledger's file."""
        return verify(self.path)


def unit_index(plan: Plan) -> Index[Unit]:
    """The plan's units by code and name, for finding many (an import's rows)."""
    return Index(plan.units, unit_names(plan), _("đơn vị"))


def indicator_index(plan: Plan) -> Index[Indicator]:
    """The plan's indicators by code and name, for finding many."""
    names = {code: indicator.name for code, indicator in plan.indicators.items()}
    return Index(plan.indicators, names, _("chỉ tiêu"))


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
    from thiduaCLI.storage.models import Figure

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
    kind: type[R],
    plan: Plan,
    figure: Figure,
    observation: Observation | None,
    duplicate: bool = False,
    dry_run: bool = False,
) -> R:
    """A stored figure with the unit's standing on its indicator right after it."""
    unit, indicator = plan.units[figure.unit], plan.indicators[figure.indicator]
    current = observation.value(indicator) if observation else None
    target = unit.agreement[indicator.code]
    standing = assess(indicator, target, current, figure.ref_date, plan.year)
    ytd = current if indicator.kind == "cumulative" else None
    return kind.of(figure, ytd, standing, duplicate, dry_run)  # type: ignore[return-value]


R = TypeVar("R", bound="Recorded")


def _float(number: object) -> float | None:
    return None if number is None else float(number)  # type: ignore[arg-type]


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


MAX_ID = 2**63 - 1  # SQLite's largest integer: no figure has an id beyond it
NUMBER_FORMATS = ("vi", "en")  # how typed numbers are read: 1.400,5 or 1,400.5


def _day(day: date | None, option: str) -> date | None:
    """A day given to the library: a :class:`date`, never a moment (whose day would depend
    on a time zone) nor text."""
    if day is None or (isinstance(day, date) and not isinstance(day, datetime)):
        return day
    raise InputError(
        _("{option} {value}: cần một ngày (date), ví dụ date(2026, 3, 31)").format(
            option=option, value=day
        )
    )


def _counted_figure(session: store.Session, figure_id: int, change: str) -> Figure:
    """A figure that still counts, or an error saying why it cannot be changed.

    ``change`` is ``"correct"`` or ``"retract"``.
    """
    known = isinstance(figure_id, int) and not isinstance(figure_id, bool)
    figure = store.get_figure(session, figure_id) if known and 0 < figure_id <= MAX_ID else None
    if figure is None:
        raise InputError(
            _("không có số liệu #{id}; xem mã số bằng: thidua history").format(id=figure_id)
        )
    state = store.standing(session, figure_id)
    if state != "active":
        said = "superseded" if state == "superseded" else "retracted"
        raise InputError(_(_NOT_COUNTED[said, change]).format(id=figure_id))
    return figure


def _a_year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _reason(text: str) -> str:
    check_length(text, NOTE_LIMIT, _("lý do (--reason)"))
    reason = text.strip()
    if not reason:
        raise InputError(_("--reason không được để trống: ghi lý do để lịch sử giải thích được"))
    return reason


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


@_retried
def init(db_path: store.Location, plan_path: Path | None, by: str | None = None) -> InitResult:
    """Load a plan, or re-sync a changed one, refusing changes that would orphan figures.
    ``by``: who loads it (default: the computer account; on PostgreSQL, the login)."""
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
        by = recorder(database, by)
        may_write(database, session, None)
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
            from thiduaCLI.storage.models import TargetChange

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


# ---------------------------------------------------------------------- verify, backup


class VerifyFailed(StoreError):
    """The database is not as thidua left it."""


def verify(db_path: store.Location) -> Verification:
    """SQLite's integrity check, the audit chain entry by entry, every row chained, each
    stored plan equal to its last version, and the month-by-month rows equal to a rebuild
    from the figures (on a copy in memory, so that nothing is written)."""
    from thiduaCLI.domain.plan_history import plan_document
    from thiduaCLI.results import Verification
    from thiduaCLI.storage import chain

    with store.open_database(db_path, create=False) as database:
        path = database.path
        with database.session() as session:
            store.check_integrity(session, path)
            state = chain.walk(session.connection())
            if state.broken is not None:
                raise VerifyFailed(_broken_line(path, state.broken))
            for year in store.plan_years(session):
                versions = store.plan_versions(session, year)
                current = store.load_plan(session, year)
                if current is None or not versions:
                    continue
                title = store.plan_title(session, year)
                if plan_document(current) != versions[-1].document or title != current.title:
                    raise VerifyFailed(
                        _(
                            "{path}: kế hoạch năm {year} đang lưu khác phiên bản {id} trong "
                            "chuỗi kiểm chứng: đã bị sửa ngoài thidua"
                        ).format(path=path, year=year, id=versions[-1].id)
                    )
            stored, rebuilt = store.month_rows_and_rebuilt(session)
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
        path=str(path),
        entries=state.entries,
        figures=state.figures,
        retractions=state.retractions,
        plan_versions=state.versions,
        month_rows=len(stored),
        head=state.head,
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


def _broken_line(path: store.Location, broken: audit.Broken) -> str:
    key = (broken.kind, broken.problem, broken.first == broken.last)
    template = _BROKEN.get(key) or _BROKEN.get((broken.kind, broken.problem, True))
    if template is None:
        template = N_("{path}: chuỗi kiểm chứng đứt ở mục {seq}: mục lạ (đã bị sửa ngoài thidua)")
    return _(template).format(path=path, seq=broken.seq, first=broken.first, last=broken.last)


def backup(
    db_path: store.Location,
    target: Path | str,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Path:
    """A consistent copy of the database, made while others may be writing.

    ``target`` is a new file, or a folder (one that exists, or a path written with a final
    ``/``): the copy is then ``thidua-YYYY-MM-DD-HHMMSS.sqlite3`` in it, at ``now`` (default:
    the current time) in Vietnam's time, with ``-2``, ``-3``… added rather than overwrite a
    copy made in the same second. ``progress`` is told of the pages copied.

    A PostgreSQL database is dumped by PostgreSQL's own ``pg_dump`` (custom format, for
    ``pg_restore``; ``….dump`` in a folder); without ``pg_dump`` the error says what to run."""
    if isinstance(db_path, store.ServerURL):
        from thiduaCLI.storage import dump

        return dump.dump(db_path, backup_target(target, now, suffix=".dump"))
    if not db_path.exists():
        raise InputError(_("chưa có cơ sở dữ liệu {path} để sao lưu").format(path=db_path))
    store.check_is_database(db_path)  # copies as it is: no schema created, nothing upgraded
    return store.backup(db_path, backup_target(target, now), progress)


def backup_target(
    target: Path | str, now: datetime | None = None, *, suffix: str = ".sqlite3"
) -> Path:
    """The file a backup writes: ``target``, or a dated name inside it when it is a folder."""
    import os

    from thiduaCLI.domain.calendar import LOCAL_OFFSET

    text = str(target)
    path = Path(target)
    if not (text.endswith(("/", os.sep)) or path.is_dir()):
        return path
    local = (now or utc_now()).astimezone(UTC) + LOCAL_OFFSET
    stem = f"thidua-{local:%Y-%m-%d-%H%M%S}"
    made = path / f"{stem}{suffix}"
    number = 1
    while made.exists() or made.is_symlink():
        number += 1
        made = path / f"{stem}-{number}{suffix}"
    return made


# ------------------------------------------------------------------------------ import


def _numbered(rows: Iterable[Row | Mapping[str, object]]) -> Iterator[Row]:
    """Rows as a file gives them; a program's mappings numbered as a file's lines would be
    (the header is line 1)."""
    from thiduaCLI.files.tabular import Row

    for number, row in enumerate(rows, 2):
        yield row if isinstance(row, Row) else Row(number, dict(row))


# What makes an imported row the same as one imported before, as store.imported_fingerprints
# gives it: unit, indicator, date (as stored), value, numerator, denominator.
FINGERPRINT = ("unit", "indicator", "ref_date", "value", "numerator", "denominator")
_fingerprint = itemgetter(*(store.FIGURE_COLUMNS.index(column) for column in FINGERPRINT))
_REF_DATE = store.FIGURE_COLUMNS.index("ref_date")
_UNIT = store.FIGURE_COLUMNS.index("unit")


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


def _refuse_second_figures(
    session: store.Session, plan: Plan, fresh: list[tuple[object, ...]], places: list[str]
) -> None:
    """:class:`ImportRefused` when a figure of ``fresh`` would be a second counted figure of
    its unit and indicator on its day (a form sent again with other values): the earlier one
    is to be corrected, not added to (a cumulative indicator would count both)."""
    unit, indicator = store.FIGURE_COLUMNS.index("unit"), store.FIGURE_COLUMNS.index("indicator")
    wanted = {(figure[unit], figure[indicator], figure[_REF_DATE]) for figure in fresh}
    days = {day for _unit, _code, day in wanted}
    counted: dict[tuple[object, ...], Figure] = {
        (figure.unit, figure.indicator, store.stored_date(figure.ref_date)): figure
        for figure in store.active_figures(session, plan.year)
        if store.stored_date(figure.ref_date) in days
    }
    errors = []
    for figure, place in zip(fresh, places, strict=True):
        earlier = counted.get((figure[unit], figure[indicator], figure[_REF_DATE]))
        if earlier is None:
            continue
        errors.append(
            _("{place}: {error}").format(
                place=place,
                error=_(
                    "{unit} {indicator} đã có số liệu #{id} ngày {date} ({value}); sửa bằng "
                    "thidua correct {id} GIÁ-TRỊ --reason LÝ-DO"
                ).format(
                    unit=earlier.unit,
                    indicator=earlier.indicator,
                    id=earlier.id,
                    date=format_date(earlier.ref_date),
                    value=format_number(earlier.value),
                ),
            )
        )
    if errors:
        raise ImportRefused(errors)


class FormsRefused(ImportRefused):
    """Some cells of the forms imported are bad; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors)
        count = len(errors)
        self.args = (
            ngettext(
                "{n} lỗi trong biểu mẫu; không ghi số liệu nào",
                "{n} lỗi trong biểu mẫu; không ghi số liệu nào",
                count,
            ).format(n=count),
        )


class _RowReader:
    """Turns one import row into a row for :func:`store.add_figures`, remembering the names,
    values and dates it has already read (a file repeats them: 3,000 units, 12 dates)."""

    def __init__(self, plan: Plan, by: str, number_format: str, *, login: bool = False) -> None:
        self.plan, self.by, self.number_format = plan, by, number_format
        self.login = login  # ``by`` is the database login: a row's own "by" is not used
        self.units, self.indicators = unit_index(plan), indicator_index(plan)
        self.readings: dict[tuple[type, object], Reading] = {}
        self.days: dict[tuple[type, object], str] = {}
        self.sole: dict[tuple[str, str], bool] = {}
        self.recorded_at = store.stored_datetime(utc_now())
        self.note_label, self.by_label = _("ghi chú"), _("người nhập")

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
        reading = settle_share(indicator, unit, reading, lambda: self._sole(indicator, unit))
        day = self._day(cells["date"])
        note = cells.get("note")
        note = None if note is None else str(note)
        by = self.by if self.login else str(cells.get("by") or self.by)
        check_length(note, NOTE_LIMIT, self.note_label)
        check_length(by, NAME_LIMIT, self.by_label)
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

    def _sole(self, indicator: Indicator, unit: Unit) -> bool:
        """Whether the unit is the only signatory of the indicator (worked out once each)."""
        key = (indicator.code, unit.code)
        sole = self.sole.get(key)
        if sole is None:
            sole = self.sole[key] = sole_signatory(self.plan, indicator, unit)
        return sole

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
    """A spreadsheet number is taken as it is (a program's Decimal or pair too); text is read
    with the number convention."""
    if isinstance(cell, Decimal | tuple):
        return reading_of(cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if not math.isfinite(cell) or abs(cell) >= LARGEST:
            raise InputError(_("'{value}' không phải là một số hợp lệ").format(value=cell))
        number = Decimal(repr(cell)) + 0
        if significant_digits(number) > DIGITS:  # 0,1 + 0,2 in a cell: Excel shows 15 digits
            number = round(number, DIGITS - 1 - number.adjusted()).normalize()
        return Reading(value=number)
    return parse_value(str(cell), number_format)


# ------------------------------------------------------- a shared database: access, copy


def _server(location: store.Location, what: str) -> store.ServerURL:
    """The PostgreSQL database a command for a server names; a file is refused."""
    if not isinstance(location, store.ServerURL):
        raise InputError(
            _(
                "{path}: {what} chỉ dùng với cơ sở dữ liệu PostgreSQL (--db postgresql://…); "
                "tệp SQLite thuộc về người giữ tệp"
            ).format(path=location, what=what)
        )
    return location


def _entry(found: Access) -> AccessEntry:
    from thiduaCLI.results import AccessEntry

    return AccessEntry(login=found.login, role=found.role, units=list(found.units))  # type: ignore[arg-type]


def grant_access(
    location: store.Location, login: str, role: str, units: Sequence[str] = ()
) -> AccessEntry:
    """Give a login its access to a PostgreSQL database (what it had there is replaced):
    ``officer``, ``viewer``, or ``unit`` with the units whose figures it records (codes or
    names, as every command takes them). Run by the database's owner."""
    from thiduaCLI.storage import access

    url = _server(location, "thidua access")
    login = login.strip()
    check_length(login, NAME_LIMIT, _("tên đăng nhập"))
    if not login or not login.isprintable():
        raise InputError(_("tên đăng nhập không được để trống hay chứa ký tự điều khiển"))
    if units and role != "unit":
        raise UsageProblem(_("--unit chỉ đi với tài khoản đơn vị; bỏ --officer/--viewer"))
    with store.open_database(url, create=False) as database:
        with database.reading() as connection:
            plan = _plan_for_year(connection, None, date.today())
        codes = tuple(dict.fromkeys(unit_index(plan).find(unit).code for unit in units))
        with database.session(write=True) as session:
            return _entry(access.grant(session.connection(), login, role, codes))


def revoke_access(location: store.Location, login: str) -> AccessEntry:
    """Take away a login's access to a PostgreSQL database (the login itself stays)."""
    from thiduaCLI.storage import access

    url = _server(location, "thidua access")
    with (
        store.open_database(url, create=False) as database,
        database.session(write=True) as session,
    ):
        had = access.revoke(session.connection(), login)
    if had is None:
        raise InputError(
            _("tài khoản {login} không có quyền gì trên {url}; xem: thidua access list").format(
                login=login, url=url
            )
        )
    return _entry(had)


def access_list(location: store.Location) -> AccessList:
    """Who may do what in a PostgreSQL database."""
    from thiduaCLI.results import AccessList
    from thiduaCLI.storage import access

    url = _server(location, "thidua access")
    with store.open_database(url, create=False) as database, database.session() as session:
        entries = [_entry(found) for found in access.grants(session.connection())]
    return AccessList(database=str(url), entries=entries)


def copy_database(
    source: store.Location, target: str | store.ServerURL, progress: Progress | None = None
) -> CopyResult:
    """Copy a database (a ward's SQLite file) into an empty PostgreSQL database, then check
    the copy: every table holds as many rows, and ``verify`` passes on it with the audit
    chain ending at the source's head. All or nothing: a failure leaves the target empty."""
    from thiduaCLI.results import CopyResult
    from thiduaCLI.storage import chain, copy

    url = _server(database_location(target), "--to")
    if isinstance(source, store.ServerURL) and str(source) == str(url):
        raise InputError(_("--to {url}: là chính cơ sở dữ liệu nguồn").format(url=url))
    with store.open_database(source, create=False) as origin, origin.session() as reading:
        store.check_integrity(reading, source)
        counted = copy.counts(reading.connection())
        head = chain.walk(reading.connection()).head
        with store.open_database(url) as copied, copied.session(write=True) as writing:
            held = copy.counts(writing.connection())
            if any(held.values()):
                raise InputError(
                    _(
                        "--to {url}: cơ sở dữ liệu đã có dữ liệu thidua ({count} dòng); chỉ "
                        "chép vào cơ sở dữ liệu trống (tạo mới bằng createdb)"
                    ).format(url=url, count=format_number(sum(held.values())))
                )
            copy.copy_all(reading.connection(), writing.connection(), progress)
    with store.open_database(url, create=False) as copied, copied.session() as session:
        landed = copy.counts(session.connection())
    if landed != counted:
        differ = next(name for name in counted if counted[name] != landed.get(name))
        raise VerifyFailed(
            _("{url}: bản chép thiếu dòng ở bảng {table} ({got} thay vì {want})").format(
                url=url, table=differ, got=landed.get(differ), want=counted[differ]
            )
        )
    checked = verify(url)
    if checked.head != head:
        raise VerifyFailed(
            _("{url}: chuỗi kiểm chứng của bản chép không khớp với nguồn").format(url=url)
        )
    return CopyResult(source=str(source), target=str(url), rows=counted, verification=checked)
