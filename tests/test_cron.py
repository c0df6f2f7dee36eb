"""The crontab in docs/cron.md, run line by line as cron would (with a stand-in ``mail``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import figure_count

CRON_PAGE = Path(__file__).resolve().parents[1] / "docs" / "cron.md"


def _crontab() -> tuple[dict[str, str], list[str]]:
    """The documented crontab: its environment lines and the commands of its schedule lines."""
    text = CRON_PAGE.read_text(encoding="utf-8")
    block = re.search(r"<!-- crontab -->\n```crontab\n(.*?)```", text, re.S)
    assert block, "docs/cron.md has a crontab block"
    environment, commands = {}, []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, _, value = line.partition("=")
            environment[name] = value
        else:
            command = line.split(None, 5)[5]  # after minute hour day month weekday
            commands.append(command.replace("\\%", "%"))  # cron turns \% into %
    return environment, commands


@pytest.mark.process
def test_the_readme_crontab_runs_as_written(ready, db: Path, tmp_path: Path) -> None:
    environment, commands = _crontab()
    assert set(environment) == {"THIDUA_DB", "PATH"}
    assert len(commands) == 4
    ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31")
    stand_in = tmp_path / "bin"
    stand_in.mkdir()
    mailbox = tmp_path / "mailbox"
    mail = stand_in / "mail"
    mail.write_text(f'#!/bin/sh\n{{ echo "ARGS: $*"; cat; echo "--"; }} >> "{mailbox}"\n')
    mail.chmod(0o755)
    backups = tmp_path / "backup"
    backups.mkdir()
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")}
    run_env["THIDUA_DB"] = str(db)  # the crontab's THIDUA_DB, pointed at the test database
    run_env["PATH"] = f"{stand_in}:{Path(sys.executable).parent}:/usr/bin:/bin"
    for command in commands:
        command = command.replace("/srv/thidua/backup", str(backups))
        done = subprocess.run(
            ["/bin/sh", "-c", command], env=run_env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (command, done.stderr)
        assert done.stderr == "", (command, done.stderr)  # cron would mail anything printed
    mails = mailbox.read_text(encoding="utf-8").split("--\n")
    status_mail, overdue_mail = mails[0], mails[1]
    # plain text for people: Vietnamese headings, a block of lines an indicator or a unit
    assert status_mail.startswith(
        "ARGS: -s Tiến độ thi đua thidua@mythoi.example\nPhong trào thi đua năm 2026"
    )
    assert "Chỉ tiêu: VIEC_LAM\n  Giải quyết việc làm\n" in status_mail
    assert overdue_mail.startswith("ARGS: -s Đơn vị chưa báo cáo thidua@mythoi.example\n")
    assert "Thiếu báo cáo kỳ vừa qua: " in overdue_mail
    assert "Mã: VP_UBND\n" in overdue_mail  # nothing for last month
    made = list(backups.glob("thidua-*.sqlite3"))
    assert len(made) == 1 and re.fullmatch(r"thidua-\d{4}-\d\d-\d\d\.sqlite3", made[0].name)
    assert figure_count(made[0]) == 1
    assert mails[2:] == [""]  # nothing from verify: the database is intact
