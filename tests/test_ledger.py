"""The library: :func:`thiduaCLI.open_ledger` on a real SQLite file, typed arguments, one-line
errors that write nothing, and results whose JSON dump is what the command line prints."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import dump, figure_count
from thiduaCLI import InputError, LookupFailed, UsageProblem, open_ledger, results
from thiduaCLI.domain.periods import Period
from thiduaCLI.errors import StoreError
from thiduaCLI.ledger import ImportRefused, Ledger
from thiduaCLI.text.numbers import Reading

ENGINES = ("sqlite", "postgresql")  # each test using db runs on both (conftest.py)

TODAY = date(2026, 5, 20)


@pytest.fixture
def ledger_db(db: Path, ready) -> Path:
    """A database holding the shipped plan and no figures (``ready`` copies it there)."""
    return db


@pytest.fixture
def ledger(ledger_db: Path) -> Iterator[Ledger]:
    with open_ledger(ledger_db, today=TODAY) as opened:
        yield opened


def _fill(ledger: Ledger) -> None:
    """Figures of several kinds, a correction and a retraction, through the library only
    (named people on SQLite; on PostgreSQL the login records them all)."""
    lan, binh = ("Lan", "Bình") if isinstance(ledger.path, Path) else (None, None)
    ledger.record("K03", "VIEC_LAM", Decimal(25), on=date(2026, 3, 31), by=lan)
    ledger.record("khom 1", "viec lam", 12, on=date(2026, 2, 28), by=lan, note="tháng 2")
    ledger.record("K01", "BHYT", (Decimal(4850), Decimal(5000)), on=date(2026, 2, 28), by=lan)
    ledger.record("PHUONG", "THU_NS", Decimal("0.85"), on=date(2026, 1, 15), by=binh)
    ledger.record("PHUONG", "TANG_TRUONG", Decimal("-1.5"), on=date(2026, 3, 31), by=binh)
    ledger.record("K02", "BHYT", (3300, 3400), on=date(2026, 4, 30), by=lan, key="k02-4")
    ledger.correct(1, Decimal(30), reason="nhầm số tháng 3", by=lan)
    ledger.retract(2, reason="báo cáo trùng", by=lan)
    ledger.import_rows(
        [
            {
                "unit": "K04",
                "indicator": "VIEC_LAM",
                "value": Decimal(7),
                "date": date(2026, 3, 15),
            },
            {"unit": "K05", "indicator": "BHYT", "value": "10/20", "date": "15/03/2026"},
        ],
        source="script",
        by=lan,
    )


def test_record_correct_and_rank_through_the_library_only(ledger: Ledger) -> None:
    lan = "Lan" if isinstance(ledger.path, Path) else None  # PostgreSQL: the login records
    recorded = ledger.record("K03", "VIEC_LAM", Decimal(25), on=date(2026, 3, 31), by=lan)
    assert isinstance(recorded, results.Recorded)
    assert (recorded.id, recorded.unit, recorded.indicator, recorded.value) == (
        1,
        "K03",
        "VIEC_LAM",
        Decimal(25),
    )
    assert recorded.year_to_date == 25 and not recorded.duplicate
    share = ledger.record("K01", "BHYT", (4850, 5000), on=date(2026, 2, 28))
    assert (share.numerator, share.denominator, share.value) == (4850, 5000, Decimal(97))
    corrected = ledger.correct(recorded.id, Decimal(30), reason="nhầm", by=lan)
    assert isinstance(corrected, results.Corrected)
    assert (corrected.supersedes, corrected.value, corrected.year_to_date) == (1, 30, 30)
    again = ledger.record("K03", "VIEC_LAM", 5, on=date(2026, 4, 30), key="k")
    assert ledger.record("K03", "VIEC_LAM", 5, on=date(2026, 4, 30), key="k").duplicate
    assert again.year_to_date == 35

    ranking = ledger.rank(as_of=date(2026, 4, 30), block="KHOM")
    assert isinstance(ranking, results.Ranking)
    rows = {row.unit: row for row in ranking.rows}
    assert set(rows) == {unit.code for unit in ledger.plan.members("KHOM")}
    k03 = rows["K03"]
    part = next(part for part in k03.parts if part.indicator == "VIEC_LAM")
    assert part.value == 35 and not part.missing
    assert k03.score == max(row.score for row in ranking.rows)
    dumped = ranking.model_dump(mode="json")
    assert dumped["as_of"] == "2026-04-30" and dumped["previous_as_of"] == "2026-03-31"
    assert json.loads(json.dumps(dumped)) == dumped  # plain JSON: numbers, strings, null
    assert ledger.history().root[0].id == again.id


def test_a_period_and_a_default_day(ledger: Ledger) -> None:
    assert ledger.status().as_of == TODAY  # today, inside the plan year
    status = ledger.status(period=Period("quarter", 2026, 1))
    assert (status.as_of, status.period) == (date(2026, 3, 31), "2026-Q1")
    with pytest.raises(InputError, match="không thuộc năm kế hoạch 2026"):
        ledger.status(period=Period("month", 2025, 12))
    with pytest.raises(UsageProblem):
        ledger.status(as_of=date(2026, 3, 31), period=Period("month", 2026, 3))


@pytest.mark.parametrize(
    ("call", "message", "error"),
    [
        (
            lambda ledger: ledger.record("K99", "VIEC_LAM", 1, on=date(2026, 3, 31)),
            "không có đơn vị 'K99'; gần nhất: K19 (Khóm 19), K09 (Khóm 9)",
            LookupFailed,
        ),
        (
            lambda ledger: ledger.record("K03", "BHYT", Decimal(101), on=date(2026, 3, 31)),
            "BHYT (Tỷ lệ người dân tham gia bảo hiểm y tế) là tỷ lệ: giá trị phải từ 0 đến 100 "
            "(đã nhập 101)",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "VIEC_LAM", (1, 2), on=date(2026, 3, 31)),
            "VIEC_LAM (Giải quyết việc làm) không phải chỉ tiêu tỷ lệ: nhập một số, không nhập "
            "tử số/mẫu số",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "BHYT", (6, 5), on=date(2026, 3, 31)),
            "'6/5': tử số không được lớn hơn mẫu số",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "VIEC_LAM", Decimal("1e-10"), on=date(2026, 3, 1)),
            "'1E-10' có quá nhiều chữ số thập phân (tối đa 9)",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "VIEC_LAM", float("nan"), on=date(2026, 3, 1)),
            "'nan' không phải là một số hợp lệ",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "VIEC_LAM", "25", on=date(2026, 3, 1)),  # type: ignore[arg-type]
            "'25' không phải là một số hợp lệ",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "VIEC_LAM", 1, on=date(2027, 1, 1)),
            "ngày 01/01/2027 nằm ngoài năm kế hoạch 2026 (chọn một ngày từ 01/01/2026 đến "
            "31/12/2026)",
            InputError,
        ),
        (
            lambda ledger: ledger.correct(99, Decimal(1), reason="x"),
            "không có số liệu #99; xem mã số bằng: thidua history",
            InputError,
        ),
        (
            lambda ledger: ledger.retract(1, reason="  "),
            "--reason không được để trống: ghi lý do để lịch sử giải thích được",
            InputError,
        ),
        (
            lambda ledger: ledger.scorecard("PHUONG"),
            "PHUONG (UBND phường Mỹ Thới) là phường, không chấm điểm; xem thidua status",
            InputError,
        ),
        (
            lambda ledger: ledger.check(),
            "chọn ít nhất một kiểm tra: --behind, --missing, --overdue DAYS, --below SCORE",
            UsageProblem,
        ),
        (
            lambda ledger: ledger.correct(2**70, Decimal(1), reason="x"),
            "không có số liệu #1180591620717411303424; xem mã số bằng: thidua history",
            InputError,
        ),
        (
            lambda ledger: ledger.retract("1", reason="x"),  # type: ignore[arg-type]
            "không có số liệu #1; xem mã số bằng: thidua history",
            InputError,
        ),
        (
            lambda ledger: ledger.record("K03", "VIEC_LAM", 1, on=datetime(2026, 3, 31, 23, 30)),
            "--date 2026-03-31 23:30:00: cần một ngày (date), ví dụ date(2026, 3, 31)",
            InputError,
        ),
        (
            lambda ledger: ledger.status(as_of=datetime(2026, 3, 31, 8, 0)),
            "--as-of 2026-03-31 08:00:00: cần một ngày (date), ví dụ date(2026, 3, 31)",
            InputError,
        ),
        (
            lambda ledger: ledger.record(
                "K03", "VIEC_LAM", Reading(value=Decimal("NaN"), typed="x"), on=date(2026, 3, 1)
            ),
            "'NaN' không phải là một số hợp lệ",
            InputError,
        ),
        (
            lambda ledger: ledger.check(below=Decimal("sNaN")),
            "--below sNaN: cần một số điểm, ví dụ 50",
            UsageProblem,
        ),
        (
            lambda ledger: ledger.check(overdue=-5),
            "--overdue -5: cần số ngày, một số nguyên từ 0, ví dụ 35",
            UsageProblem,
        ),
        (
            lambda ledger: ledger.import_rows([], number_format="xx"),
            "--number-format xx: chọn một trong vi, en",
            UsageProblem,
        ),
    ],
)
def test_typed_arguments_are_checked_and_an_error_writes_nothing(
    ledger: Ledger,
    ledger_db: Path,
    call: Callable[[Ledger], object],
    message: str,
    error: type[Exception],
) -> None:
    before = dump(ledger_db)
    with pytest.raises(error) as raised:
        call(ledger)
    assert str(raised.value) == message
    assert "\n" not in str(raised.value)
    assert dump(ledger_db) == before


def test_an_import_with_a_bad_row_writes_none(ledger: Ledger, ledger_db: Path) -> None:
    rows = [
        {"unit": "K03", "indicator": "VIEC_LAM", "value": 5, "date": date(2026, 3, 31)},
        {"unit": "K03", "indicator": "VIEC_LAM", "value": -5, "date": date(2026, 3, 31)},
    ]
    with pytest.raises(ImportRefused) as refused:
        ledger.import_rows(rows)
    assert refused.value.errors == [
        "dòng 3: VIEC_LAM (Giải quyết việc làm) không nhận số âm (đã nhập -5)"
    ]
    assert figure_count(ledger_db) == 0
    done = ledger.import_rows(rows[:1], source="cron")
    assert (done.rows, done.recorded, done.skipped) == (1, 1, 0)
    assert ledger.import_rows(rows[:1], source="cron").skipped == 1
    assert ledger.history().root[0].origin == "import:cron:2"


@pytest.mark.sqlite_only  # a file's own behaviour
def test_open_ledger_takes_a_sqlite_url_and_refuses_other_engines(ledger_db: Path) -> None:
    with open_ledger(f"sqlite:///{ledger_db}") as ledger:
        assert ledger.path == ledger_db.resolve() or ledger.path == ledger_db
    with pytest.raises(InputError) as refused:
        open_ledger("mysql://ward:secret@db/thidua")
    assert str(refused.value) == (
        "mysql://ward@db/thidua: không rõ loại cơ sở dữ liệu; dùng tệp SQLite (đường dẫn hoặc "
        "sqlite:///TỆP) hoặc PostgreSQL (postgresql://TÀI_KHOẢN@MÁY/TÊN)"
    )


def test_a_server_that_cannot_be_reached_is_one_line_without_the_password(tmp_path) -> None:
    socket_folder = tmp_path / "no-server"
    socket_folder.mkdir()
    url = f"postgresql://ward:secret@/thidua?host={socket_folder}&port=5999"
    with pytest.raises(StoreError) as refused:
        open_ledger(url)
    message = str(refused.value)
    assert message.startswith(
        f"postgresql://ward@/thidua?host={socket_folder}&port=5999: không kết nối được máy "
        "chủ PostgreSQL ("
    )
    assert "secret" not in message and "\n" not in message


# ------------------------------------------------------- one definition of the JSON


def _cli(db: Path, *args: str) -> Any:
    """The command's ``--json`` output, run in this process."""
    from thiduaCLI.cli.app import app
    from thiduaCLI.text import i18n

    i18n.use("vi")
    ran = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert ran.exit_code in (0, 3), ran.output
    return json.loads(ran.stdout)


