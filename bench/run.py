"""Province-scale benchmark of the ``thidua`` command (issue 7).

Usage::

    python bench/run.py                      # 5 runs of each command, data in a temp dir
    python bench/run.py --runs 3 --keep /tmp/thidua-bench   # reuse generated data next time

It benchmarks the ``thidua`` script installed next to the interpreter that runs it
(``/tmp/dev/bin/python bench/run.py`` measures that virtualenv). It generates a plan of
102 blocks and 3,000 units that each sign the nine ward indicators, lets ``thidua init``
create the database, writes 1,000,000 figures over 2026 in one transaction through thidua's
one writer of figures (:func:`thiduaCLI.storage.store.add_figures`, which keeps the
month-by-month rows and the audit chain as ``report`` and ``import`` do; a minute or two), and
writes a 100,000-row Vietnamese CSV for ``thidua import``. Every command is timed as a whole
process; its median is compared with a floor measured in the same run:

* ``--help``, ``--version``: at most 1.5 x ``python -c "import typer"``, and SQLAlchemy and
  SQLModel must not be imported at all (checked with ``python -X importtime``);
* ``report`` on the big database: at most 1.3 x ``python -c "import typer, rich.table,
  sqlmodel"``;
* ``status`` and ``rank`` over 1,000,000 figures: at most 1 s more than that floor, and a
  peak RSS under 200 MB;
* ``import`` of 100,000 rows: at most 3 x a plain ``csv`` + ``sqlite3.executemany`` script
  inserting the same rows into a copy of the same database.
* ``status`` and ``rank`` again on PostgreSQL (issue 18): the same database copied up with
  ``thidua db copy --to`` into a PostgreSQL database, read by an officer's login (row-level
  security on), with the same budgets: at most 1 s over the floor, peak RSS under 200 MB.
  The server is ``--postgres URL`` (an admin login), else a throw-away cluster started from
  the machine's server binaries (``tests/postgres_server.py``); ``--no-postgres`` skips it.
* ``brief`` (the review's four papers: a Word report with a chart per indicator and per block,
  the proposal, the workbook and the HTML board) over 1,000,000 figures: at most 60 s and
  800 MB, an absolute budget (it runs once per review meeting), median of 3 runs.

The data: 3,000 units (B001_U01 …) in 102 blocks, each signing the nine indicators of the
shipped plan; 1,000,000 figures as ``thidua report`` writes them (origin ``cli``, UTC
``recorded_at`` with microseconds, key NULL), ids in recording order, 1,000 of them
corrections and 200 retracted, never dated on a month's last day; the CSV (``;``-separated,
Vietnamese headers and numbers such as ``3.300/3.400`` and ``12,5``) holds month-end figures
only, each (unit, indicator, month) once, so no row repeats the database. ``status`` and
``rank`` run with ``--as-of 2026-12-31`` so that every figure counts; ``report`` and
``import`` write into copies of the big database. Commands run with ``NO_COLOR=1`` and
``COLUMNS=120``, stdout to a file; peak RSS is the child's own ``ru_maxrss`` from
``wait4``. Each command alternates with its floor (after one untimed warm-up round), so
both see the same load.

The exit status is 1 when any budget fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

YEAR = 2026
WARD = "PHUONG"
BLOCKS = 102
UNITS = 3_000
FIGURES = 1_000_000
IMPORT_ROWS = 100_000
CORRECTIONS = 1_000  # of the figures, how many correct an earlier one (``supersedes``)
RETRACTIONS = 200
SEED = 2026
DATA_VERSION = 5  # bump when the generated data changes shape
AS_OF = f"{YEAR}-12-31"  # status and rank judge every figure of the year
BYTES_PER_MB = 1024 * 1024

TYPER_FLOOR = "import typer"
IMPORT_FLOOR = "import typer, rich.table, sqlmodel"
FORBIDDEN_AT_STARTUP = ("sqlalchemy", "sqlmodel")

RECORDERS = (
    "Nguyễn Thị Lan",
    "Trần Văn Hùng",
    "Lê Thị Mai",
    "Phạm Minh Tuấn",
    "Huỳnh Thị Thu",
    "Võ Văn Nam",
)

SHIPPED_PLAN = Path(__file__).resolve().parents[1] / "data" / "targets_2026.toml"

INDICATOR_CODES = (
    "THU_NS",
    "TANG_TRUONG",
    "THU_NHAP",
    "BHYT",
    "VIEC_LAM",
    "TRUONG_CHUAN",
    "NUOC_SACH",
    "RAC_THAI",
    "HAI_LONG",
)
WARD_ONLY = ("TANG_TRUONG", "THU_NHAP")  # rollup "none": the ward's own figure

# The plain script the import is compared with: csv module, sqlite3 executemany, one
# transaction, every column of ``figure`` filled the way ``thidua import`` fills it.
FLOOR_IMPORT_SCRIPT = """\
import csv
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

