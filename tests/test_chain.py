"""An audit trail that sees every change (issue 14, item 4 and F11): plan versions,
``history --plan``, ``--plan-as-of``, the hash chain and ``thidua verify``; the database
edited behind thidua's back with the ``sqlite3`` program."""

from __future__ import annotations

import functools
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import run_thidua
from helpers import plan_copy
from thiduaCLI.domain import audit


def _sqlite3(db: Path, sql: str) -> None:
    """Run SQL as someone with the sqlite3 program would (Python's module without it)."""
    program = shutil.which("sqlite3")
    if program is not None:
        subprocess.run([program, str(db), sql], check=True, capture_output=True)
    else:  # pragma: no cover - depends on the machine
        with sqlite3.connect(db) as connection:
            connection.executescript(sql)


# VIEC_LAM "about" 1.400 becomes "at least" 1.400
VIEC_LAM_COMPARATOR = ('target = 1400\ncomparator = "~"', 'target = 1400\ncomparator = ">="')


@pytest.fixture(scope="session")
def recorded_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Figures of every kind: reported, corrected, retracted, imported (made once)."""
    folder = tmp_path_factory.mktemp("recorded")
    db = folder / "thidua.sqlite3"
    shutil.copy2(template_db, db)
    run = functools.partial(run_thidua, db, folder)
    for args in (
        ("K01", "VIEC_LAM", "3", "--date", "2026-01-31"),
        ("K02", "VIEC_LAM", "4", "--date", "2026-02-28", "--note", "tháng 2"),
        ("K03", "BHYT", "3000/3200", "--date", "2026-03-31"),
    ):
        assert run("report", *args).code == 0
    assert run("correct", "1", "5", "--reason", "nhầm").code == 0
    assert run("retract", "3", "--reason", "trùng").code == 0
    source = folder / "a.csv"
    source.write_text(
        "unit,indicator,value,date\nK04,VIEC_LAM,1,2026-04-30\nK05,VIEC_LAM,2,2026-04-30\n",
        encoding="utf-8",
    )
    assert run("import", str(source)).code == 0
    assert [path.name for path in folder.glob("thidua.sqlite3*")] == ["thidua.sqlite3"]
    return db


@pytest.fixture
def recorded(thidua, db: Path, recorded_template: Path):
    """``thidua`` on a copy of :func:`recorded_template`."""
    shutil.copy2(recorded_template, db)
    return thidua


def test_verify_holds_on_what_thidua_wrote(recorded, db: Path) -> None:
    done = recorded("verify")
    assert done.code == 0, done.err
    assert done.err == ""
    with sqlite3.connect(db) as connection:
        head = connection.execute("SELECT digest FROM audit_chain ORDER BY seq DESC").fetchone()
    # plan v1; figures #1, #2, #3, #4 (the correction); the retraction; figures #5-#6 at once
    assert done.out == (
        f"{db}: toàn vẹn. Chuỗi kiểm chứng khớp: 7 mục (6 số liệu, 1 lần rút, 1 phiên bản "
        f"kế hoạch); 4 dòng số liệu theo tháng khớp với các số liệu. Đầu chuỗi: {head[0]}\n"
    )
    answer = json.loads(recorded("verify", "--json").out)
    assert answer["ok"] is True and answer["head"] == head[0]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "UPDATE figure SET value = 30 WHERE id = 2",
            "chuỗi kiểm chứng đứt ở mục 3: số liệu #2 đã bị sửa hoặc xóa ngoài thidua",
        ),
        (
            "UPDATE figure SET recorded_by = 'ai đó' WHERE id = 6",
            "chuỗi kiểm chứng đứt ở mục 7: một trong các số liệu #5–#6 (một lần nhập) đã bị "
            "sửa hoặc xóa ngoài thidua",
        ),
        (
            "DELETE FROM retraction",
            "chuỗi kiểm chứng đứt ở mục 6: lần rút số liệu #3 đã bị sửa hoặc xóa ngoài thidua",
        ),
        (
            "INSERT INTO figure (year, unit, indicator, value, ref_date, recorded_by,"
            " recorded_at, origin) SELECT year, unit, indicator, 99, ref_date, recorded_by,"
            " recorded_at, origin FROM figure WHERE id = 1",
            "số liệu #7 không có trong chuỗi kiểm chứng: đã được thêm ngoài thidua",
        ),
        (
            "UPDATE plan_version SET loaded_by = 'x'",
            "chuỗi kiểm chứng đứt ở mục 1: phiên bản kế hoạch 1 đã bị sửa hoặc xóa ngoài thidua",
        ),
        (
            "UPDATE plan_unit SET document = replace(document, '50', '5') WHERE code = 'K01'",
            "kế hoạch năm 2026 đang lưu khác phiên bản 1 trong chuỗi kiểm chứng: đã bị sửa "
            "ngoài thidua",
        ),
        (
            "UPDATE plan SET title = 'Kế hoạch khác'",
            "kế hoạch năm 2026 đang lưu khác phiên bản 1 trong chuỗi kiểm chứng: đã bị sửa "
            "ngoài thidua",
        ),
        (
            "UPDATE figure_months SET whole_2 = 40 WHERE unit = 'K02'",
            "số liệu theo tháng (figure_months) không khớp với các số liệu ở K02 – VIEC_LAM "
            "năm 2026: đã bị sửa ngoài thidua",
        ),
    ],
)
def test_verify_names_the_first_thing_edited_behind_its_back(recorded, db, sql, message):
    _sqlite3(db, sql)
    before = db.read_bytes()
    done = recorded("verify")
    assert (done.code, done.out, done.err) == (1, "", f"Lỗi: {db}: {message}\n")
    assert db.read_bytes() == before  # verify writes nothing


def test_a_figure_edited_with_sqlite3_fails_verify_naming_it(recorded, db: Path) -> None:
    """The issue's own check: an edited figure is caught and named."""
    assert recorded("verify").code == 0
    _sqlite3(db, "UPDATE figure SET value = 4.5 WHERE id = 2")
    done = recorded("verify")
    assert done.code == 1
    assert done.err == (
        f"Lỗi: {db}: chuỗi kiểm chứng đứt ở mục 3: số liệu #2 đã bị sửa hoặc xóa ngoài thidua\n"
    )