READS: list[tuple[Callable[[Ledger], Any], tuple[str, ...]]] = [
    (lambda x: x.status(as_of=date(2026, 4, 30)), ("status", "--as-of", "2026-04-30")),
    (
        lambda x: x.status(period=Period("quarter", 2026, 1)),
        ("status", "--period", "2026-Q1"),
    ),
    (lambda x: x.rank(as_of=date(2026, 4, 30)), ("rank", "--as-of", "2026-04-30")),
    (
        lambda x: x.rank(period=Period("half", 2026, 1), block="KHOM"),
        ("rank", "--period", "2026-H1", "--block", "KHOM"),
    ),
    (
        lambda x: x.shortlist(as_of=date(2026, 12, 31)),
        ("rank", "--shortlist", "--as-of", "2026-12-31"),
    ),
    (
        lambda x: x.scorecard("K01", date(2026, 4, 30)),
        ("show", "K01", "--as-of", "2026-04-30"),
    ),
    (
        lambda x: x.scorecard("K03", period=Period("half", 2026, 1)),
        ("show", "K03", "--period", "2026-H1"),
    ),
    (lambda x: x.history(), ("history",)),
    (lambda x: x.history("K03", "VIEC_LAM"), ("history", "K03", "VIEC_LAM")),
    (lambda x: x.target_changes(), ("history", "--targets")),
    (lambda x: x.plan_changes(), ("history", "--plan")),
    (lambda x: x.overdue(as_of=date(2026, 5, 20)), ("overdue", "--as-of", "2026-05-20")),
    (
        lambda x: x.check(date(2026, 5, 20), behind=True, overdue=5, below=50, missing=True),
        (
            "check",
            "--behind",
            "--overdue",
            "5",
            "--below",
            "50",
            "--missing",
            "--as-of",
            "2026-05-20",
        ),
    ),
    (lambda x: x.indicators(), ("indicators",)),
    (lambda x: x.units(), ("units",)),
    (lambda x: x.verify(), ("verify",)),
]