database, source = sys.argv[1], Path(sys.argv[2])
CODES = {"đơn vị": "unit", "chỉ tiêu": "indicator", "giá trị": "value", "ngày": "date",
         "ghi chú": "note", "người nhập": "by"}


def number(text):
    return float(text.replace(".", "").replace(",", "."))


recorded_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
rows = []
with source.open(encoding="utf-8-sig", newline="") as handle:
    reader = csv.reader(handle, delimiter=";")
    position = {CODES[name]: i for i, name in enumerate(next(reader))}
    for cells in reader:
        value = cells[position["value"]]
        numerator = denominator = None
        if "/" in value:
            top, bottom = value.split("/")
            numerator, denominator = number(top), number(bottom)
            amount = numerator * 100 / denominator
        else:
            amount = number(value)
        day, month, year = cells[position["date"]].split("/")
        rows.append((
            int(year), cells[position["unit"]], cells[position["indicator"]], amount,
            numerator, denominator, None, f"{year}-{month}-{day}", cells[position["by"]],
            cells[position["note"]] or None, recorded_at,
            f"import:{source.name}:{reader.line_num}", None, None,
        ))
connection = sqlite3.connect(database, isolation_level=None)
connection.execute("PRAGMA busy_timeout = 30000")
connection.execute("BEGIN IMMEDIATE")
connection.executemany(
    "INSERT INTO figure (year, unit, indicator, value, numerator, denominator, reported_total,"
    " ref_date, recorded_by, note, recorded_at, origin, supersedes, key)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    rows,
)
connection.execute("COMMIT")
connection.close()
print(len(rows))
"""


# ------------------------------------------------------------------------ the data


@dataclass(frozen=True)
class UnitSpec:
    """A generated signatory and the sizes its figures are drawn from."""

    code: str
    block: str
    population: int
    households: int


@dataclass(frozen=True)
class Dataset:
    """Where the generated files are."""

    directory: Path
    plan: Path
    plan_db: Path
    big_db: Path
    csv: Path
    floor_script: Path
    figures: int
    import_rows: int


def make_units(rng: random.Random, units: int, blocks: int) -> list[UnitSpec]:
    """``units`` units spread evenly over ``blocks`` blocks (29 or 30 each for 3,000/102)."""
    specs = []
    for number in range(units):
        block = number % blocks + 1
        position = number // blocks + 1
        population = rng.randint(2_500, 3_600)
        specs.append(
            UnitSpec(f"B{block:03d}_U{position:02d}", f"B{block:03d}", population, population // 4)
        )
    specs.sort(key=lambda spec: spec.code)
    return specs


def plan_toml(units: Sequence[UnitSpec], blocks: int) -> str:
    """A plan file in the shipped plan's format: the shipped plan's reporting rules, scoring
    and nine ward indicators, then ``blocks`` blocks and the ``units``."""
    import tomli_w  # a dependency of thidua, installed with it

    shipped = tomllib.loads(SHIPPED_PLAN.read_text(encoding="utf-8"))
    plan = {
        "year": YEAR,
        "title": f"Phong trào thi đua năm {YEAR} – quy mô tỉnh (dữ liệu thử hiệu năng)",
        "reporting_cycle": shipped["reporting_cycle"],
        "due_days": shipped["due_days"],
        "ward": {"code": WARD, "name": "UBND tỉnh (thử hiệu năng)"},
        "scoring": shipped["scoring"],
        "indicators": {code: shipped["indicators"][code] for code in INDICATOR_CODES},
        "blocks": {
            f"B{block:03d}": {
                "name": f"Khối thi đua số {block} (tên tạm)",
                "indicators": list(INDICATOR_CODES),
            }
            for block in range(1, blocks + 1)
        },
        "units": {
            unit.code: {
                "name": f"Đơn vị {unit.code[-2:]} khối {unit.block[1:]} (tên tạm)",
                "block": unit.block,
                "targets": {"VIEC_LAM": 50, "THU_NS": 2},
                "sizes": {"population": unit.population, "households": unit.households},
            }
            for unit in units
        },
    }
    heading = f"# Benchmark plan: {blocks} blocks, every unit signing the nine ward indicators.\n"
    return heading + tomli_w.dumps(plan)


# How the plain figures are drawn: randint(low, high) / scale. The ratio shares (BHYT,
# TRUONG_CHUAN, HAI_LONG) are drawn as numerator/denominator by ``draw``.
PLAIN_DRAWS: dict[str, tuple[int, int, int]] = {
    "THU_NS": (1, 10, 100),  # 0,01–0,1 tỷ đồng a report
    "VIEC_LAM": (0, 3, 1),  # 0–3 jobs a report
    "TANG_TRUONG": (-30, 200, 10),  # −3 % to 20 %
    "THU_NHAP": (600, 1_100, 10),  # 60–110 triệu đồng
    "NUOC_SACH": (850, 1_000, 10),  # 85–100 %
    "RAC_THAI": (850, 1_000, 10),
}

# A drawn value: (amount or numerator, scale or denominator, whether it is a fraction)
Draw = tuple[int, int, bool]


def draw(rng: random.Random, indicator: str, population: int) -> Draw:
    """A plausible figure of one indicator, valid for ``thidua report`` and ``import``."""
    plain = PLAIN_DRAWS.get(indicator)
    if plain is not None:
        low, high, scale = plain
        return rng.randint(low, high), scale, False
    if indicator == "BHYT":  # insured people / population
        return population - rng.randint(0, 300), population, True
    if indicator == "TRUONG_CHUAN":  # schools meeting the standard / schools
        schools = rng.randint(1, 5)
        return rng.randint(0, schools), schools, True
    ballots = rng.randint(50, 400)  # HAI_LONG: satisfied / surveyed
    return ballots - rng.randint(0, 40), ballots, True


def stored(drawn: Draw) -> tuple[float, float | None, float | None]:
    """``value, numerator, denominator`` as ``thidua`` stores them (a share computed in
    Decimal, as it reads ``n/d``)."""
    top, bottom, fraction = drawn
    if fraction:
        return float(Decimal(top) * 100 / Decimal(bottom)), float(top), float(bottom)
    return top / bottom, None, None  # the same double as float(Decimal(top) / bottom)


def typed(drawn: Draw) -> str:
    """The value as an officer types it: ``3.300/3.400``, ``12,5``, ``-1,5``, ``0,05``."""
    top, bottom, fraction = drawn
    if fraction:
        return f"{vietnamese(Decimal(top))}/{vietnamese(Decimal(bottom))}"
    return vietnamese(Decimal(top) / bottom)


def vietnamese(number: Decimal) -> str:
    """``3.300``, ``12,5``, ``-1,5``: dots group thousands, a comma marks decimals."""
    sign = "-" if number < 0 else ""
    whole, _, decimals = format(abs(number), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    decimals = decimals.rstrip("0")
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"


def month_ends(year: int) -> list[date]:
    """The last day of each month."""
    from thiduaCLI.domain.calendar import month_end

    return [month_end(year, month) for month in range(1, 13)]


MICROSECONDS_A_DAY = 86_400_000_000
YEAR_START = datetime(YEAR, 1, 1, tzinfo=UTC)


def recorded_at(microseconds: int) -> str:
    """``recorded_at`` as SQLAlchemy writes it to SQLite: UTC, no zone, microseconds."""
    moment = YEAR_START + timedelta(microseconds=microseconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def figure_rows(
    rng: random.Random, units: Sequence[UnitSpec], count: int
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """``count`` figures over the year (never on a month's last day, which the CSV uses),
    as ``thidua report`` writes them, ids in recording order, with some corrections; and
    some retractions."""
    ends = {day.timetuple().tm_yday - 1 for day in month_ends(YEAR)}
    days = [n for n in range(365) if n not in ends]  # day of the year, from 0
    iso = [(date(YEAR, 1, 1) + timedelta(days=n)).isoformat() for n in range(365)]
    base_count = count - CORRECTIONS
    # drafts: (recorded, in µs since 1 Jan UTC; unit; population; indicator; day; supersedes)
    drafts: list[tuple[int, str, int, str, int, int]] = []
    for indicator in WARD_ONLY:  # the ward's own monthly figure, three days after the 28th
        for month in range(12):
            day = date(YEAR, month + 1, 28).timetuple().tm_yday - 1
            drafts.append(((day + 3) * MICROSECONDS_A_DAY, WARD, 0, indicator, day, -1))
    choice, randint, randrange = rng.choice, rng.randint, rng.randrange
    office_hours = 9 * 3_600_000_000  # 08:00–17:00 in Vietnam is 01:00–10:00 UTC
    for _ in range(base_count - len(drafts)):
        unit = choice(units)
        day = choice(days)
        # recorded 0–25 days after the date it refers to (some after the due date)
        moment = (day + randint(0, 25)) * MICROSECONDS_A_DAY + 3_600_000_000
        moment += randrange(office_hours)
        drafts.append((moment, unit.code, unit.population, choice(INDICATOR_CODES), day, -1))
    originals = rng.sample(range(base_count), CORRECTIONS)
    for original in originals:  # a correction: same unit, indicator and day, a day or more on
        moment, code, population, indicator, day, _ = drafts[original]
        later = moment + randint(1, 5) * MICROSECONDS_A_DAY + randrange(3_600_000_000)
        drafts.append((later, code, population, indicator, day, original))
    order = sorted(range(len(drafts)), key=lambda index: drafts[index][0])
    ids = [0] * len(drafts)
    for position, index in enumerate(order):
        ids[index] = position + 1
    rows: list[tuple[object, ...]] = []
    for index in order:
        moment, code, population, indicator, day, original = drafts[index]
        value, numerator, denominator = stored(draw(rng, indicator, population))
        rows.append(  # in store.FIGURE_COLUMNS order; ids follow from the order
            (
                YEAR,
                code,
                indicator,
                value,
                numerator,
                denominator,
                None,  # reported_total: not entered with --total
                iso[day],
                choice(RECORDERS),
                None if original < 0 else "Sửa: nhập nhầm số liệu",
                recorded_at(moment),
                "cli",
                None if original < 0 else ids[original],
                None,  # key
            )
        )
    corrected = {ids[original] for original in originals}
    candidates = [ids[i] for i in range(base_count) if ids[i] not in corrected]
    when = recorded_at(354 * MICROSECONDS_A_DAY + 3_600_000_000)  # 21 December
    retractions = [
        (figure_id, "Rút: đơn vị báo cáo trùng", when, choice(RECORDERS))
        for figure_id in sorted(rng.sample(candidates, RETRACTIONS))
    ]
    return rows, retractions


def insert_figures(
    database: Path, rows: list[tuple[object, ...]], retractions: list[tuple[object, ...]]
) -> None:
    """Write the figures through thidua's one writer of figures
    (:func:`thiduaCLI.storage.store.add_figures`: exact parts, filing times, month-by-month
    rows and the audit chain as ``report`` and ``import`` keep them) in one transaction, and
    the retractions as ``retract`` does.

    Not through the :class:`~thiduaCLI.ledger.Ledger`: the library records each figure at
    the moment it is recorded, as it must, and a benchmark of a year needs a year of recording
    times (lateness, timeliness, "last report" all read them). The writer below the library is
    the same one the library calls."""
    from thiduaCLI.storage import store
    from thiduaCLI.storage.models import Retraction

    with (
        store.open_database(database, create=False) as opened,
        opened.session(write=True) as session,
    ):
        session.connection().exec_driver_sql("PRAGMA cache_size = -200000")
        store.add_figures(session, rows)
        for figure_id, reason, when, by in retractions:
            retracted_at = datetime.fromisoformat(str(when)).replace(tzinfo=UTC)
            retraction = Retraction(
                figure_id=figure_id, reason=reason, retracted_at=retracted_at, retracted_by=by
            )
            store.add_retraction(session, retraction)
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def write_import_csv(rng: random.Random, units: Sequence[UnitSpec], rows: int, path: Path) -> None:
    """``rows`` month-end figures, each (unit, indicator, month) once, Vietnamese style:
    ``;``-separated, Vietnamese headers, ``3.300/3.400``, ``12,5``, ``31/03/2026``."""
    ends = month_ends(YEAR)
    slots = len(units) * len(INDICATOR_CODES) * len(ends)
    if rows > slots:
        raise SystemExit(f"--import-rows: at most {slots} distinct month-end figures")
    lines = ["đơn vị;chỉ tiêu;giá trị;ngày;ghi chú;người nhập"]
    for slot in sorted(rng.sample(range(slots), rows)):
        rest, month = divmod(slot, len(ends))
        unit_index, indicator_index = divmod(rest, len(INDICATOR_CODES))
        unit, indicator, day = units[unit_index], INDICATOR_CODES[indicator_index], ends[month]
        value = typed(draw(rng, indicator, unit.population))
        lines.append(
            f"{unit.code};{indicator};{value};{day:%d/%m/%Y};"
            f"Báo cáo tháng {day.month};{rng.choice(RECORDERS)}"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def generate(
    directory: Path,
    thidua: Path,
    env: dict[str, str],
    figures: int,
    import_rows: int,
    version: str,
) -> Dataset:
    """Make (or, with a matching stamp, reuse) the plan, databases, CSV and floor script."""
    dataset = Dataset(
        directory=directory,
        plan=directory / "plan_province.toml",
        plan_db=directory / "plan_only.sqlite3",
        big_db=directory / "province.sqlite3",
        csv=directory / "import_100k.csv",
        floor_script=directory / "floor_import.py",
        figures=figures,
        import_rows=import_rows,
    )
    meta = {
        "data_version": DATA_VERSION,
        "thidua": version,
        "figures": figures,
        "import_rows": import_rows,
        "units": UNITS,
        "blocks": BLOCKS,
        "seed": SEED,
    }
    meta_path = directory / "meta.json"
    dataset.floor_script.write_text(FLOOR_IMPORT_SCRIPT, encoding="utf-8")
    with contextlib.suppress(OSError, ValueError):
        if json.loads(meta_path.read_text()) == meta and all(
            path.exists() for path in (dataset.plan, dataset.plan_db, dataset.big_db, dataset.csv)
        ):
            print(f"Reusing the data in {directory}")
            return dataset
    meta_path.unlink(missing_ok=True)
    remove_database(dataset.plan_db)
    remove_database(dataset.big_db)
    rng = random.Random(SEED)
    started = time.perf_counter()
    units = make_units(rng, UNITS, BLOCKS)
    dataset.plan.write_text(plan_toml(units, BLOCKS), encoding="utf-8")
    run_or_stop([str(thidua), "--db", str(dataset.plan_db), "init", str(dataset.plan)], env)
    print(
        f"Plan: {len(units)} units in {BLOCKS} blocks, loaded by thidua init "
        f"({time.perf_counter() - started:.1f} s)"
    )
    shutil.copyfile(dataset.plan_db, dataset.big_db)
    started = time.perf_counter()
    rows, retractions = figure_rows(rng, units, figures)
    drawn = time.perf_counter() - started
    insert_figures(dataset.big_db, rows, retractions)
    print(
        f"Figures: {len(rows):,} ({CORRECTIONS:,} corrections, {RETRACTIONS} retractions) "
        f"drawn in {drawn:.1f} s, inserted in {time.perf_counter() - started - drawn:.1f} s; "
        f"{dataset.big_db.stat().st_size / BYTES_PER_MB:.0f} MB"
    )
    started = time.perf_counter()
    write_import_csv(rng, units, import_rows, dataset.csv)
    print(f"CSV: {import_rows:,} rows in {time.perf_counter() - started:.1f} s")
    meta_path.write_text(json.dumps(meta))
    return dataset


# ------------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Sample:
    """One whole-process run: wall time, peak RSS, exit code, what it printed."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


# A child's ru_maxrss starts from the RSS of the process that forked it (Linux keeps the old
# address space's high-water mark across exec), so the bench's own memory would leak into
# every measurement. Commands are therefore started and timed by this tiny launcher, run
# with ``python -S``, whose own footprint (about 8 MB) is below any Python child's.
LAUNCHER = """\
import os, sys, time
result, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawn(command[0], command, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(result, "w") as handle:
    handle.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(command: Sequence[str], env: dict[str, str]) -> Sample:
    """Run a command to completion: wall time and peak RSS (``wait4``) of that process."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".measure") as result,
    ):
        launcher = [sys.executable, "-S", "-c", LAUNCHER, result.name, *command]
        subprocess.run(launcher, stdout=out, stderr=err, env=env, check=True)
        seconds, max_rss_kb, returncode = result.read().split()
        out.seek(0)
        err.seek(0)
        return Sample(
            float(seconds),
            int(max_rss_kb) / 1024,  # kilobytes on Linux
            int(returncode),
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


@dataclass
class Series:
    """Repeated runs of one command."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(sample.seconds for sample in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(sample.peak_mb for sample in self.samples)

    def spread(self) -> str:
        times = sorted(sample.seconds for sample in self.samples)
        return f"{times[0]:.3f}–{times[-1]:.3f}"


@dataclass(frozen=True)
class Job:
    """A command to time, what to do (untimed) before each run, and how to check its output."""

    label: str
    command: Sequence[str]
    prepare: Callable[[], None] | None = None
    check: Callable[[Sample], str | None] | None = None


def alternate(
    runs: int, jobs: Sequence[Job], env: dict[str, str], *, warm_up: bool = True
) -> list[Series]:
    """Run the jobs in turn, ``runs`` rounds (after one untimed warm-up round), so that a
    command and its floor share whatever load the machine is under."""
    measured = [Series() for _ in jobs]
    first = 0 if warm_up else 1
    for round_number in range(first, runs + 1):
        for job, series in zip(jobs, measured, strict=True):
            if job.prepare is not None:
                job.prepare()
            sample = run_once(job.command, env)
            if sample.returncode != 0:
                raise SystemExit(
                    f"{shlex.join(job.command)} failed with exit {sample.returncode}:\n"
                    f"{sample.stderr}"
                )
            problem = job.check(sample) if job.check is not None else None
            if problem:
                raise SystemExit(f"{shlex.join(job.command)}: {problem}")
            if round_number:  # round 0 only warms caches
                series.samples.append(sample)
            print(
                f"  {job.label}: {'warm-up' if not round_number else f'run {round_number}'}"
                f" {sample.seconds:.3f} s, {sample.peak_mb:.0f} MB",
                file=sys.stderr,
            )
    return measured


@dataclass(frozen=True)
class Verdict:
    """One line of the results table."""

    name: str
    median: float | None
    floor: float | None
    measure: str
    budget: str
    passed: bool
    peak_mb: float | None


def ratio_verdict(name: str, command: Series, floor: Series, limit: float) -> Verdict:
    ratio = command.median / floor.median
    return Verdict(
        name,
        command.median,
        floor.median,
        f"{ratio:.2f}x",
        f"<= {limit}x",
        ratio <= limit,
        command.peak_mb,
    )


def overhead_verdict(
    name: str, command: Series, floor: Series, seconds: float, memory_mb: float
) -> Verdict:
    extra = command.median - floor.median
    return Verdict(
        name,
        command.median,
        floor.median,
        f"+{extra:.2f} s",
        f"<= +{seconds:g} s, < {memory_mb:g} MB",
        extra <= seconds and command.peak_mb < memory_mb,
        command.peak_mb,
    )


def run_or_stop(command: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a set-up or profiling command; stop the benchmark, naming it, if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        shown = shlex.join(command)
        raise SystemExit(f"{shown} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return result


def import_profile(
    python: str, thidua: Path, argument: str, env: dict[str, str]
) -> tuple[list[str], str]:
    """From ``python -X importtime thidua ARGUMENT``: the SQLAlchemy/SQLModel modules it
    imports (there must be none), and its five slowest top-level imports."""
    result = run_or_stop([python, "-X", "importtime", str(thidua), argument], env)
    forbidden: set[str] = set()
    top: list[tuple[int, str]] = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if name.strip().split(".")[0] in FORBIDDEN_AT_STARTUP:
            forbidden.add(name.strip())
        if cumulative.strip().isdigit() and not name.startswith("  "):
            top.append((int(cumulative), name.strip()))
    top.sort(reverse=True)
    slowest = ", ".join(f"{name} {micros / 1000:.0f} ms" for micros, name in top[:5])
    return sorted(forbidden), slowest


# ------------------------------------------------------------------------ reporting


def machine() -> list[str]:
    """CPU model, cores, Python and SQLite versions."""
    model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return [
        f"CPU: {model}; {os.cpu_count()} cores ({usable} usable)",
        f"Python {platform.python_version()} ({sys.executable}); "
        f"SQLite {sqlite3.sqlite_version}; {platform.platform()}",
    ]


def table(verdicts: Sequence[Verdict]) -> str:
    """A plain-text table of the verdicts."""
    header = ("command", "median s", "floor s", "vs floor", "budget", "result", "peak MB")
    rows = [header] + [
        (
            v.name,
            "" if v.median is None else f"{v.median:.3f}",
            "" if v.floor is None else f"{v.floor:.3f}",
            v.measure,
            v.budget,
            "PASS" if v.passed else "FAIL",
            "" if v.peak_mb is None else f"{v.peak_mb:.0f}",
        )
        for v in verdicts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


# ------------------------------------------------------------------------ the benchmark


@contextlib.contextmanager
def data_directory(keep: Path | None) -> Iterator[Path]:
    """``--keep DIR`` (made if missing), else a temporary directory removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="thidua-bench-") as temporary:
        yield Path(temporary)


