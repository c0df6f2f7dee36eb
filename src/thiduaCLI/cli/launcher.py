"""The ``thidua`` command's entry point: :func:`thiduaCLI.cli.app.main`, then out.

The language, the number convention and the NFC form of what was typed are settled by
:func:`~thiduaCLI.cli.app.main` for each invocation; this module only ends the process.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn


def main() -> None:
    """Run ``thidua`` with the arguments and environment of this process."""
    from thiduaCLI.cli.app import main as run

    run()


def entry() -> NoReturn:
    """The ``thidua`` program: :func:`main`, without the cyclic garbage collector, then out
    at once.

    A ranking makes a hundred thousand objects that live to the end; the collector would walk
    them again and again to free next to nothing in a process that lasts a second, and an
    interpreter on its way out frees them one by one. By the time :func:`main` returns or
    exits, every file and the database are closed; only the output is flushed here.

    Measured with ``bench/entry_exit.py`` (issue 15): ``thidua rank --as-of 2026-12-31`` on
    the benchmark's database of 3,000 units and 1,000,000 figures, ``NO_COLOR=1
    COLUMNS=120``, stdout to /dev/null, medians of 7 runs on 2 cores shared at a load of 4::

        entry                        CPU (user+sys)   wall
        gc off, os._exit (this one)      1.41 s      2.10 s
        gc on,  os._exit                 1.84 s      2.62 s
        gc off, normal exit              1.52 s      2.32 s
        gc on,  normal exit              1.73 s      2.56 s

    The collector costs a ranking about 0.4 s of CPU and leaving through the interpreter's
    teardown about 0.1 s more; ``thidua --help`` is the same either way (0.07-0.09 s CPU,
    0.11-0.13 s wall). Both are kept for the commands that read a large database.
    """
    gc.disable()  # one command, then out: see the docstring
    try:
        main()
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            code = code or 1
    os._exit(code)


def _exit_code(code: object) -> int:
    """The status :class:`SystemExit` would end the process with."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