def test_every_read_result_dumps_exactly_what_its_command_prints(ledger_db: Path) -> None:
    """For every read command: the library's result, dumped as JSON, is the CLI's ``--json``
    on the same database."""
    with open_ledger(ledger_db, today=TODAY) as ledger:
        _fill(ledger)
        answers = [(read(ledger), args) for read, args in READS]
    for result, args in answers:
        assert result.model_dump(mode="json") == _cli(ledger_db, *args, "--json"), args
    assert figure_count(ledger_db) == 9


@pytest.mark.sqlite_only  # compares with a copy of the file
def test_every_write_result_dumps_what_its_command_prints(ledger_db: Path, tmp_path: Path) -> None:
    """report, correct and a review under --plan-as-of: the library's result on one copy of a
    database, the command's ``--json`` on another, equal but for the moment of recording."""
    twin = tmp_path / "twin.sqlite3"
    shutil.copy2(ledger_db, twin)
    writes: list[tuple[Callable[[Ledger], Any], tuple[str, ...]]] = [
        (
            lambda x: x.record("K03", "VIEC_LAM", Decimal(25), on=date(2026, 3, 31), by="Lan"),
            ("report", "K03", "VIEC_LAM", "25", "--date", "2026-03-31", "--by", "Lan"),
        ),
        (
            lambda x: x.record(
                "K01", "BHYT", (4850, 5000), on=date(2026, 3, 31), by="Lan", key="k1"
            ),
            ("report", "K01", "BHYT", "4850/5000", "--date", "2026-03-31", "--by", "Lan",
             "--key", "k1"),
        ),
        (
            lambda x: x.record("K03", "VIEC_LAM", 40, on=date(2026, 4, 30), by="Lan", total=True),
            ("report", "K03", "VIEC_LAM", "40", "--total", "--date", "2026-04-30", "--by", "Lan"),
        ),
        (
            lambda x: x.correct(1, Decimal(30), reason="nhầm", by="Lan"),
            ("correct", "1", "30", "--reason", "nhầm", "--by", "Lan"),
        ),
    ]  # fmt: skip

    def without_time(dumped: Any) -> Any:
        return {k: v for k, v in dumped.items() if k != "recorded_at"}

    for call, args in writes:
        with open_ledger(ledger_db, today=TODAY) as ledger:
            answer = call(ledger).model_dump(mode="json")
        printed = _cli(twin, *args, "--json")
        assert without_time(answer) == without_time(printed), args
        assert ("recorded_at" in answer) == ("recorded_at" in printed)
    assert figure_count(ledger_db) == figure_count(twin) == 4
    later = date(2100, 1, 1)  # the plan version in force then: the last one loaded
    with open_ledger(ledger_db, today=TODAY, plan_as_of=later) as ledger:
        ranking = ledger.rank(as_of=date(2026, 4, 30)).model_dump(mode="json")
    args = ("rank", "--as-of", "2026-04-30", "--plan-as-of", later.isoformat(), "--json")
    assert ranking == _cli(twin, *args)


def test_every_read_command_has_a_schema() -> None:
    commands = {args[0] for _, args in READS}
    named = {name.split("-")[0] for name in results.SCHEMAS}
    assert commands <= named


def test_the_package_exports_the_library_without_loading_it() -> None:
    """``import thiduaCLI`` (and so ``thidua --help``) loads no database or model code; the
    first use of ``open_ledger`` does, but not SQLModel (test_imports.py)."""
    import subprocess
    import sys

    probe = (
        "import sys, thiduaCLI\n"
        "from thiduaCLI.cli import launcher\n"
        "heavy = ('sqlalchemy', 'sqlmodel', 'pydantic', 'thiduaCLI.ledger')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
        "from thiduaCLI import open_ledger, Ledger\n"
        "assert open_ledger.__module__ == Ledger.__module__ == 'thiduaCLI.ledger'\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ran.stdout.splitlines() == [
        "[]",
        "['pydantic', 'sqlalchemy', 'thiduaCLI.ledger']",
    ]
