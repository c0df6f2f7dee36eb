"""Ways back (issue 16): backup into a folder, report --dry-run, retract --import, plan dump,
and the honest shortcuts for shares."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from helpers import assert_refused, dump
from thiduaCLI.ledger import backup_target

# ------------------------------------------------------------------------ backup DIR/


def test_backup_into_an_existing_folder_writes_a_dated_file(ready, db: Path, tmp_path: Path):
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    done = ready("backup", str(folder))
    assert done.code == 0, done.err
    (made,) = folder.iterdir()
    assert made.name.startswith("thidua-") and made.name.endswith(".sqlite3")
    assert made.read_bytes()[:16] == b"SQLite format 3\x00"
    assert str(made) in done.out
    again = ready("backup", f"{folder}/")  # a second in the same second is not overwritten
    assert again.code == 0, again.err
    assert len(list(folder.iterdir())) == 2


def test_a_folder_name_with_a_final_slash_that_does_not_exist_is_refused(
    ready, db: Path, tmp_path: Path
):
    before = dump(db)
    done = ready("backup", f"{tmp_path}/khong-co/")
    assert done.code == 1
    assert done.err.startswith(f"Lỗi: {tmp_path}/khong-co/thidua-")
    assert done.err.endswith(f": thư mục {tmp_path}/khong-co không tồn tại\n")
    assert not (tmp_path / "khong-co").exists()
    assert dump(db) == before


def test_the_dated_name_is_vietnam_time_and_never_taken(tmp_path: Path):
    moment = datetime(2026, 11, 25, 20, 30, 5, tzinfo=UTC)  # 03:30:05 on the 26th in Vietnam
    first = backup_target(tmp_path, moment)
    assert first == tmp_path / "thidua-2026-11-26-033005.sqlite3"
    first.write_bytes(b"")
    second = backup_target(f"{tmp_path}{os.sep}", moment)
    assert second == tmp_path / "thidua-2026-11-26-033005-2.sqlite3"
    assert backup_target(tmp_path / "x.sqlite3", moment) == tmp_path / "x.sqlite3"


def test_backup_to_an_existing_file_is_still_refused(ready, db: Path, tmp_path: Path):
    target = tmp_path / "b.sqlite3"
    target.write_bytes(b"cu")
    before = dump(db)
    assert_refused(
        ready("backup", str(target)),
        f"{target}: tệp đã có, chọn tên khác để không ghi đè",
        db,
        before,
    )
    assert target.read_bytes() == b"cu"


# ------------------------------------------------------------------------ report --dry-run


def _untouched(db: Path) -> tuple[bytes, int, list[str]]:
    return db.read_bytes(), db.stat().st_mtime_ns, dump(db)


def test_report_dry_run_shows_the_figure_and_writes_nothing(ready, db: Path):
    assert ready("report", "K03", "VIEC_LAM", "20", "--date", "2026-03-31").code == 0
    before = _untouched(db)
    tried = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--dry-run")
    assert tried.code == 0, tried.err
    assert tried.out.startswith(
        "Chạy thử (--dry-run), chưa ghi gì: sẽ ghi #2: Khóm 3 – Giải quyết việc làm: 5 lao động,"
    )
    assert "Lũy kế 25 lao động" in tried.out
    assert _untouched(db) == before
    as_json = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--dry-run", "--json")
    real = ready("report", "K03", "VIEC_LAM", "5", "--date", "2026-04-30", "--json")
    import json

    tried_data, real_data = json.loads(as_json.out), json.loads(real.out)
    assert tried_data.pop("dry_run") is True and real_data.pop("dry_run") is False
    for moment in ("recorded_at", "filed_at"):
        tried_data.pop(moment, None), real_data.pop(moment, None)
    assert tried_data == real_data


def test_report_dry_run_checks_as_a_real_report_does(ready, db: Path):
    assert ready("report", "K03", "VIEC_LAM", "20", "--date", "2026-03-31", "--key", "k1").code == 0
    before = dump(db)
    assert_refused(
        ready(
            "report", "K03", "VIEC_LAM", "21", "--date", "2026-03-31", "--key", "k1", "--dry-run"
        ),
        "khóa 'k1' đã dùng cho số liệu #1 khác (K03 VIEC_LAM 20 ngày 31/03/2026); dùng khóa khác",
        db,
        before,
    )
    assert_refused(
        ready("report", "K03", "VIEC_LAM", "5", "--date", "2025-12-31", "--dry-run"),
        ready("report", "K03", "VIEC_LAM", "5", "--date", "2025-12-31").err[len("Lỗi: ") : -1],
        db,
        before,
    )


def test_report_dry_run_on_a_missing_database_creates_nothing(thidua, db: Path):
    done = thidua("report", "K03", "VIEC_LAM", "5", "--dry-run")
    assert done.code == 1
    assert not db.exists()


def test_the_library_dry_run_writes_nothing(ready, db: Path):
    from datetime import date
    from decimal import Decimal

    from thiduaCLI import open_ledger

    before = _untouched(db)
    with open_ledger(db) as ledger:
        tried = ledger.record("K03", "VIEC_LAM", Decimal(7), on=date(2026, 3, 31), dry_run=True)
    assert tried.dry_run and tried.value == 7 and tried.year_to_date == 7
    assert _untouched(db) == before
