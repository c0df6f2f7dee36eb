"""Time ``thidua``'s entry with and without ``gc.disable()`` and ``os._exit`` (issue 15).

Usage::

    python bench/run.py --keep /tmp/thidua-bench     # makes the big database once
    BENCH_DB=/tmp/thidua-bench/province.sqlite3 RUNS=7 python bench/entry_exit.py
    python bench/entry_exit.py --help                # any thidua arguments

Each variant runs in a child ``python -c``, alternating, after one untimed round; the medians
of wall time and of CPU time (user + system, from ``getrusage``) are printed. The result is
in the docstring of :func:`thiduaCLI.cli.launcher.entry`.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

PY = sys.executable
DB = os.environ.get("BENCH_DB", "/tmp/thidua-bench/province.sqlite3")
args = sys.argv[1:] or ["--db", DB, "rank", "--as-of", "2026-12-31"]
ARGV = repr(["thidua", *args])
SET = f"import sys, gc; sys.argv = {ARGV}; "
ENTRY = "from thiduaCLI.cli.launcher import entry; entry()"
MAIN = "from thiduaCLI.cli.launcher import main; main()"
variants = {
    "entry (gc off, os._exit)": SET + ENTRY,
    "gc on, os._exit": SET + "gc.disable = lambda: None; " + ENTRY,
    "gc off, normal exit": SET + "gc.disable(); " + MAIN,
    "gc on, normal exit": SET + MAIN,
}
env = {k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")} | {
    "NO_COLOR": "1",
    "COLUMNS": "120",
}
runs = int(os.environ.get("RUNS", "5"))
results = {name: ([], []) for name in variants}
for round_ in range(runs + 1):
    for name, code in variants.items():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [PY, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert done.returncode == 0, done.stderr
        if round_:  # the first round warms the caches
            results[name][0].append(wall)
            results[name][1].append(
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            )
print("thidua", " ".join(args))
for name, (walls, cpus) in results.items():
    print(f"  {name:26} wall {statistics.median(walls):.3f} s  cpu {statistics.median(cpus):.3f} s")