def remove_database(path: Path) -> None:
    """Delete a database file and its ``-wal``/``-shm`` companions."""
    for leftover in (path, *path.parent.glob(path.name + "-*")):
        leftover.unlink(missing_ok=True)


def fresh_copy(source: Path, target: Path) -> Callable[[], None]:
    """A ``prepare`` step: replace ``target`` (and its WAL files) by a copy of ``source``."""

    def copy() -> None:
        remove_database(target)
        shutil.copyfile(source, target)

    return copy


# thidua brief on the province: its four papers (a report with 111 charts, 3,000 ranked
# units and 27,000 scorecard rows) within a minute and under 800 MB
BRIEF_SECONDS, BRIEF_MB, BRIEF_RUNS = 60, 800, 3


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="generate data into DIR and reuse it next time"
    )
    parser.add_argument(
        "--figures", type=int, default=FIGURES, help="figures in the big database (smoke tests)"
    )
    parser.add_argument(
        "--import-rows", type=int, default=IMPORT_ROWS, help="rows in the import CSV (smoke tests)"
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="admin URL of a PostgreSQL server for its part"
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="skip the PostgreSQL part (no server here)"
    )
    arguments = parser.parse_args(argv)
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    python = sys.executable
    thidua = Path(python).parent / "thidua"
    if not thidua.exists():
        raise SystemExit(f"no thidua script next to {python}: install the project first")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("THIDUA_") and name != "PYTHONDONTWRITEBYTECODE"
    }
    env |= {"NO_COLOR": "1", "COLUMNS": "120"}
    version = subprocess.run(
        [str(thidua), "--version"], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    for line in machine():
        print(line)
    print(f"{version} at {thidua}; {arguments.runs} timed runs per command (medians)")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")

    with data_directory(arguments.keep) as directory:
        data = generate(directory, thidua, env, arguments.figures, arguments.import_rows, version)
        print()
        verdicts = benchmark(arguments.runs, python, thidua, data, env)
        if not arguments.no_postgres:
            with postgres_server(arguments.postgres, directory) as admin:
                verdicts += benchmark_postgres(arguments.runs, python, thidua, data, env, admin)
        print()
        print(table(verdicts))
        failed = [v.name.strip() for v in verdicts if not v.passed]
        print()
        print(f"FAILED: {', '.join(failed)}" if failed else "All budgets met.")
        return 1 if failed else 0


def benchmark(
    runs: int, python: str, thidua: Path, data: Dataset, env: dict[str, str]
) -> list[Verdict]:
    """Time every command against its floor and judge it against its budget."""
    verdicts: list[Verdict] = []
    typer_floor = Job("floor: import typer", [python, "-c", TYPER_FLOOR])
    import_floor = Job(f"floor: {IMPORT_FLOOR}", [python, "-c", IMPORT_FLOOR])
    floors: dict[str, Series] = {}

    for argument in ("--help", "--version"):
        floor, series = alternate(
            runs, [typer_floor, Job(f"thidua {argument}", [str(thidua), argument])], env
        )
        floors[f"{typer_floor.label} ({argument})"] = floor
        verdicts.append(ratio_verdict(f"thidua {argument}", series, floor, 1.5))
        heavy, slowest = import_profile(python, thidua, argument, env)
        verdicts.append(
            Verdict(
                f"  {argument}: no SQLAlchemy/SQLModel imported",
                None,
                None,
                f"{len(heavy)} modules",
                "0 modules",
                not heavy,
                None,
            )
        )
        if heavy:
            more = " …" if len(heavy) > 8 else ""
            print(f"thidua {argument} imports: {', '.join(heavy[:8])}{more}")
        print(f"thidua {argument}, slowest top-level imports: {slowest}")

    report_db = data.directory / "report.sqlite3"
    fresh_copy(data.big_db, report_db)()  # each run adds one figure to this copy
    report = [
        str(thidua), "--db", str(report_db), "report", "B050_U15", "VIEC_LAM", "2",
        "--date", "30/06/2026", "--by", "bench", "--note", "bench",
    ]  # fmt: skip
    floor, series = alternate(runs, [import_floor, Job("thidua report", report)], env)
    floors[f"{import_floor.label} (report)"] = floor
    remove_database(report_db)
    verdicts.append(ratio_verdict("thidua report (big db)", series, floor, 1.3))

    for command in ("status", "rank"):
        review = [str(thidua), "--db", str(data.big_db), command, "--as-of", AS_OF]
        floor, series = alternate(runs, [import_floor, Job(f"thidua {command}", review)], env)
        floors[f"{import_floor.label} ({command})"] = floor
        name = f"thidua {command} ({data.figures:,} figures)"
        verdicts.append(overhead_verdict(name, series, floor, 1.0, 200))

    target = data.directory / "import_target.sqlite3"
    rows = data.import_rows

    def recorded_all(sample: Sample) -> str | None:
        result = json.loads(sample.stdout)
        if result.get("recorded") != rows:
            return f"recorded {result.get('recorded')} of {rows} rows: {sample.stdout}"
        return None

    def inserted_all(sample: Sample) -> str | None:
        return None if sample.stdout.strip() == str(rows) else f"inserted {sample.stdout}"

    floor_job = Job(
        "floor: csv + sqlite3 executemany",
        [python, str(data.floor_script), str(target), str(data.csv)],
        fresh_copy(data.big_db, target),
        inserted_all,
    )
    import_job = Job(
        "thidua import",
        [str(thidua), "--db", str(target), "import", str(data.csv), "--by", "bench", "--json"],
        fresh_copy(data.big_db, target),
        recorded_all,
    )
    floor, series = alternate(runs, [floor_job, import_job], env, warm_up=False)
    floors[floor_job.label] = floor
    remove_database(target)
    verdicts.append(ratio_verdict(f"thidua import ({rows:,} rows)", series, floor, 3.0))

    # the papers of a review: once per meeting, so an absolute budget, fewer runs
    papers = data.directory / "papers"
    brief_job = Job(
        "thidua brief",
        [str(thidua), "--db", str(data.big_db), "brief", "--as-of", AS_OF, "-o", str(papers), "-q"],
        lambda: shutil.rmtree(papers, ignore_errors=True),
    )
    (series,) = alternate(min(runs, BRIEF_RUNS), [brief_job], env, warm_up=False)
    shutil.rmtree(papers, ignore_errors=True)
    verdicts.append(
        Verdict(
            f"thidua brief ({data.figures:,} figures)",
            series.median,
            None,
            f"{series.median:.1f} s",
            f"<= {BRIEF_SECONDS} s, < {BRIEF_MB} MB",
            series.median <= BRIEF_SECONDS and series.peak_mb < BRIEF_MB,
            series.peak_mb,
        )
    )

    print("\nFloors (median, range, peak):")
    for label, floor in floors.items():
        print(f"  {label}: {floor.median:.3f} s ({floor.spread()}), {floor.peak_mb:.0f} MB")
    return verdicts


@contextlib.contextmanager
def postgres_server(admin: str | None, directory: Path) -> Iterator[str]:
    """The admin URL given, or a throw-away cluster's for the run (stopped after it)."""
    if admin is not None:
        yield admin
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import postgres_server as pg

    cluster = pg.start_cluster(directory / "postgres")
    try:
        yield cluster.url()
    finally:
        cluster.stop()


def benchmark_postgres(
    runs: int, python: str, thidua: Path, data: Dataset, env: dict[str, str], admin: str
) -> list[Verdict]:
    """``status`` and ``rank`` on the big database copied up into PostgreSQL, read by an
    officer's login: the same budgets as on SQLite."""
    import psycopg

    name, officer = "thidua_bench", "bench_officer"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
        owner = connection.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
    parts = urlsplit(admin)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    started = time.perf_counter()
    run_or_stop([str(thidua), "--db", str(data.big_db), "db", "copy", "--to", url, "-q"], env)
    print(
        f"Copied {data.figures:,} figures into PostgreSQL in {time.perf_counter() - started:.0f} s"
    )
    run_or_stop([str(thidua), "--db", url, "access", "grant", officer, "--officer", "-q"], env)
    with psycopg.connect(urlunsplit(parts._replace(path=f"/{name}")), autocommit=True) as c:
        c.execute("VACUUM ANALYZE")
    as_officer = urlunsplit(
        parts._replace(path=f"/{name}", netloc=parts.netloc.replace(f"{owner}@", f"{officer}@", 1))
    )
    import_floor = Job(f"floor: {IMPORT_FLOOR}", [python, "-c", IMPORT_FLOOR])
    verdicts = []
    for command in ("status", "rank"):
        review = [str(thidua), "--db", as_officer, command, "--as-of", AS_OF]
        floor, series = alternate(runs, [import_floor, Job(f"thidua {command} (pg)", review)], env)
        print(f"  floor for {command} on PostgreSQL: {floor.median:.3f} s ({floor.spread()})")
        name_shown = f"thidua {command} on PostgreSQL ({data.figures:,} figures)"
        verdicts.append(overhead_verdict(name_shown, series, floor, 1.0, 200))
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
