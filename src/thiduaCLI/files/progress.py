"""How long work tells whoever asked how far it has gone: the library's progress callback.

An import, an export, a backup or a batch of forms takes a ``progress`` argument: a function
called now and then with the stage (:data:`STAGES`), the work done so far and the whole of it
(None while unknown). The command line draws a Rich progress bar from it on a terminal
(:mod:`thiduaCLI.cli.progress`); a library caller may log it, or pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[str, int, "int | None"], None]

# stage -> what is counted: rows read and checked, figures written, rows of an export,
# database pages of a backup, forms written, form files read, files of the papers written,
# the papers' charts drawn
STAGES = ("read", "write", "export", "backup", "forms", "files", "papers", "charts")
STEP = 5_000  # items between two reports: a report costs a call, never per row

T = TypeVar("T")


def counted(
    items: Iterable[T],
    stage: str,
    progress: Progress | None,
    total: Callable[[], int | None] | int | None = None,
    step: int = STEP,
) -> Iterator[T]:
    """``items`` unchanged, reporting every ``step`` of them and at the end (``total``: the
    whole, or a function that tells it once known)."""
    if progress is None:
        yield from items
        return

    def whole() -> int | None:
        return total() if callable(total) else total

    done = 0
    progress(stage, 0, whole())
    for item in items:
        yield item
        done += 1
        if done % step == 0:
            progress(stage, done, whole())
    progress(stage, done, done)
