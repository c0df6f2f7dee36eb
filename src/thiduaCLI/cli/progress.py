"""A Rich progress bar on the terminal for long work: rows done, the whole, time left.

Shown on stderr only when a person watches: stderr is a terminal (not a pipe, not cron's
mail), ``--quiet`` was not given, and ``THIDUA_PROGRESS`` is not ``never``;
``THIDUA_PROGRESS=always`` shows it even into a pipe. It disappears when the work is done,
so that what stays on the screen is the command's answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from thiduaCLI.files.progress import Progress
from thiduaCLI.text.i18n import N_, _

SETTING = "THIDUA_PROGRESS"
LABELS = {
    "read": N_("Đọc và kiểm tra (dòng)"),
    "write": N_("Ghi số liệu"),
    "export": N_("Ghi tệp xuất (dòng)"),
    "backup": N_("Sao lưu (trang)"),
    "forms": N_("Lập biểu mẫu"),
    "files": N_("Đọc biểu mẫu"),
    "papers": N_("Lập văn bản (tệp)"),
    "charts": N_("Vẽ biểu đồ"),
}


def wanted(quiet: bool) -> bool:
    """Whether a person is watching: see the module's docstring."""
    setting = os.environ.get(SETTING, "").strip().lower()
    if quiet or setting == "never":
        return False
    if setting == "always":
        return True
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Progress | None]:
    """A progress callback drawing a bar a stage while the block runs, or None when nobody
    watches (the library then reports nothing at all)."""
    if not wanted(quiet):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bars

    bars = Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(
            stderr=True,
            force_terminal=True
            if os.environ.get(SETTING, "").strip().lower() == "always"
            else None,
            color_system=None if os.environ.get("NO_COLOR") else "auto",
        ),
        transient=True,
        redirect_stdout=False,  # the answer goes to stdout as it is, never through the bar
        redirect_stderr=False,
    )
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        task = tasks.get(stage)
        if task is None:
            task = tasks[stage] = bars.add_task(_(LABELS.get(stage, stage)), total=total)
        options: dict[str, Any] = {"completed": done}
        if total is not None:
            options["total"] = max(total, done)
        bars.update(task, **options)

    with bars:
        yield update
