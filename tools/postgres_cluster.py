"""Start or stop a throw-away PostgreSQL cluster for the tests (``.ci/run`` calls it).

The work is done by ``tests/postgres_server.py``, the module the tests use: one
implementation. Only the standard library is needed, so any Python 3.11 runs it.

Usage::

    python tools/postgres_cluster.py bindir          # the server binaries' folder; exit 1: none
    python tools/postgres_cluster.py start FOLDER    # prints the admin URL (THIDUA_TEST_POSTGRES)
    python tools/postgres_cluster.py stop FOLDER     # stops the one started in FOLDER, if any
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from postgres_server import STATE, Cluster, ClusterError, find_bindir


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; 0 on success, 1 with a message on stderr otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("bindir", help="print the server binaries' folder (exit 1: none)")
    for name, text in (("start", "start a cluster in FOLDER"), ("stop", "stop it")):
        commands.add_parser(name, help=text).add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "bindir":
            bindir = find_bindir()
            if bindir is None:
                print("no PostgreSQL server binaries on this machine", file=sys.stderr)
                return 1
            print(bindir)
        elif args.command == "start":
            print(Cluster.start(args.folder).url())
        elif (args.folder / STATE).exists():
            Cluster.load(args.folder).stop()
        else:  # the start failed before initdb: nothing runs
            print(f"no cluster in {args.folder}: nothing to stop", file=sys.stderr)
    except (ClusterError, OSError, ValueError) as error:
        print(f"postgres_cluster {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