def test_verify_runs_the_integrity_check(recorded, db: Path) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_figure_supersedes'"
        ).fetchone()
    with db.open("r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(b"\xff" * 4096)
    done = recorded("verify")
    assert done.code == 1
    assert done.err.startswith(f"Lỗi: {db}: cơ sở dữ liệu bị hỏng (")


def test_every_plan_change_is_a_version_listed_with_before_and_after(ready, db, tmp_path):
    """F11: a changed comparator moved scores while only target changes were recorded, and
    the old plan was overwritten."""
    changed = plan_copy(tmp_path, *VIEC_LAM_COMPARATOR)
    done = ready("init", str(changed), "--by", "Cán bộ A")
    assert done.code == 0, done.err
    listed = json.loads(ready("history", "--plan", "--json").out)
    newest = [row for row in listed if row["version"] == 2]
    assert [(row["field"], row["before"], row["after"]) for row in newest] == [
        ("indicators.VIEC_LAM.comparator", "~", ">=")
    ]
    assert newest[0]["loaded_by"] == "Cán bộ A" and newest[0]["source"] == str(changed)
    assert [row["field"] for row in listed if row["version"] == 1] == [None]
    table = ready("history", "--plan").out
    assert "indicators.VIEC_LAM.comparator" in table and "(nạp lần đầu)" in table
    # loading the same plan again changes nothing, and stores no version
    assert ready("init", str(changed)).code == 0
    assert {row["version"] for row in json.loads(ready("history", "--plan", "--json").out)} == {
        1,
        2,
    }
    assert ready("verify").code == 0


def test_a_review_can_use_the_plan_in_force_on_a_day(ready, db: Path, tmp_path: Path) -> None:
    changed = plan_copy(tmp_path, *VIEC_LAM_COMPARATOR)
    assert ready("init", str(changed)).code == 0
    with sqlite3.connect(db) as connection:  # the first version as if loaded in January
        connection.execute(
            "UPDATE plan_version SET loaded_at = '2026-01-02 01:00:00.000000' WHERE id = 1"
        )

    def comparator(*options: str) -> str:
        done = ready("status", "--as-of", "2026-06-30", "--json", *options)
        assert done.code == 0, done.err
        rows = json.loads(done.out)["indicators"]
        return next(row["comparator"] for row in rows if row["code"] == "VIEC_LAM")

    assert comparator() == ">="
    assert comparator("--plan-as-of", "2026-03-31") == "~"
    noted = ready("rank", "--as-of", "2026-06-30", "--plan-as-of", "2026-03-31")
    assert noted.err.startswith("Ghi chú: xét theo kế hoạch năm 2026 phiên bản 1, nạp lúc")
    early = ready("status", "--plan-as-of", "2026-01-01")
    assert early.code == 1
    assert early.err == (
        "Lỗi: ngày 01/01/2026 chưa có kế hoạch năm 2026 nào (--plan-as-of): phiên bản đầu "
        "tiên nạp ngày 02/01/2026\n"
    )


def test_the_canonical_number_is_the_decimal_text_whatever_holds_it() -> None:
    from decimal import Decimal

    values = (0.1, 107.0, None, 3, Decimal("107.000"), 1e-9, 123456789012345.6, -0.0)
    assert [audit.canonical_number(v) for v in values] == [
        "0.1",
        "107",
        None,
        "3",
        "107",
        "0.000000001",
        "123456789012345.6",
        "0",
    ]


def test_a_large_import_is_hashed_beside_the_months_and_verifies(recorded, db, tmp_path):
    """An import of more rows than ``chain._ASIDE_FROM`` is hashed in a thread while the
    months are brought up to date: the entry it adds is the one verify recomputes."""
    from thiduaCLI.storage import chain

    rows = 1_200
    assert rows >= chain._ASIDE_FROM  # (the thread's path, not the inline one)
    source = tmp_path / "big.csv"
    source.write_text(
        "unit,indicator,value,date\n" + "K04,VIEC_LAM,1,2026-05-31\n" * rows, encoding="utf-8"
    )
    done = recorded("import", str(source), "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["recorded"] == rows
    with sqlite3.connect(db) as connection:
        entries = connection.execute(
            "SELECT kind, first_id, last_id FROM audit_chain ORDER BY seq DESC"
        ).fetchall()
    assert entries[0] == ("figures", 7, 6 + rows)  # figures #7-#1206, one entry
    verified = recorded("verify", "--json")
    assert verified.code == 0, verified.err
    assert json.loads(verified.out)["ok"] is True


def test_a_hash_that_fails_in_its_thread_fails_the_write(tmp_path: Path) -> None:
    """What goes wrong while hashing aside is raised where the entry is added, and the
    entry is not added."""
    from sqlalchemy import create_engine, text

    from thiduaCLI.storage import chain

    def broken() -> str:
        raise ValueError("không băm được")

    engine = create_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE audit_chain (seq INTEGER PRIMARY KEY, kind TEXT, first_id INT,"
                " last_id INT, recorded_at TEXT, digest TEXT)"
            )
        )
        pending = chain.Hashing("figures", 1, chain._ASIDE_FROM, broken)
        with pytest.raises(ValueError, match="không băm được"):
            pending.append(connection, "2026-12-05 00:00:00.000000")
        assert connection.execute(text("SELECT count(*) FROM audit_chain")).scalar() == 0
    engine.dispose()
